package generator

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/corpus"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/output"
	"github.com/policysite/policysite/generator/publish"
	"github.com/policysite/policysite/internal/testtools"
)

// TestBuildWritesWhatRenderRenders: Build (the build command) streams
// each policy's pages to disk and keeps only summaries; Render (check,
// reviews) keeps everything; serve's Builder renders again and again,
// keeping what did not change. All three must give the same bytes, for
// the example site, the versions fixture, a site of awkward content and a
// generated corpus.
func TestBuildWritesWhatRenderRenders(t *testing.T) {
	gen := t.TempDir()
	if err := corpus.Write(gen, 40, 7, exampleNow); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, dir string }{
		{"example", testtools.Root()},
		{"history", filepath.Join("testdata", "history", "site")},
		{"awkward", filepath.Join("testdata", "awkward")},
		{"corpus", gen},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{Source: os.DirFS(tc.dir), Now: exampleNow, BaseURL: "https://policies.example.org/"}
			want, err := Render(opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := output.MinifyAll(want.Outputs); err != nil {
				t.Fatal(err)
			}
			dest := filepath.Join(t.TempDir(), "public")
			got, err := buildTo(dest, opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Site.Policies) != len(want.Site.Policies) || got.Site.Overdue != want.Site.Overdue || got.Site.DueSoon != want.Site.DueSoon {
				t.Errorf("Build's site has %d policies (%d overdue, %d due soon), Render's %d (%d, %d)",
					len(got.Site.Policies), got.Site.Overdue, got.Site.DueSoon, len(want.Site.Policies), want.Site.Overdue, want.Site.DueSoon)
			}
			if g, w := diagText(got.Diagnostics), diagText(want.Diagnostics); g != w {
				t.Errorf("Build reports\n%s\nRender reports\n%s", g, w)
			}
			files := readTree(t, dest)
			delete(files, publish.Marker) // the tree's, not an output
			for _, o := range want.Outputs {
				b, ok := files[o.Path]
				delete(files, o.Path)
				if !ok {
					t.Errorf("%s: rendered, not written", o.Path)
				} else if !bytes.Equal(b, o.Body) {
					t.Errorf("%s: written differs from rendered:\n%s", o.Path, firstDiff(string(o.Body), string(b)))
				}
			}
			for p := range files {
				t.Errorf("%s: written, not rendered", p)
			}

			// serve: a watched Builder's first render, and one after a
			// change that changed nothing. serve does not minify, so its
			// pages are compared with Render's before minifying.
			raw, err := Render(opts)
			if err != nil {
				t.Fatal(err)
			}
			b := NewBuilder(opts)
			b.Watched()
			for i, when := range []string{"first", "after a save"} {
				if i > 0 {
					b.Changed(".")
				}
				res, err := b.Render()
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Outputs) != len(raw.Outputs) {
					t.Fatalf("serve's %s render has %d outputs, Render's %d", when, len(res.Outputs), len(raw.Outputs))
				}
				for j, o := range res.Outputs {
					if w := raw.Outputs[j]; o.Path != w.Path || !bytes.Equal(o.Body, w.Body) {
						t.Errorf("serve's %s render: %s differs from Render's %s:\n%s", when, o.Path, w.Path, firstDiff(string(w.Body), string(o.Body)))
					}
				}
			}
		})
	}
}

// TestBuildFailureWritesNothing: a site with an error found only after
// every policy's pages were written leaves the destination as it was and
// no folder beside it.
func TestBuildFailureWritesNothing(t *testing.T) {
	site := t.TempDir()
	if err := corpus.Write(site, 20, 3, exampleNow); err != nil {
		t.Fatal(err)
	}
	parent := t.TempDir()
	dest := filepath.Join(parent, "public")
	opts := Options{Source: os.DirFS(site), Now: exampleNow}
	if _, err := buildTo(dest, opts); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, dest)
	p := filepath.Join(site, "content", corpus.Slug(19)+".md")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append(b, "\nSee [the summary](#in-brie).\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = buildTo(dest, opts)
	if want := "link to missing heading #in-brie in content/" + corpus.Slug(19) + ".md (did you mean #in-brief?)"; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Build = %v, want %q", err, want)
	}
	after := readTree(t, dest)
	if len(after) != len(before) {
		t.Errorf("destination has %d files after the failed build, %d before", len(after), len(before))
	}
	for p, b := range before {
		if !bytes.Equal(after[p], b) {
			t.Errorf("%s changed by the failed build", p)
		}
	}
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		if e.Name() != "public" {
			t.Errorf("%s left beside the destination", e.Name())
		}
	}
}

func diagText(l diag.List) string {
	var b strings.Builder
	for _, d := range l {
		b.WriteString(d.Error() + " [" + d.Rule + "]\n")
	}
	return b.String()
}

// readTree returns every file under dir by slash-separated relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// Options without a site folder or a day are refused, not defaulted.
func TestOptionsRequired(t *testing.T) {
	for _, tt := range []struct {
		opts Options
		want string
	}{
		{Options{Now: exampleNow}, "Options.Source is nil"},
		{Options{Source: os.DirFS(testtools.Root())}, "Options.Now is zero"},
	} {
		if _, err := Render(tt.opts); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Render(%+v) = %v, want %q", tt.opts, err, tt.want)
		}
	}
}
