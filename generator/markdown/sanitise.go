package markdown

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/policysite/policysite/generator/diag"
)

// policy is the sanitiser raw HTML in a policy goes through without
// unsafe_html: bluemonday's policy for user content (tables, lists,
// emphasis, links and pictures by safe URLs kept; scripts, styles, event
// handlers, forms and frames removed), with links left as written (no
// rel=nofollow: a policy's links are its organisation's). Built once; safe
// for concurrent use.
var policy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(false)
	p.AllowURLSchemes("http", "https", "mailto", "tel")
	return p
})

// sanitise replaces each raw HTML node but comments with what the
// sanitiser keeps of it, and reports what it removed as raw-html.
// It returns whether any node kept a tag that could leave the page
// unbalanced (any but a void element's), so that Render balances the
// page's tags afterwards (a stray </div> of one fragment must not close
// the theme's).
func (t *transformer) sanitise(raw []ast.Node) bool {
	changed := false
	var seen map[string]sanitisedFragment
	for _, n := range raw {
		if isComment(n, t.src) {
			continue
		}
		var b strings.Builder
		switch n := n.(type) {
		case *ast.HTMLBlock:
			for i := 0; i < n.Lines().Len(); i++ {
				seg := n.Lines().At(i)
				b.Write(seg.Value(t.src))
			}
			if n.HasClosure() {
				b.Write(n.ClosureLine.Value(t.src))
			}
		case *ast.RawHTML:
			for i := 0; i < n.Segments.Len(); i++ {
				seg := n.Segments.At(i)
				b.Write(seg.Value(t.src))
			}
		}
		in := b.String()
		// A page repeats its fragments (<br>, </b>): each is sanitised once.
		c, ok := seen[in]
		if !ok {
			c.out = policy().Sanitize(in)
			c.gone = removed(in, c.out)
			c.open = opens(c.out)
			if seen == nil {
				seen = map[string]sanitisedFragment{}
			}
			seen[in] = c
		}
		out := c.out
		if gone := c.gone; len(gone) > 0 {
			t.problem(n, "raw-html", diag.Warning, "raw HTML: removed %s (site.yaml unsafe_html: true publishes it as written)", strings.Join(gone, ", "))
		}
		parent := n.Parent()
		if parent == nil {
			continue
		}
		var repl ast.Node
		if n.Type() == ast.TypeBlock {
			repl = &safeBlock{html: out}
		} else {
			repl = &safeInline{html: out}
		}
		parent.ReplaceChild(parent, n, repl)
		changed = changed || c.open
	}
	return changed
}

// A sanitisedFragment is what the sanitiser kept of a fragment and what
// it removed.
type sanitisedFragment struct {
	out  string
	gone []string
	open bool // it has an element that could be left open or closed twice
}

// opens reports whether a fragment holds a tag other than a void
// element's (<br>, <img>): only those can leave the page unbalanced.
func opens(s string) bool {
	if !strings.Contains(s, "<") {
		return false
	}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return false
		case html.StartTagToken, html.EndTagToken:
			name, _ := z.TagName()
			if !voids[string(name)] {
				return true
			}
		}
	}
}

// voids are the void elements the sanitiser may keep.
var voids = map[string]bool{"br": true, "hr": true, "img": true, "wbr": true, "col": true, "area": true}

// removed names what the sanitiser took out of in to give out: elements
// ("<script>") and attributes ("onclick on <a>"), each once, in the order
// they came.
func removed(in, out string) []string {
	if in == out {
		return nil
	}
	kept := map[string]int{}
	for _, k := range parts(out) {
		kept[k]++
	}
	var gone []string
	for _, k := range parts(in) {
		if kept[k] > 0 {
			kept[k]--
			continue
		}
		if !slices.Contains(gone, k) {
			gone = append(gone, k)
		}
	}
	if len(gone) == 0 && strings.TrimSpace(in) != strings.TrimSpace(out) {
		gone = append(gone, "what it could not read as HTML")
	}
	return gone
}

// parts lists the elements and attributes of an HTML fragment.
func parts(s string) []string {
	var out []string
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out
		case html.EndTagToken:
			out = append(out, "</"+z.Token().Data+">")
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			out = append(out, "<"+tok.Data+">")
			for _, a := range tok.Attr {
				v := ""
				if a.Key == "href" || a.Key == "src" {
					if s := scheme(a.Val); s != "" && !safeSchemes[s] {
						v = fmt.Sprintf(" (%s:)", s)
					}
				}
				out = append(out, a.Key+v+" on <"+tok.Data+">")
			}
		}
	}
}

// balance returns a body's HTML with its tags balanced, as a browser
// would read it inside the theme's element: what a fragment left open is
// closed, a stray end tag dropped.
func balance(s string) string {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		return html.EscapeString(s) // not reached: the parser reads any text
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, n := range nodes {
		if err := html.Render(&b, n); err != nil {
			return html.EscapeString(s)
		}
	}
	return b.String()
}

// safeBlock and safeInline are raw HTML as the sanitiser left it.
type safeBlock struct {
	ast.BaseBlock
	html string
}

type safeInline struct {
	ast.BaseInline
	html string
}

var (
	kindSafeBlock  = ast.NewNodeKind("SafeHTMLBlock")
	kindSafeInline = ast.NewNodeKind("SafeHTML")
)

func (n *safeBlock) Kind() ast.NodeKind  { return kindSafeBlock }
func (n *safeInline) Kind() ast.NodeKind { return kindSafeInline }
func (n *safeBlock) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"HTML": n.html}, nil)
}
func (n *safeInline) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"HTML": n.html}, nil)
}

// sanitised renders safeBlock and safeInline nodes.
type sanitised struct{}

func (sanitised) Extend(m goldmark.Markdown) {
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(sanitised{}, 500)))
}

func (sanitised) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindSafeBlock, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			w.WriteString(n.(*safeBlock).html)
			if !strings.HasSuffix(n.(*safeBlock).html, "\n") {
				w.WriteByte('\n')
			}
		}
		return ast.WalkContinue, nil
	})
	reg.Register(kindSafeInline, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			w.WriteString(n.(*safeInline).html)
		}
		return ast.WalkContinue, nil
	})
}
