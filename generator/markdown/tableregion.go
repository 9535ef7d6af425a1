package markdown

import (
	"html"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// tableRegions puts every table in a focusable, labelled region,
//
//	<div class="table" role="region" tabindex="0" aria-label="Table: Record, Kept for">
//
// so that a table wider than a phone scrolls inside its own box (the
// theme's CSS) and a keyboard can reach and scroll it (WCAG 2.1.1; axe's
// scrollable-region-focusable). The label is "Table: " and the header
// cells. It renders the <table> tag itself and leaves the rows to
// goldmark's table renderer.
type tableRegions struct{}

func (tableRegions) Extend(m goldmark.Markdown) {
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(tableRegions{}, 100)))
}

func (tableRegions) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(east.KindTable, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			w.WriteString("</table>\n</div>\n")
			return ast.WalkContinue, nil
		}
		var cols []string
		if h, ok := n.FirstChild().(*east.TableHeader); ok {
			for c := h.FirstChild(); c != nil; c = c.NextSibling() {
				if s := strings.TrimSpace(PlainText(c, src)); s != "" {
					cols = append(cols, s)
				}
			}
		}
		w.WriteString(`<div class="table" role="region" tabindex="0" aria-label="`)
		w.WriteString(html.EscapeString("Table: " + strings.Join(cols, ", ")))
		w.WriteString("\">\n<table")
		if n.Attributes() != nil {
			gmhtml.RenderAttributes(w, n, extension.TableAttributeFilter)
		}
		w.WriteString(">\n")
		return ast.WalkContinue, nil
	})
}
