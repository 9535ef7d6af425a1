package source

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/policysite/policysite/generator/date"
)

// TestListing: a kept listing is used again after a change that cannot
// alter it, and listed again after any other, and is always what a fresh
// List and ListSchool give.
func TestListing(t *testing.T) {
	dir := t.TempDir()
	put := func(rel, data string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	del := func(rel string) {
		if err := os.RemoveAll(filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
			t.Fatal(err)
		}
	}
	put("site.yaml", "title: T\n")
	put("content/admissions.md", fm+"Text.\n")
	put("content/privacy/index.md", "---\ntitle: P\nslug: privacy-notice\n---\nText.\n")
	put("content/privacy/history/1.0.md", fm+"Old.\n")
	put("content/privacy/crest.png", "PNG")
	put("content/privacy/notes.html", "<p>")
	put("content/oak/admissions.md", fm+"Oak's.\n")
	put("content/oak/visitors.md", fm+"Oak's own.\n")

	steps := []struct {
		name   string
		do     func() []string
		reused bool
	}{
		{"first", func() []string { return nil }, false},
		{"nothing", func() []string { return nil }, true},
		{"a policy's text", func() []string {
			put("content/admissions.md", fm+"New text.\n")
			return []string{"content/admissions.md"}
		}, true},
		{"its slug", func() []string {
			put("content/admissions.md", "---\ntitle: T\nslug: joining\n---\n")
			return []string{"content/admissions.md"}
		}, false},
		{"a slug moved down a line", func() []string {
			put("content/admissions.md", "---\ntitle: T\n\nslug: joining\n---\n")
			return []string{"content/admissions.md"}
		}, false},
		{"a picture beside a policy", func() []string {
			put("content/privacy/crest.png", "PNG2")
			return []string{"content/privacy/crest.png"}
		}, true},
		{"a file not published", func() []string {
			put("content/privacy/notes.html", "<p>2")
			return []string{"content/privacy/notes.html"}
		}, true},
		{"an earlier version", func() []string {
			put("content/privacy/history/1.0.md", fm+"Older.\n")
			return []string{"content/privacy/history/1.0.md"}
		}, true},
		{"a new earlier version", func() []string {
			put("content/privacy/history/1.1.md", fm)
			return []string{"content/privacy/history/1.1.md"}
		}, false},
		{"a school's copy", func() []string {
			put("content/oak/admissions.md", fm+"Oak's, again.\n")
			return []string{"content/oak/admissions.md"}
		}, true},
		{"a school's new policy", func() []string { put("content/oak/uniform.md", fm); return []string{"content/oak/uniform.md"} }, false},
		{"a new policy", func() []string { put("content/trips.md", fm); return []string{"content/trips.md"} }, false},
		{"a removed policy", func() []string { del("content/trips.md"); return []string{"content/trips.md"} }, false},
		{"a renamed policy", func() []string {
			del("content/admissions.md")
			put("content/joining.md", fm)
			return []string{"content/admissions.md", "content/joining.md"}
		}, false},
		{"an editor's backup", func() []string { put("content/joining.md~", fm); return []string{"content/joining.md~"} }, true},
		{"a hidden folder", func() []string { put("content/.git/HEAD", "x"); return []string{"content/.git/HEAD"} }, true},
		{"a theme", func() []string { put("themes/x/layouts/base.html", "x"); return []string{"themes/x/layouts/base.html"} }, true},
		{"site.yaml", func() []string { put("site.yaml", "title: U\n"); return []string{"site.yaml"} }, true},
		{"a folder", func() []string { put("content/privacy/history/1.2.md", fm); return []string{"content/privacy/history"} }, false},
		{"everything", func() []string { return []string{"."} }, false},
		{"a file that became a folder", func() []string {
			del("content/joining.md")
			put("content/joining.md/x.md", fm)
			return []string{"content/joining.md"}
		}, false},
	}
	c, m := NewCache(), &Listing{}
	for _, st := range steps {
		changed := st.do()
		c.Forget(changed...)
		m.Changed(changed...)
		fsys := c.Over(os.DirFS(dir))
		before := m.seen
		files, l := m.List(fsys, "oak")
		oak, ol := m.ListSchool(fsys, "oak", files)
		if reused := before != nil && m.seen == before; reused != st.reused {
			t.Errorf("%s: listing reused %v, want %v", st.name, reused, st.reused)
		}
		wantFiles, wantL := List(os.DirFS(dir), "oak")
		wantOak, wantOL := ListSchool(os.DirFS(dir), "oak", wantFiles)
		if !reflect.DeepEqual(files, wantFiles) || !reflect.DeepEqual(l, wantL) {
			t.Errorf("%s: List = %+v %v, want %+v %v", st.name, files, l, wantFiles, wantL)
		}
		if !reflect.DeepEqual(oak, wantOak) || !reflect.DeepEqual(ol, wantOL) {
			t.Errorf("%s: ListSchool = %+v %v, want %+v %v", st.name, oak, ol, wantOak, wantOL)
		}
		// A render sets fields of its files; the kept listing keeps none.
		SetCommitted(files, map[string]date.Date{"content/privacy/history/1.0.md": date.New(2026, 1, 2)})
	}
}

// A site with a symbolic link in content/ is listed again at every render:
// the watcher does not follow links.
func TestListingSymlink(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(elsewhere, "a.md"), []byte(fm), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(elsewhere, "a.md"), filepath.Join(dir, "content", "a.md")); err != nil {
		t.Fatal(err)
	}
	c, m := NewCache(), &Listing{}
	for range 2 {
		before := m.seen
		m.List(c.Over(os.DirFS(dir)))
		if before != nil && m.seen == before {
			t.Error("a listing with a symbolic link was reused")
		}
	}
}
