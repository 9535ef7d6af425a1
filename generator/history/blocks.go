package history

import (
	"bytes"
	"hash/maphash"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A block is one block of a version's rendered text, as a reader sees
// it: a heading, a paragraph, a list item, a table row, a preformatted
// block, a definition. Comparisons are made of blocks, never of the
// markdown they came from.
type block struct {
	tag  atom.Atom // p, h2, li, tr, pre, ...
	wrap atom.Atom // the list or table it stands in (ul, ol, table), or 0
	// open, inner and close are the block's markup without id attributes
	// (a comparison page shows two versions, whose ids would repeat).
	open, inner, close string
	text               string // its words, for comparing
	id                 string // a heading's id, made from its words without its number
	cells              []cell // a table row's cells
	key                uint64 // a hash of tag, wrap and inner, to find blocks alike
}

// A cell is one cell of a table row.
type cell struct {
	open, inner, close, text string
}

// blockTags are the elements that make a block; inside one, every other
// element is part of it.
var blockTags = map[atom.Atom]bool{
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.P: true, atom.Li: true, atom.Tr: true, atom.Pre: true, atom.Dt: true, atom.Dd: true,
	atom.Hr: true, atom.Figure: true, atom.Caption: true,
}

var seed = maphash.MakeSeed()

// blocks splits rendered HTML into blocks, in order. Text outside any
// block (raw HTML a site allows) becomes a paragraph of its own. It is
// one pass of a tokenizer: linear in the size of the HTML.
func blocks(src string) []block {
	z := html.NewTokenizer(strings.NewReader(src))
	var (
		out     []block
		wraps   []atom.Atom // the lists and tables open outside a block
		cur     *block      // the block being read
		depth   int         // of elements inside cur
		inner   strings.Builder
		text    strings.Builder
		cellBuf *cell
		cellIn  strings.Builder
		cellTxt strings.Builder
		loose   strings.Builder // text outside any block
	)
	flushLoose := func() {
		if t := strings.TrimSpace(loose.String()); t != "" {
			esc := html.EscapeString(t)
			out = append(out, block{tag: atom.P, open: "<p>", inner: esc, close: "</p>", text: t})
		}
		loose.Reset()
	}
	// Inside a table row's cell, markup and words go to the cell, which
	// joins the row when it ends.
	write := func(s string) {
		if cellBuf != nil {
			cellIn.WriteString(s)
		} else {
			inner.WriteString(s)
		}
	}
	words := func(s string) {
		if cellBuf != nil {
			cellTxt.WriteString(s)
		} else {
			text.WriteString(s)
		}
	}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		switch tt {
		case html.TextToken:
			if cur == nil {
				loose.WriteString(tok.Data)
				continue
			}
			write(html.EscapeString(tok.Data))
			words(tok.Data)
		case html.StartTagToken, html.SelfClosingTagToken:
			var id string
			tok.Attr, id = withoutID(tok.Attr)
			if cur == nil {
				switch tok.DataAtom {
				case atom.Ul, atom.Ol, atom.Table, atom.Dl:
					flushLoose()
					wraps = append(wraps, tok.DataAtom)
					continue
				}
				if !blockTags[tok.DataAtom] {
					continue // a container (div, section, blockquote, thead): its blocks are read
				}
				flushLoose()
				var wrap atom.Atom
				if len(wraps) > 0 {
					wrap = wraps[len(wraps)-1]
				}
				cur = &block{tag: tok.DataAtom, wrap: wrap, open: tok.String(), id: id}
				depth = 0
				if tt == html.SelfClosingTagToken || tok.DataAtom == atom.Hr {
					out = append(out, *cur)
					cur = nil
				}
				continue
			}
			if cur.tag == atom.Tr && depth == 0 && (tok.DataAtom == atom.Td || tok.DataAtom == atom.Th) {
				cellBuf = &cell{open: tok.String()}
				cellIn.Reset()
				cellTxt.Reset()
				depth++
				continue
			}
			write(tok.String())
			if tt == html.StartTagToken && !isVoid(tok.DataAtom) {
				depth++
			}
			if tok.DataAtom == atom.Br || blockTags[tok.DataAtom] || tok.DataAtom == atom.Ul || tok.DataAtom == atom.Ol {
				words(" ")
			}
		case html.EndTagToken:
			if cur == nil {
				if n := len(wraps); n > 0 && wraps[n-1] == tok.DataAtom {
					flushLoose()
					wraps = wraps[:n-1]
				}
				continue
			}
			if depth == 0 {
				cur.close = tok.String()
				cur.inner, cur.text = inner.String(), strings.Join(strings.Fields(text.String()), " ")
				inner.Reset()
				text.Reset()
				out = append(out, *cur)
				cur = nil
				continue
			}
			depth--
			if cur.tag == atom.Tr && depth == 0 && cellBuf != nil {
				cellBuf.close, cellBuf.inner = tok.String(), cellIn.String()
				cellBuf.text = strings.Join(strings.Fields(cellTxt.String()), " ")
				cur.cells = append(cur.cells, *cellBuf)
				inner.WriteString(cellBuf.open + cellBuf.inner + cellBuf.close)
				text.WriteString(" " + cellBuf.text + " ")
				cellBuf = nil
				continue
			}
			write(tok.String())
		}
	}
	if cur != nil { // unclosed at the end
		cur.inner, cur.text = inner.String(), strings.Join(strings.Fields(text.String()), " ")
		cur.close = "</" + cur.tag.String() + ">"
		out = append(out, *cur)
	}
	flushLoose()
	for i := range out {
		var h maphash.Hash
		h.SetSeed(seed)
		h.WriteString(out[i].tag.String())
		h.WriteByte(0)
		h.WriteString(out[i].wrap.String())
		h.WriteByte(0)
		h.WriteString(out[i].inner)
		out[i].key = h.Sum64()
	}
	return out
}

// withoutID returns attrs without the id, and the id.
func withoutID(attrs []html.Attribute) ([]html.Attribute, string) {
	out, id := attrs[:0], ""
	for _, a := range attrs {
		if a.Key == "id" {
			id = a.Val
		} else {
			out = append(out, a)
		}
	}
	return out, id
}

func isVoid(a atom.Atom) bool {
	switch a {
	case atom.Br, atom.Img, atom.Hr, atom.Input, atom.Wbr, atom.Col, atom.Source, atom.Embed, atom.Area, atom.Track, atom.Meta, atom.Link, atom.Base, atom.Param:
		return true
	}
	return false
}

// heading returns the level of a heading block (1 to 6), or 0.
func (b *block) heading() int {
	switch b.tag {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return int(b.tag.String()[1] - '0')
	}
	return 0
}

// markup returns the block as rendered, ids left out.
func (b *block) markup() string { return b.open + b.inner + b.close }

// marked returns the block with its content in <ins> or <del> (tag),
// announced in words (what: "added", "removed"): each cell of a table row,
// else the whole content, so the markup stays valid where the block stands.
func (b *block) marked(tag, what string) string {
	var s bytes.Buffer
	s.WriteString(b.open)
	if b.tag == atom.Tr {
		for _, c := range b.cells {
			s.WriteString(c.open + wrapIn(tag, what, c.inner) + c.close)
		}
	} else {
		s.WriteString(wrapIn(tag, what, b.inner))
	}
	s.WriteString(b.close)
	return s.String()
}

func wrapIn(tag, what, inner string) string {
	if strings.TrimSpace(inner) == "" {
		return inner
	}
	return "<" + tag + `><span class="vh">[` + what + ": </span>" + inner + `<span class="vh">]</span></` + tag + ">"
}
