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

func next(t *testing.T, c <-chan []string) []string {
	t.Helper()
	select {
	case b := <-c:
		return b
	case <-time.After(10 * time.Second): // a hang guard, not a timing assertion
		t.Fatal("no batch")
		return nil
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

	// A burst with junk: the batch names the policy only.
	for range 5 {
		os.WriteFile(filepath.Join(dir, "content", ".a.md.swp"), []byte("s"), 0o644)
		os.WriteFile(filepath.Join(dir, "content", "a.md"), []byte("a"), 0o644)
	}
	os.WriteFile(filepath.Join(dir, "content", "4913"), nil, 0o644)
	os.Remove(filepath.Join(dir, "content", "4913"))
	if b := next(t, c); !slices.Equal(b, []string{"content/a.md"}) {
		t.Errorf("batch %q, want [content/a.md]", b)
	}

	// A new folder, and a file written into it at once: both seen, and the
	// folder is watched from then on.
	os.MkdirAll(filepath.Join(dir, "content", "b"), 0o755)
	os.WriteFile(filepath.Join(dir, "content", "b", "index.md"), []byte("b"), 0o644)
	if b := next(t, c); !slices.Contains(b, "content/b/index.md") {
		t.Errorf("batch %q has no content/b/index.md", b)
	}
	os.WriteFile(filepath.Join(dir, "content", "b", "index.md"), []byte("b2"), 0o644)
	if b := next(t, c); !slices.Equal(b, []string{"content/b/index.md"}) {
		t.Errorf("batch %q, want [content/b/index.md]", b)
	}

	// Files outside the sources are not reported; site.yaml is.
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("n"), 0o644)
	os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: y\n"), 0o644)
	if b := next(t, c); !slices.Equal(b, []string{"site.yaml"}) {
		t.Errorf("batch %q, want [site.yaml]", b)
	}

	cancel()
	for range c { // closed when ctx ends
	}
}
