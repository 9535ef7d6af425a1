package deploy_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/deploy"
)

// A built site of the fictional Larkfield Learning Trust, as build writes it.
var builtSite = map[string]string{
	"index.html":                          "<!doctype html><title>Policies</title><a href=/attendance/>Attendance</a> <a href=/uniform/>Uniform</a>",
	"attendance/index.html":               "<!doctype html><title>Attendance policy</title><link rel=stylesheet href=/assets/site.1a2b3c.css><p>Pupils are expected in class by 8:45.",
	"attendance/history/index.html":       "<!doctype html><title>Attendance policy: history</title>",
	"uniform/index.html":                  "<!doctype html><title>Uniform policy</title><p>Navy jumpers with the trust's oak leaf.",
	"uniform/history/index.html":          "<!doctype html><title>Uniform policy: history</title>",
	"assets/site.1a2b3c.css":              "body{font:1rem/1.5 system-ui}",
	"assets/site.4d5e6f.js":               "document.documentElement.classList.add('js')",
	"sitemap.xml":                         "<urlset></urlset>",
	"feed.xml":                            "<feed></feed>",
	".well-known/security.txt":            "Contact: mailto:security@larkfield.example\n",
	"files/uniform-suppliers-2026-27.pdf": "%PDF-1.4 suppliers",
}

func writeSite(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, body := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var rules = deploy.Rules{CacheControl: []deploy.Rule{{Pattern: "/assets/*", Value: "public, max-age=31536000, immutable"}}, Default: deploy.PageCacheControl}

// run deploys dir to tg as the command does: list, plan, execute.
func run(t *testing.T, tg deploy.Target, dir string, maxDeletes int) (deploy.Result, error) {
	t.Helper()
	ctx := context.Background()
	local, err := deploy.Scan(dir, rules)
	if err != nil {
		t.Fatal(err)
	}
	remote, err := tg.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := deploy.Refine(ctx, tg, local, remote); err != nil {
		t.Fatal(err)
	}
	p, err := deploy.NewPlan(local, remote, deploy.Options{MaxDeletes: maxDeletes})
	if err != nil {
		return deploy.Result{}, err
	}
	return deploy.Execute(ctx, tg, dir, p, 4, nil)
}

// checkOrder checks that ops (as the server recorded them, "put <path>" and
// "remove <path>") go assets, pages, index files, removals.
func checkOrder(t *testing.T, ops []string) {
	t.Helper()
	last := -1
	for i, op := range ops {
		kind, p, _ := strings.Cut(op, " ")
		tier := deploy.Tier(p)
		if kind == "remove" {
			tier = 3
		}
		if tier < last {
			t.Errorf("server did %q (op %d) after a later tier:\n%s", op, i, strings.Join(ops, "\n"))
			return
		}
		last = tier
	}
}

// exercise runs the scenario every target must pass: a first deploy
// sends everything in order; a second with one page changed sends one; a
// removed policy is removed after the rest; too many removals are refused
// with nothing changed. ops reads the server's record of operations, and
// holds lists the paths the server has.
func exercise(t *testing.T, dial func() deploy.Target, ops func() []string, holds func() []string) {
	files := map[string]string{}
	for k, v := range builtSite {
		files[k] = v
	}
	dir := writeSite(t, files)

	res, err := run(t, dial(), dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Uploaded != len(builtSite) || res.Removed != 0 || res.Unchanged != 0 {
		t.Errorf("first deploy: %v", res)
	}
	first := ops()
	checkOrder(t, first)
	if got := len(first); got < len(builtSite) {
		t.Errorf("server recorded %d puts, want %d", got, len(builtSite))
	}
	wantPaths := slices.Sorted(mapsKeys(builtSite))
	if got := holds(); !slices.Equal(got, wantPaths) {
		t.Errorf("server holds\n%v\nwant\n%v", got, wantPaths)
	}

	// One policy revised.
	os.WriteFile(filepath.Join(dir, "uniform", "index.html"), []byte("<!doctype html><title>Uniform policy</title><p>Navy or grey jumpers."), 0o644)
	res, err = run(t, dial(), dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Uploaded != 1 || res.Unchanged != len(builtSite)-1 {
		t.Errorf("second deploy: %v", res)
	}
	if got := ops()[len(first):]; !slices.Contains(got, "put uniform/index.html") || slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "put attendance/") }) {
		t.Errorf("second deploy did %v", got)
	}

	// The uniform policy is withdrawn: its pages go, the index changes.
	os.RemoveAll(filepath.Join(dir, "uniform"))
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("<!doctype html><title>Policies</title><a href=/attendance/>Attendance</a>"), 0o644)
	before := len(ops())
	if _, err := run(t, dial(), dir, 1); err == nil || !strings.Contains(err.Error(), "would remove 2 files from the target, more than the limit of 1") {
		t.Fatalf("max-deletes 1: %v", err)
	}
	if got := ops()[before:]; len(got) != 0 {
		t.Errorf("a refused deploy changed the server: %v", got)
	}
	res, err = run(t, dial(), dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	if res.Uploaded != 1 || res.Removed != 2 {
		t.Errorf("third deploy: %v", res)
	}
	third := ops()[before:]
	checkOrder(t, third)
	if n := len(third); n < 3 || !strings.HasPrefix(third[n-1], "remove uniform/") || !strings.HasPrefix(third[n-2], "remove uniform/") {
		t.Errorf("removals not last: %v", third)
	}
	if got := holds(); slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "uniform/") }) {
		t.Errorf("server still holds the withdrawn policy: %v", got)
	}

	// Nothing changed: nothing sent.
	before = len(ops())
	res, err = run(t, dial(), dir, 0)
	if err != nil || res.Uploaded+res.Removed != 0 || res.Unchanged != len(builtSite)-2 {
		t.Errorf("fourth deploy: %v, %v", res, err)
	}
	if got := ops()[before:]; len(got) != 0 {
		t.Errorf("an unchanged site changed the server: %v", got)
	}
}

func mapsKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
