package serve

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
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
