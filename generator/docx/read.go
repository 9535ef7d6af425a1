package docx

import (
	"fmt"
	"path"
	"strconv"
	"strings"
)

// Read parses a .docx. name is how errors call the file
// ("policies/old.docx"); lim bounds what is read (a zero Limits means
// DefaultLimits).
func Read(name string, data []byte, lim Limits) (doc *Document, err error) {
	defer func() {
		// A bug of ours must not take the command down with it; the
		// fuzz target holds Read to never getting here.
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("%s: cannot read this document (internal error: %v)", name, r)
		}
	}()
	doc, err = read(data, lim.withDefaults())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return doc, nil
}

type reader struct {
	lim    Limits
	ar     *archive
	doc    *Document
	styles *styles
	num    *numbering
	rels   map[string]rel
	paras  int
	fields []*field
	inTOC  int
	boxes  []Block
	// marks are bookmarks started between paragraphs (pandoc starts a
	// heading's before its paragraph), for the next paragraph.
	marks []string
}

// bookmark returns the name of a bookmark a link may go to, or "": Word's
// _GoBack (where the cursor last was) is none.
func bookmark(n *node) string {
	if name := n.get("name"); !strings.HasPrefix(name, "_GoBack") {
		return name
	}
	return ""
}

type rel struct{ target, mode string }

// A field is a complex field (w:fldChar begin ... separate ... end) being read.
type field struct {
	instr  strings.Builder
	result bool // past the separator: runs are the field's result
	link   string
	toc    bool
}

func read(data []byte, lim Limits) (*Document, error) {
	ar, err := openArchive(data, lim)
	if err != nil {
		return nil, err
	}
	r := &reader{lim: lim, ar: ar, doc: &Document{Notes: map[string][]Block{}, Images: map[string]Image{}, Dropped: map[string]int{}}}
	main := r.mainPart()
	if !ar.has(main) {
		return nil, fmt.Errorf("no %s: not a Word document", main)
	}
	dir := path.Dir(main)
	parse := func(part string) (*node, error) {
		b, err := ar.read(part)
		if err != nil || b == nil {
			return nil, err
		}
		return parseXML(part, b, lim.Depth)
	}
	st, err := parse(dir + "/styles.xml")
	if err != nil {
		return nil, err
	}
	r.styles = parseStyles(st)
	nb, err := parse(dir + "/numbering.xml")
	if err != nil {
		return nil, err
	}
	r.num = parseNumbering(nb)
	if r.rels, err = r.readRels(dir + "/_rels/" + path.Base(main) + ".rels"); err != nil {
		return nil, err
	}
	if core, err := parse("docProps/core.xml"); err == nil && core != nil {
		r.doc.CoreTitle = strings.TrimSpace(core.child("title").text)
	}
	root, err := parse(main)
	if err != nil {
		return nil, err
	}
	body := root.child("body")
	if body == nil {
		return nil, fmt.Errorf("%s: no w:body", main)
	}
	if r.doc.Blocks, err = r.blocks(body.kids, r.rels, dir); err != nil {
		return nil, fmt.Errorf("%s: %w", main, err)
	}
	for _, part := range []string{"footnotes", "endnotes"} {
		p := dir + "/" + part + ".xml"
		n, err := parse(p)
		if err != nil {
			return nil, err
		}
		if n == nil {
			continue
		}
		rels, err := r.readRels(dir + "/_rels/" + part + ".xml.rels")
		if err != nil {
			return nil, err
		}
		for _, fn := range n.kids {
			if fn.name != "footnote" && fn.name != "endnote" {
				continue
			}
			if t := fn.get("type"); t == "separator" || t == "continuationSeparator" || t == "continuationNotice" {
				continue
			}
			id := fn.name[:1] + fn.get("id")
			bl, err := r.blocks(fn.kids, rels, dir)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			r.doc.Notes[id] = bl
		}
	}
	return r.doc, nil
}

// mainPart finds the main document through _rels/.rels, falling back to
// word/document.xml.
func (r *reader) mainPart() string {
	b, err := r.ar.read("_rels/.rels")
	if err == nil && b != nil {
		if n, err := parseXML("_rels/.rels", b, r.lim.Depth); err == nil {
			for _, k := range n.kids {
				if strings.HasSuffix(k.get("Type"), "/officeDocument") {
					return strings.TrimPrefix(path.Clean("/"+k.get("Target")), "/")
				}
			}
		}
	}
	return "word/document.xml"
}

func (r *reader) readRels(part string) (map[string]rel, error) {
	m := map[string]rel{}
	b, err := r.ar.read(part)
	if err != nil || b == nil {
		return m, err
	}
	n, err := parseXML(part, b, r.lim.Depth)
	if err != nil {
		return nil, err
	}
	for _, k := range n.kids {
		m[k.get("Id")] = rel{target: k.get("Target"), mode: k.get("TargetMode")}
	}
	return m, nil
}

// blocks reads the block-level content of a body, cell, note or content
// control.
func (r *reader) blocks(kids []*node, rels map[string]rel, dir string) ([]Block, error) {
	var out []Block
	for _, n := range kids {
		switch n.name {
		case "p":
			r.paras++
			if r.paras > r.lim.Paragraphs {
				return nil, fmt.Errorf("more than %d paragraphs", r.lim.Paragraphs)
			}
			p := r.para(n, rels, dir)
			if len(r.marks) > 0 {
				p.Bookmarks = append(r.marks, p.Bookmarks...)
				r.marks = nil
			}
			out = append(out, p)
			out = append(out, r.takeBoxes()...)
		case "tbl":
			t, err := r.table(n, rels, dir)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		case "sdt":
			toc := strings.Contains(strings.ToLower(n.path("sdtPr", "docPartObj", "docPartGallery").get("val")), "table of contents")
			if toc {
				r.inTOC++
			}
			bl, err := r.blocks(n.child("sdtContent").kids, rels, dir)
			if toc {
				r.inTOC--
			}
			if err != nil {
				return nil, err
			}
			out = append(out, bl...)
		case "customXml", "ins", "moveTo", "smartTag":
			if n.name == "ins" || n.name == "moveTo" {
				r.doc.Insertions++
			}
			bl, err := r.blocks(n.kids, rels, dir)
			if err != nil {
				return nil, err
			}
			out = append(out, bl...)
		case "del", "moveFrom":
			r.doc.Deletions++
		case "bookmarkStart":
			if name := bookmark(n); name != "" {
				r.marks = append(r.marks, name)
			}
		case "AlternateContent":
			if c := n.child("Choice"); c != nil {
				bl, err := r.blocks(c.kids, rels, dir)
				if err != nil {
					return nil, err
				}
				out = append(out, bl...)
			}
		}
	}
	return out, nil
}

func (r *reader) table(n *node, rels map[string]rel, dir string) (*Table, error) {
	t := &Table{}
	for _, tr := range unwrap(n.kids, "tr") {
		if tr.path("trPr", "del") != nil {
			r.doc.Deletions++
			continue
		}
		var row []Cell
		for _, tc := range unwrap(tr.kids, "tc") {
			span := 1
			if v, err := strconv.Atoi(tc.path("tcPr", "gridSpan").get("val")); err == nil && v > 1 && v < 64 {
				span = v
			}
			var c Cell
			if vm := tc.path("tcPr", "vMerge"); vm == nil || vm.get("val") == "restart" {
				bl, err := r.blocks(tc.kids, rels, dir)
				if err != nil {
					return nil, err
				}
				c.Blocks = bl
			}
			row = append(row, c)
			for i := 1; i < span; i++ {
				row = append(row, Cell{})
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// unwrap returns the elements named want among kids, looking inside the
// content controls, custom XML and insertions that may wrap them.
func unwrap(kids []*node, want string) []*node {
	var out []*node
	for _, k := range kids {
		switch k.name {
		case want:
			out = append(out, k)
		case "sdt":
			out = append(out, unwrap(k.child("sdtContent").kids, want)...)
		case "customXml", "ins", "moveTo":
			out = append(out, unwrap(k.kids, want)...)
		}
	}
	return out
}

// para reads a paragraph: its style, numbering and runs.
func (r *reader) para(n *node, rels map[string]rel, dir string) *Para {
	p := &Para{}
	ppr := n.child("pPr")
	k := r.styles.para(ppr.child("pStyle").get("val"))
	p.Heading, p.Title, p.Subtitle, p.TOC = k.heading, k.title, k.subtitle, k.toc || r.inTOC > 0
	if o := ppr.child("outlineLvl"); o != nil {
		if v, err := strconv.Atoi(o.get("val")); err == nil && v >= 0 && v < 9 && !p.Title {
			p.Heading = v + 1
		}
	}
	numID, ilvl, hasNum := k.numID, k.ilvl, k.hasNum
	if np := ppr.child("numPr"); np != nil {
		if v := np.child("numId"); v != nil {
			numID, hasNum = v.get("val"), true
		}
		if v := np.child("ilvl"); v != nil {
			ilvl = v.get("val")
		}
	}
	if hasNum && !p.Title && !p.TOC {
		lvl, _ := strconv.Atoi(ilvl)
		if lvl < 0 || lvl > 8 {
			lvl = 0
		}
		if it, ok := r.num.item(numID, lvl); ok {
			if p.Heading > 0 {
				p.AutoNumber = true
			} else {
				p.List = &it
			}
		}
	}
	r.inlines(p, n.kids, rels, dir, inlineState{})
	if len(r.fields) > 0 && r.fields[len(r.fields)-1].toc {
		p.TOC = true
	}
	return p
}

// inlineState is the formatting context of runs: the link they are in.
type inlineState struct {
	link string
}

func (r *reader) inlines(p *Para, kids []*node, rels map[string]rel, dir string, s inlineState) {
	for _, n := range kids {
		switch n.name {
		case "r":
			r.run(p, n, rels, dir, s)
		case "hyperlink":
			t := s
			if id := n.get("id"); id != "" {
				if rl, ok := rels[id]; ok && strings.EqualFold(rl.mode, "External") {
					t.link = rl.target
				}
			}
			if a := n.get("anchor"); a != "" && t.link == s.link {
				t.link = "#" + a
			}
			r.inlines(p, n.kids, rels, dir, t)
		case "ins", "moveTo":
			r.doc.Insertions++
			r.inlines(p, n.kids, rels, dir, s)
		case "del", "moveFrom":
			r.doc.Deletions++
		case "smartTag", "customXml", "dir", "bdo":
			r.inlines(p, n.kids, rels, dir, s)
		case "sdt":
			r.inlines(p, n.child("sdtContent").kids, rels, dir, s)
		case "fldSimple":
			t := s
			if u, ok := hyperlinkInstr(n.get("instr")); ok {
				t.link = u
			}
			r.inlines(p, n.kids, rels, dir, t)
		case "bookmarkStart":
			if name := bookmark(n); name != "" {
				p.Bookmarks = append(p.Bookmarks, name)
			}
		case "oMath", "oMathPara":
			r.doc.Dropped["equation"]++
		case "AlternateContent":
			if c := n.child("Choice"); c != nil {
				r.inlines(p, c.kids, rels, dir, s)
			}
		}
	}
}

// hyperlinkInstr reads a field instruction HYPERLINK "url".
func hyperlinkInstr(instr string) (string, bool) {
	f := strings.Fields(instr)
	if len(f) < 2 || !strings.EqualFold(f[0], "HYPERLINK") {
		return "", false
	}
	for _, a := range f[1:] {
		if strings.HasPrefix(a, `\`) {
			continue
		}
		return strings.Trim(a, `"`), true
	}
	return "", false
}

func (r *reader) run(p *Para, n *node, rels map[string]rel, dir string, s inlineState) {
	rpr := n.child("rPr")
	if rpr.child("vanish").on() || rpr.child("specVanish").on() {
		return
	}
	bold, italic := r.styles.char(rpr.child("rStyle").get("val"))
	if b := rpr.child("b"); b != nil {
		bold = tri(b)
	}
	if i := rpr.child("i"); i != nil {
		italic = tri(i)
	}
	in := Inline{Bold: bold == 1, Italic: italic == 1, Link: s.link}
	// Inside a field, runs before the separator are its instruction and
	// hidden; a hyperlink field links its result.
	var f *field
	if len(r.fields) > 0 {
		f = r.fields[len(r.fields)-1]
		if f.link != "" && in.Link == "" {
			in.Link = f.link
		}
	}
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			t := in
			t.Text = text.String()
			p.Inlines = append(p.Inlines, t)
			text.Reset()
		}
	}
	hidden := func() bool {
		return len(r.fields) > 0 && !r.fields[len(r.fields)-1].result
	}
	for _, k := range n.kids {
		switch k.name {
		case "t":
			if !hidden() {
				text.WriteString(k.text)
			}
		case "tab", "ptab":
			if !hidden() {
				text.WriteByte('\t')
			}
		case "br", "cr":
			if k.get("type") == "page" || k.get("type") == "column" {
				continue
			}
			if !hidden() {
				text.WriteByte('\n')
			}
		case "noBreakHyphen":
			text.WriteByte('-')
		case "sym":
			if c, err := strconv.ParseUint(k.get("char"), 16, 32); err == nil {
				text.WriteString(symbol(rune(c)))
			}
		case "fldChar":
			switch k.get("fldCharType") {
			case "begin":
				if len(r.fields) < 16 {
					r.fields = append(r.fields, &field{})
				}
			case "separate":
				if len(r.fields) > 0 {
					f := r.fields[len(r.fields)-1]
					f.result = true
					instr := strings.TrimSpace(f.instr.String())
					if u, ok := hyperlinkInstr(instr); ok {
						f.link = u
						flush()
						in.Link = u
					}
					if w := strings.Fields(instr); len(w) > 0 && strings.EqualFold(w[0], "TOC") {
						f.toc = true
						r.inTOC++
					}
				}
			case "end":
				if len(r.fields) > 0 {
					flush()
					if r.fields[len(r.fields)-1].toc {
						r.inTOC--
					}
					r.fields = r.fields[:len(r.fields)-1]
					in.Link = s.link
				}
			}
		case "instrText":
			if len(r.fields) > 0 && !r.fields[len(r.fields)-1].result {
				r.fields[len(r.fields)-1].instr.WriteString(k.text)
			}
		case "footnoteReference", "endnoteReference":
			flush()
			p.Inlines = append(p.Inlines, Inline{Note: k.name[:1] + k.get("id")})
		case "commentReference":
			r.doc.Comments++
		case "drawing", "pict", "object":
			flush()
			r.picture(p, k, rels, dir)
		case "AlternateContent":
			flush()
			if c := k.child("Choice"); c != nil {
				kids := c.kids
				if rpr != nil {
					kids = append([]*node{rpr}, kids...)
				}
				r.run(p, &node{name: "r", kids: kids}, rels, dir, s)
			}
		}
	}
	flush()
}

// symbol maps a w:sym character (often in the Symbol or Wingdings font's
// private range) to text.
func symbol(c rune) string {
	switch c {
	case 0xF0B7, 0xF0A7, 0xF0FC, 0xF076, 0xF0D8, 0xF0A8, 0x00B7:
		return "•"
	}
	if c >= 0xF020 && c < 0xF100 {
		c -= 0xF000
	}
	if c < 0x20 || c == 0x7F {
		return ""
	}
	return string(c)
}

// picture reads a w:drawing or w:pict: the embedded image it shows, and
// the text of any text box in it (as paragraphs after this one).
func (r *reader) picture(p *Para, n *node, rels map[string]rel, dir string) {
	var walk func(n *node, depth int)
	var alt string
	found := false
	walk = func(n *node, depth int) {
		if depth > 64 {
			return
		}
		switch n.name {
		case "docPr", "cNvPr":
			if d := strings.TrimSpace(n.get("descr")); d != "" && alt == "" {
				alt = d
			} else if t := strings.TrimSpace(n.get("title")); t != "" && alt == "" {
				alt = t
			}
		case "blip", "imagedata":
			id := n.get("embed")
			if id == "" {
				id = n.get("id")
			}
			if id != "" && !found {
				found = r.image(p, id, alt, rels, dir)
			}
		case "txbxContent":
			r.doc.Dropped["text box (its text is kept as paragraphs)"]++
			bl, err := r.blocks(n.kids, rels, dir)
			if err == nil {
				r.boxes = append(r.boxes, bl...)
			}
			return
		case "OLEObject":
			r.doc.Dropped["embedded object"]++
		case "chart":
			r.doc.Dropped["chart"]++
		}
		for _, k := range n.kids {
			walk(k, depth+1)
		}
	}
	walk(n, 0)
}

// image records the picture of relationship id, if it is an image the web
// can show, and places it in p.
func (r *reader) image(p *Para, id, alt string, rels map[string]rel, dir string) bool {
	rl, ok := rels[id]
	if !ok || strings.EqualFold(rl.mode, "External") {
		return false
	}
	name := strings.TrimPrefix(path.Clean("/"+dir+"/"+rl.target), "/")
	if strings.HasPrefix(rl.target, "/") {
		name = strings.TrimPrefix(path.Clean(rl.target), "/")
	}
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
	switch ext {
	case "jpeg":
		ext = "jpg"
	case "png", "jpg", "gif", "webp":
	default:
		r.doc.Dropped["image in ."+sanitizeExt(ext)+" format (no web browser shows it)"]++
		return true
	}
	key := name
	if _, seen := r.doc.Images[key]; !seen {
		data, err := r.ar.read(name)
		if err != nil || data == nil {
			r.doc.Dropped["image missing from the archive"]++
			return true
		}
		r.doc.Images[key] = Image{Data: data, Ext: ext}
	}
	p.Inlines = append(p.Inlines, Inline{Image: key, Alt: alt})
	return true
}

func sanitizeExt(ext string) string {
	var b strings.Builder
	for _, c := range ext {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
		if b.Len() >= 8 {
			break
		}
	}
	if b.Len() == 0 {
		return "unknown"
	}
	return b.String()
}

// takeBoxes returns the text boxes' paragraphs met in the last paragraph.
func (r *reader) takeBoxes() []Block {
	b := r.boxes
	r.boxes = nil
	return b
}
