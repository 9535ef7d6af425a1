package theme

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/policysite/policysite/themes"
)

// A policy's layouts are executed once as the theme loads, with a page
// holding one policy: one that reads the site's other policies, or a field
// no page has, fails then, at its file and line.
func TestPolicyLayoutsReadOnlyTheirPolicy(t *testing.T) {
	for _, tt := range []struct {
		layout, text, want string
	}{
		{"policy.html", "{{define \"main\"}}\n{{.Policy.Title}} {{.Site.Config.Title}} {{date .Site.Now}}{{end}}", ""},
		{"policy.html", "{{define \"main\"}}\n{{range .Site.Policies}}{{.Title}}{{end}}{{end}}", "themes/x/layouts/policy.html:2:13: executing \"main\" at <.Site.Policies>: can't evaluate field Policies in type pages.SiteView"},
		{"policy.html", "{{define \"main\"}}\n\n{{len .All.Policies}}{{end}}", "themes/x/layouts/policy.html:3:10: executing \"main\" at <.All.Policies>: nil pointer evaluating *site.Site.Policies"},
		{"history.html", "{{define \"main\"}}{{summary .All}}{{end}}", "themes/x/layouts/history.html:1:"},
		{"compare.html", "{{define \"main\"}}{{.Data.Policy.Nonesuch}}{{end}}", "themes/x/layouts/compare.html:1:"},
		{"index.html", "{{define \"main\"}}{{len .All.Policies}}{{end}}", ""}, // the pages listing every policy may read them
	} {
		layers := []Layer{{Name: "themes/x", FS: fstest.MapFS{"layouts/" + tt.layout: {Data: []byte(tt.text)}}}, {Name: "built in", FS: themes.Default()}}
		_, l := Load(layers, Options{})
		got := ""
		if len(l) > 0 {
			got = l[0].Error()
		}
		if len(l) > 1 || (tt.want == "") != (got == "") || !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s %q: Load says %v, want %q", tt.layout, tt.text, l, tt.want)
		}
	}
}

func TestReadsText(t *testing.T) {
	tests := []struct {
		layout string
		want   bool
	}{
		{`{{range .Site.Policies}}{{.Title}} {{.Version}} {{date .NextReview}}{{end}}`, false},
		{`{{range .Site.Policies}}{{.Body}}{{end}}`, true},
		{`{{range .Site.Categories}}{{range .Policies}}{{len .Headings}}{{end}}{{end}}`, true},
		{`{{with .CookiePolicy}}{{.Contents}}{{end}}`, true},
		{`{{range $p := .Site.Policies}}{{if $p.HasAnchor "x"}}x{{end}}{{end}}`, true},
		{`{{range .Data.Changes}}{{.Policy.Diff}}{{end}}`, true},
		{`{{range .Site.Policies}}{{range .History}}{{.Version}}{{end}}{{end}}`, false},
		{`{{(index .Site.Policies 0).Links}}`, true},
	}
	for _, tt := range tests {
		if got := ReadsText(map[string]string{"index.html": tt.layout}); got != tt.want {
			t.Errorf("ReadsText(%s) = %v, want %v", tt.layout, got, tt.want)
		}
	}
	_, layouts := Digest([]Layer{{Name: "built in", FS: themes.Default()}}, Options{})
	if ReadsText(layouts) {
		t.Error("the built-in theme's index reads policies' text: it is rendered again on every save")
	}
}
