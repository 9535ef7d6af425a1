package deploy_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/deploy"
	"github.com/policysite/policysite/generator/deploy/deploytest"
)

func sftpOptions(s *deploytest.SSHD) deploy.SFTPOptions {
	return deploy.SFTPOptions{Host: s.Host, Port: s.Port, User: s.User, Path: s.Root, KnownHosts: s.KnownHosts, IdentityFile: s.IdentityFile}
}

func TestSFTP(t *testing.T) {
	s := deploytest.StartSSHD(t)
	// A file the host put there, which the site never had: left alone.
	os.WriteFile(filepath.Join(s.Root, ".htaccess"), []byte("AddDefaultCharset utf-8\n"), 0o644)
	var open []*deploy.SFTPTarget
	t.Cleanup(func() {
		for _, tg := range open {
			tg.Close()
		}
	})
	dial := func() deploy.Target {
		tg, err := deploy.DialSFTP(context.Background(), sftpOptions(s))
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, tg)
		return tg
	}
	// The manifest must be the last thing each deploy writes.
	seen := 0
	ops := func() []string {
		all := s.Ops()
		var out []string
		for _, op := range all {
			if op != "put "+deploy.ManifestFile {
				out = append(out, op)
			}
		}
		if n := len(all); n > seen && all[n-1] != "put "+deploy.ManifestFile {
			t.Errorf("a deploy's last operation is %q, not the manifest", all[n-1])
		}
		seen = len(all)
		return out
	}
	holds := func() []string {
		var out []string
		filepath.WalkDir(s.Root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(s.Root, p)
			if rel != deploy.ManifestFile && rel != ".htaccess" {
				out = append(out, filepath.ToSlash(rel))
			}
			if strings.Contains(rel, ".tmp") {
				t.Errorf("a temporary file is left: %s", rel)
			}
			return nil
		})
		slices.Sort(out)
		return out
	}
	exercise(t, dial, ops, holds)

	if _, err := os.Stat(filepath.Join(s.Root, "uniform")); !os.IsNotExist(err) {
		t.Errorf("the withdrawn policy's folder is left: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(s.Root, ".htaccess")); err != nil || string(b) != "AddDefaultCharset utf-8\n" {
		t.Errorf(".htaccess: %q, %v", b, err)
	}
	var m struct {
		Version int
		Files   map[string]string
	}
	b, _ := os.ReadFile(filepath.Join(s.Root, deploy.ManifestFile))
	if err := json.Unmarshal(b, &m); err != nil || m.Version != 1 || len(m.Files) != len(builtSite)-2 {
		t.Errorf("manifest (%v): %s", err, b)
	}
	if fi, err := os.Stat(filepath.Join(s.Root, "attendance", "index.html")); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("a page's mode: %v %v", fi.Mode(), err)
	}
}

func TestSFTPHostKey(t *testing.T) {
	s := deploytest.StartSSHD(t)
	dir := t.TempDir()
	tests := []struct {
		name, knownHosts, want string
	}{
		{"another key for the host", s.KnownHostsLine(deploytest.NewKey(t)), "HOST KEY MISMATCH: it sent a ssh-ed25519 key with the fingerprint "},
		{"host not on file", "[web.larkfield.example]:22 " + strings.TrimSpace(s.KnownHostsLine(s.HostKey)[strings.Index(s.KnownHostsLine(s.HostKey), " ")+1:]) + "\n", "is not in "},
		{"empty known_hosts", "", "refusing to connect. Its key has the fingerprint SHA256:"},
		{"revoked", s.KnownHostsLine(s.HostKey) + "@revoked " + s.KnownHostsLine(s.HostKey), "is revoked in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := sftpOptions(s)
			o.KnownHosts = filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-"))
			os.WriteFile(o.KnownHosts, []byte(tt.knownHosts), 0o644)
			tg, err := deploy.DialSFTP(context.Background(), o)
			if err == nil {
				tg.Close()
				t.Fatal("connected")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want %q", err, tt.want)
			}
			if got := s.Ops(); len(got) != 0 {
				t.Errorf("the server did %v", got)
			}
		})
	}
	// The right key: the host has an ECDSA key too, which Go's ssh would
	// ask for first, but known_hosts holds only its ed25519 key.
	tg, err := deploy.DialSFTP(context.Background(), sftpOptions(s))
	if err != nil {
		t.Fatal(err)
	}
	tg.Close()
	o := sftpOptions(s)
	o.KnownHosts = filepath.Join(dir, "missing")
	if _, err := deploy.DialSFTP(context.Background(), o); err == nil || !strings.Contains(err.Error(), "known_hosts:") {
		t.Errorf("missing known_hosts file: %v", err)
	}
}

func TestSFTPLogin(t *testing.T) {
	s := deploytest.StartSSHD(t)
	o := sftpOptions(s)
	o.IdentityFile = ""
	o.Password = "not-allowed"
	o.AgentSocket = ""
	t.Setenv("HOME", t.TempDir())
	if _, err := deploy.DialSFTP(context.Background(), o); err == nil || !strings.Contains(err.Error(), "logging in to 127.0.0.1:") {
		t.Errorf("password on a keys-only server: %v", err)
	}
	o = sftpOptions(s)
	o.IdentityFile = filepath.Join(t.TempDir(), "nokey")
	if _, err := deploy.DialSFTP(context.Background(), o); err == nil || !strings.Contains(err.Error(), "identity file") {
		t.Errorf("missing key file: %v", err)
	}
	o = sftpOptions(s)
	o.Path = filepath.Join(s.Root, "not-made")
	tg, err := deploy.DialSFTP(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	if _, err := tg.List(context.Background()); err == nil || !strings.Contains(err.Error(), "create it, or fix path:") {
		t.Errorf("missing folder: %v", err)
	}
}

func TestSFTPManifestPaths(t *testing.T) {
	s := deploytest.StartSSHD(t)
	os.WriteFile(filepath.Join(s.Root, deploy.ManifestFile), []byte(`{"version":1,"files":{"../../etc/passwd":"00"}}`), 0o644)
	tg, err := deploy.DialSFTP(context.Background(), sftpOptions(s))
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	if _, err := tg.List(context.Background()); err == nil || !strings.Contains(err.Error(), `lists "../../etc/passwd", which is not a path inside the site's folder`) {
		t.Errorf("manifest escaping the folder: %v", err)
	}
}
