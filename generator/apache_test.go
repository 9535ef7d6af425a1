package generator

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/internal/testtools"
)

// The .htaccess a build writes for host: apache, served by a real Apache
// with its own minimal configuration: every page is sent the headers of
// _headers, assets are cached for ever, and a missing page is 404.html
// with status 404.
func TestHtaccessServedByApache(t *testing.T) {
	bin, modules := testtools.Apache(t)
	// Apache drops root for an unprivileged user, who must read the site.
	root, err := os.MkdirTemp("", "apache-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	src := filepath.Join(root, "site")
	files := map[string]string{
		"site.yaml":    "title: Test\nhost: apache\nscripts: []\nrequests:\n  relay_url: https://relay.example.org/requests\n",
		"content/a.md": "---\ntitle: A\nversion: \"1\"\neffective: 2026-01-01\nnext_review: 2027-01-01\nowner: X\n---\nText.\n",
	}
	for name, body := range files {
		p := filepath.Join(src, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(body), 0o644)
	}
	docroot := filepath.Join(root, "public")
	res, err := buildTo(docroot, Options{Source: os.DirFS(src), Now: date.New(2026, 6, 1)})
	if err != nil {
		t.Fatalf("build: %v %v", err, res)
	}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if d.IsDir() {
			return os.Chmod(p, 0o755)
		}
		return os.Chmod(p, 0o644)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	run := filepath.Join(root, "run")
	os.Mkdir(run, 0o755)
	conf := filepath.Join(run, "httpd.conf")
	var c strings.Builder
	for _, m := range []string{"mpm_event", "authz_core", "dir", "mime", "headers"} {
		fmt.Fprintf(&c, "LoadModule %s_module %s/mod_%s.so\n", m, modules, m)
	}
	fmt.Fprintf(&c, `ServerName 127.0.0.1
Listen %s
DefaultRuntimeDir %s
PidFile %s/httpd.pid
ErrorLog %s/error.log
Mutex file:%s default
User nobody
Group nogroup
TypesConfig /etc/mime.types
DocumentRoot %s
<Directory />
  AllowOverride None
  Require all denied
</Directory>
<Directory %s>
  AllowOverride All
  Require all granted
</Directory>
`, addr, run, run, run, run, docroot, docroot)
	os.WriteFile(conf, []byte(c.String()), 0o644)
	cmd := exec.Command(bin, "-X", "-f", conf)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	get := func(path string) (*http.Response, []byte) {
		t.Helper()
		var resp *http.Response
		var err error
		for i := 0; i < 100; i++ {
			if resp, err = http.Get("http://" + addr + path); err == nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if err != nil {
			log, _ := os.ReadFile(filepath.Join(run, "error.log"))
			t.Fatalf("GET %s: %v\n%s\n%s", path, err, out.String(), log)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	headers, _ := os.ReadFile(filepath.Join(docroot, "_headers"))
	want := map[string]string{}
	for _, line := range strings.Split(string(headers), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ": "); ok && strings.HasPrefix(line, "  ") {
			want[k] = v
		}
	}
	resp, _ := get("/a/")
	if resp.StatusCode != 200 {
		log, _ := os.ReadFile(filepath.Join(run, "error.log"))
		t.Fatalf("GET /a/: %s\n%s", resp.Status, log)
	}
	for k, v := range want {
		if k == "Cache-Control" {
			if got := resp.Header.Get(k); got == v {
				t.Errorf("a page is sent the assets' %s: %q", k, got)
			}
			continue
		}
		if got := resp.Header.Get(k); got != v {
			t.Errorf("GET /a/: %s %q, want %q (from _headers)", k, got, v)
		}
	}
	if !strings.Contains(want["Content-Security-Policy"], "form-action 'self' https://relay.example.org") {
		t.Errorf("the CSP does not allow the relay: %q", want["Content-Security-Policy"])
	}
	var asset string
	filepath.WalkDir(filepath.Join(docroot, "assets"), func(p string, d fs.DirEntry, err error) error {
		if asset == "" && strings.HasSuffix(p, ".css") {
			asset = "/assets/" + filepath.Base(p)
		}
		return nil
	})
	if resp, _ := get(asset); resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != want["Cache-Control"] || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("GET %s: %s, Cache-Control %q, want %q", asset, resp.Status, resp.Header.Get("Cache-Control"), want["Cache-Control"])
	}
	notFound, _ := os.ReadFile(filepath.Join(docroot, "404.html"))
	resp, body := get("/no-such-policy/")
	if resp.StatusCode != 404 || !bytes.Equal(body, notFound) || resp.Header.Get("Content-Security-Policy") != want["Content-Security-Policy"] {
		t.Errorf("GET /no-such-policy/: %s, CSP %q, the 404 page: %v", resp.Status, resp.Header.Get("Content-Security-Policy"), bytes.Equal(body, notFound))
	}
}
