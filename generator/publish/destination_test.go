package publish

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/output"
)

// CheckDestination refuses every folder a build must not replace, and
// accepts a new, empty or marked folder, the placeholder public/ of a
// fresh clone, a git checkout, and an older build without the marker.
func TestCheckDestination(t *testing.T) {
	root := t.TempDir()
	site := filepath.Join(root, "site")
	files := map[string]string{
		"site/site.yaml":           "title: T\n",
		"site/content/a.md":        "---\n",
		"site/themes/t/x.html":     "x",
		"site/public/" + Marker:    "",
		"site/public/index.html":   "old",
		"placeholder/README.md":    "kept in git",
		"placeholder/.gitkeep":     "",
		"older/index.html":         "home",
		"older/policies.json":      "{}",
		"older/assets/x.css":       "",
		"older/privacy/index.html": "p",
		"notes/todo.txt":           "mine",
		"olderplus/index.html":     "home",
		"olderplus/policies.json":  "{}",
		"olderplus/CNAME":          "policies.example",
		"checkout/.git/HEAD":       "ref: refs/heads/gh-pages",
		"checkout/CNAME":           "policies.example",
		"slugless/index.html":      "home",
		"slugless/policies.json":   "{}",
		"slugless/photos/a.jpg":    "",
		"empty/.":                  "",
		"file":                     "a file",
	}
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if filepath.Base(name) != "." {
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	os.Symlink(site, filepath.Join(root, "link-to-site"))
	os.Symlink(filepath.Join(site, "content"), filepath.Join(root, "link-to-content"))
	os.Symlink(filepath.Join(root, "nowhere"), filepath.Join(root, "dangling"))
	guards := []Guard{
		{Path: site, Name: "the site folder", Inside: true},
		{Path: filepath.Join(site, "content"), Name: "content/"},
		{Path: filepath.Join(site, "themes"), Name: "themes/"},
	}
	for _, tt := range []struct {
		dest string // relative to root
		err  string // "" when accepted
	}{
		{"site/public", ""},
		{"site/new", ""},
		{"new/deeper", ""},
		{"empty", ""},
		{"placeholder", ""},
		{"older", ""},
		{"olderplus", ""},
		{"checkout", ""},
		{"link-to-site/public", ""},
		{"site", "is the site folder"},
		{"site/.", "is the site folder"},
		{"link-to-site", "is the site folder"},
		{".", "holds the site folder"},
		{"site/content", "is content/"},
		{"link-to-content", "is content/"},
		{"site/content/x", "is inside content/"},
		{"link-to-content/x", "is inside content/"},
		{"site/themes/t", "is inside themes/"},
		{"site/themes", "is themes/"},
		{"site/site.yaml", "is a file, not a folder"},
		{"file", "is a file, not a folder"},
		{"dangling", "is a symbolic link to nothing"},
		{"notes", "is not empty and is not a policysite build (it has no .policysite-build file, and holds todo.txt)"},
		{"slugless", "holds photos/"},
	} {
		dest := filepath.Join(root, filepath.FromSlash(tt.dest))
		_, err := CheckDestination(dest, guards...)
		var de *DestinationError
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%s: %v, want accepted", tt.dest, err)
		case tt.err != "" && (!errors.As(err, &de) || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: %v, want %q", tt.dest, err, tt.err)
		}
		if tt.err != "" {
			// Write refuses it too, and changes nothing.
			if err := Write(dest, []output.File{{Path: "index.html", Body: []byte("new")}}, guards...); err == nil {
				t.Errorf("%s: Write accepted it", tt.dest)
			}
		}
	}
	for name, body := range files {
		if filepath.Base(name) == "." {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name))); err != nil || string(b) != body {
			t.Errorf("%s changed: %q, %v", name, b, err)
		}
	}
	entries, _ := os.ReadDir(site)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left beside a destination: %s", e.Name())
		}
	}
	// Building into an older build with a CNAME, or into a git
	// checkout, replaces what a build wrote and keeps the rest.
	for dest, want := range map[string]map[string]string{
		"olderplus": {"CNAME": "policies.example", "index.html": "new", "policies.json": ""},
		"checkout":  {"CNAME": "policies.example", ".git/HEAD": "ref: refs/heads/gh-pages", "index.html": "new"},
	} {
		d := filepath.Join(root, dest)
		if err := Write(d, []output.File{{Path: "index.html", Body: []byte("new")}}, guards...); err != nil {
			t.Fatalf("%s: %v", dest, err)
		}
		for name, body := range want {
			b, err := os.ReadFile(filepath.Join(d, filepath.FromSlash(name)))
			if body == "" && err == nil {
				t.Errorf("%s/%s, an older build's, was kept", dest, name)
			} else if body != "" && string(b) != body {
				t.Errorf("%s/%s = %q, %v; want %q", dest, name, b, err, body)
			}
		}
	}
}

// A destination that becomes something else during the build is not
// replaced: Commit checks again.
func TestCommitChecksAgain(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	tr, err := Create(dest)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Emit(output.File{Path: "index.html", Body: []byte("new"), Raw: true}); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(dest, 0o755)
	os.WriteFile(filepath.Join(dest, "notes.txt"), []byte("mine"), 0o644)
	if err := tr.Commit(); err == nil || !strings.Contains(err.Error(), "not a policysite build") {
		t.Fatalf("Commit = %v, want a refusal", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dest, "notes.txt")); string(b) != "mine" {
		t.Error("Commit replaced a folder that became something else")
	}
	entries, _ := os.ReadDir(filepath.Dir(dest))
	if len(entries) != 1 {
		t.Errorf("beside the destination: %d entries, want only public/", len(entries))
	}
}
