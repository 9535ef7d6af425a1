package generator

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/check"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/output"
	"github.com/policysite/policysite/generator/publish"
	"github.com/policysite/policysite/internal/testtools"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the example site")

// exampleNow is the fixed day the golden files are built for.
var exampleNow = date.Date{Year: 2026, Month: 11, Day: 23}

// buildExample renders the bundled example site (the repository root),
// minified as build writes it.
func buildExample(t *testing.T) *Result {
	t.Helper()
	res, err := Render(Options{Source: os.DirFS(testtools.Root()), Now: exampleNow})
	if err != nil {
		t.Fatalf("example site: %v", err)
	}
	if err := output.MinifyAll(res.Outputs); err != nil {
		t.Fatal(err)
	}
	return res
}

// buildTo builds the site into the folder dst, as the build command does
// but for the guards of the site's own folders.
func buildTo(dst string, opts Options) (*Result, error) {
	tree, err := publish.Create(dst)
	if err != nil {
		return nil, err
	}
	return Build(opts, tree)
}

// TestGolden compares every output of the example site with
// testdata/golden. Run `go test ./generator -run Golden -update` after a
// deliberate change, and read the diff.
func TestGolden(t *testing.T) {
	res := buildExample(t)
	golden := filepath.Join("testdata", "golden")
	if *update {
		os.RemoveAll(golden)
		for _, o := range res.Outputs {
			p := filepath.Join(golden, filepath.FromSlash(o.Path))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, o.Body, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want := map[string]bool{}
	filepath.WalkDir(golden, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(golden, p)
			want[filepath.ToSlash(rel)] = true
		}
		return nil
	})
	if len(want) == 0 {
		t.Fatal("no golden files: run go test ./generator -run Golden -update")
	}
	for _, o := range res.Outputs {
		b, err := os.ReadFile(filepath.Join(golden, filepath.FromSlash(o.Path)))
		if err != nil {
			t.Errorf("%s: new output, not in testdata/golden (run with -update)", o.Path)
			continue
		}
		delete(want, o.Path)
		if !bytes.Equal(b, o.Body) {
			t.Errorf("%s differs from testdata/golden:\n%s", o.Path, firstDiff(string(b), string(o.Body)))
		}
	}
	for p := range want {
		t.Errorf("%s: in testdata/golden but no longer built", p)
	}
}

// firstDiff shows where two texts part, with some context.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-80)
	return "want: …" + a[from:min(len(a), i+80)] + "\ngot:  …" + b[from:min(len(b), i+80)]
}

// TestExampleSite checks what the example content promises a new user.
func TestExampleSite(t *testing.T) {
	res := buildExample(t)
	s := res.Site
	if len(s.Policies) < 7 || s.Overdue < 1 || s.DueSoon < 1 {
		t.Errorf("example site: %d policies, %d overdue, %d due soon; want at least 7, 1, 1", len(s.Policies), s.Overdue, s.DueSoon)
	}
	for _, d := range check.ForBuild(res.Diagnostics) {
		t.Errorf("example site has a diagnostic: %v", d)
	}
	var doc struct {
		Policies []struct {
			Slug, Version, Status string
		}
	}
	for _, o := range res.Outputs {
		if o.Path == "policies.json" {
			if err := json.Unmarshal(o.Body, &doc); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(doc.Policies) != len(s.Policies) {
		t.Errorf("policies.json lists %d policies, want %d", len(doc.Policies), len(s.Policies))
	}
}

// TestHTMLValid runs the Nu HTML Checker over every page of the example
// site and of a site of awkward content.
func TestHTMLValid(t *testing.T) {
	vnu := testtools.VNU(t)
	dir := t.TempDir()
	write := func(res *Result, sub string) {
		for _, o := range res.Outputs {
			if strings.HasSuffix(o.Path, ".html") {
				p := filepath.Join(dir, sub, filepath.FromSlash(o.Path))
				os.MkdirAll(filepath.Dir(p), 0o755)
				os.WriteFile(p, o.Body, 0o644)
			}
		}
	}
	write(buildExample(t), "example")
	odd, err := Render(Options{Source: os.DirFS(filepath.Join("testdata", "awkward")), Now: exampleNow})
	if err != nil {
		t.Fatalf("awkward site: %v", err)
	}
	if err := output.MinifyAll(odd.Outputs); err != nil {
		t.Fatal(err)
	}
	write(odd, "awkward")
	cmd := exec.Command(vnu[0], append(vnu[1:], "--errors-only", "--format", "json", "--skip-non-html", dir)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Run() // exits 1 when it finds errors; the report says which
	var report struct {
		Messages []struct {
			URL, Type, Message, Extract string
			LastLine                    int
		}
	}
	if err := json.Unmarshal(stderr.Bytes(), &report); err != nil {
		t.Fatalf("vnu output: %v\n%s", err, stderr.String())
	}
	pages := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".html") {
			pages++
		}
		return nil
	})
	if pages < 10 {
		t.Fatalf("only %d pages checked", pages)
	}
	for _, m := range report.Messages {
		t.Errorf("%s: %s: %s\n  %s", strings.TrimPrefix(m.URL, "file:"+dir), m.Type, m.Message, m.Extract)
	}
}
