package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/deploy"
	"github.com/policysite/policysite/generator/deploy/deploytest"
	"github.com/policysite/policysite/generator/publish"
)

// Policies of the fictional Larkfield Learning Trust, for deploying.
var trustPolicies = map[string]string{
	"attendance.md":   "Attendance policy",
	"uniform.md":      "Uniform policy",
	"school-trips.md": "School trips and visits policy",
}

// builtSite writes a site whose site.yaml ends with deployYAML, builds
// it with the binary, and returns its folder and the number of files a
// deploy sends: those built, less the build's list of them.
func builtSite(t *testing.T, deployYAML string) (string, int) {
	t.Helper()
	dir := site(t, trustPolicies)
	if err := os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: Larkfield Learning Trust policies\n"+deployYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, build(t, dir)
}

func build(t *testing.T, dir string) int {
	t.Helper()
	if _, stderr, code := runBin(t, dir, "build", "--now", "2026-03-02", "--quiet"); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	n := 0
	filepath.WalkDir(filepath.Join(dir, "public"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() != publish.Marker {
			n++
		}
		return err
	})
	return n
}

// TestDeploySFTP publishes through the built binary to a real sshd.
func TestDeploySFTP(t *testing.T) {
	s := deploytest.StartSSHD(t)
	dir, n := builtSite(t, fmt.Sprintf("deploy:\n  sftp:\n    host: %s\n    port: %d\n    user: %s\n    path: %s\n    known_hosts: keys/known_hosts\n    identity_file: %s\n",
		s.Host, s.Port, s.User, s.Root, s.IdentityFile))
	os.MkdirAll(filepath.Join(dir, "keys"), 0o755)
	kh, _ := os.ReadFile(s.KnownHosts)
	os.WriteFile(filepath.Join(dir, "keys", "known_hosts"), kh, 0o644)
	t.Setenv("SSH_AUTH_SOCK", "")
	target := fmt.Sprintf("sftp://%s@127.0.0.1:%d%s", s.User, s.Port, s.Root)

	// A dry run lists every file, and changes nothing.
	stdout, stderr, code := runBin(t, dir, "deploy", "--dry-run")
	if code != 0 || !strings.Contains(stdout, "would upload assets/") || !strings.HasSuffix(stdout, fmt.Sprintf("dry run: would upload %d, remove 0, unchanged 0 -> %s\n", n, target)) {
		t.Fatalf("dry run: exit %d\n%s%s", code, stdout, stderr)
	}
	if i := strings.Index(stdout, "would upload index.html"); i < strings.Index(stdout, "would upload attendance/index.html") || strings.Index(stdout, "would upload attendance/index.html") < strings.LastIndex(stdout, "would upload assets/") {
		t.Errorf("dry run order:\n%s", stdout)
	}
	if ops := s.Ops(); len(ops) != 0 {
		t.Errorf("a dry run changed the server: %v", ops)
	}
	if entries, _ := os.ReadDir(s.Root); len(entries) != 0 {
		t.Errorf("a dry run left %d files", len(entries))
	}

	stdout, stderr, code = runBin(t, dir, "deploy")
	if want := fmt.Sprintf("uploaded %d, removed 0, unchanged 0 -> %s\n", n, target); code != 0 || stdout != want {
		t.Fatalf("deploy: exit %d, stdout %q, want %q\n%s", code, stdout, want, stderr)
	}
	if b, err := os.ReadFile(filepath.Join(s.Root, "uniform", "index.html")); err != nil || !bytes.Contains(b, []byte("Uniform policy")) {
		t.Errorf("uniform page on the server: %v", err)
	}
	stdout, _, code = runBin(t, dir, "deploy")
	if want := fmt.Sprintf("uploaded 0, removed 0, unchanged %d -> %s\n", n, target); code != 0 || stdout != want {
		t.Errorf("deploy again: exit %d, %q, want %q", code, stdout, want)
	}

	// Two policies are withdrawn: their pages go (each of one version
	// and no reviews, so with no history page).
	os.Remove(filepath.Join(dir, "content", "uniform.md"))
	os.Remove(filepath.Join(dir, "content", "school-trips.md"))
	m := build(t, dir)
	stdout, stderr, code = runBin(t, dir, "deploy", "--max-deletes", "1")
	if code != 1 || stdout != "" || !strings.Contains(stderr, "would remove 2 files from the target, more than the limit of 1; nothing was changed") || !strings.Contains(stderr, "--max-deletes 2") {
		t.Errorf("max-deletes: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(s.Root, "uniform", "index.html")); err != nil {
		t.Errorf("a refused deploy removed the page: %v", err)
	}
	before := len(s.Ops())
	stdout, stderr, code = runBin(t, dir, "deploy", "--max-deletes", "2", "--verbose")
	uploads := strings.Count(stdout, "uploaded ") - 1 // each file's line, and the summary's
	if code != 0 || !strings.HasSuffix(stdout, fmt.Sprintf("uploaded %d, removed 2, unchanged %d -> %s\n", uploads, m-uploads, target)) ||
		!strings.Contains(stdout, "removed uniform/index.html\n") || !strings.Contains(stdout, "uploaded index.html (changed)\n") {
		t.Errorf("deploy with removals: exit %d\n%s%s", code, stdout, stderr)
	}
	ops := s.Ops()[before:]
	// Removals run in parallel, after every upload and before the manifest.
	if n := len(ops); n < 4 || ops[n-1] != "put "+deploy.ManifestFile ||
		!slices.Equal(slices.Sorted(slices.Values(ops[n-3:n-1])), []string{"remove school-trips/index.html", "remove uniform/index.html"}) {
		t.Errorf("server did, in order: %v", ops)
	}
	if _, err := os.Stat(filepath.Join(s.Root, "uniform")); !os.IsNotExist(err) {
		t.Errorf("withdrawn policy's folder: %v", err)
	}

	// The same through --target and JSON, with a host key that is wrong.
	os.WriteFile(filepath.Join(dir, "keys", "known_hosts"), []byte(s.KnownHostsLine(deploytest.NewKey(t))), 0o644)
	_, stderr, code = runBin(t, dir, "deploy", "--target", target+"?known_hosts=keys/known_hosts&identity_file="+s.IdentityFile, "--dry-run")
	if code != 1 || !strings.Contains(stderr, "HOST KEY MISMATCH") {
		t.Errorf("wrong host key: exit %d\n%s", code, stderr)
	}
}

// TestDeployS3 publishes through the built binary to an S3 server.
func TestDeployS3(t *testing.T) {
	s := deploytest.StartS3(t)
	dir, n := builtSite(t, fmt.Sprintf("deploy:\n  s3:\n    bucket: %s\n    endpoint: %s\n    prefix: trust/\n", s.Bucket, s.URL))
	for k, v := range s.Env() {
		t.Setenv(k, v)
	}
	stdout, stderr, code := runBin(t, dir, "deploy", "--dry-run", "--format", "json")
	if code != 0 || !strings.Contains(stdout, `"dry_run": true`) || !strings.Contains(stdout, `"path": "assets/`) || len(s.Requests()) != 0 {
		t.Fatalf("dry run: exit %d, %d writes\n%s%s", code, len(s.Requests()), stdout, stderr)
	}
	stdout, stderr, code = runBin(t, dir, "deploy", "--format", "json")
	if code != 0 {
		t.Fatalf("deploy: exit %d\n%s%s", code, stdout, stderr)
	}
	var rep struct {
		Target  string
		DryRun  bool `json:"dry_run"`
		Uploads []struct{ Path, Reason string }
		Summary struct{ Uploaded, Removed, Unchanged int }
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if rep.Target != "s3://policies/trust at "+s.URL || rep.DryRun || len(rep.Uploads) != n || rep.Summary.Uploaded != n || rep.Uploads[0].Reason != "new" {
		t.Errorf("report: %+v", rep)
	}
	for _, r := range s.Requests() {
		want := "public, max-age=300"
		if strings.HasPrefix(r.Key, "trust/assets/") {
			want = "public, max-age=31536000, immutable"
		}
		if r.CacheControl != want || (strings.HasSuffix(r.Key, ".html") && r.ContentType != "text/html; charset=utf-8") {
			t.Errorf("%s: Cache-Control %q, Content-Type %q", r.Key, r.CacheControl, r.ContentType)
		}
	}
	os.WriteFile(filepath.Join(dir, "content", "uniform.md"), []byte(strings.Replace(fmt.Sprintf(policy, "Uniform policy"), "Text.", "Navy or grey jumpers.", 1)), 0o644)
	build(t, dir)
	stdout, stderr, code = runBin(t, dir, "deploy")
	// The page, and policies.json with the version's SHA-256 (a policy of one
	// version has no history page).
	if want := fmt.Sprintf("uploaded 2, removed 0, unchanged %d -> s3://policies/trust at %s\n", n-2, s.URL); code != 0 || stdout != want {
		t.Errorf("second deploy: exit %d %q, want %q\n%s", code, stdout, want, stderr)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDSOMEONEELSE")
	if _, stderr, code = runBin(t, dir, "deploy"); code != 1 || !strings.Contains(stderr, "check AWS_ACCESS_KEY_ID") {
		t.Errorf("wrong key: exit %d\n%s", code, stderr)
	}
}

func TestDeployErrors(t *testing.T) {
	dir := site(t, trustPolicies)
	secrets := "deploy:\n  sftp:\n    host: web.larkfield.example\n    user: policies\n    path: /var/www/policies\n    password: Larkf1eld!\n"
	os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: Larkfield\n"+secrets), 0o644)
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"deploy"}, 1, "site.yaml:7:15: error: deploy.sftp.password: passwords and keys do not belong in site.yaml"},
		{[]string{"deploy", "--format", "xml"}, 2, `--format: "xml" is not one of text, json`},
		{[]string{"deploy", "--target", "ftp://u@h/x"}, 2, `is not an s3:// or sftp:// URL`},
		{[]string{"deploy", "extra"}, 2, "takes no arguments"},
	}
	for _, tt := range tests {
		var o, e bytes.Buffer
		if code := run(append(tt.args, "--source", dir), &o, &e); code != tt.code || !strings.Contains(e.String(), tt.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d with %q", tt.args, code, e.String(), tt.code, tt.msg)
		}
	}
	os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: Larkfield\ndeploy:\n  s3:\n    bucket: b\n    secret_access_key: abc\n"), 0o644)
	var o, e bytes.Buffer
	if code := run([]string{"deploy", "--source", dir}, &o, &e); code != 1 || !strings.HasPrefix(e.String(), "site.yaml:5:24: error: deploy.s3.secret_access_key: credentials do not belong in site.yaml") {
		t.Errorf("S3 secret: exit %d %q", code, e.String())
	}
	os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: Larkfield\n"), 0o644)
	for _, tt := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"deploy"}, 2, "no deploy target: add deploy: to site.yaml"},
		{[]string{"deploy", "--target", "s3://b", "--max-deletes", "-1"}, 2, "--max-deletes: must not be negative"},
		{[]string{"deploy", "--target", "s3://b"}, 1, "public does not exist: run policysite build first"},
	} {
		var o, e bytes.Buffer
		if code := run(append(tt.args, "--source", dir), &o, &e); code != tt.code || !strings.Contains(e.String(), tt.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d with %q", tt.args, code, e.String(), tt.code, tt.msg)
		}
	}
}
