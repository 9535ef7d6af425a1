package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// tree records every file and folder under dir: its path, mode and
// content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		v := info.Mode().String()
		if !d.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			v += "\n" + string(b)
		}
		out[filepath.ToSlash(rel)] = v
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRefusalsChangeNothing runs each way revise and review refuse and
// asserts the site folder is byte for byte as it was: every check runs
// before the first file is touched (issue 18: revise on the day a flat
// policy was created used to move it into folder form, then refuse).
func TestRefusalsChangeNothing(t *testing.T) {
	flat := map[string]string{"site.yaml": reviseSite, "content/visitors.md": flatPolicy}
	folder := map[string]string{"site.yaml": reviseSite, "content/visitors/index.md": flatPolicy}
	archived := map[string]string{"site.yaml": reviseSite, "content/visitors/index.md": flatPolicy, "content/visitors/history/1.9.md": "kept"}
	both := map[string]string{"site.yaml": reviseSite, "content/visitors.md": flatPolicy, "content/visitors/index.md": flatPolicy}
	broken := map[string]string{"site.yaml": reviseSite, "content/visitors.md": strings.Replace(flatPolicy, "title: Visitors\n", "", 1)}
	badYAML := map[string]string{"site.yaml": "title: [\n", "content/visitors.md": flatPolicy}
	noNumber := map[string]string{"site.yaml": reviseSite, "content/visitors.md": strings.Replace(flatPolicy, `version: "1.9"`, `version: "draft"`, 1)}
	for _, tc := range []struct {
		name  string
		files map[string]string
		args  []string
		code  int
		want  string
	}{
		{"revise on the day created, flat", flat, []string{"revise", "visitors", "--now", "2025-01-10"}, 2, "not after the current version's"},
		{"revise on the day created, folder", folder, []string{"revise", "visitors", "--now", "2025-01-10"}, 2, "not after the current version's"},
		{"revise before the current version", flat, []string{"revise", "visitors", "--effective", "2024-06-01"}, 2, "not after the current version's"},
		{"revise to an older version", flat, []string{"revise", "visitors", "--version", "1.2"}, 2, "is not after the current version 1.9"},
		{"revise to the same version", flat, []string{"revise", "visitors", "--version", "1.09"}, 2, "is not after the current version 1.9"},
		{"revise to a malformed version", flat, []string{"revise", "visitors", "--version", "2/3"}, 2, "--version:"},
		{"revise with a malformed date", flat, []string{"revise", "visitors", "--effective", "soon"}, 2, "--effective:"},
		{"revise with a malformed approval date", flat, []string{"revise", "visitors", "--approved-on", "Tuesday"}, 2, "--approved-on:"},
		{"revise with a minute and no approval", flat, []string{"revise", "visitors", "--minute", "FGB 1"}, 2, "--minute:"},
		{"revise over an archived version", archived, []string{"revise", "visitors"}, 1, "already exists"},
		{"revise with both forms", both, []string{"revise", "visitors"}, 1, "keep one of them"},
		{"revise a missing policy", flat, []string{"revise", "visiting"}, 1, "no policy"},
		{"revise a bad slug", flat, []string{"revise", "../visitors"}, 2, "slug"},
		{"revise broken front matter", broken, []string{"revise", "visitors"}, 1, "title"},
		{"revise with a broken site.yaml", badYAML, []string{"revise", "visitors"}, 1, "site.yaml"},
		{"revise a version with no next", noNumber, []string{"revise", "visitors"}, 1, "give the new one with --version"},
		{"review before the version", flat, []string{"review", "visitors", "--date", "2024-01-01"}, 2, "before version 1.9 took effect"},
		{"review with a malformed date", flat, []string{"review", "visitors", "--date", "yesterday"}, 2, "--date:"},
		{"review with a malformed approval date", flat, []string{"review", "visitors", "--approved-on", "2026-13-01"}, 2, "--approved-on:"},
		{"review with a minute and no approval", flat, []string{"review", "visitors", "--minute", "FGB 1"}, 2, "--minute:"},
		{"review a missing policy", flat, []string{"review", "visiting"}, 1, "no policy"},
		{"review broken front matter", broken, []string{"review", "visitors"}, 1, "title"},
		{"review with both forms", both, []string{"review", "visitors"}, 1, "keep one of them"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, tc.files)
			before := tree(t, dir)
			args := append(slices.Clone(tc.args), "--source", dir)
			if !slices.Contains(args, "--now") {
				args = append(args, "--now", "2026-02-01")
			}
			var out, errb bytes.Buffer
			code := run(args, &out, &errb)
			if code != tc.code || !strings.Contains(errb.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errb.String(), tc.code, tc.want)
			}
			after := tree(t, dir)
			for p, v := range before {
				if w, ok := after[p]; !ok {
					t.Errorf("%s is gone", p)
				} else if w != v {
					t.Errorf("%s changed:\n%s\nwas:\n%s", p, w, v)
				}
			}
			for p := range after {
				if _, ok := before[p]; !ok {
					t.Errorf("%s was made", p)
				}
			}
		})
	}
}
