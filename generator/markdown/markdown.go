// Package markdown renders a policy body to HTML with goldmark.
//
// Input is the markdown body of one policy (front matter already removed) and
// the policy's path; output is safe HTML, the headings that make its contents,
// the links it makes to other policies, and problems found on the way, each
// with a byte offset into the body.
//
// Invariants: heading ids are Unicode-safe and unique within a page; raw HTML
// goes through a sanitiser (bluemonday's user-content policy) and the
// page's tags are balanced after it, unless Options.UnsafeHTML; link targets other than http, https,
// mailto, tel, relative paths and fragments are removed, keeping the text;
// links to policy files and root-relative links and images (/requests/,
// /crest.png) are rewritten to URLs under Options.BasePath.
package markdown

import (
	"bytes"
	"fmt"
	html "html"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/source"
)

// Options control rendering of one body.
type Options struct {
	// Path is the policy's file, relative to the site root (content/x.md).
	Path string
	// LinkBase, when set, is the file relative links are resolved from
	// instead of Path: an archived version (content/x/history/1.0.md) is a
	// copy of content/x/index.md, and its links mean what they meant there.
	LinkBase string
	// UnsafeHTML passes raw HTML through instead of dropping it.
	UnsafeHTML bool
	// Numbered numbers h2 and h3 sections 1, 1.1, ...
	Numbered bool
	// BasePath is the URL path the site is served under, "/" by default.
	BasePath string
	// Slug is the policy's own slug, under which the files of its folder
	// are published (source.AssetPath).
	Slug string
	// Renamed are the slugs of policy files whose front matter's slug:
	// differs from their name's (source.SlugOf), by path; links to them
	// lead to that slug.
	Renamed map[string]string
}

// slugOf returns the slug of the policy file at target.
func (o *Options) slugOf(target string) string {
	if s, ok := o.Renamed[target]; ok {
		return s
	}
	return source.SlugOf(target)
}

// A Heading is a section heading of the policy.
type Heading struct {
	Level  int    `json:"level"`
	Text   string `json:"text"`
	ID     string `json:"id"`
	Number string `json:"number,omitempty"`
	// Aliases are ids the heading had under an older scheme and keeps
	// (as empty spans), so that published links to them still work.
	// No alias is another heading's id.
	Aliases []string `json:"aliases,omitempty"`
	// Offset is the heading's byte offset in the body.
	Offset int `json:"-"`
}

// A Link is a link from the policy to a policy file (or to a heading of its own page).
type Link struct {
	// Target is the linked file relative to the site root ("content/a.md"),
	// or "" for a fragment on the same page or a link by Path; Slug is
	// its slug.
	Target string
	Slug   string
	// Path is the URL path of a root-relative link as written, without
	// query or fragment ("/requests/"): a page of the site, which the
	// rendered link finds under the site's base path.
	Path     string
	Fragment string
	// Offset is the link's byte offset in the body: a policy file is at
	// most source.MaxSize bytes, and a policy keeps its links to the end
	// of a build.
	Offset int32
	// Image is set for an image's source (![crest](/crest.png)): it names
	// a file the page shows, not a page to go to.
	Image bool
	// Cert is the id of a certification site.yaml declares, for a link
	// to cert:ID, which goes to the certification on the index.
	Cert string
}

// Slugs returns the slugs of the policies whose existence decides
// whether the link works: Target's, or every prefix of Path (a policy's
// own page, or one of its history pages).
func (k Link) Slugs() []string {
	if k.Target != "" {
		return []string{k.Slug}
	}
	var out []string
	for p := strings.Trim(k.Path, "/"); p != ""; {
		out = append(out, p)
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return out
}

// A Problem is something wrong with the body, at a byte offset in it.
type Problem struct {
	Offset   int
	Severity diag.Severity
	Message  string
	// Rule is the lint rule id the problem is reported under.
	Rule string
}

// A Result is a rendered body.
type Result struct {
	// HTML is a string, as pages hold it (template.HTML): a []byte would
	// be copied once more for every policy.
	HTML     string
	Headings []Heading
	Links    []Link
	// Images are the pictures the body shows from the site's own files:
	// Target is the file ("content/a/image1.png"), Path the URL path it is
	// published at under the base path ("a/image1.png").
	Images   []Link
	Problems []Problem
	// Doc is the parsed document, for lint rules that read the tree; Source is
	// the body it points into.
	Doc    ast.Node
	Source []byte
	// OwnContents is the policy's hand-written contents list, left out of
	// Doc and of the page (see ownContents), or nil.
	OwnContents *ast.List
}

// extensions are the markdown features policies use: GFM tables (aligned
// by class, since the site's CSP forbids style attributes), footnotes,
// definition lists for definition annexes, and typographic punctuation.
func extensions() goldmark.Option {
	return goldmark.WithExtensions(
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignNone)),
		extension.Strikethrough,
		linkify{},
		extension.TaskList,
		extension.DefinitionList,
		extension.NewFootnote(extension.WithFootnoteBacklinkHTML("↩︎")),
		extension.NewTypographer(),
		anchors{},
		sanitised{},
		tableRegions{},
	)
}

// linkify is goldmark's extension.Linkify with a quicker refusal.
// Bare URLs and e-mail addresses can start after any space, so its parser
// is tried at every space of every paragraph (a twentieth of a build),
// and nearly every try finds a word that is neither. quickLinkify says no
// at once to what it would refuse, and hands it the rest.
type linkify struct{}

func (linkify) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(util.Prioritized(quickLinkify{extension.NewLinkifyParser()}, 999)))
}

type quickLinkify struct{ parser.InlineParser }

// urlStarts are how the URLs goldmark's linkify takes start (its default
// LinkifyConfig, with no AllowedProtocols).
var urlStarts = [][]byte{[]byte("http:"), []byte("https:"), []byte("ftp:"), []byte("www.")}

// Parse refuses what goldmark's linkify parser refuses without looking
// further: after the trigger character it takes a URL only where the
// text starts with one of urlStarts, and an address only where an '@'
// ends the run of address characters, which ends at the latest at a space
// or after 64 bytes (util.FindEmailIndex).
func (q quickLinkify) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, _ := block.PeekLine()
	if len(line) > 0 {
		switch line[0] {
		case ' ', '*', '_', '~', '(':
			line = line[1:]
		}
	}
	if len(line) > 0 && (line[0] == 'h' || line[0] == 'f' || line[0] == 'w') { // as every urlStart
		for _, p := range urlStarts {
			if bytes.HasPrefix(line, p) {
				return q.InlineParser.Parse(parent, block, pc)
			}
		}
	}
	for i := 0; i < len(line) && i <= 64; i++ {
		switch c := line[i]; {
		case c == '@':
			return q.InlineParser.Parse(parent, block, pc)
		case c <= ' ':
			return nil
		}
	}
	return nil
}

var (
	md       = goldmark.New(extensions())
	mdUnsafe = goldmark.New(extensions(), goldmark.WithRendererOptions(ghtml.WithUnsafe()))
)

// Render parses and renders body.
func Render(body []byte, opts Options) *Result {
	if opts.BasePath == "" {
		opts.BasePath = "/"
	}
	g := md
	if opts.UnsafeHTML {
		g = mdUnsafe
	}
	res := &Result{Source: body}
	if res.Problems = Limits(body); len(res.Problems) > 0 {
		// Beyond a limit goldmark's time grows faster than the body: refuse it.
		return res
	}
	doc := g.Parser().Parse(text.NewReader(body))
	res.Doc = doc
	t := &transformer{opts: opts, res: res, src: body, ids: NewHeadingIDs(), legacyIDs: map[string]int{}}
	t.walk(doc)
	var buf strings.Builder
	buf.Grow(len(body) + len(body)/4)
	if err := g.Renderer().Render(&buf, body, doc); err != nil {
		// The renderer writes to memory; it fails only on a bug of ours.
		res.Problems = append(res.Problems, Problem{Message: "cannot render: " + err.Error()})
	}
	res.HTML = buf.String()
	if t.balance {
		res.HTML = balance(res.HTML)
	}
	return res
}

type transformer struct {
	opts Options
	res  *Result
	src  []byte
	// ids are the heading ids taken, legacyIDs those the headings had
	// before (legacyText); nodes are the headings of res.Headings.
	ids       HeadingIDs
	legacyIDs map[string]int
	nodes     []*ast.Heading
	numbers   [2]int
	// annex is set from an h2 that is an annex (IsAnnex) to the next h2.
	annex bool
	// balance is set when raw HTML was sanitised into the body: its tags
	// are balanced after rendering.
	balance bool
}

func (t *transformer) problem(n ast.Node, rule string, sev diag.Severity, format string, args ...any) {
	t.res.Problems = append(t.res.Problems, Problem{Offset: Offset(n, t.src), Severity: sev, Message: fmt.Sprintf(format, args...), Rule: rule})
}

// offset is Offset(n) in the transformer's source, as a Link keeps it.
func (t *transformer) offset(n ast.Node) int32 { return int32(Offset(n, t.src)) }

// Offset returns a node's byte offset in source, or the nearest one known.
func Offset(n ast.Node, source []byte) int {
	for ; n != nil; n = n.Parent() {
		if p := n.Pos(); p >= 0 {
			return p
		}
		if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
			return n.Lines().At(0).Start
		}
		if t, ok := n.(*ast.Text); ok {
			return t.Segment.Start
		}
	}
	return 0
}

func (t *transformer) walk(doc ast.Node) {
	t.ownContents(doc)
	// Collect first, then change: the tree must not change under the walker.
	var headings []*ast.Heading
	var links []ast.Node
	var raw []ast.Node
	var cells []*east.TableCell
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			headings = append(headings, n)
		case *ast.Link, *ast.Image, *ast.AutoLink:
			links = append(links, n)
		case *ast.RawHTML, *ast.HTMLBlock:
			raw = append(raw, n)
		case *east.TableCell:
			cells = append(cells, n)
		}
		return ast.WalkContinue, nil
	})
	for _, h := range headings {
		t.heading(h)
	}
	t.aliases()
	for _, n := range links {
		t.link(n)
	}
	if !t.opts.UnsafeHTML {
		t.balance = t.sanitise(raw)
	}
	for _, c := range cells {
		switch c.Alignment {
		case east.AlignRight:
			c.SetAttributeString("class", []byte("r"))
		case east.AlignCenter:
			c.SetAttributeString("class", []byte("c"))
		}
	}
}

func isComment(n ast.Node, src []byte) bool {
	switch n := n.(type) {
	case *ast.HTMLBlock:
		return n.HTMLBlockType == ast.HTMLBlockType2
	case *ast.RawHTML:
		if n.Segments.Len() == 0 {
			return false
		}
		seg := n.Segments.At(0)
		return bytes.HasPrefix(seg.Value(src), []byte("<!--"))
	}
	return false
}

// PlainText returns the text of n's inline children as a reader sees it:
// character references, backslash escapes and the typographer's
// entities (&rsquo;) decoded, so "Individuals&rsquo; rights" is
// "Individuals’ rights". It is text, not HTML: escape it once to show it.
// Raw HTML counts as no text, and so does an image below n (a reader sees
// the picture; the text of an image n itself is its alt text).
func PlainText(n ast.Node, src []byte) string {
	// Write what the HTML renderer would, then decode that once: goldmark
	// resolves references and escapes as it writes, so this is its reading.
	w := new(textWriter)
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			if c.IsRaw() { // a code span's text
				ghtml.DefaultWriter.RawWrite(w, c.Segment.Value(src))
			} else {
				ghtml.DefaultWriter.Write(w, c.Segment.Value(src))
			}
			if c.SoftLineBreak() || c.HardLineBreak() {
				w.WriteByte(' ')
			}
		case *ast.String:
			switch {
			case c.IsCode(): // HTML, as the typographer's &rsquo;
				w.Write(c.Value)
			case c.IsRaw():
				ghtml.DefaultWriter.RawWrite(w, c.Value)
			default:
				ghtml.DefaultWriter.Write(w, c.Value)
			}
		case *ast.AutoLink:
			ghtml.DefaultWriter.RawWrite(w, c.Label(src))
		case *ast.Image:
			if c != n {
				return ast.WalkSkipChildren, nil
			}
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(html.UnescapeString(w.String())), " ")
}

// A textWriter is a strings.Builder as goldmark's writers take it, without
// the 4 KiB buffer of a bufio.Writer for every heading.
type textWriter struct{ strings.Builder }

func (w *textWriter) Available() int { return w.Cap() - w.Len() }
func (w *textWriter) Buffered() int  { return 0 }
func (w *textWriter) Flush() error   { return nil }

// legacyText is the text heading ids were made from before PlainText
// decoded what it read: "Individuals' rights" was "Individuals&rsquo;
// rights", so its id was individualsrsquo-rights. Published links may
// still name such ids; headings keep them as aliases.
func legacyText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.AutoLink:
			b.Write(c.Label(src))
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// heading gives h its id and contents entry. A heading without text
// (only raw HTML, only an image) gets neither, nor a number: there is
// nothing to name it by in the contents.
func (t *transformer) heading(h *ast.Heading) {
	txt := PlainText(h, t.src)
	// The id h had before, in that scheme's own sequence of unique ids.
	legacy := uniqueID(t.legacyIDs, Slug(legacyText(h, t.src)))
	if txt == "" {
		t.problem(h, "empty-heading", diag.Warning, "heading has no text: it gets no entry in the contents and no id to link to")
		if !t.opts.UnsafeHTML && !hasImage(h) {
			// Raw HTML alone gives it no text: it would be an <h2> a
			// screen reader announces with nothing to name it by.
			h.Parent().RemoveChild(h.Parent(), h)
		}
		return
	}
	id := t.ids.Next(txt)
	h.SetAttributeString("id", []byte(id))
	hd := Heading{Level: h.Level, Text: txt, ID: id, Offset: Offset(h, t.src)}
	if h.Level == 2 {
		t.annex = IsAnnex(txt)
	}
	if t.opts.Numbered && (h.Level == 2 || h.Level == 3) && !t.annex {
		if h.Level == 2 {
			t.numbers[0]++
			t.numbers[1] = 0
			hd.Number = strconv.Itoa(t.numbers[0])
		} else {
			t.numbers[1]++
			hd.Number = fmt.Sprintf("%d.%d", t.numbers[0], t.numbers[1])
		}
		num := ast.NewString([]byte(hd.Number + " "))
		num.SetAttribute(numberAttr, true)
		h.InsertBefore(h, h.FirstChild(), num)
	}
	if legacy != id {
		hd.Aliases = []string{legacy}
	}
	t.res.Headings = append(t.res.Headings, hd)
	t.nodes = append(t.nodes, h)
}

// numberAttr marks the node that is a heading's section number (with
// Options.Numbered). The renderer writes no attributes of a String.
var numberAttr = []byte("policysite-section-number")

// IsSectionNumber reports whether n is the section number Render put at
// the start of a heading: the page's, not the author's text, which rules
// that read a heading as written skip.
func IsSectionNumber(n ast.Node) bool {
	_, ok := n.Attribute(numberAttr)
	return ok
}

// ownContents leaves out of the page a contents list its author wrote, as
// Word documents have one: a heading Contents or Table of contents
// followed by a list at least half of whose entries name the page's own
// headings. The page makes its own contents, from the headings it has,
// numbered as they are and linked, which a hand-written list cannot keep
// up with; published, it would be a second, stale contents and, with
// numbered: true, the page's section "1 Contents". The list is kept in
// Result.OwnContents, for the rule that compares its entries with the
// headings (stale-contents): an entry naming no heading may be a section
// the policy lacks. A list naming too few headings is not a contents list
// of this page, and stays.
func (t *transformer) ownContents(doc ast.Node) {
	var titles map[string]bool // the page's headings, once a list is a candidate
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		h, ok := n.(*ast.Heading)
		if !ok || !mentionsContents(h, t.src) || !IsContentsHeading(PlainText(h, t.src)) {
			continue
		}
		list, ok := h.NextSibling().(*ast.List)
		if !ok {
			continue
		}
		if titles == nil {
			titles = map[string]bool{}
			for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
				if c, ok := c.(*ast.Heading); ok {
					titles[NormHeading(PlainText(c, t.src))] = true
				}
			}
		}
		entries, named := 0, 0
		_ = ast.Walk(list, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
			if li, ok := c.(*ast.ListItem); ok && entering && li.FirstChild() != nil {
				entries++
				// An entry "Contents" names the list's own heading, not a section.
				if e := NormHeading(PlainText(li.FirstChild(), t.src)); titles[e] && !IsContentsHeading(e) {
					named++
				}
			}
			return ast.WalkContinue, nil
		})
		if named == 0 || 2*named < entries {
			continue
		}
		t.problem(h, "own-contents", diag.Warning, "the hand-written contents list is left out: the page makes its own from the headings")
		doc.RemoveChild(doc, list)
		doc.RemoveChild(doc, h)
		t.res.OwnContents = list
		return
	}
}

// mentionsContents reports whether the source of heading h has the word
// "contents" in any case: most headings do not, and are not read further.
func mentionsContents(h *ast.Heading, src []byte) bool {
	lines := h.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		v := seg.Value(src)
		for j := 0; j+8 <= len(v); j++ {
			if v[j]|0x20 == 'c' && bytes.EqualFold(v[j:j+8], []byte("contents")) {
				return true
			}
		}
	}
	return false
}

// IsContentsHeading reports whether a heading's text titles a contents list.
func IsContentsHeading(text string) bool {
	if !strings.Contains(strings.ToLower(text), "contents") {
		return false
	}
	t := NormHeading(text)
	return t == "contents" || t == "table of contents"
}

var leadingNumber = regexp.MustCompile(`^\s*[0-9]+(\.[0-9]+)*\.?\s+`)

// NormHeading is a heading's or contents entry's text for comparison:
// lower case, single spaces, without a leading section number.
func NormHeading(s string) string {
	s = strings.ReplaceAll(s, "\x00", " ")
	s = leadingNumber.ReplaceAllString(s, "")
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// annexRE matches the start of an annex's heading: Annex A, Annexe 2,
// Appendix iv, Schedule 1.2, or the word alone before a colon, a dash or
// the end. "Schedule of charges" and "Appendices" are not annexes.
var annexRE = regexp.MustCompile(`^(?i)(annexe?|appendix|schedule)(\s+([a-z]|\d+(\.\d+)*|[ivxlc]+)\b|\s*$|\s*[:–—-])`)

// IsAnnex reports whether a heading's text names an annex, appendix or
// schedule. With numbered: true such a section keeps its own label, and
// is not numbered as the sections before it: "Annex A" is not section 6.
// Its subsections are not numbered either.
func IsAnnex(text string) bool { return annexRE.MatchString(text) }

// hasImage reports whether an image is among n's descendants.
func hasImage(n ast.Node) bool {
	found := false
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if _, ok := c.(*ast.Image); ok && entering {
			found = true
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return found
}

// aliases puts each heading's old ids on the page, as empty spans at
// the start of the heading, leaving out any that another heading now has
// as its id: that heading's claim is the stronger.
func (t *transformer) aliases() {
	for i := range t.res.Headings {
		hd := &t.res.Headings[i]
		kept := hd.Aliases[:0]
		for _, a := range hd.Aliases {
			if t.ids[a] > 0 {
				continue
			}
			kept = append(kept, a)
			h := t.nodes[i]
			h.InsertBefore(h, h.FirstChild(), &anchor{id: a})
		}
		if len(kept) == 0 {
			kept = nil
		}
		hd.Aliases = kept
	}
}

// An anchor is an empty element with an id: a heading's alias.
type anchor struct {
	ast.BaseInline
	id string
}

var kindAnchor = ast.NewNodeKind("Anchor")

func (a *anchor) Kind() ast.NodeKind { return kindAnchor }

func (a *anchor) Dump(src []byte, level int) {
	ast.DumpHelper(a, src, level, map[string]string{"ID": a.id}, nil)
}

// anchors renders anchor nodes.
type anchors struct{}

func (anchors) Extend(m goldmark.Markdown) {
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(anchors{}, 500)))
}

func (anchors) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindAnchor, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			w.WriteString(`<span id="`)
			w.WriteString(html.EscapeString(n.(*anchor).id))
			w.WriteString(`"></span>`)
		}
		return ast.WalkContinue, nil
	})
}

// ThemeIDs are the ids the theme gives its own elements on the pages
// that show a policy's text (base.html, policy.html and version.html in
// themes/default/layouts): a heading never takes one, nor an id starting
// with ThemeIDPrefix, which the theme makes from site.yaml (cc-analytics,
// a cookie switch). A heading "Main" is main-1, "CC analytics"
// s-cc-analytics, as footnotes' fn:N keep "Fn 1" at s-fn-1.
var ThemeIDs = []string{"main", "toc", "consent", "consent-h", "consent-choose", "consent-said"}

// ThemeIDPrefix starts the ids the theme makes from site.yaml on every page.
const ThemeIDPrefix = "cc-"

// HeadingIDs hands out the ids of a page's headings as Render does, one
// heading after another in the page's order: made from the heading's
// text (Slug), unique on the page, and clear of the theme's ids and the
// footnotes'. import uses it to link to a heading of the page it writes.
type HeadingIDs map[string]int

// NewHeadingIDs returns HeadingIDs with only the theme's ids taken.
func NewHeadingIDs() HeadingIDs {
	ids := make(HeadingIDs, len(ThemeIDs))
	for _, id := range ThemeIDs {
		ids[id] = 1 // taken: a heading "Main" is main-1
	}
	return ids
}

// Next returns the id of the next heading, whose plain text is text,
// and takes it. A heading without text gets none ("").
func (ids HeadingIDs) Next(text string) string {
	if strings.TrimSpace(text) == "" {
		return ""
	}
	return uniqueID(ids, Slug(text))
}

// uniqueID returns id, or id-1, id-2... when it is taken in ids, and
// takes it. An empty id is "section".
func uniqueID(ids map[string]int, id string) string {
	if id == "" {
		id = "section"
	}
	if strings.HasPrefix(id, "fn") || strings.HasPrefix(id, ThemeIDPrefix) {
		// Footnotes own fn:N and fnref:N, the theme cc-*; keep clear of them.
		id = "s-" + id
	}
	base := id
	for ids[id] > 0 {
		id = fmt.Sprintf("%s-%d", base, ids[base])
		ids[base]++
	}
	ids[id]++
	if id == base {
		ids[base] = 1
	}
	return id
}

// Slug turns heading text into an id: lower case, Unicode letters and digits
// kept, runs of spaces, hyphens and underscores made one hyphen, all other
// punctuation dropped. "Who we are & what we do" is who-we-are-what-we-do.
func Slug(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '_' || unicode.IsSpace(r):
			hyphen = true
		}
	}
	return b.String()
}

// safeSchemes are the URL schemes a policy may link to.
var safeSchemes = map[string]bool{"http": true, "https": true, "mailto": true, "tel": true}

// scheme returns the lower-cased scheme of dest, or "" for a relative reference.
func scheme(dest string) string {
	// Browsers ignore ASCII tab and newline inside a scheme and leading
	// control characters and spaces: judge what they would see.
	// Goldmark keeps character references in destinations and the renderer
	// decodes them: &#106;avascript: is javascript: to a browser.
	dest = html.UnescapeString(dest)
	clean := strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, strings.TrimLeftFunc(dest, func(r rune) bool { return r <= ' ' }))
	for i, r := range clean {
		switch {
		case r == ':':
			if i == 0 {
				return ""
			}
			return strings.ToLower(clean[:i])
		case r == '/' || r == '?' || r == '#':
			return ""
		}
	}
	return ""
}

func (t *transformer) link(n ast.Node) {
	var dest string
	switch n := n.(type) {
	case *ast.Link:
		dest = string(n.Destination)
	case *ast.Image:
		dest = string(n.Destination)
	case *ast.AutoLink:
		dest = string(n.URL(t.src))
		if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(dest), "mailto:") {
			dest = "mailto:" + dest
		}
	}
	if l, ok := n.(*ast.Link); ok && scheme(dest) == "cert" {
		id := strings.TrimSpace(dest[strings.IndexByte(dest, ':')+1:])
		t.res.Links = append(t.res.Links, Link{Cert: id, Offset: t.offset(n)})
		l.Destination = []byte(t.opts.BasePath + "#" + ThemeIDPrefix + "cert-" + url.PathEscape(id))
		return
	}
	if s := scheme(dest); s != "" && !safeSchemes[s] {
		t.problem(n, "unsafe-link", diag.Warning, "link to a %s: URL removed; only http, https, mailto and tel links are published", s)
		unwrap(n, t.src)
		return
	}
	if strings.HasPrefix(strings.TrimSpace(dest), "//") {
		// Protocol-relative: fine as a link, but say which protocol.
		return
	}
	if scheme(dest) != "" {
		return
	}
	if im, ok := n.(*ast.Image); ok && t.image(im, dest) {
		return
	}
	// The destination rewritten: a link's, or an image's source.
	var rewrite *[]byte
	switch n := n.(type) {
	case *ast.Link:
		rewrite = &n.Destination
	case *ast.Image:
		rewrite = &n.Destination
	default:
		return
	}
	_, image := n.(*ast.Image)
	target, frag, _ := strings.Cut(dest, "#")
	switch {
	case image && !strings.HasPrefix(target, "/"):
		// A relative image is a file beside the policy (image).
	case target == "" && frag != "":
		t.res.Links = append(t.res.Links, Link{Fragment: frag, Offset: t.offset(n)})
	case strings.HasSuffix(strings.ToLower(target), ".md"):
		if u, err := url.PathUnescape(target); err == nil {
			target = u // Privacy%20Policies/Our%20Statement.md names a file with spaces
		}
		if strings.HasPrefix(target, "/") {
			target = "content" + target
		} else {
			base := t.opts.Path
			if t.opts.LinkBase != "" {
				base = t.opts.LinkBase
			}
			target = path.Join(path.Dir(base), target)
		}
		if !strings.HasPrefix(target, "content/") {
			t.problem(n, "broken-link", diag.Error, "link to %q points outside content/", dest)
			return
		}
		slug := t.opts.slugOf(target)
		t.res.Links = append(t.res.Links, Link{Target: target, Slug: slug, Fragment: frag, Offset: t.offset(n)})
		href := t.opts.BasePath + slug + "/"
		if frag != "" {
			href += "#" + frag
		}
		*rewrite = []byte(href)
	case strings.HasPrefix(target, "/"):
		// A page or file of the site by its URL: under the base path, as
		// the theme's own links are.
		p, _, _ := strings.Cut(target, "?")
		t.res.Links = append(t.res.Links, Link{Path: p, Fragment: frag, Offset: t.offset(n), Image: image})
		*rewrite = []byte(t.opts.BasePath + strings.TrimPrefix(dest, "/"))
	}
}

// unwrap replaces a link with its text, or an image with its alt text.
func unwrap(n ast.Node, src []byte) {
	parent := n.Parent()
	if parent == nil {
		return
	}
	switch n.(type) {
	case *ast.Image:
		// PlainText is decoded: written raw, it is only escaped.
		alt := ast.NewString([]byte(PlainText(n, src)))
		alt.SetRaw(true)
		parent.ReplaceChild(parent, n, alt)
		return
	case *ast.AutoLink:
		parent.ReplaceChild(parent, n, ast.NewString(n.(*ast.AutoLink).Label(src)))
		return
	}
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, n, c)
		c = next
	}
	parent.RemoveChild(parent, n)
}

// image points a picture from the site's own files (a relative path, or
// one from the site's root naming content/) at where it is published:
// the files of a policy's folder go under its slug (source.AssetPath). It
// is kept in Result.Images for broken-image. It reports whether it took
// the picture: one from the site's root elsewhere is a link's (link).
func (t *transformer) image(n *ast.Image, dest string) bool {
	p, _, _ := strings.Cut(dest, "#")
	p, _, _ = strings.Cut(p, "?")
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	base := t.opts.Path
	if t.opts.LinkBase != "" {
		base = t.opts.LinkBase
	}
	var target string
	switch {
	case p == "" || strings.HasPrefix(p, "//"):
		return false
	case strings.HasPrefix(p, "/"):
		if !strings.HasPrefix(p, "/"+source.Dir+"/") {
			return false
		}
		target = path.Clean(p[1:])
	default:
		target = path.Join(path.Dir(base), p)
	}
	if !strings.HasPrefix(target, source.Dir+"/") || !strings.Contains(strings.TrimPrefix(target, source.Dir+"/"), "/") {
		t.res.Images = append(t.res.Images, Link{Target: target, Offset: t.offset(n)})
		return true
	}
	folder, _, _ := strings.Cut(strings.TrimPrefix(target, source.Dir+"/"), "/")
	slug := source.Slug(folder)
	if folder == source.FolderOf(base) && t.opts.Slug != "" {
		slug = t.opts.Slug
	}
	published := source.AssetPath(slug, target)
	t.res.Images = append(t.res.Images, Link{Target: target, Path: published, Offset: t.offset(n)})
	segs := strings.Split(published, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	n.Destination = []byte(t.opts.BasePath + strings.Join(segs, "/"))
	return true
}
