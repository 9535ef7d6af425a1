package docx

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A writer renders blocks as markdown for one policy.
type writer struct {
	b         strings.Builder
	cellBreak string
	images    map[string]string // archive name -> file name in the policy's folder
	imagePre  string            // prefix of image links: "<slug>/"
	anchors   map[string]string // bookmark -> heading id
	notes     []string          // note ids in order of first reference
	noteNum   map[string]int
	dropped   map[string]int
	list      []listCtx
	listID    string // the ListItem.ID of the outermost list being written
}

type listCtx struct{ level, indent int }

// blank ends the current block with a blank line.
func (w *writer) blank() {
	s := w.b.String()
	switch {
	case len(s) == 0, strings.HasSuffix(s, "\n\n"):
	case strings.HasSuffix(s, "\n"):
		w.b.WriteByte('\n')
	default:
		w.b.WriteString("\n\n")
	}
}

func (w *writer) blocks(bl []Block) {
	for _, b := range bl {
		switch b := b.(type) {
		case *Para:
			w.para(b)
		case *Table:
			w.list = nil
			w.blank()
			w.table(b)
		}
	}
}

func (w *writer) para(p *Para) {
	if p.Heading > 0 {
		w.list = nil
		w.blank()
		text := strings.TrimSpace(collapse(inlineText(p.Inlines, true)))
		fmt.Fprintf(&w.b, "%s %s\n", strings.Repeat("#", p.Heading), text)
		return
	}
	if p.List != nil {
		w.item(p)
		return
	}
	md := w.inlines(p.Inlines, false)
	if strings.TrimSpace(md) == "" {
		return
	}
	w.list = nil
	w.blank()
	w.b.WriteString(md)
	w.b.WriteByte('\n')
}

func (w *writer) item(p *Para) {
	l := p.List
	if len(w.list) == 0 || l.Level == 0 && l.ID != w.listID {
		// Another list: a blank line keeps it apart from the one before.
		w.list = nil
		w.blank()
	}
	if l.Level == 0 {
		w.listID = l.ID
	}
	for len(w.list) > 0 && w.list[len(w.list)-1].level >= l.Level {
		w.list = w.list[:len(w.list)-1]
	}
	if len(w.list) >= 8 {
		w.list = w.list[:8]
	}
	base := 0
	if n := len(w.list); n > 0 {
		base = w.list[n-1].indent
	}
	marker := "- "
	if l.Ordered {
		marker = fmt.Sprintf("%d. ", l.Number)
	}
	pad := strings.Repeat(" ", base)
	md := w.inlines(p.Inlines, false)
	md = strings.ReplaceAll(md, "\n", "\n"+pad+strings.Repeat(" ", len(marker)))
	w.b.WriteString(pad + marker + md + "\n")
	w.list = append(w.list, listCtx{level: l.Level, indent: base + len(marker)})
}

// inlines renders runs as markdown text: emphasis, links, note references
// and images, escaped. A line break becomes a hard break ("\" at the end
// of the line); inCell renders one for a table cell instead, with no line
// breaks.
func (w *writer) inlines(ins []Inline, inCell bool) string {
	var out strings.Builder
	for i := 0; i < len(ins); {
		in := ins[i]
		switch {
		case in.Note != "":
			if _, ok := w.noteNum[in.Note]; !ok {
				w.notes = append(w.notes, in.Note)
				w.noteNum[in.Note] = len(w.notes)
			}
			fmt.Fprintf(&out, "[^%d]", w.noteNum[in.Note])
			i++
		case in.Image != "":
			name, ok := w.images[in.Image]
			if ok {
				fmt.Fprintf(&out, "![%s](%s)", escapeInline(collapse(in.Alt), true), w.imagePre+name)
			}
			i++
		case in.Link != "":
			j := i
			for j < len(ins) && ins[j].Link == in.Link && ins[j].Note == "" && ins[j].Image == "" {
				j++
			}
			text := emphasis(ins[i:j], inCell)
			if target, ok := w.target(in.Link); ok && strings.TrimSpace(text) != "" {
				lead, core, trail := splitSpace(text)
				fmt.Fprintf(&out, "%s[%s](%s)%s", lead, core, target, trail)
			} else {
				out.WriteString(text)
			}
			i = j
		default:
			j := i
			for j < len(ins) && ins[j].Link == "" && ins[j].Note == "" && ins[j].Image == "" {
				j++
			}
			out.WriteString(emphasis(ins[i:j], inCell))
			i = j
		}
	}
	s := strings.TrimSpace(out.String())
	// Each line is trimmed (leading spaces would make code) and escaped
	// where a character at its start would make a block.
	lines := strings.Split(s, "\n")
	for k, l := range lines {
		l = strings.TrimSpace(l)
		lines[k] = escapeLineStart(l)
	}
	return strings.Join(lines, "\\\n")
}

// target returns a link target as markdown writes it, and false for one
// the site would not publish (a file on someone's computer, javascript:).
func (w *writer) target(link string) (string, bool) {
	if strings.HasPrefix(link, "#") {
		id, ok := w.anchors[link[1:]]
		if !ok {
			w.dropped["link to a place outside the policy's sections (its text is kept)"]++
		}
		return "#" + id, ok
	}
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil {
		w.dropped["link that is not a valid URL"]++
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "mailto", "tel":
	default:
		w.dropped["link to "+safeScheme(u.Scheme)+": (not a web address; its text is kept)"]++
		return "", false
	}
	s := u.String()
	r := strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E")
	return r.Replace(s), true
}

func safeScheme(s string) string {
	if s == "" {
		return "a relative path"
	}
	return sanitizeExt(strings.ToLower(s))
}

// A piece is text with one emphasis.
type piece struct {
	text         string
	bold, italic bool
	space        bool
}

// emphasis renders runs of plain text with their bold and italic. Spaces at
// a run's edge are moved outside its markers (markdown does not close
// "**word **"), never dropped or added; emphasis that markdown could not
// express next to punctuation is left out rather than shown as asterisks.
func emphasis(ins []Inline, inCell bool) string {
	var ps []piece
	for _, in := range ins {
		t := in.Text
		if inCell {
			t = strings.ReplaceAll(t, "\n", " ")
		}
		t = strings.ReplaceAll(t, "\t", " ")
		lead, core, trail := splitSpace(t)
		if lead != "" {
			ps = append(ps, piece{text: lead, space: true})
		}
		if core != "" {
			ps = append(ps, piece{text: core, bold: in.Bold, italic: in.Italic})
		}
		if trail != "" {
			ps = append(ps, piece{text: trail, space: true})
		}
	}
	// A space between two bold pieces is bold: "**a b**", not "**a** **b**".
	for k := range ps {
		if !ps[k].space {
			continue
		}
		var prev, next *piece
		for j := k - 1; j >= 0; j-- {
			if !ps[j].space {
				prev = &ps[j]
				break
			}
		}
		for j := k + 1; j < len(ps); j++ {
			if !ps[j].space {
				next = &ps[j]
				break
			}
		}
		if prev != nil && next != nil {
			ps[k].bold = prev.bold && next.bold
			ps[k].italic = prev.italic && next.italic
		}
	}
	fixFlank(ps, func(p *piece) *bool { return &p.bold })
	fixFlank(ps, func(p *piece) *bool { return &p.italic })
	var b strings.Builder
	var open []byte // 'b', 'i', in order opened
	marker := map[byte]string{'b': "**", 'i': "*"}
	for _, p := range ps {
		want := map[byte]bool{'b': p.bold, 'i': p.italic}
		// Close from the innermost any marker no longer wanted, and
		// whatever was opened inside it.
		for k := 0; k < len(open); k++ {
			if !want[open[k]] {
				for j := len(open) - 1; j >= k; j-- {
					b.WriteString(marker[open[j]])
				}
				open = open[:k]
				break
			}
		}
		has := map[byte]bool{}
		for _, m := range open {
			has[m] = true
		}
		for _, m := range []byte{'b', 'i'} {
			if want[m] && !has[m] {
				b.WriteString(marker[m])
				open = append(open, m)
			}
		}
		b.WriteString(escapeInline(collapseKeep(p.text), inCell))
	}
	for j := len(open) - 1; j >= 0; j-- {
		b.WriteString(marker[open[j]])
	}
	return b.String()
}

// fixFlank clears a flag over a range of pieces where markdown's rules for
// emphasis would not see the marker: a marker between a letter outside and
// punctuation inside.
func fixFlank(ps []piece, flag func(*piece) *bool) {
	for i := 0; i < len(ps); {
		if !*flag(&ps[i]) {
			i++
			continue
		}
		j := i
		for j < len(ps) && *flag(&ps[j]) {
			j++
		}
		before, first := lastRune(ps[:i]), firstRune(ps[i:j])
		last, after := lastRune(ps[i:j]), firstRune(ps[j:])
		if isWord(before) && unicode.IsPunct(first) || unicode.IsPunct(last) && isWord(after) {
			for k := i; k < j; k++ {
				*flag(&ps[k]) = false
			}
		}
		i = j
	}
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func lastRune(ps []piece) rune {
	for k := len(ps) - 1; k >= 0; k-- {
		if ps[k].text != "" {
			r, _ := utf8.DecodeLastRuneInString(ps[k].text)
			return r
		}
	}
	return ' '
}

func firstRune(ps []piece) rune {
	for _, p := range ps {
		if p.text != "" {
			r, _ := utf8.DecodeRuneInString(p.text)
			return r
		}
	}
	return ' '
}

// splitSpace splits s into its leading spaces, the rest, and its trailing
// spaces.
func splitSpace(s string) (lead, core, trail string) {
	core = strings.TrimLeftFunc(s, isSpaceNotBreak)
	lead = s[:len(s)-len(core)]
	c := strings.TrimRightFunc(core, isSpaceNotBreak)
	trail = core[len(c):]
	return lead, c, trail
}

func isSpaceNotBreak(r rune) bool { return r != '\n' && unicode.IsSpace(r) }

// collapse turns every run of white space into one space.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// collapseKeep turns runs of spaces into one space, keeping line breaks
// and the spaces at the ends.
func collapseKeep(s string) string {
	var b strings.Builder
	sp := false
	for _, r := range s {
		if r != '\n' && unicode.IsSpace(r) {
			if !sp {
				b.WriteByte(' ')
			}
			sp = true
			continue
		}
		sp = false
		b.WriteRune(r)
	}
	return b.String()
}

// inlineText is the plain text of runs, for headings, titles and matching.
func inlineText(ins []Inline, escape bool) string {
	var b strings.Builder
	for _, in := range ins {
		t := strings.ReplaceAll(strings.ReplaceAll(in.Text, "\n", " "), "\t", " ")
		if escape {
			t = escapeInline(t, false)
		}
		b.WriteString(t)
	}
	if escape {
		return escapeLineStart(strings.TrimSpace(b.String()))
	}
	return b.String()
}

// escapeInline escapes what markdown would read as markup inside a line.
func escapeInline(s string, inCell bool) string {
	var b strings.Builder
	for i, r := range s {
		switch r {
		case '\\', '`', '*', '_', '<', '>', '~':
			b.WriteByte('\\')
		case '[':
			// A bracket is markup only before ^ (a footnote) or as a link's
			// text; "[insert name]" stays as typed, for check to find.
			if strings.HasPrefix(s[i+1:], "^") || strings.Contains(s[i+1:], "](") || strings.Contains(s[i+1:], "][") {
				b.WriteByte('\\')
			}
		case ']':
			if next := s[i+1:]; strings.HasPrefix(next, "(") || strings.HasPrefix(next, "[") || strings.HasPrefix(next, ":") {
				b.WriteByte('\\')
			}
		case '|':
			if inCell {
				b.WriteByte('\\')
			}
		case '&':
			if next, _ := utf8.DecodeRuneInString(s[i+1:]); unicode.IsLetter(next) || next == '#' {
				b.WriteByte('\\')
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// escapeLineStart escapes what markdown would read as a block at the start
// of a line: "# ", "> ", "- ", "+ ", "1. ", "1) ", ": " and "=".
func escapeLineStart(l string) string {
	if l == "" {
		return l
	}
	switch l[0] {
	case '#', '-', '+', '=', ':', '|':
		return `\` + l
	}
	i := 0
	for i < len(l) && i < 9 && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	if i > 0 && i < len(l) && (l[i] == '.' || l[i] == ')') && (i+1 == len(l) || l[i+1] == ' ') {
		return l[:i] + `\` + l[i:]
	}
	return l
}

// table writes a GFM table; several paragraphs in a cell are joined with
// the cell break, list items marked.
func (w *writer) table(t *Table) {
	cols := 0
	for _, r := range t.Rows {
		cols = max(cols, len(r))
	}
	if cols == 0 {
		return
	}
	for i, r := range t.Rows {
		w.b.WriteString("|")
		for c := 0; c < cols; c++ {
			text := ""
			if c < len(r) {
				text = w.cell(r[c].Blocks)
			}
			if text == "" {
				w.b.WriteString(" |")
			} else {
				w.b.WriteString(" " + text + " |")
			}
		}
		w.b.WriteByte('\n')
		if i == 0 {
			w.b.WriteString("|" + strings.Repeat(" --- |", cols) + "\n")
		}
	}
}

func (w *writer) cell(bl []Block) string {
	var parts []string
	for _, b := range bl {
		switch b := b.(type) {
		case *Para:
			s := w.inlines(b.Inlines, true)
			s = strings.ReplaceAll(s, "\\\n", w.cellBreak)
			if strings.TrimSpace(s) == "" {
				continue
			}
			if b.List != nil {
				if b.List.Ordered {
					s = fmt.Sprintf("%d. %s", b.List.Number, s)
				} else {
					s = "• " + s
				}
			} else if b.Heading > 0 {
				s = "**" + s + "**"
			}
			parts = append(parts, s)
		case *Table:
			for _, r := range b.Rows {
				for _, c := range r {
					if s := w.cell(c.Blocks); s != "" {
						parts = append(parts, s)
					}
				}
			}
		}
	}
	return strings.Join(parts, w.cellBreak)
}

// definitions writes a two-column Term / Definition table as a definition
// list. A definition of several paragraphs is written loose (a blank line
// after the term), so that each of them is a paragraph.
func (w *writer) definitions(t *Table) {
	for _, r := range t.Rows[1:] {
		if len(r) < 2 {
			continue
		}
		term := strings.ReplaceAll(w.cell(r[0].Blocks), w.cellBreak, " ")
		if term == "" {
			continue
		}
		var paras []string
		for _, b := range r[1].Blocks {
			p, ok := b.(*Para)
			if !ok {
				continue
			}
			s := w.inlines(p.Inlines, false)
			if strings.TrimSpace(s) == "" {
				continue
			}
			if p.List != nil {
				s = "- " + s
			}
			paras = append(paras, strings.ReplaceAll(s, "\n", "\n    "))
		}
		w.blank()
		w.b.WriteString(term + "\n")
		if len(paras) > 1 {
			w.b.WriteString("\n")
		}
		for i, s := range paras {
			if i == 0 {
				w.b.WriteString(": " + s + "\n")
				continue
			}
			w.b.WriteString("\n    " + s + "\n")
		}
		if len(paras) == 0 {
			w.b.WriteString(": \n")
		}
	}
}
