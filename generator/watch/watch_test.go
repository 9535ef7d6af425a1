package watch

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestJunk(t *testing.T) {
	tests := []struct {
		name string
		junk bool
	}{
		{"privacy.md", false},
		{"index.md", false},
		{"site.css", false},
		{".privacy.md.swp", true},
		{".privacy.md.swx", true},
		{"privacy.md~", true},
		{".#privacy.md", true},
		{"#privacy.md#", true},
		{"4913", true},
		{"privacy.md.tmp", true},
		{".goutputstream-ABC123", true},
		{".DS_Store", true},
	}
	for _, tt := range tests {
		if got := Junk(tt.name); got != tt.junk {
			t.Errorf("Junk(%q) = %v, want %v", tt.name, got, tt.junk)
		}
	}
}

func TestRelevant(t *testing.T) {
	tests := []struct {
		rel  string
		want bool
	}{
		{"site.yaml", true},
		{"content/a.md", true},
		{"content/a/index.md", true},
		{"themes/default/assets/site.css", true},
		{"public/index.html", false},
		{"README.md", false},
		{"content/.a.md.swp", false},
		{"content/4913", false},
	}
	for _, tt := range tests {
		if got := relevant(tt.rel); got != tt.want {
			t.Errorf("relevant(%q) = %v, want %v", tt.rel, got, tt.want)
		}
	}
}

// collect reads batches until every path of want has been reported, and
// fails on any path outside allowed. A burst of events normally comes as one
// batch, but on a loaded machine it may come as several, so the test asks
// only that nothing is missed and nothing else is reported.
func collect(t *testing.T, c <-chan []string, allowed []string, want ...string) {
	t.Helper()
	missing := map[string]bool{}
	for _, w := range want {
		missing[w] = true
	}
	for len(missing) > 0 {
		var b []string
		select {
		case b = <-c:
		case <-time.After(10 * time.Second): // a hang guard, not a timing assertion
			t.Fatalf("no batch with %v", missing)
		}
		for _, p := range b {
			if !slices.Contains(allowed, p) {
				t.Errorf("batch %q reports %s", b, p)
			}
			delete(missing, p)
		}
	}
}

func TestWatch(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: x\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "content"), 0o755)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := Watch(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}

	// A burst with junk: the batches name the policy only.
	for range 5 {
		os.WriteFile(filepath.Join(dir, "content", ".a.md.swp"), []byte("s"), 0o644)
		os.WriteFile(filepath.Join(dir, "content", "a.md"), []byte("a"), 0o644)
	}
	os.WriteFile(filepath.Join(dir, "content", "4913"), nil, 0o644)
	os.Remove(filepath.Join(dir, "content", "4913"))
	collect(t, c, []string{"content/a.md"}, "content/a.md")

	// A new folder, and a file written into it at once: both seen, and the
	// folder is watched from then on.
	os.MkdirAll(filepath.Join(dir, "content", "b"), 0o755)
	os.WriteFile(filepath.Join(dir, "content", "b", "index.md"), []byte("b"), 0o644)
	collect(t, c, []string{"content/a.md", "content/b", "content/b/index.md"}, "content/b/index.md")
	os.WriteFile(filepath.Join(dir, "content", "b", "index.md"), []byte("b2"), 0o644)
	collect(t, c, []string{"content/b", "content/b/index.md"}, "content/b/index.md")

	// Files outside the sources are not reported; site.yaml is.
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("n"), 0o644)
	os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: y\n"), 0o644)
	collect(t, c, []string{"content/b/index.md", "site.yaml"}, "site.yaml")

	cancel()
	for range c { // closed when ctx ends
	}
}

// Changes made while the receiver is busy (rebuilding) are all reported
// once it is free, gathered into the next batch, not lost.
func TestWatchBusyReceiver(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "content"), 0o755)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := Watch(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"content/a.md", "content/b.md", "content/c.md", "site.yaml"}
	for _, p := range paths {
		os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), []byte(p), 0o644)
		time.Sleep(20 * time.Millisecond) // longer than Debounce: each is its own burst
	}
	collect(t, c, paths, paths...)
}

// A folder renamed with a folder in it: files in the subfolder are reported
// by their new paths afterwards, never by the old ones.
func TestWatchRenamedFolder(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "content", "a", "history"), 0o755)
	os.WriteFile(filepath.Join(dir, "content", "a", "index.md"), []byte("a"), 0o644)
	os.WriteFile(filepath.Join(dir, "content", "a", "history", "1.md"), []byte("1"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := Watch(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "content", "a"), filepath.Join(dir, "content", "b")); err != nil {
		t.Fatal(err)
	}
	moved := []string{"content/a", "content/b", "content/b/index.md", "content/b/history/1.md"}
	collect(t, c, moved, "content/a", "content/b/index.md", "content/b/history/1.md")
	os.WriteFile(filepath.Join(dir, "content", "b", "history", "1.md"), []byte("1, edited"), 0o644)
	collect(t, c, moved[1:], "content/b/history/1.md")
}
