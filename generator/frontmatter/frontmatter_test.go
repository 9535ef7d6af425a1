package frontmatter

import (
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
)

const good = `---
title: Privacy notice
version: 1.10
effective: 2025-10-01
next_review: October 2026
owner: Data protection officer
---
Body text.
`

// parse is ParseWith without defaults.
func parse(path string, data []byte) (*Meta, []byte, int, diag.List) {
	return ParseWith(path, data, Defaults{})
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name, in, fm, body string
		err                error
	}{
		{"plain", "---\na: 1\n---\nbody\n", "a: 1\n", "body\n", nil},
		{"crlf", "---\r\na: 1\r\n---\r\nbody", "a: 1\r\n", "body", nil},
		{"bom", "\xef\xbb\xbf---\na: 1\n---\n", "a: 1\n", "", nil},
		{"trailing space on fence", "--- \na: 1\n---\t\nb", "a: 1\n", "b", nil},
		{"empty", "---\n---\nbody", "", "body", nil},
		{"no closing", "---\na: 1\nbody\n", "", "", ErrUnclosed},
		{"closing at EOF without newline", "---\na: 1\n---", "a: 1\n", "", nil},
		{"no front matter", "# Title\n", "", "", ErrNoFrontMatter},
		{"dashes inside", "---\na: '---'\n---\n", "a: '---'\n", "", nil},
		{"four dashes is not a fence", "----\na: 1\n---\n", "", "", ErrNoFrontMatter},
		{"empty file", "", "", "", ErrNoFrontMatter},
	}
	for _, tt := range tests {
		fm, line, body, off, err := Split([]byte(tt.in))
		if err != tt.err {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.err)
			continue
		}
		if err != nil {
			continue
		}
		if string(fm) != tt.fm || string(body) != tt.body || line != 2 || tt.in[off:] != tt.body {
			t.Errorf("%s: Split = %q, line %d, %q, off %d", tt.name, fm, line, body, off)
		}
	}
}

func TestParseGood(t *testing.T) {
	m, body, off, l := parse("content/p.md", []byte(good))
	if len(l) != 0 {
		t.Fatalf("diagnostics: %v", l)
	}
	if m.Version != "1.10" {
		t.Errorf("version %q: a version keeps its literal text", m.Version)
	}
	if m.NextReview.String() != "2026-10-31" || m.Effective.String() != "2025-10-01" {
		t.Errorf("dates %v %v", m.Effective, m.NextReview)
	}
	if string(body) != "Body text.\n" || good[off:] != "Body text.\n" {
		t.Errorf("body %q at %d", body, off)
	}
	if p := m.Pos.At("owner"); p.Line != 6 || p.Col != 8 {
		t.Errorf("owner at %v, want 6:8", p)
	}
}

func TestParseEffectiveMonth(t *testing.T) {
	m, _, _, l := parse("p.md", []byte(strings.Replace(good, "effective: 2025-10-01", "effective: March 2025", 1)))
	if len(l) != 0 || m.Effective.String() != "2025-03-01" {
		t.Errorf("effective month: %v %v (a policy takes effect from the start of a month)", m.Effective, l)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // exact diagnostics
	}{
		{"impossible date", strings.Replace(good, "October 2026", "2025-13-45", 1),
			[]string{`p.md:5:14: next_review: "2025-13-45" is not a date (want 2025-10-31, 2025-10 or October 2025)`}},
		{"missing owner", strings.Replace(good, "owner: Data protection officer\n", "", 1),
			[]string{`p.md:1:1: missing required field "owner" (or set it for every policy under defaults: in site.yaml)`}},
		{"empty title", strings.Replace(good, "title: Privacy notice", "title: ", 1),
			[]string{`p.md:1:1: missing required field "title"`}},
		{"unknown field is a warning", strings.Replace(good, "owner:", "aliases: [a]\nowner:", 1),
			[]string{`p.md:6:1: warning: unknown field "aliases": ignored`}},
		{"misspelt field", strings.Replace(good, "next_review:", "next_reveiw:", 1),
			[]string{`p.md:1:1: missing required field "next_review" (or leave it out, for effective plus site.yaml's review period)`, `p.md:5:1: warning: unknown field "next_reveiw" (did you mean "next_review"?): ignored`}},
		{"bad version", strings.Replace(good, "1.10", "1/2", 1),
			[]string{`p.md:3:10: version: "1/2": a version cannot hold / \ < > : " | ? * # or %, as it names the archived file history/<version>.md and a URL`}},
		{"review before effective", strings.Replace(good, "October 2026", "2024-01-01", 1),
			[]string{`p.md:5:14: next_review: 2024-01-01 is not after the effective date 2025-10-01`}},
		{"weight not a number", strings.Replace(good, "owner:", "weight: heavy\nowner:", 1),
			[]string{`p.md:6:9: weight: expected a whole number, found "heavy"`}},
		{"title a list", strings.Replace(good, "title: Privacy notice", "title: [a, b]", 1),
			[]string{`p.md:2:8: title: expected text, found a list`}},
		{"malformed yaml", "---\ntitle: a\n  b: : c\n---\n",
			[]string{`p.md:3:1: invalid YAML: mapping values are not allowed in this context (put quotes around a value that contains ": ")`}},
		{"unclosed", "---\ntitle: a\n", []string{`p.md:1:1: front matter has no closing --- line`}},
		{"invalid utf-8", "---\ntitle: caf\xe9\n---\n", []string{`p.md:2:11: invalid UTF-8: save the file as UTF-8`}},
		{"front matter not a mapping", "---\n- a\n---\n", []string{`p.md:2:1: expected a mapping of keys to values, found a list`}},
		{"duplicate key", strings.Replace(good, "owner:", "title: Again\nowner:", 1),
			[]string{`p.md:6:1: title is set twice`}},
	}
	for _, tt := range tests {
		_, _, _, l := parse("p.md", []byte(tt.in))
		l.Sort()
		var got []string
		for _, d := range l {
			got = append(got, d.Error())
		}
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s:\ngot  %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func FuzzSplit(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("---\r\na: 1\r\n---\r\n"))
	f.Add([]byte("\xef\xbb\xbf---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fm, _, body, off, err := Split(data)
		if err != nil {
			return
		}
		if off < 0 || off > len(data) || string(data[off:]) != string(body) || len(fm) > len(data) {
			t.Fatalf("Split: offset %d out of bounds or body mismatch", off)
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("---\ntitle: [\n---\n"))
	f.Add([]byte("---\nreviews:\n  - date: x\n---\n"))
	f.Add([]byte("---\n*a\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, _, l := parse("p.md", data)
		lines := strings.Count(string(data), "\n") + 1
		for _, d := range l {
			if d.Line < 1 || d.Line > lines || d.Col < 1 {
				t.Fatalf("position out of bounds: %v (file has %d lines)", d, lines)
			}
		}
	})
}

// Key names the front matter as written: a change to the body leaves it,
// a change to the block or the path does not.
func TestKey(t *testing.T) {
	const fm = "---\ntitle: Visitors\nversion: \"1\"\neffective: 2025-01-01\nnext_review: 2026-01-01\nowner: Head\n---\n"
	key := func(path, data string) [32]byte {
		m, _, _, _ := parse(path, []byte(data))
		return m.Key
	}
	base := key("content/a.md", fm+"Text.\n")
	for _, tt := range []struct {
		name, path, data string
		same             bool
	}{
		{"the body edited", "content/a.md", fm + "Other text.\n", true},
		{"the title edited", "content/a.md", strings.Replace(fm, "Visitors", "Visits", 1) + "Text.\n", false},
		{"a blank line in the block", "content/a.md", strings.Replace(fm, "owner", "\nowner", 1) + "Text.\n", false},
		{"another file", "content/b.md", fm + "Text.\n", false},
	} {
		if got := key(tt.path, tt.data) == base; got != tt.same {
			t.Errorf("%s: same key %v, want %v", tt.name, got, tt.same)
		}
	}
}

// TestParseWithFallbacks: effective is the file's, else its last
// commit's day, else date:; next_review is the file's, else effective
// plus the review period, said on the page ("derived"); every fallback is
// one default-field warning naming the fields.
func TestParseWithFallbacks(t *testing.T) {
	commit := Defaults{ReviewMonths: 12, ReviewFrom: "site.yaml's review.review_period (1 year)", EffectiveFrom: "the day of the file's last commit"}
	commit.Effective.Year, commit.Effective.Month, commit.Effective.Day = 2026, 3, 2
	noCommit := commit
	noCommit.Effective, noCommit.EffectiveFrom = date.Date{}, ""
	head := "---\ntitle: T\nversion: \"1\"\nowner: O\n"
	for _, c := range []struct {
		name, fm                string
		d                       Defaults
		effective, next         string
		effectiveFrom, nextFrom string
		unset                   bool
		want                    string
	}{
		{"written", "effective: 2025-01-10\nnext_review: 2025-06-30\n", commit, "2025-01-10", "2025-06-30", "", "", false, ""},
		{"commit before date", "date: 2021-03-04 10:00:00 -0500\n", commit, "2026-03-02", "2027-03-02", "derived: the day of the file's last commit", "derived: a year after effective", true,
			"p.md:1:1: warning: effective 2026-03-02 from the day of the file's last commit, not date: 2021-03-04; next_review 2027-03-02 from effective plus site.yaml's review.review_period (1 year): write them in the front matter to make them explicit"},
		{"date without a commit", "date: 2021-03-04 10:00:00 -0500\n", noCommit, "2021-03-04", "2022-03-04", "", "derived: a year after effective", true,
			"p.md:1:1: warning: effective 2021-03-04 from date:; next_review 2022-03-04 from effective plus site.yaml's review.review_period (1 year): write them in the front matter to make them explicit"},
		{"review written", "effective: 2025-01-10\nnext_review: 2025-06-30\ndate: 2020-01-01\n", commit, "2025-01-10", "2025-06-30", "", "", false, ""},
		{"18 months", "effective: 2025-01-10\n", Defaults{ReviewMonths: 18, ReviewFrom: "site.yaml's defaults.next_review (18 months)"}, "2025-01-10", "2026-07-10", "", "derived: 18 months after effective", false,
			"p.md:1:1: warning: next_review 2026-07-10 from effective plus site.yaml's defaults.next_review (18 months): write it in the front matter to make it explicit"},
		{"no date at all", "", noCommit, "0000-00-00", "0000-00-00", "", "", true,
			`p.md:1:1: missing required field "effective" (in a git repository, the day of the file's last commit is read as effective, then date:)`},
	} {
		m, _, _, l := ParseWith("p.md", []byte(head+c.fm+"---\n"), c.d)
		var got []string
		for _, d := range l {
			got = append(got, d.Error())
		}
		if m.Effective.String() != c.effective || m.NextReview.String() != c.next || m.EffectiveFrom != c.effectiveFrom || m.NextReviewFrom != c.nextFrom || m.EffectiveUnset != c.unset || strings.Join(got, "\n") != c.want {
			t.Errorf("%s: effective %s (%q), next_review %s (%q), unset %v\n%s", c.name, m.Effective, m.EffectiveFrom, m.NextReview, m.NextReviewFrom, m.EffectiveUnset, strings.Join(got, "\n"))
		}
	}
}

// Positions finds each key's position, whether in the front matter's own
// file or another's, after Set has moved it, and a clone is apart.
func TestPositions(t *testing.T) {
	m, _, _, l := ParseWith("content/p.md", []byte(good), Defaults{})
	if len(l) != 0 {
		t.Fatalf("diagnostics: %v", l)
	}
	at := func(ps Positions, key string) string {
		p, ok := ps.Lookup(key)
		if !ok {
			return "none"
		}
		return p.String()
	}
	newer := diag.Pos{File: "content/p/history/2.md", Line: 5, Col: 14}
	c := m.Pos.Clone()
	c.Set("next_review", newer)
	c.Set("version", diag.Pos{File: "content/p.md", Line: 9, Col: 2})
	for _, tt := range []struct {
		ps        Positions
		key, want string
	}{
		{m.Pos, "title", "content/p.md:2:8"},
		{m.Pos, "next_review", "content/p.md:5:14"},
		{m.Pos, "version", "content/p.md:3:10"},
		{m.Pos, "summary", "none"},
		{c, "next_review", newer.String()},
		{c, "version", "content/p.md:9:2"},
		{c, "owner", "content/p.md:6:8"},
	} {
		if got := at(tt.ps, tt.key); got != tt.want {
			t.Errorf("%s at %s, want %s", tt.key, got, tt.want)
		}
	}
	if n := len(c.own) + len(c.other); n != 5 {
		t.Errorf("%d positions after two Sets of five keys, want 5", n)
	}
}
