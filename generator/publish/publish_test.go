package publish

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/output"
)

// TestWrite runs its cases in order on one destination: each starts from
// what the last left.
func TestWrite(t *testing.T) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "public")
	old := map[string]string{".gitkeep": "", "README.md": "placeholder", "gone/index.html": "a removed policy", Marker: string(markerBody)}
	for name, body := range old {
		p := filepath.Join(dest, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		outs []output.File
		err  string // "" for success
		want map[string]string
	}{
		{"two outputs at one path", []output.File{{Path: "a/index.html", Body: []byte("1")}, {Path: "a/index.html", Body: []byte("2")}}, "two outputs at a/index.html", old},
		{"a file where a folder must be", []output.File{{Path: "a", Body: []byte("1")}, {Path: "a/index.html", Body: []byte("2")}}, "open ", old},
		{"escaping path", []output.File{{Path: "../outside.html", Body: []byte("x")}}, "escapes the site", old},
		{"replaces, keeping the placeholders", []output.File{{Path: "index.html", Body: []byte("home")}, {Path: "privacy/history/index.html", Body: []byte("h")}},
			"", map[string]string{".gitkeep": "", "README.md": "placeholder", "index.html": "home", "privacy/history/index.html": "h", Marker: string(markerBody)}},
		{"a site's own README.md wins", []output.File{{Path: "README.md", Body: []byte("mine")}},
			"", map[string]string{".gitkeep": "", "README.md": "mine", Marker: string(markerBody)}},
		{"the marker is the build's own", []output.File{{Path: Marker, Body: []byte("x")}}, "marker", map[string]string{".gitkeep": "", "README.md": "mine", Marker: string(markerBody)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Write(dest, tc.outs)
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("Write = %v, want %q", err, tc.err)
			}
			got := map[string]string{}
			filepath.WalkDir(dest, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					b, _ := os.ReadFile(p)
					rel, _ := filepath.Rel(dest, p)
					got[filepath.ToSlash(rel)] = string(b)
				}
				return err
			})
			if len(got) != len(tc.want) {
				t.Errorf("destination holds %v, want %v", got, tc.want)
			}
			for name, body := range tc.want {
				if got[name] != body {
					t.Errorf("%s = %q, want %q", name, got[name], body)
				}
			}
			entries, _ := os.ReadDir(parent)
			if len(entries) != 1 {
				t.Errorf("beside the destination: %d entries, want only public/", len(entries))
			}
		})
	}
}
