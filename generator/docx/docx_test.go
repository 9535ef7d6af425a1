package docx

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/policysite/policysite/generator/date"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// goldenOptions are the site defaults every fixture is converted with.
func goldenOptions(name string, split bool) Options {
	return Options{Name: name, Split: split, Now: date.New(2026, 1, 15), Period: 12, PeriodFrom: "site.yaml review.review_period (12 months)", Owner: "Larkfield Learning Trust", OwnerFrom: "site.yaml organisation.name"}
}

// render converts a fixture and writes each policy, with its report, as a
// txtar archive.
func render(t testing.TB, file string, split bool) []byte {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Read(file, data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ar := &txtar.Archive{}
	for _, p := range Convert(doc, goldenOptions(file, split)) {
		md := p.Markdown(p.Slug + "/")
		ar.Files = append(ar.Files, txtar.File{Name: "content/" + p.Slug + ".md", Data: md})
		var r strings.Builder
		for _, s := range p.Found {
			fmt.Fprintf(&r, "found: %s\n", s)
		}
		for _, s := range p.Guesses {
			fmt.Fprintf(&r, "guessed: %s\n", s)
		}
		for _, s := range p.Notes {
			fmt.Fprintf(&r, "note: %s\n", s)
		}
		for _, img := range p.Images {
			fmt.Fprintf(&r, "image: %s (%d bytes)\n", img.Name, len(img.Data))
		}
		ar.Files = append(ar.Files, txtar.File{Name: "report/" + p.Slug, Data: []byte(r.String())})
	}
	return txtar.Format(ar)
}

// TestGolden converts every testdata/*.docx and compares with its .golden
// file; a fixture named *-split.docx is converted with Split. -update
// rewrites the golden files: read the diff.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.docx")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".docx")
		t.Run(name, func(t *testing.T) {
			got := render(t, f, strings.HasSuffix(name, "-split"))
			golden := strings.TrimSuffix(f, ".docx") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("%s differs from %s; run with -update and read the diff\n%s", f, golden, got)
			}
		})
	}
}
