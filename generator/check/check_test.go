package check_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"github.com/policysite/policysite/generator"
	"github.com/policysite/policysite/generator/check"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/markdown"
	"github.com/policysite/policysite/internal/sitetest"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/*.txtar")

const defaultSite = "title: Test School\norganisation:\n  name: Test School\n"

// lint makes the case's files (all but want) a site folder and returns
// check's findings, as policysite check computes them, on 15 January 2026.
func lint(t *testing.T, a *txtar.Archive) diag.List {
	t.Helper()
	fsys := sitetest.FS(string(txtar.Format(a)))
	delete(fsys, "want")
	if _, ok := fsys["site.yaml"]; !ok {
		fsys["site.yaml"] = &fstest.MapFile{Data: []byte(defaultSite)}
	}
	res, err := generator.Render(generator.Options{Source: fsys, Now: date.New(2026, 1, 15)})
	if res == nil {
		t.Fatal(err)
	}
	l := check.Findings(res.Diagnostics, res.Site, -1, res.Schools...)
	for _, d := range l {
		if _, ok := check.SeverityOf(d.Rule); !ok {
			t.Errorf("%s: rule %q is not in check.Rules", d.Lint(), d.Rule)
		}
	}
	return l
}

// TestRules runs every testdata case: the findings must be exactly the want
// lines. Each case holds findings that must be reported and near misses
// that must not.
func TestRules(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			for _, d := range lint(t, a) {
				got.WriteString(d.Lint() + "\n")
			}
			for i, f := range a.Files {
				if f.Name != "want" {
					continue
				}
				if *update {
					a.Files[i].Data = got.Bytes()
					if err := os.WriteFile(file, txtar.Format(a), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				if g, w := got.String(), string(f.Data); g != w {
					t.Errorf("findings:\n%s\nwant:\n%s", g, w)
				}
				return
			}
			t.Fatal("case has no want section")
		})
	}
}

func TestFormats(t *testing.T) {
	l := diag.List{
		{Pos: diag.Pos{File: "content/a,b.md", Line: 5, Col: 14}, Severity: diag.Error, Rule: "review-overdue", Message: "review overdue since 31 August 2024"},
		{Pos: diag.Pos{File: "content/b.md", Line: 7, Col: 3}, Severity: diag.Warning, Rule: "placeholder", Message: "unfilled placeholder [50%\nx]"},
	}
	for _, tc := range []struct{ format, want string }{
		{"text", "content/a,b.md:5:14: error: review overdue since 31 August 2024 [review-overdue]\ncontent/b.md:7:3: warning: unfilled placeholder [50%\nx] [placeholder]\n1 error, 1 warning\n"},
		{"github", "::error file=content/a%2Cb.md,line=5,col=14,title=review-overdue::review overdue since 31 August 2024\n::warning file=content/b.md,line=7,col=3,title=placeholder::unfilled placeholder [50%25%0Ax]\n1 error, 1 warning\n"},
	} {
		var b bytes.Buffer
		if err := check.Write(&b, tc.format, l); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("%s:\n%s\nwant:\n%s", tc.format, b.String(), tc.want)
		}
	}
	var b bytes.Buffer
	if err := check.Write(&b, "json", l); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Findings []struct {
			File     string `json:"file"`
			Line     int    `json:"line"`
			Col      int    `json:"col"`
			Severity string `json:"severity"`
			Message  string `json:"message"`
			Rule     string `json:"rule"`
		} `json:"findings"`
		Summary check.Summary `json:"summary"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) != 2 || doc.Findings[0].Severity != "error" || doc.Findings[0].Line != 5 || doc.Findings[0].Col != 14 || doc.Findings[1].Rule != "placeholder" || doc.Summary != (check.Summary{Errors: 1, Warnings: 1}) {
		t.Errorf("json: %s", b.String())
	}
	b.Reset()
	if err := check.Write(&b, "json", nil); err != nil || !strings.Contains(b.String(), `"findings": []`) {
		t.Errorf("json of no findings: %s %v", b.String(), err)
	}
	if err := check.Write(&b, "xml", l); err == nil {
		t.Error("unknown format: no error")
	}
}

// TestDuplicateHeading: two sibling headings, and whether the second is
// reported as a repeat or a typo of the first. A sequence (a number, a
// letter or a roman numeral apart) is not a typo.
func TestDuplicateHeading(t *testing.T) {
	for _, tc := range []struct {
		first, second string
		want          string // the finding's message, or "" for none
	}{
		{"Data retention", "Data retnetion", `heading "Data retnetion" nearly repeats the one on line 1 (a typo?)`},
		{"Data retention", "Data retention", `heading "Data retention" repeats the one on line 1`},
		{"Data retention", "data  Retention", `heading "data  Retention" repeats the one on line 1`},
		{"Safeguarding children", "Safeguardng children", `heading "Safeguardng children" nearly repeats the one on line 1 (a typo?)`},
		{"Part 1: Data retention", "Part 2: Data retnetion", `heading "Part 2: Data retnetion" nearly repeats the one on line 1 (a typo?)`},
		{"Appendix A", "Appendix A", `heading "Appendix A" repeats the one on line 1`},
		{"Appendix A", "Appendix B", ""},
		{"Appendix A: consent form", "Appendix B: consent form", ""},
		{"Key Stage 1", "Key Stage 2", ""},
		{"Key Stage 1 curriculum", "Key Stage 2 curriculum", ""},
		{"Part I", "Part II", ""},
		{"Part IV: governance", "Part V: governance", ""},
		{"Year 7", "Year 8", ""},
		{"Year 7a timetable", "Year 7b timetable", ""},
		{"Schedule 1", "Schedule 2", ""},
		{"Section 1991", "Section 511977", ""},
		{"Section 12.3 exclusions", "Section 12.4 exclusions", ""},
		{"Rights", "Lights", ""},
		{"Data retention", "Data protection", ""},
		{"Staff training", "Staff meetings", ""},
	} {
		md := "## " + tc.first + "\n\nText.\n\n## " + tc.second + "\n\nText.\n"
		r := markdown.Render([]byte(md), markdown.Options{Path: "content/a.md"})
		var got []string
		for _, d := range check.Policy(check.Input{Path: "content/a.md", Data: []byte(md), Result: r}) {
			if d.Rule == "duplicate-heading" {
				got = append(got, d.Message)
			}
		}
		if want := []string{tc.want}; tc.want == "" && len(got) != 0 || tc.want != "" && !slices.Equal(got, want) {
			t.Errorf("%q then %q: %q, want %q", tc.first, tc.second, got, tc.want)
		}
	}
}

// TestDocsListRules: docs/check.md's table of rules names every rule of
// check.Rules, with its severity and whether it stops a build, in the same
// order, and no other.
func TestDocsListRules(t *testing.T) {
	doc, err := os.ReadFile("../../docs/check.md")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(string(doc), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 5 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		got = append(got, strings.Trim(strings.TrimSpace(cells[1]), "`")+" "+strings.TrimSpace(cells[2])+" "+strings.TrimSpace(cells[3]))
	}
	var want []string
	for _, r := range check.Rules {
		stops := "no"
		if r.Blocks {
			stops = "yes"
		}
		want = append(want, r.ID+" "+r.Severity.String()+" "+stops)
	}
	if !slices.Equal(got, want) {
		t.Errorf("docs/check.md lists rules\n%s\ncheck.Rules are\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestTextCap: the text form prints the first check.TextCap findings of a
// rule in a file, then how many more (unless only one more, which it
// prints); json prints them all.
func TestTextCap(t *testing.T) {
	var l diag.List
	for i := range 1025 {
		l = append(l, diag.Diagnostic{Pos: diag.Pos{File: "content/a.md", Line: 10 + i, Col: 1}, Severity: diag.Warning, Rule: "duplicate-heading", Message: "heading repeats"})
	}
	l = append(l,
		diag.Diagnostic{Pos: diag.Pos{File: "content/a.md", Line: 5, Col: 3}, Severity: diag.Warning, Rule: "placeholder", Message: "unfilled placeholder [x y]"},
		diag.Diagnostic{Pos: diag.Pos{File: "content/b.md", Line: 5, Col: 1}, Severity: diag.Warning, Rule: "duplicate-heading", Message: "heading repeats"})
	for i := range check.TextCap + 1 {
		l = append(l, diag.Diagnostic{Pos: diag.Pos{File: "content/c.md", Line: 1 + i, Col: 1}, Severity: diag.Error, Message: "no rule"})
	}
	l.Sort()
	var b bytes.Buffer
	if err := check.Write(&b, "text", l); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	want := []string{
		"content/a.md:5:3: warning: unfilled placeholder [x y] [placeholder]",
		"content/a.md:10:1: warning: heading repeats [duplicate-heading]",
		"content/a.md:29:1: warning: heading repeats [duplicate-heading]",
		"content/a.md: and 1,005 more duplicate-heading findings",
		"content/b.md:5:1: warning: heading repeats [duplicate-heading]",
		"content/c.md:1:1: error: no rule",
		"content/c.md:21:1: error: no rule", // one past the cap is shown, not counted
		"21 errors, 1027 warnings",
	}
	for _, w := range want {
		if !slices.Contains(lines, w) {
			t.Errorf("text lacks %q", w)
		}
	}
	if len(lines) != 1+check.TextCap+1+1+check.TextCap+1+1 {
		t.Errorf("text has %d lines:\n%s", len(lines), b.String())
	}
	if i, j := slices.Index(lines, want[2]), slices.Index(lines, want[3]); i < 0 || j != i+1 {
		t.Errorf("the count of the rest does not follow the last finding printed:\n%s", b.String())
	}
	b.Reset()
	if err := check.Write(&b, "json", l); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), `"rule": "duplicate-heading"`); n != 1026 {
		t.Errorf("json holds %d duplicate-heading findings, want 1026", n)
	}
}
