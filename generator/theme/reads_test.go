package theme

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/policysite/policysite/themes"
)

// A policy's layouts are executed once as the theme loads, with a page
// holding one policy, and the listing layouts with one holding summaries:
// one that reads the site's other policies, a policy's text on a listing
// page, or a field no page has, fails then, at its file and line.
func TestLayoutsReadOnlyTheirData(t *testing.T) {
	for _, tt := range []struct {
		layout, text, want string
	}{
		{"policy.html", "{{define \"main\"}}\n{{.Policy.Title}} {{.Site.Config.Title}} {{date .Site.Now}}{{end}}", ""},
		{"policy.html", "{{define \"main\"}}\n{{range .Site.Policies}}{{.Title}}{{end}}{{end}}", "themes/x/layouts/policy.html:2:13: executing \"main\" at <.Site.Policies>: can't evaluate field Policies in type pages.SiteView"},
		{"policy.html", "{{define \"main\"}}\n\n{{len .All.Policies}}{{end}}", "themes/x/layouts/policy.html:3:10: executing \"main\" at <.All.Policies>: nil pointer evaluating *site.Listing.Policies"},
		{"history.html", "{{define \"main\"}}{{summary .All}}{{end}}", "themes/x/layouts/history.html:1:"},
		{"compare.html", "{{define \"main\"}}{{.Data.Policy.Nonesuch}}{{end}}", "themes/x/layouts/compare.html:1:"},
		// A policy's other pages are sampled as each is made: the version
		// in force, an upcoming and an earlier one; the history page and
		// the comparison with the version in force have no Version.
		{"version.html", "{{define \"main\"}}{{if .Data.Current}}\n{{.Data.Nonesuch}}{{end}}{{end}}", "themes/x/layouts/version.html:2:7: executing \"main\" at <.Data.Nonesuch>: can't evaluate field Nonesuch"},
		{"version.html", "{{define \"main\"}}{{if .Data.Upcoming}}\n{{.Data.Nonesuch}}{{end}}{{end}}", "themes/x/layouts/version.html:2:7:"},
		{"version.html", "{{define \"main\"}}{{.Data.Version.Title}} {{.Data.Version.Effective}}{{end}}", ""},
		{"history.html", "{{define \"main\"}}\n{{.Data.Version.Title}}{{end}}", "themes/x/layouts/history.html:2:7: executing \"main\" at <.Data.Version.Title>: nil pointer evaluating *site.Version.Title"},
		{"compare.html", "{{define \"main\"}}\n{{.Data.Version.Title}}{{end}}", "themes/x/layouts/compare.html:2:7: executing \"main\" at <.Data.Version.Title>: nil pointer"},
		{"index.html", "{{define \"main\"}}{{len .All.Policies}}{{end}}", ""}, // the pages listing every policy may read them
		{"index.html", "{{define \"main\"}}{{range .All.Categories}}{{.Name}}{{range .Policies}}{{.Title}} {{.Status.Label}} {{date .NextReview}}{{end}}{{end}}{{end}}", ""},
		{"index.html", "{{define \"main\"}}\n{{range .All.Policies}}{{.Body}}{{end}}{{end}}", "themes/x/layouts/index.html:2:25: executing \"main\" at <.Body>: can't evaluate field Body in type *site.Summary"},
		{"index.html", "{{define \"main\"}}{{range .All.Categories}}{{range .Policies}}{{len .Headings}}{{end}}{{end}}{{end}}", "themes/x/layouts/index.html:1:"},
		{"changes.html", "{{define \"main\"}}{{range .Data.Changes}}{{.Policy.Diff}}{{end}}{{end}}", "themes/x/layouts/changes.html:1:"},
		{"404.html", "{{define \"main\"}}{{with .CookiePolicy}}{{.Contents}}{{end}}{{end}}", "themes/x/layouts/404.html:1:"},
		// The request form and its thank-you page are listing pages too,
		// sampled as a form posting to the relay and as the page of emails.
		{"requests.html", "{{define \"main\"}}{{range .Data.Types}}{{.Label}}{{end}}{{range .Data.Fields}}{{.Label}}{{.Options}}{{end}}{{len .All.Policies}}{{end}}", ""},
		{"requests.html", "{{define \"main\"}}\n{{range .All.Policies}}{{.Body}}{{end}}{{end}}", "themes/x/layouts/requests.html:2:25: executing \"main\" at <.Body>: can't evaluate field Body in type *site.Summary"},
		{"requests.html", "{{define \"main\"}}\n\n{{.Policy.Title}}{{end}}", "themes/x/layouts/requests.html:3:9: executing \"main\" at <.Policy.Title>: nil pointer evaluating *site.Policy.Title"},
		{"requests.html", "{{define \"main\"}}{{if .Data.Email}}\n{{.Data.Nonesuch}}{{end}}{{end}}", "themes/x/layouts/requests.html:2:7: executing \"main\" at <.Data.Nonesuch>: can't evaluate field Nonesuch"},
		{"thanks.html", "{{define \"main\"}}{{with .Site.Config.Requests.Thanks}}{{.Title}}{{range .Steps}}{{.URL}}{{end}}{{end}}{{end}}", ""},
		{"thanks.html", "{{define \"main\"}}\n{{range .All.Categories}}{{range .Policies}}{{len .Headings}}{{end}}{{end}}{{end}}", "themes/x/layouts/thanks.html:2:"},
		{"thanks.html", "{{define \"main\"}}\n{{.Data.Policy}}{{end}}", "themes/x/layouts/thanks.html:2:"},
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
