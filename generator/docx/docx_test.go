package docx

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/policysite/policysite/generator/markdown"

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

// TestLinksToHeadings: a link to a bookmark goes to the id the page
// gives the heading that holds it, or the heading of its section: unique
// (the second "Scope" is scope-1) and clear of the theme's ids (a heading
// "Toc" is toc-1), whatever the bookmark is called. Every fixture's links
// are checked against the page markdown.Render makes of the policy.
func TestLinksToHeadings(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.docx")
	linkRE := regexp.MustCompile(`\]\(#([^)]*)\)`)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Read(f, data, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range Convert(doc, goldenOptions(f, strings.HasSuffix(f, "-split.docx"))) {
			_, body, _ := strings.Cut(strings.TrimPrefix(string(p.Markdown(p.Slug+"/")), "---\n"), "---\n\n")
			ids := map[string]bool{}
			for _, h := range markdown.Render([]byte(body), markdown.Options{Numbered: p.Numbered}).Headings {
				ids[h.ID] = true
			}
			for _, m := range linkRE.FindAllStringSubmatch(body, -1) {
				if !ids[m[1]] {
					t.Errorf("%s: %s links to #%s, which no heading of its page has", f, p.Slug, m[1])
				}
			}
		}
	}
	for _, c := range []struct {
		file string
		want []string
	}{
		{"complaints-pandoc.docx", []string{
			"[stage two](#stage-two-formal)",  // a bookmark pandoc starts before the heading's paragraph
			"[the panel](#stage-three-panel)", // the bookmark's name is not the page's id
			"[Scope](#scope)",                 //
			"[Scope again](#scope-1)",         // the second heading of one name
			"[timescales](#timescales)",       // a bookmark in a paragraph: its section
			"[the main points](#main-points)", //
			"[to it](#toc-1)",                 // the theme has #toc
		}},
		{"visitors-lo.docx", []string{ // LibreOffice's __RefHeading___Toc bookmarks, its contents dropped
			"[signing in](#signing-in)",
			"[Scope](#scope)",
			"[Scope for contractors](#scope-1)",
			"[the badge table](#signing-in)",
		}},
	} {
		data, err := os.ReadFile("testdata/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Read(c.file, data, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		md := string(Convert(doc, goldenOptions(c.file, false))[0].Markdown("x/"))
		for _, want := range c.want {
			if !strings.Contains(md, want) {
				t.Errorf("%s lacks %s:\n%s", c.file, want, md)
			}
		}
	}
}
