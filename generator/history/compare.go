// Package history compares one version's text with the one before: which
// sections were added, removed, moved or renamed, and inside each changed
// section the words added and removed. (Version labels are package
// versions'.)
package history

import (
	"cmp"
	"fmt"
	"html/template"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// A Section is one section of a comparison between two versions: a level 2
// or 3 heading and the blocks up to the next one. The text before the
// first heading is a section with no heading.
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
	// TextChanged says the section's blocks changed.
	TextChanged bool
	// Blocks is the section's text as rendered, block by block: blocks
	// kept as they were, removed ones in <del>, added ones in <ins>, and
	// changed ones with their removed and added words marked, each
	// announced in words ("removed:", "added:") for readers who cannot see
	// colour or strike-through. Lists stay lists and tables tables.
	Blocks template.HTML
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

// A Comparison is the difference between two versions' rendered texts.
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

// Summary says in a few words what changed: "3 sections changed, 1
// added, 1 moved"; "" when nothing did.
func (c Comparison) Summary() string {
	var changed, added, removed, moved, renamed int
	for _, s := range c.Sections {
		switch {
		case s.Added:
			added++
		case s.Removed:
			removed++
		default:
			if s.TextChanged {
				changed++
			}
			if s.Moved {
				moved++
			}
			if s.Renamed {
				renamed++
			}
		}
	}
	var parts []string
	for _, n := range []struct {
		n    int
		what string
	}{{changed, "changed"}, {added, "added"}, {removed, "removed"}, {moved, "moved"}, {renamed, "renamed"}} {
		if n.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n.n, n.what))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	// The first count names what it counts.
	n, rest, _ := strings.Cut(parts[0], " ")
	noun := "sections"
	if n == "1" {
		noun = "section"
	}
	parts[0] = n + " " + noun + " " + rest
	return strings.Join(parts, ", ")
}

type section struct {
	heading string
	key     string // the heading's id, or its words: what matches it across versions
	level   int
	blocks  []block
}

// split cuts a version's blocks into sections at level 2 and 3 headings.
func split(bs []block) []section {
	out := []section{{}}
	for _, b := range bs {
		if l := b.heading(); l == 2 || l == 3 {
			out = append(out, section{heading: b.text, key: cmp.Or(b.id, b.text), level: l})
			continue
		}
		last := &out[len(out)-1]
		last.blocks = append(last.blocks, b)
	}
	if len(out[0].blocks) == 0 {
		out = out[1:]
	}
	return out
}

// maxRenamePairs bounds the pairs of unmatched sections compared to find
// renamed ones, so that a text rewritten from end to end costs no more
// than linear time.
const maxRenamePairs = 4096

// Compare compares the rendered HTML of an older and a newer version:
// sections matched by heading (or, renamed, by their blocks), then the
// blocks of each. Its cost is linear in the sizes of the two texts
// (BenchmarkCompare).
func Compare(older, newer string) Comparison {
	a, b := split(blocks(older)), split(blocks(newer))
	matchA := make([]int, len(a)) // index in b, or -1
	matchB := make([]int, len(b))
	for i := range matchA {
		matchA[i] = -1
	}
	for j := range matchB {
		matchB[j] = -1
	}
	// Same heading: the first unmatched old section with it.
	// Ids leave out a numbered policy's section numbers: a section
	// renumbered is the same section.
	byHeading := map[string][]int{}
	for i, r := range a {
		byHeading[r.key] = append(byHeading[r.key], i)
	}
	for j, s := range b {
		if is := byHeading[s.key]; len(is) > 0 {
			matchA[is[0]], matchB[j] = j, is[0]
			byHeading[s.key] = is[1:]
		}
	}
	// A new heading over mostly the same blocks is a rename.
	renamed := map[int]bool{}
	var freeA, freeB []int
	for i, r := range a {
		if matchA[i] < 0 && r.heading != "" {
			freeA = append(freeA, i)
		}
	}
	for j, s := range b {
		if matchB[j] < 0 && s.heading != "" {
			freeB = append(freeB, j)
		}
	}
	if len(freeA)*len(freeB) <= maxRenamePairs {
		for _, j := range freeB {
			best, bestScore := -1, 0.5
			for _, i := range freeA {
				if matchA[i] >= 0 {
					continue
				}
				if sc := shared(a[i].blocks, b[j].blocks); sc >= bestScore {
					best, bestScore = i, sc
				}
			}
			if best >= 0 {
				matchA[best], matchB[j] = j, best
				renamed[j] = true
			}
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
				out = append(out, Section{Old: r.heading, Level: r.level, Removed: true, TextChanged: len(r.blocks) > 0, Blocks: render(r.blocks, nil)})
			}
		}
	}
	for j, s := range b {
		i := matchB[j]
		if i < 0 {
			out = append(out, Section{New: s.heading, Level: s.level, Added: true, TextChanged: len(s.blocks) > 0, Blocks: render(nil, s.blocks)})
			continue
		}
		if inOrder[i] {
			emitRemoved(i)
		}
		r := a[i]
		out = append(out, Section{
			Old: r.heading, New: s.heading, Level: s.level,
			Moved: !inOrder[i], Renamed: renamed[j],
			TextChanged: !sameBlocks(r.blocks, s.blocks),
			Blocks:      render(r.blocks, s.blocks),
		})
	}
	emitRemoved(len(a))
	return Comparison{Sections: out}
}

func sameBlocks(a, b []block) bool {
	return slices.EqualFunc(a, b, func(x, y block) bool { return x.key == y.key })
}

// maxRenameText is the most text of two sections whose words are
// compared to find a rename, when their blocks differ.
const maxRenameText = 4 << 10

// shared is the share of blocks two sections have in common, 0 to 1, or
// of words when no block is the same and the sections are short.
func shared(a, b []block) float64 {
	if len(a)+len(b) == 0 {
		return 1
	}
	if s := sharedBlocks(a, b); s > 0 {
		return s
	}
	ta, tb := sectionText(a), sectionText(b)
	if len(ta) > maxRenameText || len(tb) > maxRenameText {
		return 0
	}
	return similarity(ta, tb)
}

func sectionText(bs []block) string {
	var s strings.Builder
	for _, b := range bs {
		s.WriteString(b.text + "\n")
		if s.Len() > maxRenameText {
			break
		}
	}
	return s.String()
}

func sharedBlocks(a, b []block) float64 {
	count := map[uint64]int{}
	for _, x := range a {
		count[x.key]++
	}
	same := 0
	for _, y := range b {
		if count[y.key] > 0 {
			count[y.key]--
			same++
		}
	}
	return float64(2*same) / float64(len(a)+len(b))
}

// lis returns the members of a longest increasing subsequence of xs,
// distinct numbers, in O(n log n): patience sorting from the end, so that
// of two runs as long, the one whose members come first in xs wins (of
// two sections swapped, the one that now comes later is the one moved).
func lis(xs []int) map[int]bool {
	var heads []int // heads[k]: the index starting the run of length k+1 with the largest first member
	next := make([]int, len(xs))
	for i := len(xs) - 1; i >= 0; i-- {
		x := xs[i]
		l := sort.Search(len(heads), func(k int) bool { return xs[heads[k]] <= x })
		next[i] = -1
		if l > 0 {
			next[i] = heads[l-1]
		}
		if l == len(heads) {
			heads = append(heads, i)
		} else if x > xs[heads[l]] {
			heads[l] = i
		}
	}
	out := map[int]bool{}
	if len(heads) > 0 {
		for i := heads[len(heads)-1]; i >= 0; i = next[i] {
			out[xs[i]] = true
		}
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
