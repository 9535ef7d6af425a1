package markdown

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/policysite/policysite/internal/testtools"
)

// A construct makes a body of about n bytes out of one markdown construct
// repeated or nested, to measure how goldmark's cost grows with its size.
type construct struct {
	name string
	make func(n int) []byte
}

// fill repeats unit until the body holds n bytes.
func fill(n int, unit string) []byte {
	if len(unit) == 0 {
		return nil
	}
	return []byte(strings.Repeat(unit, n/len(unit)+1)[:n])
}

// nested writes open, then the body, then close, each depth times, for n bytes.
func nest(n int, open, mid, close string) []byte {
	d := (n - len(mid)) / (len(open) + len(close))
	return []byte(strings.Repeat(open, d) + mid + strings.Repeat(close, d))
}

var constructs = []construct{
	{"list-indented", func(n int) []byte {
		// Each level one line deeper by two spaces: depth d costs d*d bytes.
		var b bytes.Buffer
		for d := 0; b.Len() < n; d++ {
			b.WriteString(strings.Repeat("  ", d) + "- item\n")
		}
		return b.Bytes()
	}},
	{"list-one-line", func(n int) []byte { return fill(n, "- + ") }},
	{"quote-one-line", func(n int) []byte { return fill(n, "> ") }},
	{"quote-lines", func(n int) []byte {
		var b bytes.Buffer
		for d := 1; b.Len() < n; d++ {
			b.WriteString(strings.Repeat(">", d) + " quoted\n")
		}
		return b.Bytes()
	}},
	{"list-quote-one-line", func(n int) []byte { return fill(n, "> - ") }},
	{"definition-nested", func(n int) []byte {
		var b bytes.Buffer
		for d := 0; b.Len() < n; d++ {
			b.WriteString(strings.Repeat("  ", d) + "Term\n" + strings.Repeat("  ", d) + ": def\n\n")
		}
		return b.Bytes()
	}},
	{"footnote-def-nested", func(n int) []byte { return fill(n, "[^a]: ") }},
	{"emphasis-alternating", func(n int) []byte { return fill(n, "*_") }},
	{"emphasis-unclosed", func(n int) []byte { return fill(n, "*a _b ") }},
	{"emphasis-nested", func(n int) []byte { return nest(n, "*a _", "x", "_ b*") }},
	{"strong-runs", func(n int) []byte { return fill(n, "**a ") }},
	{"strike-runs", func(n int) []byte { return fill(n, "~~a ") }},
	{"brackets-open", func(n int) []byte { return fill(n, "[") }},
	{"brackets-open-words", func(n int) []byte { return fill(n, "[a ") }},
	{"brackets-close", func(n int) []byte { return fill(n, "]") }},
	{"brackets-pairs", func(n int) []byte { return fill(n, "[a] ") }},
	{"links-nested", func(n int) []byte { return nest(n, "[", "a", "](b)") }},
	{"images-nested", func(n int) []byte { return nest(n, "![", "a", "](b)") }},
	{"links-unclosed-dest", func(n int) []byte { return fill(n, "[a](") }},
	{"links-paren-dest", func(n int) []byte { return []byte("[a](" + strings.Repeat("(", n/2) + strings.Repeat(")", n/2)) }},
	{"link-ref-undefined", func(n int) []byte { return fill(n, "[a][b] ") }},
	{"link-refs-defined", func(n int) []byte {
		var b bytes.Buffer
		for i := 0; b.Len() < n/2; i++ {
			fmt.Fprintf(&b, "[r%d]: https://a.example/%d\n", i, i)
		}
		b.WriteString("\n")
		for i := 0; b.Len() < n; i++ {
			fmt.Fprintf(&b, "[x][r%d] ", i)
		}
		return b.Bytes()
	}},
	{"backtick-runs", func(n int) []byte {
		var b bytes.Buffer
		for d := 1; b.Len() < n; d++ {
			b.WriteString(strings.Repeat("`", d) + " ")
		}
		return b.Bytes()
	}},
	{"backtick-singles", func(n int) []byte { return fill(n, "`a ``b ") }},
	{"table-wide", func(n int) []byte {
		// One header of c columns, its delimiter row, and rows of one cell.
		c := n / 8
		return []byte(strings.Repeat("|a", c) + "|\n" + strings.Repeat("|-", c) + "|\n" + strings.Repeat("|x\n", n/8))
	}},
	{"table-square", func(n int) []byte {
		c := 1
		for 4*c*c < n {
			c++
		}
		row := strings.Repeat("|a", c) + "|\n"
		return []byte(row + strings.Repeat("|-", c) + "|\n" + strings.Repeat(row, c))
	}},
	{"table-rows", func(n int) []byte {
		return []byte("|a|b|c|\n|-|-|-|\n" + strings.Repeat("|x|y|z|\n", n/8))
	}},
	{"footnote-refs", func(n int) []byte { return append(fill(n, "a[^1] "), "\n\n[^1]: note\n"...) }},
	{"footnote-refs-undefined", func(n int) []byte { return fill(n, "a[^x] ") }},
	{"footnote-defs", func(n int) []byte {
		var b bytes.Buffer
		for i := 0; b.Len() < n; i++ {
			fmt.Fprintf(&b, "a[^%d]\n\n[^%d]: note\n\n", i, i)
		}
		return b.Bytes()
	}},
	{"html-nested", func(n int) []byte { return nest(n, "<div>", "x", "</div>") }},
	// Raw HTML the sanitiser rewrites, each fragment alone, then the page
	// balanced once (sanitise.go).
	{"html-inline-handlers", func(n int) []byte { return fill(n, "<b onclick=\"go()\">a</b> ") }},
	{"html-blocks-styled", func(n int) []byte { return fill(n, "<div class=\"x\">\n<p style=\"y\">a</p>\n</div>\n\n") }},
	{"html-stray-close", func(n int) []byte { return fill(n, "</div>\n\n") }},
	{"html-word-tables", func(n int) []byte { return fill(n, "| a<br>b | c |\n| --- | --- |\n| d<br>e | f |\n\n") }},
	{"html-inline-open", func(n int) []byte { return fill(n, "<a ") }},
	{"html-comment-open", func(n int) []byte { return fill(n, "<!-- a ") }},
	{"autolink-lt", func(n int) []byte { return fill(n, "<http://a ") }},
	{"linkify-www", func(n int) []byte { return fill(n, "www.a ") }},
	{"linkify-long", func(n int) []byte { return []byte("https://" + strings.Repeat("a.", n/2)) }},
	{"linkify-email", func(n int) []byte { return fill(n, "a@a ") }},
	{"typographer-quotes", func(n int) []byte { return fill(n, "\"a' ") }},
	{"entities", func(n int) []byte { return fill(n, "&amp; ") }},
	{"entity-unterminated", func(n int) []byte { return fill(n, "&#") }},
	{"headings", func(n int) []byte { return fill(n, "## a\n") }},
	{"setext", func(n int) []byte { return fill(n, "a\n=\n") }},
	// Contents headings over lists that name no heading: each is a
	// candidate for a hand-written contents list (ownContents), and none is.
	{"contents-lists", func(n int) []byte { return fill(n, "## Contents\n\n- x\n\n## a\n\n") }},
	{"hard-breaks", func(n int) []byte { return fill(n, "a  \n") }},
	{"escapes", func(n int) []byte { return fill(n, "\\*") }},
	{"tasklist", func(n int) []byte { return fill(n, "- [ ] a\n") }},
	{"long-line", func(n int) []byte { return fill(n, "word ") }},
	{"prose", func(n int) []byte {
		return fill(n, "The trust keeps *pupil records* for as long as the [schedule](retention.md) says, then deletes them.\n\n")
	}},
}

// TestCost prints how the render cost of each construct grows, stopping a
// construct once one size takes longer than a second. It runs only with
// POLICYSITE_COST=1: go test ./generator/markdown -run TestCost -v
func TestCost(t *testing.T) {
	if os.Getenv("POLICYSITE_COST") == "" {
		t.Skip("set POLICYSITE_COST=1")
	}
	only := os.Getenv("POLICYSITE_COST_ONLY")
	for _, c := range constructs {
		if only != "" && !strings.Contains(c.name, only) {
			continue
		}
		line := fmt.Sprintf("%-24s", c.name)
		for _, n := range []int{16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20} {
			body := c.make(n)
			start := time.Now()
			r := Render(body, Options{Path: "content/x.md"})
			el := time.Since(start)
			line += fmt.Sprintf(" %4dK %7.1fns/B (%d problems, %dK out)", n>>10, float64(el.Nanoseconds())/float64(len(body)), len(r.Problems), len(r.HTML)>>10)
			if el > time.Second {
				break
			}
		}
		t.Log(line)
	}
}

// TestHeadingsCostLinear renders pages of 4,000 headings that all have the
// same text, setext and ATX, once, against pages of 1,000 rendered four
// times. Each heading's id is the text's with the next free number (a, a-1,
// a-2...), found from a count kept per text, so both cost about the same;
// a search for the free number that starts again from a-1 for every
// heading makes the 4,000 cost four times as much. The same bytes in both
// keep the garbage collector's share alike. The bound, twice the CPU time,
// is a margin for a busy machine. BenchmarkConstruct's setext and headings
// go on to 4 MB.
func TestHeadingsCostLinear(t *testing.T) {
	for _, unit := range []string{"Duties\n======\n\n", "## Duties\n\n", "Duties\n======\n\nDuties 1\n------\n\n"} {
		// cost is the least CPU time of tries of rendering n headings reps
		// times, stopping at one within limit.
		cost := func(n, reps, tries int, limit time.Duration) time.Duration {
			body := []byte(strings.Repeat(unit, n))
			best := time.Duration(1 << 62)
			for range tries {
				runtime.GC()
				start := testtools.CPUTime()
				for range reps {
					if r := Render(body, Options{Path: "content/x.md"}); len(r.Headings) < n {
						t.Fatalf("%q x%d: %d headings: %v", unit, n, len(r.Headings), r.Problems)
					}
				}
				if best = min(best, testtools.CPUTime()-start); best <= limit {
					break
				}
			}
			return best
		}
		small := cost(1000, 4, 3, 0)
		large := cost(4000, 1, 2, 2*small)
		ratio := float64(large) / float64(small)
		t.Logf("%q: 1000 headings 4 times %v, 4000 once %v (x%.1f)", unit, small, large, ratio)
		if ratio > 2 {
			t.Errorf("%q: 4000 headings cost %.1f times as much CPU as 1000 four times (%v, then %v): the cost per heading grows with their number", unit, ratio, small, large)
		}
	}
}

// atLimit are the worst bodies the limits accept, for BenchmarkConstruct
// to show their cost per byte is flat.
var atLimit = []construct{
	{"limit-list-32", func(n int) []byte { return fill(n, deepList(32)+"\n") }},
	{"limit-quote-32", func(n int) []byte { return fill(n, strings.Repeat(">", 32)+" quoted\n\n") }},
	{"limit-links-100", func(n int) []byte { return fill(n, strings.Repeat("[a](", 100)+"\n\n") }},
	{"limit-backticks-32", func(n int) []byte {
		var b strings.Builder
		for d := 1; d <= 32; d++ {
			b.WriteString(strings.Repeat("`", d) + " ")
		}
		return fill(n, b.String())
	}},
	{"limit-footnotes-1000", func(n int) []byte {
		var b bytes.Buffer
		for i := 0; i < 500; i++ {
			fmt.Fprintf(&b, "[^%d]: note\n\n", i)
		}
		for i := 0; b.Len() < n; i++ {
			if i < 500 {
				fmt.Fprintf(&b, "a[^%d] ", i)
			} else {
				b.WriteString("The trust keeps records. ")
			}
		}
		return b.Bytes()
	}},
}

// BenchmarkConstruct renders each construct at growing sizes; compare ns/B,
// or cpu-ns/B on a busy machine, across sizes (MB/s is printed too). A refused body costs only the scan.
//
//	go test ./generator/markdown -run '^$' -bench Construct -benchtime 1x
func BenchmarkConstruct(b *testing.B) {
	for _, c := range append(append([]construct{}, constructs...), atLimit...) {
		for _, n := range []int{64 << 10, 256 << 10, 1 << 20, 4 << 20} {
			body := c.make(n)
			b.Run(fmt.Sprintf("%s/%dK", c.name, n>>10), func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				var cpu time.Duration
				for b.Loop() {
					before := testtools.CPUTime()
					Render(body, Options{Path: "content/x.md"})
					cpu += testtools.CPUTime() - before
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(body)), "ns/B")
				// CPU time is steadier than wall time on a shared machine.
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(len(body)), "cpu-ns/B")
			})
		}
	}
}
