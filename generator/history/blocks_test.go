package history

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/policysite/policysite/internal/testtools"
)

// TestCompareRendered: what a comparison shows is the text as readers see
// it: emphasis as emphasis, tables as tables, list items in their list,
// with the changes marked in <ins> and <del> and announced in words.
func TestCompareRendered(t *testing.T) {
	old := rendered(`Intro.

## Breaches

Report a breach **within a day** to the data protection officer.

| Record | Kept for |
|---|---|
| Registers | 3 years |
| Accident book | 6 years |

- Tell your line manager.
- Write down what happened.

A paragraph that goes.

## Contact

Write to us.
`)
	new := rendered(`Intro.

## Breaches

Report a breach **immediately** to the data protection officer.

| Record | Kept for |
|---|---|
| Registers | 5 years |
| Accident book | 6 years |
| Visitor log | 1 year |

- Tell your line manager.
- Keep any evidence.
- Write down what happened.

## Contact

Write to us.
`)
	c := Compare(old, new)
	if got := c.Summary(); got != "1 section changed" {
		t.Errorf("summary %q", got)
	}
	var d string
	for _, s := range c.Sections {
		if s.New == "Breaches" {
			d = string(s.Blocks)
		}
	}
	for _, want := range []string{
		`Report a breach <del><span class="vh">[removed: </span>within a day<span class="vh">]</span></del><ins><span class="vh">[added: </span>immediately<span class="vh">]</span></ins> to the data protection officer.`,
		`<div class="table"><table><tr><th>Record</th><th>Kept for</th></tr>`,
		`<tr><td>Registers</td><td><del><span class="vh">[removed: </span>3<span class="vh">]</span></del><ins><span class="vh">[added: </span>5<span class="vh">]</span></ins> years</td></tr>`,
		`<tr><td>Accident book</td><td>6 years</td></tr>`,
		`<tr><td><ins><span class="vh">[added: </span>Visitor log<span class="vh">]</span></ins></td><td><ins><span class="vh">[added: </span>1 year<span class="vh">]</span></ins></td></tr></table></div>`,
		`<ul><li>Tell your line manager.</li><li><ins><span class="vh">[added: </span>Keep any evidence.<span class="vh">]</span></ins></li><li>Write down what happened.</li></ul>`,
		`<p><del><span class="vh">[removed: </span>A paragraph that goes.<span class="vh">]</span></del></p>`,
	} {
		if !strings.Contains(strings.ReplaceAll(d, "\n", ""), want) {
			t.Errorf("comparison lacks\n%s\nin\n%s", want, d)
		}
	}
	for _, never := range []string{"**", "|", "---", " id="} {
		if strings.Contains(d, never) {
			t.Errorf("comparison shows %q:\n%s", never, d)
		}
	}
	// Emphasis kept in a block that did not change.
	same := Compare(old, strings.Replace(old, "Write to us.", "Write to us by post.", 1))
	for _, s := range same.Sections {
		if s.New == "Breaches" && (s.TextChanged || !strings.Contains(string(s.Blocks), "<strong>within a day</strong>")) {
			t.Errorf("unchanged section: %+v", s)
		}
	}
}

// TestDiffBlocks checks the block diff against the length of a longest
// common subsequence, found by brute force, on small lists.
func TestDiffBlocks(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"abc", "abc"}, {"abc", "axc"}, {"abcabc", "abc"}, {"", "abc"}, {"abc", ""},
		{"aaaa", "aa"}, {"abcdef", "fedcba"}, {"xaxbxcx", "xbxaxcx"}, {"abab", "baba"},
	} {
		a, b := keyed(tc.a), keyed(tc.b)
		ops := diffBlocks(a, b)
		same, ia, ib := 0, 0, 0
		for _, o := range ops {
			switch o.kind {
			case '=':
				if o.a != ia || o.b != ib || a[o.a].key != b[o.b].key {
					t.Fatalf("%q→%q: bad step %+v at %d,%d", tc.a, tc.b, o, ia, ib)
				}
				same, ia, ib = same+1, ia+1, ib+1
			case '-':
				if o.a != ia {
					t.Fatalf("%q→%q: bad step %+v", tc.a, tc.b, o)
				}
				ia++
			case '+':
				if o.b != ib {
					t.Fatalf("%q→%q: bad step %+v", tc.a, tc.b, o)
				}
				ib++
			}
		}
		if ia != len(a) || ib != len(b) {
			t.Fatalf("%q→%q: steps cover %d, %d", tc.a, tc.b, ia, ib)
		}
		if want := lcsLen(tc.a, tc.b); same != want {
			t.Errorf("%q→%q: %d kept, a longest common subsequence has %d", tc.a, tc.b, same, want)
		}
	}
}

func keyed(s string) []block {
	out := make([]block, len(s))
	for i := range s {
		out[i].key = uint64(s[i])
	}
	return out
}

func lcsLen(a, b string) int {
	t := make([][]int, len(a)+1)
	for i := range t {
		t[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	return t[0][0]
}

// A shape makes two versions of about n bytes of rendered HTML that differ
// in one way, to measure how a comparison's cost grows with size.
type shape struct {
	name string
	make func(n int) (string, string)
}

func paragraphs(n int, f func(i int) string) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		if i%20 == 0 {
			fmt.Fprintf(&b, "<h2 id=\"s%d\">Section %d</h2>\n", i/20, i/20)
		}
		b.WriteString(f(i))
	}
	return b.String()
}

var shapes = []shape{
	{"edits-everywhere", func(n int) (string, string) {
		p := func(edit bool) func(int) string {
			return func(i int) string {
				w := "six"
				if edit && i%10 == 0 {
					w = "seven"
				}
				return fmt.Sprintf("<p>Paragraph %d keeps records for %s years after a pupil leaves the school.</p>\n", i, w)
			}
		}
		return paragraphs(n, p(false)), paragraphs(n, p(true))
	}},
	{"rewritten", func(n int) (string, string) {
		return paragraphs(n, func(i int) string { return fmt.Sprintf("<p>Old paragraph %d says one thing.</p>\n", i) }),
			paragraphs(n, func(i int) string { return fmt.Sprintf("<p>New text %d says another.</p>\n", i) })
	}},
	{"all-alike", func(n int) (string, string) {
		same := func(int) string { return "<p>The same words again.</p>\n" }
		a := paragraphs(n, same)
		return a, strings.Replace(a, "<p>The same words again.</p>", "<p>Other words.</p>", 50)
	}},
	{"sections-reversed", func(n int) (string, string) {
		a := paragraphs(n, func(i int) string { return fmt.Sprintf("<p>Paragraph %d.</p>\n", i) })
		parts := strings.SplitAfter(a, "</p>\n<h2")
		for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
			parts[i], parts[j] = parts[j], parts[i]
		}
		return a, strings.Join(parts, "")
	}},
	{"table-rows", func(n int) (string, string) {
		row := func(edit bool) func(int) string {
			return func(i int) string {
				k := "3 years"
				if edit && i%7 == 0 {
					k = "5 years"
				}
				return fmt.Sprintf("<table><tr><td>Record %d</td><td>%s</td></tr></table>\n", i, k)
			}
		}
		return paragraphs(n, row(false)), paragraphs(n, row(true))
	}},
	{"one-long-paragraph", func(n int) (string, string) {
		a := "<p>" + strings.Repeat("word ", n/5) + "</p>"
		return a, strings.Replace(a, "word", "other", 1)
	}},
}

// TestCompareCostFlat: comparing two versions costs about as much per byte
// at 1 MB as at 128 KB, whatever the shape of the change (the rule for
// anything that compares pairs: linear in its input; BenchmarkCompare
// goes to 5 MB). Each shape's larger size may cost at most three times as
// much per byte, a margin for a busy machine; a quadratic step would cost
// eight times as much.
func TestCompareCostFlat(t *testing.T) {
	for _, sh := range shapes {
		perByte := func(n int) float64 {
			a, b := sh.make(n)
			runtime.GC()
			best := time.Duration(1 << 62)
			for range 2 {
				start := testtools.CPUTime()
				Compare(a, b)
				best = min(best, testtools.CPUTime()-start)
			}
			return float64(best.Nanoseconds()) / float64(len(a)+len(b))
		}
		small, large := perByte(128<<10), perByte(1<<20)
		t.Logf("%-20s %6.1f ns/B at 128K, %6.1f at 1M", sh.name, small, large)
		if large > 3*small+5 {
			t.Errorf("%s: %.1f ns/B at 1 MB, %.1f at 128 KB: the cost grows faster than the input", sh.name, large, small)
		}
	}
}

// BenchmarkCompare compares each shape at growing sizes up to 5 MB;
// compare ns/B across sizes.
//
//	go test ./generator/history -run '^$' -bench Compare -benchtime 1x
func BenchmarkCompare(b *testing.B) {
	for _, sh := range shapes {
		for _, n := range []int{256 << 10, 1 << 20, 5 << 20} {
			x, y := sh.make(n)
			b.Run(fmt.Sprintf("%s/%dK", sh.name, n>>10), func(b *testing.B) {
				b.SetBytes(int64(len(x) + len(y)))
				for b.Loop() {
					Compare(x, y)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(x)+len(y)), "ns/B")
			})
		}
	}
}

// FuzzCompare: any two texts, however malformed their HTML, compare
// without a panic; a text compared with itself changes nothing; what
// the comparison shows is well-formed enough to nest no raw markup from
// a text node.
func FuzzCompare(f *testing.F) {
	f.Add(rendered(base), rendered(strings.Replace(base, "six", "seven", 1)))
	f.Add("<p>a<ul><li>b</p>", "<table><tr><td>x")
	f.Add("<h2 id=a>A</h2><p>x</p>", "<h3>A</h3><pre>&lt;script&gt;</pre>")
	f.Add("text outside<p>in</p>more", "<hr><p></p><li>stray</li>")
	f.Fuzz(func(t *testing.T, a, b string) {
		c := Compare(a, b)
		for _, s := range c.Sections {
			if strings.Contains(string(s.Blocks), "<script") {
				t.Errorf("a script element reached the comparison: %s", s.Blocks)
			}
		}
		for _, s := range Compare(a, a).Sections {
			if s.Changed() {
				t.Errorf("%q compared with itself: %+v", a, s)
			}
		}
	})
}
