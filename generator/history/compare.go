package history

import (
	"html/template"
	"regexp"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// A Section is one section of a comparison between two versions: a level 2
// or 3 heading and the text up to the next one. The text before the first
// heading is a section with no heading.
type Section struct {
	// Old and New are the section's heading in each version; one is empty
	// for an added or removed section.
	Old, New string
	Level    int
	Added    bool
	Removed  bool
	// Moved sections stand in a different order among the sections kept.
	Moved bool
	// Renamed sections kept their text under a new heading.
	Renamed bool
	// TextChanged says the words of the section changed.
	TextChanged bool
	// Words is the section's text with removed words in <del> and added
	// words in <ins>, each announced in words ("removed:", "added:") for
	// readers who cannot see colour or strike-through.
	Words template.HTML
}

// Changed reports whether anything about the section changed.
func (s Section) Changed() bool {
	return s.Added || s.Removed || s.Moved || s.Renamed || s.TextChanged
}

// Heading is the section's current heading, or its old one if removed.
func (s Section) Heading() string {
	if s.New != "" || s.Added {
		return s.New
	}
	return s.Old
}

// A Comparison is the difference between two versions' markdown bodies.
type Comparison struct {
	// Sections in the order of the newer version, removed ones where they stood.
	Sections []Section
}

// Changed returns the sections that changed.
func (c Comparison) Changed() []Section {
	var out []Section
	for _, s := range c.Sections {
		if s.Changed() {
			out = append(out, s)
		}
	}
	return out
}

type section struct {
	heading string
	level   int
	body    string
}

var (
	headingRE = regexp.MustCompile(`^(#{2,3})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$`)
	attrRE    = regexp.MustCompile(`[ \t]*\{[^}]*\}$`)
	fenceRE   = regexp.MustCompile("^ {0,3}(```|~~~)")
)

// split cuts a markdown body into sections at ## and ### headings outside
// fenced code.
func split(body string) []section {
	out := []section{{}}
	var fence string
	var b strings.Builder
	flush := func() { out[len(out)-1].body = strings.TrimSpace(b.String()); b.Reset() }
	for _, line := range strings.SplitAfter(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		trimmed := strings.TrimRight(line, "\n")
		if m := fenceRE.FindStringSubmatch(trimmed); m != nil {
			switch fence {
			case "":
				fence = m[1]
			case m[1]:
				fence = ""
			}
		}
		if fence == "" {
			if m := headingRE.FindStringSubmatch(trimmed); m != nil {
				flush()
				out = append(out, section{heading: attrRE.ReplaceAllString(m[2], ""), level: len(m[1])})
				continue
			}
		}
		b.WriteString(line)
	}
	flush()
	if out[0].body == "" {
		out = out[1:]
	}
	return out
}

// Compare compares the markdown bodies of an older and a newer version.
func Compare(older, newer string) Comparison {
	a, b := split(older), split(newer)
	matchA := make([]int, len(a)) // index in b, or -1
	matchB := make([]int, len(b))
	for i := range matchA {
		matchA[i] = -1
	}
	for j := range matchB {
		matchB[j] = -1
	}
	// Same heading (and level, so a demoted heading is seen as one).
	for j, s := range b {
		for i, r := range a {
			if matchA[i] < 0 && r.heading == s.heading {
				matchA[i], matchB[j] = j, i
				break
			}
		}
	}
	// A new heading over mostly the same words is a rename.
	renamed := map[int]bool{}
	for j, s := range b {
		if matchB[j] >= 0 || s.heading == "" {
			continue
		}
		best, bestScore := -1, 0.5
		for i, r := range a {
			if matchA[i] >= 0 || r.heading == "" {
				continue
			}
			if sc := similarity(r.body, s.body); sc >= bestScore {
				best, bestScore = i, sc
			}
		}
		if best >= 0 {
			matchA[best], matchB[j] = j, best
			renamed[j] = true
		}
	}
	// Kept sections out of the longest run in the old order have moved.
	var kept []int // old indices in new order
	for _, i := range matchB {
		if i >= 0 {
			kept = append(kept, i)
		}
	}
	inOrder := lis(kept)

	var out []Section
	nextOld := 0
	emitRemoved := func(upTo int) {
		for ; nextOld < upTo; nextOld++ {
			if matchA[nextOld] < 0 {
				r := a[nextOld]
				out = append(out, Section{Old: r.heading, Level: r.level, Removed: true, TextChanged: r.body != "", Words: Words(r.body, "")})
			}
		}
	}
	for j, s := range b {
		i := matchB[j]
		if i < 0 {
			out = append(out, Section{New: s.heading, Level: s.level, Added: true, TextChanged: s.body != "", Words: Words("", s.body)})
			continue
		}
		if inOrder[i] {
			emitRemoved(i)
		}
		r := a[i]
		out = append(out, Section{
			Old: r.heading, New: s.heading, Level: s.level,
			Moved: !inOrder[i], Renamed: renamed[j],
			TextChanged: r.body != s.body,
			Words:       Words(r.body, s.body),
		})
	}
	emitRemoved(len(a))
	return Comparison{Sections: out}
}

// lis returns the members of a longest increasing subsequence of xs.
func lis(xs []int) map[int]bool {
	n := len(xs)
	length := make([]int, n)
	prev := make([]int, n)
	best := -1
	for i := range xs {
		length[i], prev[i] = 1, -1
		for j := 0; j < i; j++ {
			if xs[j] < xs[i] && length[j]+1 > length[i] {
				length[i], prev[i] = length[j]+1, j
			}
		}
		if best < 0 || length[i] > length[best] {
			best = i
		}
	}
	out := map[int]bool{}
	for i := best; i >= 0; i = prev[i] {
		out[xs[i]] = true
	}
	return out
}

var tokenRE = regexp.MustCompile(`\s+|[\p{L}\p{N}\p{M}'’_-]+|.`)

// tokenBase keeps token runes clear of the surrogate range.
const tokenBase = 0x10000

// diff compares two texts word by word: each word, run of spaces and
// punctuation mark becomes one rune, so diffmatchpatch works on words.
func diff(a, b string) []diffmatchpatch.Diff {
	ids := map[string]rune{}
	var tokens []string
	runes := func(s string) []rune {
		var out []rune
		for _, t := range tokenRE.FindAllString(s, -1) {
			r, ok := ids[t]
			if !ok {
				r = rune(tokenBase + len(tokens))
				ids[t] = r
				tokens = append(tokens, t)
			}
			out = append(out, r)
		}
		return out
	}
	ra, rb := runes(a), runes(b)
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // exact and deterministic, whatever the machine's speed
	ds := dmp.DiffMainRunes(ra, rb, false)
	ds = dmp.DiffCleanupSemantic(ds)
	for i := range ds {
		var sb strings.Builder
		for _, r := range ds[i].Text {
			sb.WriteString(tokens[r-tokenBase])
		}
		ds[i].Text = sb.String()
	}
	return ds
}

// similarity is the share of words the two texts have in common, 0 to 1.
func similarity(a, b string) float64 {
	if a == "" && b == "" {
		return 1
	}
	same, total := 0, 0
	for _, d := range diff(a, b) {
		n := len(strings.Fields(d.Text))
		total += n
		if d.Type == diffmatchpatch.DiffEqual {
			same += 2 * n
			total += n
		}
	}
	if total == 0 {
		return 1
	}
	return float64(same) / float64(total)
}

// Words returns the newer text with removed words in <del> and added words in
// <ins>, HTML-escaped. Each change starts with visually hidden words,
// "removed:" or "added:", so it reads without colour or strike-through.
func Words(older, newer string) template.HTML {
	var b strings.Builder
	for _, d := range diff(older, newer) {
		text := template.HTMLEscapeString(d.Text)
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			b.WriteString(text)
		case diffmatchpatch.DiffDelete:
			b.WriteString(`<del><span class="vh">[removed: </span>` + text + `<span class="vh">]</span></del>`)
		case diffmatchpatch.DiffInsert:
			b.WriteString(`<ins><span class="vh">[added: </span>` + text + `<span class="vh">]</span></ins>`)
		}
	}
	return template.HTML(b.String())
}
