package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A list nested 2,800 levels deep (7.7 MB) took goldmark 55 s and 389 MiB.
// build and check refuse it at the line and column where it passes 32
// levels, at once, and the failed build leaves public/ as it was.
func TestDeepNestingRefused(t *testing.T) {
	dir := site(t, map[string]string{"a.md": "A"})
	if _, stderr, code := runBin(t, dir, "build"); code != 0 {
		t.Fatal(stderr)
	}
	before := snapshot(t, dir)

	var b strings.Builder
	fmt.Fprintf(&b, policy, "Deep")
	for d := 0; d < 2800; d++ {
		b.WriteString(strings.Repeat("  ", d) + "- Each governor confirms this in writing\n")
	}
	if b.Len() < 7<<20 {
		t.Fatalf("the body is %d bytes, want the attack's 7.7 MB", b.Len())
	}
	deep := filepath.Join(dir, "content", "deep.md")
	if err := os.WriteFile(deep, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// The policy template is 13 lines; the 33rd item's marker is on line
	// 13+33 after 64 spaces.
	want := "content/deep.md:46:65: "
	for _, cmd := range [][]string{{"build"}, {"check", "--now", "2026-11-23"}} {
		start := time.Now()
		stdout, stderr, code := runBin(t, dir, cmd...)
		if el := time.Since(start); el > 10*time.Second {
			t.Errorf("%s took %v", cmd[0], el)
		}
		if code != 1 {
			t.Errorf("%s: exit %d, want 1\n%s%s", cmd[0], code, stdout, stderr)
		}
		out := stdout + stderr
		if !strings.Contains(out, want+"error: lists, block quotes") && !strings.Contains(out, want+"lists, block quotes") {
			t.Errorf("%s: output does not name %s\n%s", cmd[0], want, out)
		}
		if strings.Count(out, "content/deep.md:") != 1 {
			t.Errorf("%s: want one finding for deep.md\n%s", cmd[0], out)
		}
	}
	os.Remove(deep)
	if after := snapshot(t, dir); after != before {
		t.Error("the failed build changed the site")
	}
}
