package publish

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/output"
)

// olderMarker is the marker of a policysite that did not list the files
// it wrote.
const olderMarker = "This folder is a site built by policysite. The next build replaces it whole:\nkeep nothing here that is not a build's output.\n"

// TestWrite runs its cases in order on one destination: each starts from
// what the last left, with what the case's user adds. A build replaces
// the files earlier builds wrote and keeps every other.
func TestWrite(t *testing.T) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "public")
	// An older build, without a list, in a git checkout with a CNAME.
	write(t, dest, map[string]string{".gitkeep": "", "README.md": "placeholder", "gone/index.html": "a removed policy", "index.html": "old home",
		"assets/site.1.css": "old", "CNAME": "policies.example", ".git/HEAD": "ref: refs/heads/gh-pages\n", ".git/objects/ab/cdef": "blob", ".git/refs/tags/": "", Marker: olderMarker})
	os.Symlink("HEAD", filepath.Join(dest, ".git", "HEAD.link"))
	os.Chmod(filepath.Join(dest, ".git", "objects", "ab", "cdef"), 0o444)
	git := map[string]string{"CNAME": "policies.example", ".git/HEAD": "ref: refs/heads/gh-pages\n", ".git/HEAD.link": "-> HEAD", ".git/objects/ab/cdef": "blob", ".git/refs/tags/": ""}
	with := func(m map[string]string, more ...string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			out[k] = v
		}
		for i := 0; i+1 < len(more); i += 2 {
			out[more[i]] = more[i+1]
		}
		return out
	}
	for _, tc := range []struct {
		name string
		adds map[string]string // what the user puts in the destination first
		outs []output.File
		err  string // "" for success
		want map[string]string
	}{
		{"two outputs at one path", nil, []output.File{{Path: "a/index.html", Body: []byte("1")}, {Path: "a/index.html", Body: []byte("2")}}, "two outputs at a/index.html", nil},
		{"a file where a folder must be", nil, []output.File{{Path: "a", Body: []byte("1")}, {Path: "a/index.html", Body: []byte("2")}}, "open ", nil},
		{"escaping path", nil, []output.File{{Path: "../outside.html", Body: []byte("x")}}, "escapes the site", nil},
		{"an older build: what a build writes at the root goes, the rest stays", nil,
			[]output.File{{Path: "index.html", Body: []byte("home")}, {Path: "privacy/history/index.html", Body: []byte("h")}},
			"", with(git, ".gitkeep", "", "README.md", "placeholder", "index.html", "home", "privacy/history/index.html", "h", Marker, string(markerBody([]string{"index.html", "privacy/history/index.html"})))},
		{"a listed build: its files go, the user's stay, in its folders too; a site's own README.md wins",
			map[string]string{"privacy/notes.txt": "mine", "google1234.html": "verify", ".well-known/acme-challenge/tok": "t"},
			[]output.File{{Path: "README.md", Body: []byte("the site's")}, {Path: ".well-known/security.txt", Body: []byte("s")}},
			"", with(git, ".gitkeep", "", "README.md", "the site's", "privacy/notes.txt", "mine", "google1234.html", "verify", ".well-known/acme-challenge/tok", "t",
				".well-known/security.txt", "s", Marker, string(markerBody([]string{"README.md", ".well-known/security.txt"})))},
		{"a file the site no longer writes goes; where the build writes a folder, a user's file at its name goes",
			map[string]string{"p": "a user's file named as a policy"},
			[]output.File{{Path: "p/index.html", Body: []byte("p")}},
			"", with(git, ".gitkeep", "", "privacy/notes.txt", "mine", "google1234.html", "verify", ".well-known/acme-challenge/tok", "t",
				"p/index.html", "p", Marker, string(markerBody([]string{"p/index.html"})))},
		{"the marker is the build's own", nil, []output.File{{Path: Marker, Body: []byte("x")}}, "marker", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			write(t, dest, tc.adds)
			before := tree(t, dest)
			err := Write(dest, tc.outs)
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("Write = %v, want %q", err, tc.err)
			}
			want := tc.want
			if want == nil {
				want = before // a failed build changes nothing
			}
			got := tree(t, dest)
			for name, body := range want {
				if b, ok := got[name]; !ok || b != body {
					t.Errorf("%s = %q, want %q", name, b, body)
				}
			}
			for name := range got {
				if _, ok := want[name]; !ok {
					t.Errorf("%s left in the destination", name)
				}
			}
			if fi, err := os.Stat(filepath.Join(dest, ".git", "objects", "ab", "cdef")); err != nil || fi.Mode().Perm() != 0o444 {
				t.Errorf("a kept file's mode: %v, %v", fi.Mode(), err)
			}
			entries, _ := os.ReadDir(parent)
			if len(entries) != 1 {
				t.Errorf("beside the destination: %d entries, want only public/", len(entries))
			}
		})
	}
}

// write puts files in dir: a name ending in / is an empty folder.
func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			os.MkdirAll(p, 0o755)
			continue
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// tree returns what dir holds: each file's text, "-> target" for a
// symbolic link, "" for an empty folder (its name ending in /).
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case d.Type()&os.ModeSymlink != 0:
			to, _ := os.Readlink(p)
			got[rel] = "-> " + to
		case d.IsDir():
			if sub, _ := os.ReadDir(p); len(sub) == 0 {
				got[rel+"/"] = ""
			}
		default:
			b, _ := os.ReadFile(p)
			got[rel] = string(b)
		}
		return nil
	})
	return got
}
