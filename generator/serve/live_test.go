package serve

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/diag"
)

func TestSameButCSS(t *testing.T) {
	page := func(css, body string) string {
		return `<!DOCTYPE html><head><link rel="stylesheet" href="/assets/site.` + css + `.css"><script src="/assets/site.1.js"></script></head><body>` + body + `</body>`
	}
	long := strings.Repeat("<p>A policy.</p>", 5000)
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"same", page("aa", "x"), page("aa", "x"), true},
		{"stylesheet renamed", page("aa", "x"), page("bb", "x"), true},
		{"stylesheet name longer", page("aa", "x"), page("aab", "x"), true},
		{"stylesheet name a prefix", page("a", "x"), page("a.css.b", "x"), true},
		{"long page, stylesheet renamed", page("aa", long), page("bb", long), true},
		{"text changed", page("aa", "x"), page("aa", "y"), false},
		{"text and stylesheet changed", page("aa", long+"x"), page("bb", long+"y"), false},
		{"script renamed", page("aa", "x"), strings.Replace(page("aa", "x"), "site.1.js", "site.2.js", 1), false},
		{"attribute added after the href", `<link href="a.css">`, `<link href="a.css" media="print">`, false},
		{"an href not to a stylesheet", `<a href="/a/">x</a>`, `<a href="/b/">x</a>`, false},
		{"longer", page("aa", "x"), page("aa", "x") + " ", false},
		{"empty", "", "", true},
	}
	ref := regexp.MustCompile(`href="[^"]*\.css"`)
	for _, tt := range tests {
		if got := sameButCSS([]byte(tt.a), []byte(tt.b)); got != tt.want {
			t.Errorf("%s: sameButCSS = %v, want %v", tt.name, got, tt.want)
		}
		if got := bytes.Equal(ref.ReplaceAll([]byte(tt.a), nil), ref.ReplaceAll([]byte(tt.b), nil)); got != tt.want {
			t.Errorf("%s: the regular expression says %v", tt.name, got)
		}
	}
}

// The overlay goes first in <body>, the reload script last; both only in
// the served copy. Findings are escaped, errors come before warnings.
func TestInject(t *testing.T) {
	errs := diag.List{
		{Pos: diag.Pos{File: "content/<a>.md", Line: 2, Col: 3}, Severity: diag.Warning, Rule: "placeholder", Message: "unfilled placeholder [<script>]"},
		{Severity: diag.Error, Message: "theme: cannot read"},
	}
	script := `<script src="` + ScriptPath + `" defer></script>`
	tests := []struct {
		name, page string
		errs       diag.List
		want       string // the page with the overlay written as O
	}{
		{"good build", `<html><body class="x"><p>Hi</p></body></html>`, nil, `<html><body class="x"><p>Hi</p>` + script + `</body></html>`},
		{"failed build", `<html><body class="x"><p>Hi</p></body></html>`, errs, `<html><body class="x">O<p>Hi</p>` + script + `</body></html>`},
		{"no body tags", `<p>Hi</p>`, errs, `O<p>Hi</p>` + script},
	}
	for _, tt := range tests {
		l := NewLive(nil)
		if tt.errs != nil {
			l.Fail(tt.errs)
		}
		got := string(inject([]byte(tt.page), l.errs, l.failed))
		o := string(overlay(l.errs, l.failed))
		if want := strings.Replace(tt.want, "O", o, 1); got != want {
			t.Errorf("%s:\ngot  %s\nwant %s", tt.name, got, want)
		}
	}
	l := NewLive(nil)
	l.Fail(errs)
	o := string(overlay(l.errs, l.failed))
	for _, want := range []string{
		`<p role="alert">1 error, 1 warning.`,
		`<li class="error"><strong>error</strong>: theme: cannot read</li><li class="warning"><code>content/&lt;a&gt;.md:2:3</code> <strong>warning</strong>: unfilled placeholder [&lt;script&gt;] <span class="rule">[placeholder]</span></li>`,
		`data-failure="1"`,
	} {
		if !strings.Contains(o, want) {
			t.Errorf("overlay lacks %s:\n%s", want, o)
		}
	}
}
