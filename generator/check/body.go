package check

import (
	"bytes"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"

	"github.com/policysite/policysite/generator/markdown"
)

// text is the prose of one block: its text nodes joined, with the source
// offset of each byte. Code, links and raw HTML become a \x00 separator, so
// nothing in them is flagged and no word pairs across them.
type text struct {
	s []byte
	// runs are the pieces s was made of, in order: offsets are found
	// from them when a finding needs one, rather than kept for every byte.
	runs []run
}

// A run is a piece of a text starting at s[at]: its bytes are at source
// offsets off, off+1, ... when contiguous, else all at off.
type run struct {
	at, off    int
	contiguous bool
}

func (t *text) add(b []byte, off int, contiguous bool) {
	if len(b) == 0 {
		return
	}
	t.runs = append(t.runs, run{len(t.s), off, contiguous})
	t.s = append(t.s, b...)
}

// off returns the source offset of s[i].
func (t *text) off(i int) int {
	j := len(t.runs) - 1
	if t.runs[j].at > i {
		j = sort.Search(len(t.runs), func(j int) bool { return t.runs[j].at > i }) - 1
	}
	r := t.runs[j]
	if r.contiguous {
		return r.off + i - r.at
	}
	return r.off
}

// reset empties t, keeping its memory for the next block.
func (t *text) reset() { t.s, t.runs = t.s[:0], t.runs[:0] }

// collect gathers the prose under inline container n.
func collect(n ast.Node, src []byte, t *text) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			t.add(c.Segment.Value(src), c.Segment.Start, true)
			if c.SoftLineBreak() || c.HardLineBreak() {
				t.add([]byte{' '}, c.Segment.Stop, false)
			}
		case *ast.String:
			if !markdown.IsSectionNumber(c) {
				t.add(c.Value, lastOff(t), false)
			}
		case *ast.CodeSpan, *ast.Link, *ast.AutoLink, *ast.RawHTML, *ast.Image, *east.FootnoteLink, *east.TaskCheckBox:
			t.add([]byte{0}, lastOff(t), false)
		default:
			collect(c, src, t)
		}
	}
}

func lastOff(t *text) int {
	if len(t.s) == 0 {
		return 0
	}
	return t.off(len(t.s) - 1)
}

// prose reports whether n is a block whose inline text is prose.
func prose(n ast.Node) bool {
	switch n.(type) {
	case *ast.Paragraph, *ast.TextBlock, *ast.Heading, *east.TableCell, *east.DefinitionTerm:
		return true
	}
	return false
}

var (
	bracket = regexp.MustCompile(`\[([^\[\]\x00]*)\]`)
	// citation matches numeric citations: [1], [2, 3], [4-6].
	citation = regexp.MustCompile(`^[0-9]+(\s*[,–-]\s*[0-9]+)*$`)
)

// body runs the rules that read the markdown tree.
func (k *linter) body() {
	src := k.in.Result.Source
	doc := k.in.Result.Doc
	var t text // one buffer for every block: the linter runs on every build
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || !prose(n) {
			return ast.WalkContinue, nil
		}
		t.reset()
		collect(n, src, &t)
		k.placeholders(&t, src)
		k.repeated(&t)
		if p, ok := n.(*ast.Paragraph); ok {
			k.dangling(p, &t)
		}
		return ast.WalkSkipChildren, nil
	})
	before := len(k.l)
	k.sections(doc, src)
	k.stub(doc, before)
	k.contents(doc, src)
}

// stub turns the empty-section findings since k.l[before] into one when
// every section of the policy is empty: a policy still as a template or
// `policysite new` left it is one thing to do, not one per heading, and
// eleven such stubs would otherwise bury the findings that matter.
func (k *linter) stub(doc ast.Node, before int) {
	headings := 0
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if _, ok := n.(*ast.Heading); ok {
			headings++
		}
	}
	var empty []int
	for i := before; i < len(k.l); i++ {
		if k.l[i].Rule == "empty-section" {
			empty = append(empty, i)
		}
	}
	if headings < 2 || len(empty) != headings {
		return
	}
	first := k.l[empty[0]].Pos
	kept := k.l[:before]
	for i := before; i < len(k.l); i++ {
		if k.l[i].Rule != "empty-section" {
			kept = append(kept, k.l[i])
		}
	}
	k.l = kept
	k.addPos("empty-section", first, "every one of the %d sections is empty: the policy is still a stub, as a template or `policysite new` left it", headings)
}

// contents reports entries of a hand-written contents list (a list under a
// heading titled "Contents") that name no heading of the policy: the list
// was copied from another document or not updated, or a title has a typo.
// Entries that are links are left to broken-link.
func (k *linter) contents(doc ast.Node, src []byte) {
	// Most policies have no contents list: look for its heading first.
	var lists []*ast.List
	if l := k.in.Result.OwnContents; l != nil {
		lists = append(lists, l) // left out of doc and of the page
	}
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok && markdown.IsContentsHeading(headingText(h, src)) {
			if list, ok := n.NextSibling().(*ast.List); ok {
				lists = append(lists, list)
			}
		}
	}
	if len(lists) == 0 {
		return
	}
	headings := map[string]bool{}
	var written []string // by the value near holds
	near := newNearIndex()
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok {
			w := headingText(h, src)
			title := markdown.NormHeading(w)
			if !headings[title] {
				headings[title] = true
				near.add(title, len(written))
				written = append(written, w)
			}
		}
	}
	for _, list := range lists {
		_ = ast.Walk(list, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering || !prose(c) {
				return ast.WalkContinue, nil
			}
			hasLink := false
			_ = ast.Walk(c, func(x ast.Node, entering bool) (ast.WalkStatus, error) {
				if _, ok := x.(*ast.Link); ok {
					hasLink = true
				}
				return ast.WalkContinue, nil
			})
			var t text
			collect(c, src, &t)
			entry := markdown.NormHeading(string(t.s))
			if hasLink || entry == "" || headings[entry] || len(t.s) == 0 {
				return ast.WalkSkipChildren, nil
			}
			msg := "the contents list names %q, but no heading has that title"
			best := ""
			if i, _, ok := near.find(entry, func(int) int { return maxEdits }); ok {
				best = written[i]
			}
			start := strings.IndexFunc(string(t.s), func(r rune) bool { return !unicode.IsSpace(r) })
			name := strings.TrimSpace(string(t.s))
			if best != "" {
				k.add("stale-contents", t.off(start), msg+" (a typo for %q?)", name, best)
			} else {
				k.add("stale-contents", t.off(start), msg, name)
			}
			return ast.WalkSkipChildren, nil
		})
	}
}

func (k *linter) placeholders(t *text, src []byte) {
	if bytes.IndexByte(t.s, '[') < 0 {
		return // most blocks: the expression would find nothing, more slowly
	}
	for _, m := range bracket.FindAllSubmatchIndex(t.s, -1) {
		inner := strings.TrimSpace(string(t.s[m[2]:m[3]]))
		start := t.off(m[0])
		if start > 0 && src[start-1] == '\\' {
			continue // \[ is a deliberate bracket
		}
		low := strings.ToLower(inner)
		if !strings.ContainsFunc(inner, unicode.IsLetter) || citation.MatchString(inner) || low == "sic" || low == "x" || strings.HasPrefix(inner, "^") {
			continue
		}
		k.add("placeholder", start, "unfilled placeholder %s", src[start:t.off(m[1]-1)+1])
	}
}

// legitDoubles are words English repeats on purpose.
var legitDoubles = map[string]bool{"had": true, "that": true}

func (k *linter) repeated(t *text) {
	s := t.s
	var prev []byte // the previous word, when only spaces came between
	i := 0
	for i < len(s) {
		// Prose is mostly ASCII: its bytes are classed by a table, and
		// only the rest decoded.
		n := 1
		if c := s[i]; c < utf8.RuneSelf {
			if ascii[c]&letter == 0 {
				if ascii[c]&space == 0 {
					prev = nil
				}
				i++
				continue
			}
		} else {
			var r rune
			r, n = utf8.DecodeRune(s[i:])
			if !unicode.IsLetter(r) {
				if !unicode.IsSpace(r) {
					prev = nil
				}
				i += n
				continue
			}
		}
		j := i + n
		for j < len(s) {
			if c := s[j]; c < utf8.RuneSelf {
				if ascii[c]&inWord == 0 {
					break
				}
				j++
				continue
			}
			r, n := utf8.DecodeRune(s[j:])
			if !unicode.IsLetter(r) && r != '’' {
				break
			}
			j += n
		}
		w := s[i:j]
		// Most neighbours differ in their first letter: only those that
		// may not are compared (non-ASCII letters fold in other ways).
		maybe := prev != nil && (w[0]|0x20 == prev[0]|0x20 || w[0] >= utf8.RuneSelf || prev[0] >= utf8.RuneSelf)
		if maybe && bytes.EqualFold(w, prev) && !legitDoubles[strings.ToLower(string(w))] {
			k.add("repeated-word", t.off(i), "repeated word %q", string(w))
		}
		prev = w
		i = j
	}
}

// ascii classes the ASCII bytes as unicode.IsLetter and unicode.IsSpace
// would, and marks those that continue a word (letters and ').
var ascii = func() (a [utf8.RuneSelf]uint8) {
	for c := range a {
		if unicode.IsLetter(rune(c)) {
			a[c] |= letter | inWord
		}
		if unicode.IsSpace(rune(c)) {
			a[c] |= space
		}
	}
	a['\''] |= inWord
	return a
}()

const (
	letter = 1 << iota
	space
	inWord
)

func (k *linter) dangling(p *ast.Paragraph, t *text) {
	s := bytes.TrimRightFunc(t.s, unicode.IsSpace)
	if len(s) == 0 || s[len(s)-1] != ':' {
		return
	}
	switch p.NextSibling().(type) {
	case *ast.List, *east.Table, *east.DefinitionList, *ast.FencedCodeBlock, *ast.CodeBlock, *ast.Blockquote:
		return
	}
	if _, ok := p.Parent().(*ast.ListItem); ok && p.NextSibling() != nil {
		return
	}
	k.add("dangling-list-intro", t.off(len(s)-1), "the paragraph ends with a colon but no list or table follows")
}

// sections reports empty sections and repeated or near-repeated headings.
//
// A heading is compared with the earlier ones at its level since its
// parent: exactly by a map, and for a typo (one or two edits in a long
// heading) through a nearIndex of their families, so headings that differ
// only in a number, a letter or a roman numeral (Appendix A, Appendix B)
// are one sequence, never typos of each other. Each heading costs a
// bounded number of look-ups: a policy of 8,000 headings is checked in
// time linear in its size.
func (k *linter) sections(doc ast.Node, src []byte) {
	// scopes[lv] are the headings of level lv since the last heading of a
	// higher level.
	var scopes [7]*headingScope
	var t text
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		h, ok := n.(*ast.Heading)
		if !ok {
			continue
		}
		off := headingStart(h, src)
		next := n.NextSibling()
		t.reset()
		collect(h, src, &t)
		written := strings.TrimSpace(strings.ReplaceAll(string(t.s), "\x00", ""))
		if nh, ok := next.(*ast.Heading); next == nil || ok && nh.Level <= h.Level {
			k.add("empty-section", off, "section %q has no content", written)
		}
		title := strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(string(t.s), "\x00", " "))), " ")
		for lv := h.Level + 1; lv < len(scopes); lv++ {
			scopes[lv] = nil // a new parent section: its children start afresh
		}
		if title == "" {
			continue // empty-heading says so; two of them are not a repeat
		}
		sc := scopes[h.Level]
		if sc == nil {
			sc = &headingScope{lines: map[string]int{}, families: map[string]bool{}, near: newNearIndex()}
			scopes[h.Level] = sc
		}
		line := k.lines.Pos(k.in.BodyOff + off).Line
		fam := family(title)
		if first, ok := sc.lines[title]; ok {
			k.add("duplicate-heading", off, "heading %q repeats the one on line %d", written, first)
			continue
		}
		sc.lines[title] = line
		if sc.families[fam] {
			continue // the next of a sequence: Part II after Part I
		}
		sc.families[fam] = true
		// Short headings one letter apart (Rights, Lights) are different
		// words: a typo is one edit in 8 runes or more, two in 12.
		if first, _, ok := sc.near.find(fam, typoEdits); ok {
			k.add("duplicate-heading", off, "heading %q nearly repeats the one on line %d (a typo?)", written, first)
		}
		sc.near.add(fam, line)
	}
}

// typoEdits is how many edits a heading of n runes may be from an earlier
// one and be taken for its typo (-1: none).
func typoEdits(n int) int {
	if n < 8 {
		return -1
	}
	return n / 6
}

// A headingScope is the headings of one level under one parent: the line
// of the first of each normalised title, the families seen, and an index
// of the families for near repeats.
type headingScope struct {
	lines    map[string]int
	families map[string]bool
	near     *nearIndex
}

// headingStart is the offset of the start of the heading's line.
func headingStart(h *ast.Heading, src []byte) int {
	if h.Lines().Len() == 0 {
		return 0
	}
	off := h.Lines().At(0).Start
	for off > 0 && src[off-1] != '\n' {
		off--
	}
	return off
}

func headingText(h *ast.Heading, src []byte) string {
	var t text
	collect(h, src, &t)
	return strings.TrimSpace(strings.ReplaceAll(string(t.s), "\x00", ""))
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

var ignoreComment = regexp.MustCompile(`<!--\s*check:\s*ignore\s+([a-z0-9 ,-]+?)\s*-->`)

// ignores gathers the policy's ignores: front matter, and comments in the
// markdown (an HTML block covers its lines and the next block's; an inline
// comment its own line).
func (k *linter) ignores() []Ignore {
	out := FrontMatterIgnores(k.in.Path, k.in.Meta)
	if k.in.Result == nil || k.in.Result.Doc == nil {
		return out
	}
	src := k.in.Result.Source
	lineOf := func(off int) int { return k.lines.Pos(k.in.BodyOff + off).Line }
	addAll := func(raw []byte, off, from, to int) {
		for _, m := range ignoreComment.FindAllSubmatchIndex(raw, -1) {
			pos := k.lines.Pos(k.in.BodyOff + off + m[0])
			for _, r := range strings.FieldsFunc(string(raw[m[2]:m[3]]), func(r rune) bool { return r == ' ' || r == ',' }) {
				out = append(out, Ignore{Pos: pos, Rule: r, From: from, To: to})
			}
		}
	}
	_ = ast.Walk(k.in.Result.Doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.HTMLBlock:
			if n.Lines().Len() == 0 {
				return ast.WalkContinue, nil
			}
			first := n.Lines().At(0)
			var raw []byte
			for i := 0; i < n.Lines().Len(); i++ {
				seg := n.Lines().At(i)
				raw = append(raw, seg.Value(src)...)
			}
			from := lineOf(first.Start)
			to := lineOf(n.Lines().At(n.Lines().Len() - 1).Start)
			if next := n.NextSibling(); next != nil {
				if _, e := span(next); e >= 0 {
					to = max(to, lineOf(e))
				}
			}
			addAll(raw, first.Start, from, to)
		case *ast.RawHTML:
			if n.Segments.Len() == 0 {
				return ast.WalkContinue, nil
			}
			s := n.Segments.At(0)
			var raw []byte
			for i := 0; i < n.Segments.Len(); i++ {
				seg := n.Segments.At(i)
				raw = append(raw, seg.Value(src)...)
			}
			l := lineOf(s.Start)
			addAll(raw, s.Start, l, l)
		}
		return ast.WalkContinue, nil
	})
	return out
}

// span returns the first and last source offsets of block n's lines (-1 if none).
func span(n ast.Node) (int, int) {
	start, end := -1, -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || c.Type() != ast.TypeBlock {
			return ast.WalkContinue, nil
		}
		if ls := c.Lines(); ls != nil && ls.Len() > 0 {
			if s := ls.At(0).Start; start < 0 || s < start {
				start = s
			}
			if e := ls.At(ls.Len() - 1).Start; e > end {
				end = e
			}
		}
		return ast.WalkContinue, nil
	})
	return start, end
}
