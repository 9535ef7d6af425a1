package vars

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/policysite/policysite/generator/markdown"
	"github.com/policysite/policysite/internal/testtools"
)

var set = New(map[string]string{
	"school.name":        "Heron Lane Academy",
	"school.headteacher": "Ms R. Okafor",
	"dpo.email":          "dpo@larkfield.example",
	"organisation.name":  "Larkfield Learning Trust",
	"starry":             "a *bold* <b>claim</b> | [x](y) & `z`",
	"dash":               "- not a list",
	"number":             "1. not an item",
	"funding_body":       "Education and Skills Funding Agency",
}, map[string]Note{"school.dsl": {Message: "is a school's: used in the trust's centre", Elsewhere: true}, "school.email": {Message: "is not set for Heron Lane"}})

func TestExpand(t *testing.T) {
	for _, c := range []struct{ in, want, problems string }{
		{"no variables", "no variables", ""},
		{"Welcome to {{ school.name }}.", "Welcome to Heron Lane Academy.", ""},
		{"{{school.name}}", "Heron Lane Academy", ""},
		{"## About {{ school.name }}\n", "## About Heron Lane Academy\n", ""},
		{"[write](mailto:{{ dpo.email }})", "[write](mailto:dpo@larkfield.example)", ""},
		{"| a | {{ school.headteacher }} |", "| a | Ms R. Okafor |", ""},
		{"{{ starry }}", `a \*bold\* \<b\>claim\</b\> \| \[x\]\(y\) \& \` + "`z\\`", ""},
		{"{{ dash }}", `\- not a list`, ""},
		{"x {{ dash }}", `x - not a list`, ""},
		{"{{ number }}", `1\. not an item`, ""},
		{"`{{ school.name }}` and {{ school.name }}", "`{{ school.name }}` and Heron Lane Academy", ""},
		{"``a ` {{ school.name }}``", "``a ` {{ school.name }}``", ""},
		{"`unclosed {{ school.name }}", "`unclosed Heron Lane Academy", ""},
		{"\\`{{ school.name }}`", "\\`Heron Lane Academy`", ""},
		{"`a\nb {{ school.name }}`", "`a\nb {{ school.name }}`", ""},
		{"`a\n\nb {{ school.name }}`", "`a\n\nb Heron Lane Academy`", ""},
		{"```\n{{ school.name }}\n```\n{{ school.name }}", "```\n{{ school.name }}\n```\nHeron Lane Academy", ""},
		{"~~~~ go\n{{ x }}\n~~~\n{{ y }}\n~~~~\nz", "~~~~ go\n{{ x }}\n~~~\n{{ y }}\n~~~~\nz", ""},
		{"> ```\n> {{ school.name }}\n> ```", "> ```\n> {{ school.name }}\n> ```", ""},
		{"``` `x`\n{{ school.name }}", "``` `x`\nHeron Lane Academy", ""},
		{`\{{ school.name }}`, `\{{ school.name }}`, ""},
		{`\\{{ school.name }}`, `\\Heron Lane Academy`, ""},
		{"{{ school.nmae }}", "{{ school.nmae }}", "0: unknown variable school.nmae (did you mean school.name?); variables are organisation.*, dpo.*, school.* and the keys of site.yaml's params:"},
		{"{{ school.email }}", "{{ school.email }}", "0: variable school.email is not set for Heron Lane"},
		{"x {{ zzz }}", "x {{ zzz }}", "2: unknown variable zzz; variables are organisation.*, dpo.*, school.* and the keys of site.yaml's params:"},
		{"{{ school.dsl }}", "{{ school.dsl }}", "0: variable school.dsl is a school's: used in the trust's centre (elsewhere)"},
		{"{{ Not A Name }}", "{{ Not A Name }}", "0: {{ Not A Name }} is not a variable: a name is words of a-z, 0-9 and _ joined by dots, such as school.name (\\{{ writes the braces themselves)"},
		{"{{ school.name\n}}", "{{ school.name\n}}", "0: {{ without }} on its line: write a variable as {{ school.name }}, or \\{{ for the braces themselves"},
		{"a {{ school.name }} {{ funding_body }} {{ x", "a Heron Lane Academy Education and Skills Funding Agency {{ x", "39: {{ without }} on its line: write a variable as {{ school.name }}, or \\{{ for the braces themselves"},
	} {
		got, _, ps := set.Expand([]byte(c.in))
		if string(got) != c.want {
			t.Errorf("Expand(%q) = %q, want %q", c.in, got, c.want)
		}
		var b strings.Builder
		for i, p := range ps {
			if i > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "%d: %s", p.Offset, p.Message)
			if p.Elsewhere {
				b.WriteString(" (elsewhere)")
			}
		}
		if b.String() != c.problems {
			t.Errorf("Expand(%q) problems:\n%s\nwant:\n%s", c.in, b.String(), c.problems)
		}
	}
}

func TestText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Safeguarding at {{ school.name }}", "Safeguarding at Heron Lane Academy"},
		{"{{ starry }}", "a *bold* <b>claim</b> | [x](y) & `z`"},
		{"`{{ school.name }}`", "`Heron Lane Academy`"},
		{"none", "none"},
	} {
		if got, ps := set.Text(c.in); got != c.want || len(ps) > 0 {
			t.Errorf("Text(%q) = %q, %v; want %q", c.in, got, ps, c.want)
		}
	}
}

func TestNewJoinsLines(t *testing.T) {
	s := New(map[string]string{"a": "one\ntwo\r\n  three"}, nil)
	if got, _, _ := s.Expand([]byte("{{ a }}")); string(got) != "one two three" {
		t.Errorf("got %q", got)
	}
}

func TestForBracket(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"school name", "school.name"},
		{"School Name", "school.name"},
		{"insert the school's name", "school.name"},
		{"headteacher", "school.headteacher"},
		{"Headteacher", "school.headteacher"},
		{"DPO email", "dpo.email"},
		{"insert DPO email", "dpo.email"},
		{"funding body", "funding_body"},
		{"school email", "school.email"}, // a note: declared, unset here
		{"Data Protection Act 2018", ""},
		{"insert name", ""},
		{"", ""},
	} {
		if got := set.ForBracket(c.in); got != c.want {
			t.Errorf("ForBracket(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestCost checks that Expand's CPU time per byte stays flat from 1 MB to 5
// MB for the inputs that would make a careless scanner quadratic: lone
// backticks of many lengths, lone {{, code spans, a long fenced block.
func TestCost(t *testing.T) {
	units := map[string]string{
		"backticks":   "` `` ``` {{ school.name }} ",
		"lone-braces": "{{ {{ {{ {{ ",
		"spans":       "`{{ school.name }}` {{ school.name }} ",
		"fenced":      "```\n{{ school.name }}\n",
		"unknown":     "{{ scool.name }} ",
		"escapes":     `\\\\\\\{{ school.name }}`,
		"autolinks":   "<{{dpo.email}}<{{dpo.email}}>{{dpo.email}}",
	}
	for name, unit := range units {
		t.Run(name, func(t *testing.T) {
			per := func(n int) time.Duration {
				src := bytes.Repeat([]byte(unit), n/len(unit)+1)
				best := time.Duration(1 << 62)
				for range 3 {
					// CPU time, not the clock's: on a busy machine the
					// clock measures the load.
					start := testtools.CPUTime()
					set.Expand(src)
					best = min(best, testtools.CPUTime()-start)
				}
				return best / time.Duration(n>>20)
			}
			small, large := per(1<<20), per(5<<20)
			if large > 3*small+time.Millisecond {
				t.Errorf("%s: %v per MB at 5 MB, %v at 1 MB: not linear", name, large, small)
			}
		})
	}
}

func FuzzExpand(f *testing.F) {
	for _, s := range []string{"{{ school.name }}", "`{{ a }}`", "```\n{{ a }}\n```", "\\{{ a }}", "{{ nope }}", "``a`` `b` {{ dash }}", "{{ {{ }} }}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, offs, ps := set.Expand([]byte(in))
		for _, p := range ps {
			if p.Offset < 0 || p.Offset+2 > len(in) || in[p.Offset:p.Offset+2] != "{{" {
				t.Fatalf("problem at %d of %q: not a {{", p.Offset, in)
			}
		}
		last := -1
		for o := range len(out) {
			src := offs.Source(o)
			if src < last || src >= len(in) {
				t.Fatalf("Expand(%q): output offset %d from %d, after %d", in, o, src, last)
			}
			if out[o] == '\n' && in[src] != '\n' {
				t.Fatalf("Expand(%q): line break at %d from %q at %d", in, o, in[src], src)
			}
			last = src
		}
		if strings.Count(string(out), "\n") != strings.Count(in, "\n") {
			t.Fatalf("Expand(%q) = %q: lines changed", in, out)
		}
		if !strings.Contains(in, "{{") && string(out) != in {
			t.Fatalf("Expand(%q) = %q without a variable", in, out)
		}
	})
}

func TestMaxProblems(t *testing.T) {
	_, _, ps := set.Expand(bytes.Repeat([]byte("{{ x }} "), maxProblems+5))
	if len(ps) != maxProblems+1 || ps[maxProblems].Message != "5 more variables that cannot be filled in" || ps[maxProblems].Offset != maxProblems*8 {
		t.Errorf("got %d problems, last %+v", len(ps), ps[len(ps)-1])
	}
}

func TestWithPlain(t *testing.T) {
	s := set.WithPlain(map[string]string{"school.dsl": "each school's safeguarding lead"})
	if got, ps := s.Text("Ask {{ school.dsl }}"); got != "Ask each school's safeguarding lead" || len(ps) > 0 {
		t.Errorf("Text = %q, %v", got, ps)
	}
	if got, _, ps := s.Expand([]byte("Ask {{ school.dsl }}")); string(got) != "Ask {{ school.dsl }}" || len(ps) != 1 || !ps[0].Elsewhere {
		t.Errorf("Expand = %q, %v", got, ps)
	}
}

func TestOffsets(t *testing.T) {
	in := "ab {{ school.name }} cd {{ nope }} {{ dash }}!"
	out, offs, _ := set.Expand([]byte(in))
	for _, c := range []struct {
		find string // the first of it in out
		want int    // its offset in in
	}{
		{"ab", 0}, {"Heron", 3}, {"Academy", 3}, {" cd", 20}, {"{{ nope }}", 24}, {"- not a", 35}, {"!", 45},
	} {
		i := strings.Index(string(out), c.find)
		if got := offs.Source(i); got != c.want {
			t.Errorf("%q at %d of the output: from %d, want %d", c.find, i, got, c.want)
		}
	}
}

// Between an autolink's < and > markdown reads no backslash escape, so a
// value is written there as it is: an address with a _ stays a link, and
// the _ stays one character. Anywhere else it is escaped as text.
func TestAutolink(t *testing.T) {
	s := New(map[string]string{
		"dpo.email":     "first_last@larkfield.example",
		"school.domain": "heron_lane.example",
		"form":          "https://forms.example/a_b?x=1&y=*2*",
		"spaced":        "not an address_here",
		"page":          "https://forms.example/a_b_c?x=1&y=2",
		"www":           "www.heron_lane.example/a_b",
	}, nil)
	for _, c := range []struct{ in, html string }{
		{"Write to <{{ dpo.email }}>.", `<p>Write to <a href="mailto:first_last@larkfield.example">first_last@larkfield.example</a>.</p>`},
		{"<{{ form }}>", `<p><a href="https://forms.example/a_b?x=1&amp;y=*2*">https://forms.example/a_b?x=1&amp;y=*2*</a></p>`},
		{"<https://{{ school.domain }}/join_us>", `<p><a href="https://heron_lane.example/join_us">https://heron_lane.example/join_us</a></p>`},
		{"<mailto:{{ dpo.email }}>", `<p><a href="mailto:first_last@larkfield.example">mailto:first_last@larkfield.example</a></p>`},
		{"<{{ spaced }}>", `<p>&lt;not an address_here&gt;</p>`},
		{"<b>{{ dpo.email }}</b> _{{ school.domain }}_", `<p><b>first_last@larkfield.example</b> <em>heron_lane.example</em></p>`},
		{`\<{{ dpo.email }}>`, `<p>&lt;first_last@larkfield.example&gt;</p>`},
		{"`<{{ dpo.email }}>`", `<p><code>&lt;{{ dpo.email }}&gt;</code></p>`},
		// A bare address is linked whole, as if typed; where markdown
		// would not link it, it is text.
		{"Write to {{ dpo.email }}.", `<p>Write to <a href="mailto:first_last@larkfield.example">first_last@larkfield.example</a>.</p>`},
		{"See ({{ page }}) or {{ www }}", `<p>See (<a href="https://forms.example/a_b_c?x=1&amp;y=2">https://forms.example/a_b_c?x=1&amp;y=2</a>) or <a href="http://www.heron_lane.example/a_b">www.heron_lane.example/a_b</a></p>`},
		{"x{{ dpo.email }} [{{ page }}](/p/)", `<p>xfirst_last@larkfield.example <a href="/p/">https://forms.example/a_b_c?x=1&amp;y=2</a></p>`},
	} {
		out, _, ps := s.Expand([]byte(c.in))
		if len(ps) > 0 {
			t.Errorf("Expand(%q): %v", c.in, ps)
		}
		r := markdown.Render(out, markdown.Options{UnsafeHTML: true})
		if got := strings.TrimSpace(r.HTML); got != c.html {
			t.Errorf("%q expands to %q, rendered\n%s\nwant\n%s", c.in, out, got, c.html)
		}
	}
}

// TestNilSet: a nil Set holds no variable: each is unknown, never a panic.
func TestNilSet(t *testing.T) {
	var s *Set
	out, _, ps := s.Expand([]byte("At {{ school.name }}.\n"))
	if string(out) != "At {{ school.name }}.\n" || len(ps) != 1 || !strings.HasPrefix(ps[0].Message, "unknown variable school.name;") || ps[0].Offset != 3 {
		t.Errorf("got %q, %+v", out, ps)
	}
}
