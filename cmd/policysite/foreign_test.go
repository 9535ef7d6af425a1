package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// gitSite copies the folder src into a new git repository, committing
// each file on its own day (the days of when, in order of path), and
// returns the repository's folder.
func gitSite(t *testing.T, src string, when []string) string {
	t.Helper()
	dir := writeCopy(t, src)
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files = append(files, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	git := func(env []string, args ...string) {
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(binEnv(env...), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git(nil, "init", "-q", "-b", "main")
	for i, f := range files {
		day := when[min(i, len(when)-1)] + "T10:00:00Z"
		git(nil, "add", f)
		git([]string{"GIT_AUTHOR_DATE=" + day, "GIT_COMMITTER_DATE=" + day}, "-c", "user.name=Editor", "-c", "user.email=editor@example.org", "commit", "-q", "-m", "add "+f)
	}
	return dir
}

// TestForeignFolders builds, with the binary, folders shaped like three
// public policy repositories (github/site-policy, basecamp/policies,
// strongdm/comply's policies: written for a fictional organisation, not
// copied), each with nothing but a site.yaml beside it saying its
// defaults, in a git repository. They build with a warning for each field
// a default filled, not four errors a file; the draft (published: false)
// is left out and the picture beside a policy published.
func TestForeignFolders(t *testing.T) {
	for _, c := range []struct {
		name     string
		contains []string
		absent   []string
	}{
		{"github-site-policy", []string{
			"public/fernhill-terms-of-service/index.html: Fernhill Terms of Service",
			"public/fernhill-terms-of-service/index.html: href=\"/fernhill-privacy-statement/\"",
			"public/fernhill-privacy-statement/index.html: Fernhill Privacy Statement",
			"public/fernhill-acceptable-use/index.html: Legal team",
			"public/fernhill-acceptable-use/index.html: (derived: the day of the file's last commit)",
			"public/fernhill-acceptable-use/index.html: (derived: a year after effective)",
		}, nil},
		{"basecamp-policies", []string{
			"public/privacy/index.html: src=\"/privacy/request-flow.png\"",
			"public/privacy/index.html: 2024-25",
			"public/privacy/request-flow.png: PNG",
			"public/security/index.html: Security overview",
		}, []string{"public/index.html: Terms of service"}},
		{"comply", []string{
			"public/access-onboarding-and-termination-policy/index.html: Access Onboarding and Termination Policy",
			// Its last commit comes before its date: (2026-02-01).
			"public/encryption-policy/index.html: <time datetime=\"2026-04-15\">",
			"public/encryption-policy/index.html: <time datetime=\"2027-04-15\">",
			"public/index.html: Security",
		}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := filepath.Join("testdata", "foreign", c.name)
			dir := gitSite(t, src, []string{"2026-03-02", "2026-04-15", "2026-05-20", "2026-06-30", "2026-07-01"})
			_, stderr, code := runBin(t, dir, "build", "--now", "2026-11-23")
			wantFile := src + ".want"
			if *update {
				if err := os.WriteFile(wantFile, []byte(stderr), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, _ := os.ReadFile(wantFile)
			if code != 0 || stderr != string(want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 0 and:\n%s", code, stderr, want)
			}
			checkLines(t, dir, strings.Join(c.contains, "\n"), true)
			checkLines(t, dir, strings.Join(c.absent, "\n"), false)
			if _, err := os.Stat(filepath.Join(dir, "public", "terms")); c.name == "basecamp-policies" && err == nil {
				t.Error("the draft (published: false) was published")
			}
		})
	}
}

// TestDatesOutsideGit: outside a git repository a policy's date: is its
// effective date, and one with no date is an error, with nothing said of
// git; in a shallow clone, whose one commit would date every file, no
// policy is dated by its commit, and the build says why once.
func TestDatesOutsideGit(t *testing.T) {
	src := filepath.Join("testdata", "foreign", "comply")
	plain := writeCopy(t, src)
	stdout, stderr, code := runBin(t, plain, "check", "--now", "2026-11-23")
	stderr += stdout
	if code != 1 || strings.Contains(stderr, "no policy is dated") ||
		!strings.Contains(stderr, `Access Onboarding and Termination Policy.md:1:1: error: missing required field "effective"`) ||
		!strings.Contains(stderr, "Encryption Policy.md:1:1: warning: owner Security officer from site.yaml defaults; version 1.0 from site.yaml defaults; effective 2026-02-01 from date:; next_review 2027-02-01 from") ||
		strings.Contains(stderr, `missing required field "next_review"`) {
		t.Errorf("not a repository: exit %d\n%s", code, stderr)
	}
	repo := gitSite(t, src, []string{"2026-03-02", "2026-04-01"})
	shallow := filepath.Join(t.TempDir(), "shallow")
	if out, err := exec.Command("git", "clone", "-q", "--depth", "1", "file://"+repo, shallow).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	stdout, stderr, code = runBin(t, shallow, "check", "--now", "2026-11-23")
	stderr += stdout
	if code != 1 || strings.Count(stderr, "site.yaml: warning: no policy is dated by its file's last commit: the site is a shallow clone") != 1 ||
		!strings.Contains(stderr, "effective 2026-02-01 from date:") {
		t.Errorf("shallow clone: exit %d\n%s", code, stderr)
	}
	// A site whose every policy says when it took effect hears nothing of
	// its clone.
	for _, f := range []string{"Access Onboarding and Termination Policy.md", "Encryption Policy.md"} {
		p := filepath.Join(shallow, "content", f)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.Replace(string(data), "---\n", "---\neffective: 2026-01-05\n", 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stdout, stderr, code = runBin(t, shallow, "check", "--now", "2026-11-23")
	if stderr += stdout; code != 0 || strings.Contains(stderr, "shallow") {
		t.Errorf("dated policies in a shallow clone: exit %d\n%s", code, stderr)
	}
}

// writeCopy copies the folder src into a new folder, without git.
func writeCopy(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestFileBesideAPolicyLinkingOut: a picture beside a policy that is a
// symbolic link out of the site folder stops the build, naming it; one
// that links inside is published.
func TestFileBesideAPolicyLinkingOut(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.png")
	if err := os.WriteFile(outside, []byte("SECRET"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := writeTree(t, map[string]string{
		"site.yaml":          "title: Test\n",
		"content/a/index.md": "---\ntitle: A\nversion: \"1\"\neffective: 2026-01-01\nnext_review: 2027-01-01\nowner: O\n---\n\n![crest](crest.png) ![seal](seal.png)\n",
		"shared/seal.png":    "PNG",
	})
	if err := os.Symlink(outside, filepath.Join(dir, "content", "a", "crest.png")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("..", "..", "shared", "seal.png"), filepath.Join(dir, "content", "a", "seal.png")); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runBin(t, dir, "build", "--now", "2026-06-01")
	if code != 1 || !strings.Contains(stderr, "content/a/crest.png: error: links outside the site folder") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "public")); err == nil {
		t.Error("a build that stopped wrote public/")
	}
	os.Remove(filepath.Join(dir, "content", "a", "crest.png"))
	os.WriteFile(filepath.Join(dir, "content", "a", "crest.png"), []byte("PNG"), 0o644)
	if _, stderr, code := runBin(t, dir, "build", "--now", "2026-06-01"); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if got := readFile(t, dir, "public/a/seal.png"); got != "PNG" {
		t.Errorf("seal.png published as %q", got)
	}
}
