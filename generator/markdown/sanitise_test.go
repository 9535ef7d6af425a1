package markdown

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestSanitise(t *testing.T) {
	for _, c := range []struct {
		name, in         string
		contains, absent []string
		problems         []string
	}{
		{"handlers and javascript links removed, text kept",
			`Sign in at <b onclick="go()">reception</b>, <a href="javascript:alert(1)">here</a>.`,
			[]string{"<b>reception</b>", "here"}, []string{"onclick", "javascript"},
			[]string{"raw HTML: removed onclick on <b> (site.yaml unsafe_html: true publishes it as written)", "raw HTML: removed <a>, href (javascript:) on <a> (site.yaml unsafe_html: true publishes it as written)"}},
		{"scripts and styles removed",
			"<div style=\"color:red\">\n<script>alert(1)</script>\n<p>Kept</p>\n</div>\n",
			[]string{"<div>", "<p>Kept</p>"}, []string{"script", "alert", "style"},
			[]string{"raw HTML: removed style on <div>, <script>, </script> (site.yaml unsafe_html: true publishes it as written)"}},
		{"a stray end tag closes nothing",
			"Before\n\n</div></div>\n\nAfter",
			[]string{"<p>Before</p>", "<p>After</p>"}, []string{"</div>"}, nil},
		{"a table of several paragraphs a cell is kept",
			"<table><tr><td><p>One</p><p>Two</p></td><td><ul><li>a</li></ul></td></tr></table>",
			[]string{"<td><p>One</p><p>Two</p></td>", "<li>a</li>"}, nil, nil},
		{"an unclosed element is closed",
			"<div>\nopen\n\nText after.",
			[]string{"</div>"}, nil, nil},
		{"comments are not findings", "<!-- check: ignore placeholder -->\nText.", []string{"<p>Text.</p>"}, []string{"check: ignore"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := Render([]byte(c.in), Options{Path: "content/a.md"})
			for _, s := range c.contains {
				if !strings.Contains(r.HTML, s) {
					t.Errorf("output lacks %q:\n%s", s, r.HTML)
				}
			}
			for _, s := range c.absent {
				if strings.Contains(r.HTML, s) {
					t.Errorf("output holds %q:\n%s", s, r.HTML)
				}
			}
			var got []string
			for _, p := range r.Problems {
				got = append(got, p.Message)
			}
			if strings.Join(got, "\n") != strings.Join(c.problems, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.problems, "\n"))
			}
		})
	}
}

// FuzzSanitise: whatever raw HTML a policy holds, the page's body has no
// element that runs or styles anything, no event handler, no URL of an
// unsafe scheme, and no end tag without its start.
func FuzzSanitise(f *testing.F) {
	for _, s := range []string{
		`<b onclick="x()">a</b>`, "<div>\n<script>alert(1)</script>\n</div>\n</div>", `<a href="jav&#x61;script:x">y</a>`,
		"<table><tr><td><p>a</p><p>b</p></td></tr></table>", "<img src=x onerror=alert(1)>", "<svg><script>x</script></svg>",
		"<style>p{}</style>", `<iframe src="https://a.example/"></iframe>`, "</p></li></ul>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r := Render([]byte(in), Options{Path: "content/a.md"})
		if r.Doc == nil {
			return // past a limit: nothing rendered
		}
		z := html.NewTokenizer(strings.NewReader(r.HTML))
		depth := 0
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				break
			}
			tok := z.Token()
			switch tt {
			case html.StartTagToken, html.SelfClosingTagToken:
				switch tok.Data {
				case "script", "style", "iframe", "object", "embed", "form", "input", "svg", "math", "link", "meta", "base":
					if tok.Data != "input" || !taskBox(tok) {
						t.Fatalf("%q gave <%s>:\n%s", in, tok.Data, r.HTML)
					}
				}
				for _, a := range tok.Attr {
					if strings.HasPrefix(a.Key, "on") || a.Key == "style" || a.Key == "srcdoc" || a.Key == "formaction" {
						t.Fatalf("%q gave %s on <%s>:\n%s", in, a.Key, tok.Data, r.HTML)
					}
					if (a.Key == "href" || a.Key == "src") && scheme(a.Val) != "" && !safeSchemes[scheme(a.Val)] {
						t.Fatalf("%q gave %s=%q:\n%s", in, a.Key, a.Val, r.HTML)
					}
				}
				if tt == html.StartTagToken && !void[tok.Data] {
					depth++
				}
			case html.EndTagToken:
				if depth--; depth < 0 {
					t.Fatalf("%q gave an end tag </%s> with no start:\n%s", in, tok.Data, r.HTML)
				}
			}
		}
	})
}

// taskBox reports whether an <input> is a task list's disabled checkbox,
// which the renderer writes itself.
func taskBox(tok html.Token) bool {
	for _, a := range tok.Attr {
		if a.Key == "type" && a.Val == "checkbox" {
			return true
		}
	}
	return false
}

var void = map[string]bool{"br": true, "hr": true, "img": true, "input": true, "wbr": true, "col": true, "area": true, "source": true, "track": true, "embed": true}
