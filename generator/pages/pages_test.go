package pages

import (
	"html/template"
	"strings"
	"testing"
	gotime "time"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/frontmatter"
	"github.com/policysite/policysite/generator/markdown"
	"github.com/policysite/policysite/generator/site"
)

// render writes parts as a layout would, each table as its kind's name.
func render(ps []Part) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(string(p.HTML))
		switch {
		case p.Cookies != nil:
			b.WriteString("COOKIES")
		case p.Processors != nil:
			b.WriteString("PROCESSORS")
		case p.Certificates != nil:
			b.WriteString("CERTS")
		}
	}
	return b.String()
}

func TestTablePlacement(t *testing.T) {
	h := func(level int, text, id string) markdown.Heading {
		return markdown.Heading{Level: level, Text: text, ID: id}
	}
	cfg := &config.Site{
		Cookies:        &config.Cookies{Policy: "cookies", Categories: []config.CookieCategory{{ID: "necessary", Cookies: []config.Cookie{{Name: "a<b", Provider: "us", Purpose: "p", Duration: "d"}}}}},
		Processors:     []config.Processor{{Name: "Mailhost", Since: date.New(2024, 1, 1)}, {Name: "Gone", Since: date.New(2020, 1, 1), Until: &date.Date{Year: 2025, Month: 1, Day: 1}}},
		Certifications: []config.Certification{{ID: "ce", Name: "CE", Issued: date.New(2025, 1, 1), Expires: date.New(2026, 1, 1)}},
	}
	tests := []struct {
		name, slug, body string
		heads            []markdown.Heading
		want             string // the page, as render writes it
		added            bool   // a Cookies we use heading was added to the contents
	}{
		{"end of section", "cookies", `<h2 id="cookies-we-use">Cookies we use</h2><p>x</p><h3 id="s">S</h3><p>y</p><h2 id="next">Next</h2>`,
			[]markdown.Heading{h(2, "Cookies we use", "cookies-we-use"), h(3, "S", "s"), h(2, "Next", "next")},
			`<h2 id="cookies-we-use">Cookies we use</h2><p>x</p><h3 id="s">S</h3><p>y</p>COOKIES<h2 id="next">Next</h2>`, false},
		{"last section", "cookies", `<h2 id="cookies-we-use">Cookies We Use</h2><p>x</p>`,
			[]markdown.Heading{h(2, "Cookies We Use", "cookies-we-use")}, `<h2 id="cookies-we-use">Cookies We Use</h2><p>x</p>COOKIES`, false},
		{"no section", "cookies", `<h2 id="intro">Intro</h2>`, []markdown.Heading{h(2, "Intro", "intro")},
			`<h2 id="intro">Intro</h2><h2 id="cookies-we-use">Cookies we use</h2>` + "\nCOOKIES", true},
		{"cookies heading elsewhere", "privacy", `<h2 id="cookies-we-use">Cookies we use</h2><p>x</p>`,
			[]markdown.Heading{h(2, "Cookies we use", "cookies-we-use")}, `<h2 id="cookies-we-use">Cookies we use</h2><p>x</p>`, false},
		{"processors and certifications", "security", `<h2 id="c">Certifications</h2><p>x</p><h2 id="p">Processors we use</h2><p>y</p><h3 id="z">Z</h3><h2 id="n">Next</h2><p>n</p>`,
			[]markdown.Heading{h(2, "Certifications", "c"), h(2, "Processors we use", "p"), h(3, "Z", "z"), h(2, "Next", "n")},
			`<h2 id="c">Certifications</h2><p>x</p>CERTS<h2 id="p">Processors we use</h2><p>y</p><h3 id="z">Z</h3>PROCESSORS<h2 id="n">Next</h2><p>n</p>`, false},
		{"a heading twice", "security", `<h2 id="c">Certifications</h2><h2 id="c-1">Certifications</h2>`,
			[]markdown.Heading{h(2, "Certifications", "c"), h(2, "Certifications", "c-1")},
			`<h2 id="c">Certifications</h2>CERTS<h2 id="c-1">Certifications</h2>`, false},
		{"no section", "plain", `<p>x</p>`, nil, `<p>x</p>`, false},
	}
	for _, tt := range tests {
		cookie := &site.Policy{Slug: "cookies", Meta: &frontmatter.Meta{}}
		ps := New(&site.Site{Config: cfg, Now: date.New(2026, 1, 15), Policies: []*site.Policy{cookie}}, "/")
		p := &site.Policy{Slug: tt.slug, Body: template.HTML(tt.body), Headings: tt.heads}
		got, parts := ps.withTables(p)
		page := render(parts)
		if parts == nil {
			page = string(got.Body)
		}
		if page != tt.want {
			t.Errorf("%s:\n%s\nwant\n%s", tt.name, page, tt.want)
		}
		if added := got != p; added != tt.added || len(got.Headings) != len(tt.heads)+map[bool]int{true: 1}[tt.added] {
			t.Errorf("%s: contents %+v", tt.name, got.Headings)
		}
		if string(p.Body) != tt.body || len(p.Headings) != len(tt.heads) {
			t.Errorf("%s: the parsed policy was changed", tt.name)
		}
		for _, pt := range parts {
			if pt.Cookies != nil && (pt.Cookies[0].Caption != "Strictly necessary (always on)" || pt.Cookies[0].Cookies[0].Name != "a<b") {
				t.Errorf("%s: cookies %+v", tt.name, pt.Cookies)
			}
			if pt.Processors != nil && (len(pt.Processors) != 1 || pt.Processors[0].Name != "Mailhost") {
				t.Errorf("%s: a policy's table lists former processors: %+v", tt.name, pt.Processors)
			}
			if pt.Certificates != nil && pt.Certificates[0].Status != site.Expired {
				t.Errorf("%s: certificate expired on 1 January 2026 is %v on 15 January", tt.name, pt.Certificates[0].Status)
			}
		}
	}
}

func TestProcessorsPage(t *testing.T) {
	until := func(y int, m, d int) *date.Date { v := date.New(y, gotime.Month(m), d); return &v }
	cfg := &config.Site{Processors: []config.Processor{
		{Name: "A", Since: date.New(2024, 1, 1)},
		{Name: "B", Since: date.New(2020, 1, 1), Until: until(2024, 6, 1)},
		{Name: "C", Since: date.New(2020, 1, 1), Until: until(2025, 6, 1)},
		{Name: "D", Since: date.New(2020, 1, 1), Until: until(2026, 1, 16)}, // removed tomorrow: still in use
	}}
	ps := New(&site.Site{Config: cfg, Now: date.New(2026, 1, 15)}, "/")
	sp := ps.processorsPage()
	if sp == nil || sp.Path != processorsPath || sp.Layout != "processors.html" {
		t.Fatalf("page %+v", sp)
	}
	names := func(ps []config.Processor) (s string) {
		for _, p := range ps {
			s += p.Name
		}
		return s
	}
	if got := names(sp.Page.Processors.Current) + "/" + names(sp.Page.Processors.Former); got != "AD/CB" {
		t.Errorf("current/former = %s, want AD/CB (most recently removed first)", got)
	}
	if New(&site.Site{Config: &config.Site{}}, "/").processorsPage() != nil {
		t.Error("a page of processors for a site that declares none")
	}
}
