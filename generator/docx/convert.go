package docx

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/markdown"
	"github.com/policysite/policysite/generator/source"
)

// Options say how Convert fills what a document does not say.
type Options struct {
	// Name is the document's file name, the title of last resort.
	Name string
	// Split makes one policy of each Heading 1.
	Split bool
	// Now is the day of the import: the effective date of a document that
	// gives none.
	Now date.Date
	// Period is the months between reviews, and PeriodFrom where it comes
	// from ("site.yaml review.review_period").
	Period     int
	PeriodFrom string
	// Owner is the owner of a policy whose document names none, and
	// OwnerFrom where it comes from.
	Owner, OwnerFrom string
	// CellBreak joins the paragraphs of a table cell: " " (the default), or
	// "<br>", raw HTML the build's sanitiser keeps (import uses it).
	CellBreak string
}

// A Policy is one policy made from a document.
type Policy struct {
	Title, Slug string
	Version     string
	Effective   Day
	NextReview  Day
	Owner       string
	// Summary is the document's subtitle.
	Summary  string
	Changes  string
	Numbered bool
	// Found says where each field came from; Guesses what was guessed
	// because the document does not say; Notes what was dropped, kept as
	// it was, or changed.
	Found, Guesses, Notes []string
	// Images are the pictures the body shows, named image1.png, ...: the
	// body links them as <prefix>image1.png (see Markdown).
	Images []File

	blocks []Block
	doc    *Document
	opts   Options
	cells  string
	defs   map[*Table]bool
	// rendered is set once Markdown has added what rendering dropped to Notes.
	rendered bool
}

// A File is a file to write beside a policy.
type File struct {
	Name string
	Data []byte
}

// bullet is a typed bullet and the space after it.
const bullet = `^[ \t]*(?:[·•▪◦‣∙●○■□➢►✓\-–*]|o)[\t ]+`

// The expressions are compiled when first used: an import uses them, a
// build, which links this package too, does not (compiling them at start
// was 2.5 ms and 0.4 MB of every command's).
var (
	typedNumRE = compiled(`^(\d{1,3}(?:\.\d{1,3}){0,3})\.?\s+(\S.*)$`)
	bulletRE   = compiled(bullet)
	// bulletRestRE is bulletRE with an empty group where the text starts.
	bulletRestRE = compiled(bullet + `()`)
	versionNumRE = compiled(`^\d{1,4}(\.\d{1,4}){0,3}$`)
	endsDigitRE  = compiled(`\d$`)
	plainYAMLRE  = compiled(`^[A-Za-z][A-Za-z0-9 ,.()'’/&-]*$`)
	yamlWordRE   = compiled(`^(?i:yes|no|true|false|on|off|null|y|n)$`)
)

// compiled returns a function compiling expr once, when first called.
func compiled(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// Convert makes the policies of a document: one, or with opts.Split one
// per Heading 1.
func Convert(doc *Document, opts Options) []*Policy {
	if opts.CellBreak == "" {
		opts.CellBreak = " "
	}
	if opts.Period <= 0 {
		opts.Period, opts.PeriodFrom = 12, "a 12-month review period"
	}
	var notes []string
	var blocks []Block
	toc := 0
	for _, b := range doc.Blocks {
		if p, ok := b.(*Para); ok && p.TOC {
			toc++
			continue
		}
		blocks = append(blocks, b)
	}
	if toc > 0 {
		notes = append(notes, fmt.Sprintf("dropped the table of contents (%d entries): the site makes its own", toc))
	}
	// The title: the Title style, or else the first heading.
	title, titleFrom := "", ""
	for i, b := range blocks {
		if p, ok := b.(*Para); ok && p.Title {
			if t := collapse(inlineText(p.Inlines, false)); t != "" {
				title, titleFrom = t, "the Title style"
				blocks = append(blocks[:i:i], blocks[i+1:]...)
				break
			}
		}
	}
	// Title-block lines at the very end apply to the whole document.
	var trailer map[string]string
	var trailerFound []string
	blocks, trailer, trailerFound = liftTrailer(blocks)

	type part struct {
		title, from string
		blocks      []Block
	}
	var parts []part
	if opts.Split {
		lvl := 0
		for _, b := range blocks {
			if p, ok := b.(*Para); ok && p.Heading > 0 && (lvl == 0 || p.Heading < lvl) {
				lvl = p.Heading
			}
		}
		start := -1
		intro := 0
		for i, b := range blocks {
			if p, ok := b.(*Para); ok && p.Heading == lvl {
				if start >= 0 {
					parts[len(parts)-1].blocks = blocks[start:i]
				} else {
					intro = i
				}
				parts = append(parts, part{title: collapse(inlineText(p.Inlines, false)), from: fmt.Sprintf("its Heading %d", lvl)})
				start = i + 1
			}
		}
		if start >= 0 {
			parts[len(parts)-1].blocks = blocks[start:]
		}
		// What comes before the first policy is the document's own: its
		// title block applies to every policy, the rest is not imported.
		if intro > 0 || start < 0 {
			head := blocks[:intro]
			if start < 0 {
				head = blocks
			}
			var m map[string]string
			var found []string
			head, m, found = liftTitleBlock(head)
			for k, v := range m {
				if _, ok := trailer[k]; !ok {
					if trailer == nil {
						trailer = map[string]string{}
					}
					trailer[k] = v
				}
			}
			trailerFound = append(trailerFound, found...)
			if n := countText(head); n > 0 && start >= 0 {
				notes = append(notes, fmt.Sprintf("did not import the %d paragraphs and tables before the first Heading %d (the document's introduction)", n, lvl))
			}
		}
		if len(parts) == 0 {
			notes = append(notes, "--split: the document has no headings; imported it as one policy")
		}
	}
	if len(parts) == 0 {
		if title == "" {
			for i, b := range blocks {
				if p, ok := b.(*Para); ok && p.Heading > 0 {
					if t := collapse(inlineText(p.Inlines, false)); t != "" {
						title, titleFrom = t, "its first heading"
						blocks = append(blocks[:i:i], blocks[i+1:]...)
						break
					}
				}
			}
		}
		if title == "" && doc.CoreTitle != "" {
			title, titleFrom = doc.CoreTitle, "the document's properties"
		}
		if title == "" {
			base := strings.TrimSuffix(path.Base(strings.ReplaceAll(opts.Name, `\`, "/")), path.Ext(opts.Name))
			title, titleFrom = strings.TrimSpace(strings.NewReplacer("-", " ", "_", " ").Replace(base)), "the file name"
		}
		parts = []part{{title: title, from: titleFrom, blocks: blocks}}
	}
	var out []*Policy
	slugs := map[string]int{}
	for _, pt := range parts {
		p := &Policy{Title: pt.title, doc: doc, opts: opts, cells: opts.CellBreak, defs: map[*Table]bool{}}
		p.Found = append(p.Found, fmt.Sprintf("title: %q, from %s", p.Title, pt.from))
		bl, m, found := liftTitleBlock(pt.blocks)
		for k, v := range trailer {
			if _, ok := m[k]; !ok {
				m[k] = v
			}
		}
		p.Found = append(p.Found, found...)
		if len(found) == 0 || opts.Split {
			p.Found = append(p.Found, trailerFound...)
		}
		bl = p.subtitle(bl)
		bl = p.docControl(bl, m)
		p.applyMeta(m)
		bl = p.dropContents(bl)
		bl = p.headings(bl)
		bl = typedBullets(bl, &p.Notes)
		p.blocks = bl
		p.Slug = source.Slug(p.Title)
		if p.Slug == "" {
			p.Slug = "policy"
		}
		if n := slugs[p.Slug]; n > 0 {
			slugs[p.Slug]++
			p.Slug = fmt.Sprintf("%s-%d", p.Slug, n+1)
		} else {
			slugs[p.Slug] = 1
		}
		p.Notes = append(notes, p.Notes...)
		out = append(out, p)
	}
	// Tracked changes and comments are the document's, said once.
	if len(out) > 0 {
		first := out[0]
		if doc.Insertions+doc.Deletions > 0 {
			first.Notes = append(first.Notes, fmt.Sprintf("resolved tracked changes to the final text: kept %d insertions, dropped %d deletions", doc.Insertions, doc.Deletions))
		}
		if doc.Comments > 0 {
			first.Notes = append(first.Notes, fmt.Sprintf("dropped %d comments", doc.Comments))
		}
		var kinds []string
		for k := range doc.Dropped {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, k := range kinds {
			first.Notes = append(first.Notes, fmt.Sprintf("%d %s: not imported", doc.Dropped[k], k))
		}
	}
	return out
}

func countText(bl []Block) int {
	n := 0
	for _, b := range bl {
		if p, ok := b.(*Para); ok && strings.TrimSpace(p.Text()) == "" {
			continue
		}
		n++
	}
	return n
}

// lines splits a paragraph's runs at its line breaks.
func lines(ins []Inline) [][]Inline {
	out := [][]Inline{nil}
	for _, in := range ins {
		if in.Note != "" || in.Image != "" || !strings.Contains(in.Text, "\n") {
			out[len(out)-1] = append(out[len(out)-1], in)
			continue
		}
		for i, t := range strings.Split(in.Text, "\n") {
			if i > 0 {
				out = append(out, nil)
			}
			if t != "" {
				c := in
				c.Text = t
				out[len(out)-1] = append(out[len(out)-1], c)
			}
		}
	}
	return out
}

// liftPara takes the title-block lines out of a paragraph; it returns the
// paragraph with the others (nil if none is left) and what the lines said.
func liftPara(p *Para, m map[string]string, found *[]string) (*Para, bool) {
	if p.Heading > 0 || p.List != nil {
		return p, false
	}
	ls := lines(p.Inlines)
	var keep [][]Inline
	lifted := false
	for _, l := range ls {
		text := collapse(inlineText(l, false))
		if text == "" {
			continue
		}
		got := titleLine(text)
		if got == nil {
			keep = append(keep, l)
			continue
		}
		lifted = true
		for _, k := range []string{fVersion, fEffect, fNext, fOwner, "date"} {
			v, ok := got[k]
			if !ok {
				continue
			}
			if k == "date" {
				k = fEffect
				if _, set := m[fEffect]; set {
					k = fNext
				}
			}
			if _, set := m[k]; !set {
				m[k] = v
				*found = append(*found, fmt.Sprintf("%s: %s, from %q", k, v, text))
			}
		}
	}
	if !lifted {
		return p, false
	}
	if len(keep) == 0 {
		return nil, true
	}
	q := *p
	q.Inlines = nil
	for i, l := range keep {
		if i > 0 {
			q.Inlines = append(q.Inlines, Inline{Text: "\n"})
		}
		q.Inlines = append(q.Inlines, l...)
	}
	return &q, true
}

// liftTitleBlock lifts the title-block lines of the paragraphs before the
// first heading.
func liftTitleBlock(bl []Block) ([]Block, map[string]string, []string) {
	m := map[string]string{}
	var found []string
	out := make([]Block, 0, len(bl))
	head := true
	for _, b := range bl {
		p, ok := b.(*Para)
		if ok && p.Heading > 0 {
			head = false
		}
		if head && ok {
			if q, _ := liftPara(p, m, &found); q != nil {
				out = append(out, q)
			}
			continue
		}
		out = append(out, b)
	}
	return out, m, found
}

// liftTrailer lifts title-block paragraphs at the end of the document:
// each must be wholly title-block lines.
func liftTrailer(bl []Block) ([]Block, map[string]string, []string) {
	end := len(bl)
	for end > 0 {
		p, ok := bl[end-1].(*Para)
		if !ok {
			break
		}
		if strings.TrimSpace(p.Text()) == "" {
			end--
			continue
		}
		probe := map[string]string{}
		var f []string
		if q, lifted := liftPara(p, probe, &f); !lifted || q != nil {
			break
		}
		end--
	}
	m := map[string]string{}
	var found []string
	for _, b := range bl[end:] {
		liftPara(b.(*Para), m, &found)
	}
	return bl[:end:end], m, found
}

// subtitle makes the first paragraph in the Subtitle style before the
// first heading the policy's summary, shown on the index.
func (p *Policy) subtitle(bl []Block) []Block {
	for i, b := range bl {
		q, ok := b.(*Para)
		if !ok || q.Heading > 0 {
			break
		}
		if t := collapse(inlineText(q.Inlines, false)); q.Subtitle && t != "" {
			p.Summary = t
			p.Found = append(p.Found, fmt.Sprintf("summary: %q, from the Subtitle style", t))
			return append(bl[:i:i], bl[i+1:]...)
		}
	}
	return bl
}

// applyMeta fills the policy's fields from what the document said, and
// guesses the rest from the options.
func (p *Policy) applyMeta(m map[string]string) {
	o := p.opts
	p.Version = m[fVersion]
	if p.Version == "" {
		p.Version = "1.0"
		p.Guesses = append(p.Guesses, "version: 1.0 (the document gives no version)")
	}
	eff, effOK := parseDay(m[fEffect])
	next, nextOK := parseDay(m[fNext])
	if nextOK && effOK && !next.last().After(eff.first()) {
		p.Notes = append(p.Notes, fmt.Sprintf("the document's review date %s is not after its date %s: ignored it", next, eff))
		nextOK = false
	}
	switch {
	case effOK:
	case nextOK:
		eff = next.addMonths(-o.Period)
		p.Guesses = append(p.Guesses, fmt.Sprintf("effective: %s (%d months before its review date, from %s)", eff, o.Period, o.PeriodFrom))
	default:
		eff = Day{o.Now, false}
		p.Guesses = append(p.Guesses, fmt.Sprintf("effective: %s (the day of the import: the document gives no date)", eff))
	}
	if !nextOK {
		next = eff.addMonths(o.Period)
		p.Guesses = append(p.Guesses, fmt.Sprintf("next_review: %s (effective plus %s)", next, o.PeriodFrom))
	}
	p.Effective, p.NextReview = eff, next
	p.Owner = m[fOwner]
	if p.Owner == "" {
		p.Owner = o.Owner
		p.Guesses = append(p.Guesses, fmt.Sprintf("owner: %s (%s; the document names no owner)", o.Owner, o.OwnerFrom))
	}
	if c := m["changes"]; c != "" {
		p.Changes = c
	}
}

// docControl reads document-control tables. A table of versions (columns
// version, date, author, approved by, changes) stays in the text and its
// latest row gives the version, date and change note the title block did
// not; a table of labelled rows (Version | 1.08, Review date | ...) is
// lifted into the front matter like title-block lines.
func (p *Policy) docControl(bl []Block, m map[string]string) []Block {
	out := bl[:0:0]
	for _, b := range bl {
		t, ok := b.(*Table)
		if !ok {
			out = append(out, b)
			continue
		}
		if p.historyTable(t, m) {
			out = append(out, b)
			continue
		}
		if isDefinitions(t) {
			p.defs[t] = true
			out = append(out, b)
			continue
		}
		// Labelled rows.
		var keep [][]Cell
		lifted := 0
		for _, r := range t.Rows {
			if len(r) >= 2 {
				label := collapse(cellText(r[0]))
				val := collapse(cellText(r[1]))
				if got := titleLine(label + ": " + val); got != nil && got["date"] == "" {
					for k, v := range got {
						if _, set := m[k]; !set {
							m[k] = v
							p.Found = append(p.Found, fmt.Sprintf("%s: %s, from the table row %q", k, v, label+" | "+val))
						}
					}
					lifted++
					continue
				}
			}
			keep = append(keep, r)
		}
		if lifted < 2 {
			out = append(out, b)
			continue
		}
		if len(keep) > 0 {
			out = append(out, &Table{Rows: keep})
			p.Notes = append(p.Notes, fmt.Sprintf("lifted %d rows of a document-control table into the front matter; kept its other %d rows", lifted, len(keep)))
		} else {
			p.Notes = append(p.Notes, fmt.Sprintf("lifted a document-control table (%d rows) into the front matter", lifted))
		}
	}
	return out
}

func cellText(c Cell) string {
	var parts []string
	for _, b := range c.Blocks {
		if p, ok := b.(*Para); ok {
			parts = append(parts, inlineText(p.Inlines, false))
		}
	}
	return strings.Join(parts, " ")
}

// historyTable reads a table of versions, if t is one.
func (p *Policy) historyTable(t *Table, m map[string]string) bool {
	if len(t.Rows) < 2 {
		return false
	}
	col := map[string]int{}
	for i, c := range t.Rows[0] {
		h := strings.ToLower(collapse(cellText(c)))
		set := func(k string) {
			if _, ok := col[k]; !ok {
				col[k] = i
			}
		}
		switch {
		case h == "version" || h == "v" || h == "issue" || strings.HasPrefix(h, "version ") || h == "version no" || h == "version no.":
			set("version")
		case strings.Contains(h, "approved by") || strings.Contains(h, "ratified by") || strings.Contains(h, "agreed by"):
			set("approved")
		case strings.Contains(h, "date"):
			set("date")
		case strings.Contains(h, "author") || h == "by" || strings.Contains(h, "revised by") || strings.Contains(h, "name"):
			set("author")
		case strings.Contains(h, "change") || strings.Contains(h, "description") || strings.Contains(h, "summary") || strings.Contains(h, "comment") || strings.Contains(h, "reason") || strings.Contains(h, "amendment") || strings.Contains(h, "details") || strings.Contains(h, "notes"):
			set("changes")
		}
	}
	vc, ok := col["version"]
	if !ok {
		return false
	}
	_, hasDate := col["date"]
	_, hasChanges := col["changes"]
	if !hasDate && !hasChanges {
		return false
	}
	best, bestV := -1, ""
	for i, r := range t.Rows[1:] {
		if vc >= len(r) {
			continue
		}
		v := strings.TrimPrefix(strings.ToLower(collapse(cellText(r[vc]))), "v")
		if !versionNumRE().MatchString(v) {
			continue
		}
		if best < 0 || compareVersions(v, bestV) >= 0 {
			best, bestV = i+1, v
		}
	}
	if best < 0 {
		return false
	}
	row := t.Rows[best]
	get := func(k string) string {
		if c, ok := col[k]; ok && c < len(row) {
			return collapse(cellText(row[c]))
		}
		return ""
	}
	src := fmt.Sprintf("the document-control table's row for version %s", bestV)
	if _, set := m[fVersion]; !set {
		m[fVersion] = bestV
		p.Found = append(p.Found, fmt.Sprintf("version: %s, from %s", bestV, src))
	} else if compareVersions(m[fVersion], bestV) != 0 {
		p.Notes = append(p.Notes, fmt.Sprintf("the title block says version %s, the document-control table %s: kept %s", m[fVersion], bestV, m[fVersion]))
	}
	if d, ok := parseDay(get("date")); ok {
		if _, set := m[fEffect]; !set {
			m[fEffect] = d.String()
			p.Found = append(p.Found, fmt.Sprintf("effective: %s, from %s", d, src))
		}
	}
	if c := get("changes"); c != "" {
		m["changes"] = c
		p.Found = append(p.Found, fmt.Sprintf("changes: from %s", src))
	}
	p.Notes = append(p.Notes, fmt.Sprintf("kept the document-control table (%d versions) in the text: the site's history holds earlier versions' full text, which the document does not have", len(t.Rows)-1))
	return true
}

// isDefinitions reports whether a table is a two-column glossary headed
// Term / Definition.
func isDefinitions(t *Table) bool {
	if len(t.Rows) < 2 || len(t.Rows[0]) != 2 {
		return false
	}
	a := strings.ToLower(collapse(cellText(t.Rows[0][0])))
	b := strings.ToLower(collapse(cellText(t.Rows[0][1])))
	terms := map[string]bool{"term": true, "terms": true, "word": true, "expression": true, "abbreviation": true, "acronym": true, "defined term": true}
	defs := map[string]bool{"definition": true, "definitions": true, "meaning": true, "description": true, "explanation": true, "what it means": true}
	return terms[a] && defs[b]
}

// contentsLabels are the lines that start a contents list typed by hand.
var contentsLabels = map[string]bool{"contents": true, "content": true, "table of contents": true, "policy table of contents": true, "policy contents": true, "index": true}

func isContents(text string) bool {
	if len(text) > 40 {
		return false
	}
	return contentsLabels[strings.TrimSuffix(strings.ToLower(collapse(text)), ":")]
}

// dropContents drops a contents list typed by hand: a "Contents" line and
// the short lines after it. The site makes the contents from the headings.
func (p *Policy) dropContents(bl []Block) []Block {
	out := bl[:0:0]
	for i := 0; i < len(bl); i++ {
		q, ok := bl[i].(*Para)
		if !ok || len(q.Inlines) > 8 || !isContents(q.Text()) {
			out = append(out, bl[i])
			continue
		}
		j := i + 1
		for j < len(bl) {
			r, ok := bl[j].(*Para)
			if !ok || r.Heading > 0 {
				break
			}
			t := collapse(r.Text())
			if len([]rune(t)) > 100 || strings.HasSuffix(t, ".") && !endsDigitRE().MatchString(strings.TrimRight(t, ".")) {
				break
			}
			j++
		}
		if q.Heading == 0 && j == i+1 {
			out = append(out, bl[i])
			continue
		}
		p.Notes = append(p.Notes, fmt.Sprintf("dropped the contents list typed in the document (%d lines): the site makes its own", j-i-1))
		i = j - 1
	}
	return out
}

// headings sets heading levels so the shallowest is ## (the title is the
// page's #), drops empty headings, and turns Word's automatic numbering,
// or typed numbers that follow the headings' order, into numbered: true.
func (p *Policy) headings(bl []Block) []Block {
	lo := 0
	auto := false
	var hs []*Para
	out := bl[:0:0]
	for _, b := range bl {
		q, ok := b.(*Para)
		if ok && q.Heading > 0 {
			if strings.TrimSpace(q.Text()) == "" {
				continue
			}
			if lo == 0 || q.Heading < lo {
				lo = q.Heading
			}
			auto = auto || q.AutoNumber
			hs = append(hs, q)
		}
		out = append(out, b)
	}
	for _, h := range hs {
		h.Heading = min(6, h.Heading-lo+2)
	}
	if auto {
		p.Numbered = true
		p.Found = append(p.Found, "numbered: true, from Word's automatic numbering of its headings")
		return out
	}
	// Typed numbers: lifted when every heading has one and they count as
	// numbered: true would (1, 2, 2.1, 2.2, 3: two levels at most).
	if len(hs) < 2 {
		return out
	}
	var n1, n2 int
	consistent := true
	nums := make([]string, len(hs))
	for i, h := range hs {
		m := typedNumRE().FindStringSubmatch(collapse(h.Text()))
		if m == nil {
			if i > 0 {
				p.Notes = append(p.Notes, fmt.Sprintf("kept the headings' typed numbers as text: %q has none", collapse(h.Text())))
			}
			return out
		}
		nums[i] = m[1]
		parts := strings.Split(m[1], ".")
		var want string
		switch len(parts) {
		case 1:
			n1, n2 = n1+1, 0
			want = strconv.Itoa(n1)
		case 2:
			n2++
			want = fmt.Sprintf("%d.%d", n1, n2)
		default:
			consistent = false
		}
		if m[1] != want {
			consistent = false
		}
	}
	if !consistent {
		p.Notes = append(p.Notes, "kept the headings' typed numbers as text: they do not count 1, 2, 2.1 as numbered: true would")
		return out
	}
	for i, h := range hs {
		h.Heading = 1 + strings.Count(nums[i], ".") + 1
		stripPrefix(h, typedNumRE())
	}
	p.Numbered = true
	p.Found = append(p.Found, "numbered: true, from the numbers typed in its headings (taken out of their text)")
	return out
}

// stripPrefix removes what re's first group matched, and the spaces after
// it, from the start of a paragraph's runs.
func stripPrefix(p *Para, re *regexp.Regexp) {
	text := p.Text()
	loc := re.FindStringSubmatchIndex(text)
	if loc == nil {
		return
	}
	cut := loc[len(loc)-2] // where the last group (the rest) starts
	var out []Inline
	for _, in := range p.Inlines {
		if cut <= 0 {
			out = append(out, in)
			continue
		}
		if len(in.Text) <= cut {
			cut -= len(in.Text)
			if in.Note != "" || in.Image != "" {
				out = append(out, in)
			}
			continue
		}
		in.Text = in.Text[cut:]
		cut = 0
		out = append(out, in)
	}
	p.Inlines = out
}

// typedBullets makes list items of paragraphs that start with a typed
// bullet ("·", "•", "-", "o" and a tab or space).
func typedBullets(bl []Block, notes *[]string) []Block {
	n := 0
	for _, b := range bl {
		p, ok := b.(*Para)
		if !ok || p.Heading > 0 || p.List != nil {
			continue
		}
		if bulletRE().MatchString(p.Text()) {
			stripPrefix(p, bulletRestRE())
			p.List = &ListItem{ID: "typed"}
			n++
		}
	}
	if n > 0 {
		*notes = append(*notes, fmt.Sprintf("made list items of %d paragraphs that start with a typed bullet", n))
	}
	return bl
}

// Markdown returns the policy as a file: front matter, then the body.
// Images are linked as prefix+name: "<slug>/image1.png" beside
// content/<slug>.md.
func (p *Policy) Markdown(prefix string) []byte {
	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %s\n", yamlString(p.Title))
	fmt.Fprintf(&b, "version: %s\n", yamlString(p.Version))
	fmt.Fprintf(&b, "effective: %s\n", p.Effective)
	fmt.Fprintf(&b, "next_review: %s\n", p.NextReview)
	fmt.Fprintf(&b, "owner: %s\n", yamlString(p.Owner))
	if p.Summary != "" {
		fmt.Fprintf(&b, "summary: %s\n", yamlString(p.Summary))
	}
	if p.Numbered {
		b.WriteString("numbered: true\n")
	}
	if p.Changes != "" {
		fmt.Fprintf(&b, "changes: %s\n", yamlString(p.Changes))
	}
	b.WriteString("---\n\n")
	w := &writer{cellBreak: p.cells, images: map[string]string{}, imagePre: prefix, anchors: map[string]string{}, noteNum: map[string]int{}, dropped: map[string]int{}}
	p.Images = p.Images[:0]
	// A link to a bookmark goes to the heading that holds it, or to the
	// heading of the section it is in: by the id the page will give that
	// heading (markdown.HeadingIDs), unique and clear of the theme's.
	// Headings are those of the top blocks, as the writer writes them.
	ids := markdown.NewHeadingIDs()
	section := ""
	var walk func(bl []Block, top bool)
	walk = func(bl []Block, top bool) {
		for _, blk := range bl {
			switch x := blk.(type) {
			case *Para:
				if x.Heading > 0 && top {
					if id := ids.Next(collapse(inlineText(x.Inlines, false))); id != "" {
						section = id
					}
				}
				for _, bm := range x.Bookmarks {
					if _, ok := w.anchors[bm]; !ok && section != "" {
						w.anchors[bm] = section
					}
				}
				for _, in := range x.Inlines {
					if in.Image == "" {
						continue
					}
					if _, ok := w.images[in.Image]; !ok {
						img := p.doc.Images[in.Image]
						name := fmt.Sprintf("image%d.%s", len(p.Images)+1, img.Ext)
						w.images[in.Image] = name
						p.Images = append(p.Images, File{Name: name, Data: img.Data})
					}
				}
			case *Table:
				for _, r := range x.Rows {
					for _, c := range r {
						walk(c.Blocks, false)
					}
				}
			}
		}
	}
	walk(p.blocks, true)
	for _, blk := range p.blocks {
		if t, ok := blk.(*Table); ok && p.defs[t] {
			w.list = nil
			w.definitions(t)
			continue
		}
		w.blocks([]Block{blk})
	}
	for i := 0; i < len(w.notes); i++ { // notes may reference notes
		id := w.notes[i]
		nw := &writer{cellBreak: p.cells, images: w.images, imagePre: prefix, anchors: w.anchors, noteNum: w.noteNum, dropped: w.dropped, notes: w.notes}
		nw.blocks(p.doc.Notes[id])
		w.notes = nw.notes
		text := strings.TrimSpace(nw.b.String())
		text = strings.ReplaceAll(text, "\n", "\n    ")
		w.blank()
		fmt.Fprintf(&w.b, "[^%d]: %s\n", i+1, text)
	}
	if !p.rendered {
		p.rendered = true
		var kinds []string
		for k := range w.dropped {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, k := range kinds {
			p.Notes = append(p.Notes, fmt.Sprintf("%d %s", w.dropped[k], k))
		}
	}
	body := strings.TrimSpace(w.b.String())
	b.WriteString(body)
	b.WriteString("\n")
	return []byte(b.String())
}

// yamlString quotes a string for YAML when it needs it.
func yamlString(s string) string {
	if s != "" && plainYAMLRE().MatchString(s) && !strings.HasSuffix(s, " ") && !yamlWordRE().MatchString(s) {
		return s
	}
	return strconv.Quote(s)
}
