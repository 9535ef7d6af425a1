package theme

import (
	"testing"

	"github.com/policysite/policysite/themes"
)

func TestReadsSite(t *testing.T) {
	tests := []struct {
		layout string
		want   bool
	}{
		{`{{.Site.Config.Title}} {{date .Site.Now}}`, false},
		{`{{with .Site.Config}}{{.Title}}{{end}}`, false},
		{`{{$.Site.Config.Language}}`, false},
		{`{{define "x"}}{{.Policy.Title}}{{end}}{{template "x" .}}`, false},
		{`{{range .Site.Policies}}{{.Title}}{{end}}`, true},
		{`{{summary .Site}}`, true},
		{`{{with .Site}}{{.Config.Title}}{{end}}`, true},
		{`{{$s := .Site}}`, true},
		{`{{$.Site.Categories}}`, true},
		{`{{(.Site).Policies}}`, true},
		{`{{define "x"}}{{.Site.Overdue}}{{end}}`, true},
		{`{{if .Policy}}{{else}}{{len .Site.Policies}}{{end}}`, true},
		{`{{.Site.Changes}}`, true},
		{`{{.Site.Config.Title`, true}, // does not parse
	}
	for _, tt := range tests {
		if got := ReadsSite(map[string]string{"policy.html": tt.layout}); got != tt.want {
			t.Errorf("ReadsSite(%s) = %v, want %v", tt.layout, got, tt.want)
		}
	}
	// The built-in theme reads only Config and Now of the site.
	_, layouts := Digest([]Layer{{Name: "built in", FS: themes.Default()}}, Options{})
	if ReadsSite(layouts) {
		t.Error("the built-in theme reads the whole site: no policy page can be kept")
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
