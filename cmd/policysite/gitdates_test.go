package main

import "testing"

// TestParseGitLog: a file's day is that of the newest commit naming it;
// names with spaces and accents are read as written (core.quotePath=false).
func TestParseGitLog(t *testing.T) {
	out := "@@2026-05-20\n\ncontent/Política de Cookies.md\ncontent/a.md\n@@2026-03-02\n\ncontent/a.md\ncontent/b/index.md\n@@not-a-day\n\ncontent/c.md\n"
	got := parseGitLog([]byte(out))
	for file, want := range map[string]string{"content/Política de Cookies.md": "2026-05-20", "content/a.md": "2026-05-20", "content/b/index.md": "2026-03-02"} {
		if got[file].String() != want {
			t.Errorf("%s: %v, want %s", file, got[file], want)
		}
	}
	if _, ok := got["content/c.md"]; ok || len(got) != 3 {
		t.Errorf("got %v", got)
	}
}
