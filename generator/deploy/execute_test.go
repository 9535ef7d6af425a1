package deploy

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// recorder is a Target in memory that logs every call, to check Execute's
// ordering; the real targets are tested against real servers.
type recorder struct {
	mu      sync.Mutex
	ops     []string
	fail    string
	commits int
}

func (r *recorder) List(context.Context) ([]Remote, error) { return nil, nil }
func (r *recorder) Put(_ context.Context, f File, body io.Reader) error {
	b, err := io.ReadAll(body)
	if err != nil || int64(len(b)) != f.Size {
		return errors.New("short body")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if f.Path == r.fail {
		return errors.New("refused")
	}
	r.ops = append(r.ops, "put "+f.Path)
	return nil
}
func (r *recorder) Delete(_ context.Context, p string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ops = append(r.ops, "delete "+p)
	return nil
}
func (r *recorder) Commit(context.Context) error { r.commits++; return nil }

func writeTree(t *testing.T, files map[string]string) string {
	dir := t.TempDir()
	for p, body := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestExecuteOrder(t *testing.T) {
	files := map[string]string{"index.html": "home", "sitemap.xml": "<urlset/>", "assets/a.1.css": "a{}", "assets/b.2.js": "b()"}
	for i := range 20 {
		files[string(rune('a'+i))+"/index.html"] = "page"
	}
	dir := writeTree(t, files)
	local, err := Scan(dir, Rules{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(local, []Remote{{Path: "gone/index.html"}, {Path: "assets/old.css"}}, Options{MaxDeletes: 2})
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{}
	res, err := Execute(context.Background(), r, dir, p, 8, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Uploaded != 24 || res.Removed != 2 || r.commits != 1 {
		t.Errorf("result %+v, commits %d", res, r.commits)
	}
	// Tiers in order, deletes last, whatever the parallelism within one.
	last := -1
	for i, op := range r.ops {
		kind, p, _ := strings.Cut(op, " ")
		tier := Tier(p)
		if kind == "delete" {
			tier = 99
		}
		if tier < last {
			t.Errorf("op %d %q after a later tier:\n%s", i, op, strings.Join(r.ops, "\n"))
		}
		last = tier
	}
}

func TestExecuteStopsAtFailure(t *testing.T) {
	dir := writeTree(t, map[string]string{"index.html": "home", "a/index.html": "a", "assets/x.css": "x"})
	local, _ := Scan(dir, Rules{})
	p, _ := NewPlan(local, []Remote{{Path: "old.html"}}, Options{MaxDeletes: 1})
	r := &recorder{fail: "a/index.html"}
	res, err := Execute(context.Background(), r, dir, p, 4, nil)
	if err == nil || !strings.Contains(err.Error(), "uploading a/index.html: refused") {
		t.Fatalf("error %v", err)
	}
	// The asset went, the index and the removal did not; what went is committed.
	if strings.Join(r.ops, ",") != "put assets/x.css" || res.Uploaded != 1 || r.commits != 1 {
		t.Errorf("ops %v, result %+v, commits %d", r.ops, res, r.commits)
	}
}

// A git checkout in the built site (a build keeps one) is not sent.
func TestScanLeavesGitOut(t *testing.T) {
	dir := writeTree(t, map[string]string{"index.html": "home", "CNAME": "policies.example", ".git/HEAD": "ref: refs/heads/gh-pages", ".git/objects/ab/cd": "x", "a/.git": "gitdir: elsewhere"})
	os.Symlink("HEAD", filepath.Join(dir, ".git", "HEAD.link")) // refused anywhere in the site
	local, err := Scan(dir, Rules{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range local {
		got = append(got, f.Path)
	}
	if strings.Join(got, " ") != "CNAME index.html" {
		t.Errorf("Scan = %q, want CNAME and index.html", got)
	}
}
