package markdown

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// deepList is a list nested depth levels by indentation, the attack that
// took 55 s at 2,800 levels.
func deepList(depth int) string {
	var b strings.Builder
	for d := 0; d < depth; d++ {
		b.WriteString(strings.Repeat("  ", d) + "- Governors review this\n")
	}
	return b.String()
}

func TestLimits(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // "" for none, else "offset:rule"
	}{
		// Accepted: what policies hold.
		{"three-level list", "- Scope\n  - Pupils\n    - Boarders\n  - Staff\n- Duties\n", ""},
		{"ordered nested", "1. Report\n   1. To the lead\n      1. In writing\n2. Record\n", ""},
		{"quote in list", "- The head said:\n  > Every visitor signs in.\n  > > Even governors.\n", ""},
		{"32 levels", deepList(32), ""},
		{"32 quotes", strings.Repeat(">", 32) + " deep\n", ""},
		{"indented code", "Example:\n\n" + strings.Repeat("    "+strings.Repeat("\t", 20)+"value\n", 40), ""},
		{"deep indentation after blank", "Text\n\n" + strings.Repeat(" ", 200) + "- item\n", ""},
		{"pasted tabs", strings.Repeat(strings.Repeat("\t", 40)+"Larkfield pupils\n", 10), ""},
		{"fenced code with markers", "```\n> quoted mail\n>> reply\n- item\n- - -\n  - sub\n```\n", ""},
		{"fenced yaml", "```yaml\n" + strings.Repeat("- a:\n  - b:\n    - c: 1\n", 100) + "```\n", ""},
		{"lists up and down without blanks", strings.Repeat("- a\n  - b\n    - c\n", 500), ""},
		{"thematic breaks", strings.Repeat("* * *\n\n- - -\n\n", 100), ""},
		{"definition list", "Pupil\n: A child on roll.\n\nParent\n: Anyone with parental responsibility.\n", ""},
		{"footnotes", "Kept six years[^1] or longer[^long].\n\n[^1]: By the schedule.\n[^long]: See the annex.\n", ""},
		{"table", "| Record | Kept |\n| --- | ---: |\n| Admissions | 1 year |\n| Exclusions | 6 years |\n", ""},
		{"links", "See [a](a.md), [b](b.md) and [c](https://www.larkfield.example/).\n", ""},
		{"backticks", "Use `code` and ``a ` b`` and\n```go\nx\n```\n", ""},
		{"crlf", "- a\r\n  - b\r\n\r\n", ""},
		// A line of hyphens under a paragraph is a heading's underline,
		// not a table's delimiter row: the lines after it are no rows.
		{"setext heading before a long paragraph", "Scope\n---\n" + strings.Repeat("a line\n", MaxTableCells+1), ""},
		{"thematic break without blanks", "Scope\n\n---\n" + strings.Repeat("a line\n", MaxTableCells+1), ""},

		// Refused.
		{"33 levels", deepList(33), "1824:nesting-too-deep"},
		{"33 quotes", strings.Repeat(">", 33) + " deep\n", "32:nesting-too-deep"},
		{"one-line list", strings.Repeat("- ", 40) + "x\n", "64:nesting-too-deep"},
		{"quote and list", strings.Repeat("> - ", 20) + "x\n", "64:nesting-too-deep"},
		{"footnote bodies", strings.Repeat("[^a]: ", 40) + "x\n", "192:nesting-too-deep"},
		{"definitions", "Term\n" + strings.Repeat(": ", 40) + "x\n", "69:nesting-too-deep"},
		{"lazy lines keep depth", strings.Repeat("- a\n  - b\nc\n", 1) + "    - d\n" + strings.Repeat("  ", 3) + strings.Repeat("- ", 30) + "x\n", "84:nesting-too-deep"},
		{"quotes on many lines", "> a\n>> b\n>>> c\n" + strings.Repeat(">", 33) + " d\n", "47:nesting-too-deep"},
		{"footnotes", strings.Repeat("a[^1] ", 1001), "6001:over-limit"},
		{"links on a line", strings.Repeat("[a](", 101), "402:over-limit"},
		{"backticks", "a " + strings.Repeat("`", 33) + " b\n", "2:over-limit"},
		{"one column without pipes", "Record\n:--\n" + strings.Repeat("x\n", MaxTableCells), "200009:over-limit"},
		{"wide table", strings.Repeat("|a", 400) + "|\n" + strings.Repeat("|-", 400) + "|\n" + strings.Repeat("x\n", 300), "2098:over-limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range Limits([]byte(tt.in)) {
				got = append(got, strconv.Itoa(p.Offset)+":"+p.Rule)
				if p.Severity != 0 || p.Message == "" {
					t.Errorf("problem %+v: want an error with a message", p)
				}
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("Limits = %q, want %q", g, tt.want)
			}
		})
	}
}

// The 2,800-level list is refused quickly, and Render hands goldmark
// nothing: no HTML, the one problem.
func TestRenderRefusesDeepList(t *testing.T) {
	body := []byte(deepList(2800))
	start := time.Now()
	r := Render(body, Options{Path: "content/x.md"})
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("Render took %v", el)
	}
	if r.HTML != "" || r.Doc != nil || len(r.Problems) != 1 || r.Problems[0].Rule != RuleNesting {
		t.Errorf("Render = HTML %d bytes, doc %v, problems %+v", len(r.HTML), r.Doc != nil, r.Problems)
	}
}

// measure returns what the limits bound in goldmark's tree of body: the
// deepest nesting of containers, the table cells, and the footnotes.
func measure(body []byte) (depth, cells, footnotes int) {
	doc := md.Parser().Parse(text.NewReader(body))
	var walk func(n ast.Node, d int)
	walk = func(n ast.Node, d int) {
		switch n := n.(type) {
		case *ast.Blockquote, *ast.ListItem, *east.Footnote, *east.DefinitionDescription:
			d++
		case *east.FootnoteLink:
			footnotes++
		case *east.Table:
			cells += len(n.Alignments) * n.ChildCount()
		}
		if _, ok := n.(*east.Footnote); ok {
			footnotes++
		}
		depth = max(depth, d)
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			walk(c, d)
		}
	}
	walk(doc, 0)
	return depth, cells, footnotes
}

// FuzzLimits checks that the scan never panics, reports offsets inside the
// body, and, with small bounds so that the fuzzer reaches them, that a body
// it accepts is within them in goldmark's own tree.
func FuzzLimits(f *testing.F) {
	for _, s := range []string{
		deepList(6), "> > - [^a]: : x\n", "- a\n  - b\nc\n    - d\n", "|a|b|\n|-|-|\n|c\n|d\n",
		"a[^1] [^2]\n\n[^1]: x\n", "Term\n: def\n  : nested\n", "-\t-\t- x\n", "1) 2. - x\n",
		"> a\n    > b\n", "* a\n\n  * b\n\n    * c\n",
	} {
		f.Add([]byte(s))
	}
	files, _ := filepath.Glob("../testdata/*/content/*.md")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	small := bounds{depth: 3, footnotes: 3, cells: 8, links: 3, backticks: 3}
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 4096 {
			return
		}
		for _, b := range []bounds{defaultBounds, small} {
			var probs []Problem
			done := make(chan bool)
			go func() { probs = scan(body, b); done <- true }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("scan hangs on %q", body)
			}
			for _, p := range probs {
				if p.Offset < 0 || p.Offset > len(body) {
					t.Fatalf("offset %d outside a body of %d bytes", p.Offset, len(body))
				}
			}
			if len(probs) > 0 || b != small {
				continue
			}
			var depth, cells, footnotes int
			go func() { depth, cells, footnotes = measure(body); done <- true }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("goldmark hangs on %q", body)
			}
			if depth > b.depth || cells > b.cells || footnotes > b.footnotes {
				t.Fatalf("accepted, but goldmark builds depth %d, %d cells, %d footnotes (bounds %+v)\n%q", depth, cells, footnotes, b, body)
			}
			if bytes.Count(body, []byte("](")) > 0 {
				for _, l := range bytes.Split(body, []byte("\n")) {
					if bytes.Count(l, []byte("](")) > b.links {
						t.Fatalf("accepted a line of more than %d links", b.links)
					}
				}
			}
			if bytes.Contains(body, bytes.Repeat([]byte("`"), b.backticks+1)) {
				t.Fatalf("accepted a run of more than %d backticks", b.backticks)
			}
		}
	})
}
