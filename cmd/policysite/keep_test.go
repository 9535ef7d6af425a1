package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A site published to GitHub Pages from a branch keeps a git checkout of
// that branch in public/, with a CNAME and files of the user's own: a
// build replaces what builds wrote, a removed policy's page goes, and the
// checkout, its history and the user's files stay.
func TestBuildKeepsGitCheckout(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed: apt-get install git")
	}
	dir := site(t, map[string]string{"a.md": "Attendance", "b.md": "Behaviour"})
	pub := filepath.Join(dir, "public")
	build := func() {
		t.Helper()
		if _, stderr, code := runBin(t, dir, "build", "--quiet", "--now", "2026-03-02"); code != 0 {
			t.Fatalf("build: exit %d\n%s", code, stderr)
		}
	}
	gitIn := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", pub}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.org",
			"GIT_AUTHOR_DATE=2026-03-02T10:00:00Z", "GIT_COMMITTER_DATE=2026-03-02T10:00:00Z", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	build()
	gitIn("init", "-q", "-b", "gh-pages")
	os.WriteFile(filepath.Join(pub, "CNAME"), []byte("policies.example.org\n"), 0o644)
	os.WriteFile(filepath.Join(pub, "google1234.html"), []byte("google-site-verification: google1234.html\n"), 0o644)
	gitIn("add", "-A")
	gitIn("commit", "-q", "-m", "Publish")

	os.Remove(filepath.Join(dir, "content", "b.md"))
	build()

	if got := gitIn("log", "--format=%s"); got != "Publish\n" {
		t.Errorf("git log after the build: %q", got)
	}
	// git sees the build's changes, and nothing else: b's page removed.
	status := gitIn("status", "--porcelain")
	for _, line := range strings.Split(strings.TrimRight(status, "\n"), "\n") {
		if !strings.HasPrefix(line, " D b/") && !strings.HasPrefix(line, " M ") {
			t.Errorf("git status after the build: %q", line)
		}
	}
	if !strings.Contains(status, " D b/index.html") {
		t.Errorf("git status does not show b's page removed:\n%s", status)
	}
	for name, want := range map[string]string{"CNAME": "policies.example.org\n", "google1234.html": "google-site-verification: google1234.html\n"} {
		if b, err := os.ReadFile(filepath.Join(pub, name)); err != nil || string(b) != want {
			t.Errorf("%s after the build: %q, %v", name, b, err)
		}
	}
	if _, err := os.Stat(filepath.Join(pub, "b")); err == nil {
		t.Error("the removed policy's folder is still there")
	}
	if _, err := os.Stat(filepath.Join(pub, "a", "index.html")); err != nil {
		t.Error(err)
	}
}
