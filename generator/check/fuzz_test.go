package check_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/policysite/policysite/generator/check"
	"github.com/policysite/policysite/generator/frontmatter"
	"github.com/policysite/policysite/generator/markdown"
)

// FuzzPolicy lints arbitrary policy files, seeded from the testdata cases:
// no panics, and every finding inside the file.
func FuzzPolicy(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range files {
		a, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, x := range a.Files {
			if filepath.Ext(x.Name) == ".md" {
				f.Add(x.Data)
			}
		}
	}
	f.Add([]byte("---\ntitle: x\n---\n<!-- check: ignore placeholder -->\n[a\n<!-- check: ignore -->"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const path = "content/f.md"
		meta, body, off, _ := frontmatter.ParseWith(path, data, frontmatter.Defaults{})
		if body == nil {
			return
		}
		r := markdown.Render(body, markdown.Options{Path: path})
		lines := 1
		for _, c := range data {
			if c == '\n' {
				lines++
			}
		}
		for _, d := range check.Policy(check.Input{Path: path, Data: data, BodyOff: off, Meta: meta, Result: r}) {
			if d.File != path || d.Line < 1 || d.Line > lines || d.Col < 1 || d.Rule == "" {
				t.Errorf("finding out of bounds: %s", d.Lint())
			}
		}
	})
}
