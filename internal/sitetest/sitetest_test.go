package sitetest

import (
	"io/fs"
	"testing"
)

func TestFS(t *testing.T) {
	fsys := FS("a comment\n-- site.yaml --\ntitle: T\n-- content/a/index.md --\n# A\n")
	if b, err := fs.ReadFile(fsys, "site.yaml"); err != nil || string(b) != "title: T\n" {
		t.Errorf("site.yaml = %q, %v", b, err)
	}
	entries, err := fs.ReadDir(fsys, "content")
	if err != nil || len(entries) != 1 || entries[0].Name() != "a" || !entries[0].IsDir() {
		t.Errorf("content/ lists %v, %v; want the folder a", entries, err)
	}
	if _, err := fs.Stat(fsys, "comment"); err == nil {
		t.Error("the archive's comment is a file")
	}
}
