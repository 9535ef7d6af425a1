package pages

import (
	"html/template"
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/markdown"
	"github.com/policysite/policysite/generator/site"
)

func TestCookieTablePlacement(t *testing.T) {
	c := &config.Cookies{Categories: []config.CookieCategory{{ID: "necessary", Cookies: []config.Cookie{{Name: "a<b", Provider: "us", Purpose: "p", Duration: "d"}}}}}
	h := func(level int, text, id string) markdown.Heading {
		return markdown.Heading{Level: level, Text: text, ID: id}
	}
	tests := []struct {
		name, body string
		heads      []markdown.Heading
		want       string
	}{
		{"end of section", `<h2 id="cookies-we-use">Cookies we use</h2><p>x</p><h3 id="s">S</h3><p>y</p><h2 id="next">Next</h2>`,
			[]markdown.Heading{h(2, "Cookies we use", "cookies-we-use"), h(3, "S", "s"), h(2, "Next", "next")},
			`<p>y</p>TABLE<h2 id="next">Next</h2>`},
		{"last section", `<h2 id="cookies-we-use">Cookies We Use</h2><p>x</p>`,
			[]markdown.Heading{h(2, "Cookies We Use", "cookies-we-use")}, `<p>x</p>TABLE`},
		{"no section", `<h2 id="intro">Intro</h2>`, []markdown.Heading{h(2, "Intro", "intro")},
			`<h2 id="intro">Intro</h2><h2 id="cookies-we-use">Cookies we use</h2>` + "\nTABLE"},
	}
	for _, tt := range tests {
		p := &site.Policy{Body: "", Headings: tt.heads}
		p.Body = template.HTML(tt.body)
		_, table := withCookieTable(p, c)
		if len(table.Categories) != 1 || table.Categories[0].Caption != "Strictly necessary (always on)" || table.Categories[0].Cookies[0].Name != "a<b" {
			t.Errorf("%s: categories %+v", tt.name, table.Categories)
		}
		got := string(table.Before) + "TABLE" + string(table.After)
		if !strings.HasSuffix(got, tt.want) {
			t.Errorf("%s: %s\nwant suffix %s", tt.name, got, tt.want)
		}
		if string(p.Body) != tt.body {
			t.Errorf("%s: the parsed policy was changed", tt.name)
		}
	}
}
