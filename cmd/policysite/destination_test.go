package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A build replaces its destination whole, so it refuses every folder that
// is not a build: the site folder, a folder holding it, content/, themes/,
// a file, a folder of something else. Each refusal exits with the CLI's
// code (2 when --destination named the folder, 1 for the default public/),
// says why and what to do, and changes nothing in or around the site.
func TestDestinationRefused(t *testing.T) {
	for _, tt := range []struct {
		name string
		dir  string // where to run, relative to the site ("" is the site)
		args []string
		code int
		msg  string
	}{
		{"the site itself", "", []string{"--destination", "."}, 2, "is the site folder: a build replaces its destination whole"},
		{"the site, by --source", "..", []string{"--source", "site", "--destination", "site"}, 2, "is the site folder"},
		{"the site, by a link", "", []string{"--destination", "../link-to-site"}, 2, "is the site folder"},
		{"the site's parent", "", []string{"--destination", ".."}, 2, "holds the site folder"},
		{"content", "", []string{"--destination", "content"}, 2, "destination content ("},
		{"inside content", "", []string{"--destination", "content/archive"}, 2, "is inside content/"},
		{"themes", "", []string{"--destination", "themes"}, 2, "is themes/"},
		{"inside themes", "", []string{"--destination", "themes/trust"}, 2, "is inside themes/"},
		{"site.yaml", "", []string{"--destination", "site.yaml"}, 2, "is a file, not a folder"},
		{"another folder", "", []string{"--destination", "../notes"}, 2, "is not empty and is not a policysite build (it has no .policysite-build file, and holds minutes.txt)"},
		{"public of something else", "", nil, 1, "destination public ("},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := site(t, map[string]string{"a.md": "Attendance"})
			// The site lives in a folder of its own, beside a folder of
			// notes and a link to it, so that its parent is ours to watch.
			outer := t.TempDir()
			siteDir := filepath.Join(outer, "site")
			if err := os.Rename(dir, siteDir); err != nil {
				t.Fatal(err)
			}
			for name, body := range map[string]string{
				"site/themes/trust/layouts/policy.html": "{{define \"main\"}}{{.Policy.Body}}{{end}}",
				"site/public/staff-rota.txt":            "Kept by the office, not by a build.",
				"notes/minutes.txt":                     "Governors met on Tuesday.",
			} {
				p := filepath.Join(outer, filepath.FromSlash(name))
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Symlink(siteDir, filepath.Join(outer, "link-to-site")); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, outer)
			_, stderr, code := runBin(t, filepath.Join(siteDir, tt.dir), append([]string{"build", "--now", "2026-03-02"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s", code, tt.code, stderr)
			}
			if !strings.HasPrefix(stderr, "policysite: ") || !strings.Contains(stderr, tt.msg) || !strings.Contains(stderr, "nothing was changed") || !strings.Contains(stderr, "--destination") {
				t.Errorf("stderr %q, want a line saying %q, that nothing was changed and how to choose a --destination", stderr, tt.msg)
			}
			if after := snapshot(t, outer); after != before {
				t.Errorf("a refused build changed the folder around the site:\nbefore\n%s\nafter\n%s", before, after)
			}
		})
	}
}

// What a build may replace: a new folder (also by a relative path), a
// fresh clone's public/ holding only its README.md, an older policysite's
// build without the marker, and a build. Each keeps the README.md.
func TestDestinationAccepted(t *testing.T) {
	dir := site(t, map[string]string{"a.md": "Attendance"})
	readme := filepath.Join(dir, "public", "README.md")
	os.MkdirAll(filepath.Dir(readme), 0o755)
	os.WriteFile(readme, []byte("The build writes the site here.\n"), 0o644)
	marker := filepath.Join(dir, "public", ".policysite-build")
	for _, step := range []struct {
		name string
		args []string
		prep func()
	}{
		{"a fresh clone's public/", nil, func() {}},
		{"a build", nil, func() {}},
		{"an older build, without the marker", nil, func() { os.Remove(marker) }},
		{"a new folder, relative", []string{"--destination", "../elsewhere"}, func() {}},
	} {
		step.prep()
		stdout, stderr, code := runBin(t, dir, append([]string{"build", "--now", "2026-03-02"}, step.args...)...)
		if code != 0 || !strings.HasPrefix(stdout, "Built 1 policy") {
			t.Fatalf("%s: exit %d\n%s%s", step.name, code, stdout, stderr)
		}
	}
	if b, err := os.ReadFile(readme); err != nil || string(b) != "The build writes the site here.\n" {
		t.Errorf("public/README.md after the builds: %q, %v", b, err)
	}
	for _, p := range []string{marker, filepath.Join(dir, "..", "elsewhere", ".policysite-build"), filepath.Join(dir, "..", "elsewhere", "a", "index.html")} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("not written: %v", err)
		}
	}
	// The marker is no page: the sitemap, _headers and policies.json do not name it.
	for _, name := range []string{"sitemap.xml", "_headers", "policies.json", "index.html"} {
		if b, _ := os.ReadFile(filepath.Join(dir, "public", name)); strings.Contains(string(b), "policysite-build") {
			t.Errorf("%s names the marker", name)
		}
	}
}
