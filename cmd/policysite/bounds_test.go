package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// 10 MB of front matter (450,000 unknown keys) is one error at the
// opening ---, not seconds of decoding and 450,000 warnings.
func TestHugeFrontMatter(t *testing.T) {
	dir := site(t, nil)
	var b strings.Builder
	b.WriteString("---\ntitle: Lettings of the school hall\nversion: \"1.0\"\neffective: 2026-01-01\nnext_review: 2027-01-01\nowner: Business manager\n")
	for i := range 450_000 {
		fmt.Fprintf(&b, "k%06d: unknown value x\n", i)
	}
	b.WriteString("---\n\nThe hall may be let to community groups.\n")
	os.MkdirAll(filepath.Join(dir, "content"), 0o755)
	if err := os.WriteFile(filepath.Join(dir, "content", "lettings.md"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runBin(t, dir, "build", "--now", "2026-03-02")
	if want := "content/lettings.md:1:1: error: front matter is 11250120 bytes, more than the limit of 65536 (64 KiB): keep long text in the body [front-matter]\n"; code != 1 || stderr != want {
		t.Errorf("exit %d, stderr (%d bytes) %.300q; want exit 1 and %q", code, len(stderr), stderr, want)
	}
}
