package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseGitLog: a file's day is that of the newest commit naming it;
// names with spaces and accents are read as written (core.quotePath=false).
func TestParseGitLog(t *testing.T) {
	out := "@@2026-05-20\n\ncontent/Política de Cookies.md\ncontent/a.md\n@@2026-03-02\n\ncontent/a.md\ncontent/b/index.md\n@@not-a-day\n\ncontent/c.md\n"
	got := parseGitLog([]byte(out))
	for file, want := range map[string]string{"content/Política de Cookies.md": "2026-05-20", "content/a.md": "2026-05-20", "content/b/index.md": "2026-03-02"} {
		if got[file].String() != want {
			t.Errorf("%s: %v, want %s", file, got[file], want)
		}
	}
	if _, ok := got["content/c.md"]; ok || len(got) != 3 {
		t.Errorf("got %v", got)
	}
}

// TestGitDatesFollowHead: the days are read again after each commit,
// checkout and commit in a linked worktree, and only then; HEAD is read
// from the files as git itself resolves it (loose ref, packed-refs,
// detached, a worktree's .git file).
func TestGitDatesFollowHead(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed: apt-get install git")
	}
	repo := filepath.Join(t.TempDir(), "site")
	if err := os.MkdirAll(filepath.Join(repo, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	git := func(dir string, env []string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), append(env, "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	commit := func(dir, day, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "content", "a.md"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		git(dir, nil, "add", "-A")
		when := day + "T10:00:00Z"
		git(dir, []string{"GIT_AUTHOR_DATE=" + when, "GIT_COMMITTER_DATE=" + when}, "-c", "user.name=Editor", "-c", "user.email=editor@example.org", "commit", "-q", "-m", "edit a")
	}
	// check calls g once and wants a.md's day, runs git log runs times in
	// all, and HEAD read from the files as git rev-parse reads it.
	check := func(step string, g *gitDates, day string, runs int) {
		t.Helper()
		days, why := g.get()
		if got := days["content/a.md"].String(); got != day || why != "" {
			t.Errorf("%s: a.md dated %s (%q), want %s", step, got, why, day)
		}
		if g.runs != runs {
			t.Errorf("%s: git log run %d times, want %d", step, g.runs, runs)
		}
		if k, ok := readHead(g.dir); !ok || k != git(g.dir, nil, "rev-parse", "HEAD")+" shallow=false" {
			t.Errorf("%s: HEAD read from the files as %q (%v), git says %s", step, k, ok, git(g.dir, nil, "rev-parse", "HEAD"))
		}
	}
	git(repo, nil, "init", "-q", "-b", "main")
	commit(repo, "2026-01-05", "one")
	g := &gitDates{dir: repo}
	check("first call", g, "2026-01-05", 1)
	check("no commit since", g, "2026-01-05", 1)
	commit(repo, "2026-02-10", "two")
	check("after a commit", g, "2026-02-10", 2)
	git(repo, nil, "pack-refs", "--all")
	check("refs packed", g, "2026-02-10", 2)
	commit(repo, "2026-03-15", "three")
	check("a commit over packed refs", g, "2026-03-15", 3)
	git(repo, nil, "checkout", "-q", "--detach", "HEAD~2")
	check("detached", g, "2026-01-05", 4)
	git(repo, nil, "checkout", "-q", "main")
	check("back on main", g, "2026-03-15", 5)

	wt := filepath.Join(filepath.Dir(repo), "wt")
	git(repo, nil, "worktree", "add", "-q", "-b", "draft", wt)
	w := &gitDates{dir: wt}
	check("worktree", w, "2026-03-15", 1)
	commit(wt, "2026-04-20", "four")
	check("a commit in the worktree", w, "2026-04-20", 2)
	check("main, after the worktree's commit", g, "2026-03-15", 5)

	if k, ok := readHead(t.TempDir()); !ok || k != "none" {
		t.Errorf("outside a repository: %q, %v", k, ok)
	}
}
