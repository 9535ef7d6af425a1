package check

import (
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/output"
	"github.com/policysite/policysite/generator/site"
	"github.com/policysite/policysite/generator/source"
)

// A Memo keeps the findings of the rules on a whole centre from one
// render to the next: its links' (LinkMemo) and its site's (SiteMemo). A
// nil *Memo keeps nothing.
type Memo struct {
	links LinkMemo
	site  SiteMemo
}

// A Whole is one policy centre as the rules on all of it read it.
type Whole struct {
	Site *site.Site
	// Files are every policy file of the centre, Published those whose
	// policy it publishes: a root-relative link may name the files of
	// their folders (source.File.Assets), besides Pages, the paths of
	// the centre's pages (pages.Set.Paths).
	Files, Published []source.File
	Pages            []string
	// IDs and Anchors are as for LinkMemo.Check.
	IDs     map[*site.Policy]string
	Anchors map[string]site.Anchors
	// Trust is set for the trust's centre, which alone reports site.yaml's
	// certificates: they are the same in every centre.
	Trust bool
}

// Centre runs the rules on the whole centre w through m: broken links,
// the cookie declaration, site.yaml's certificates and the links to
// them, and the site's rules (Site).
func (m *Memo) Centre(w Whole) diag.List {
	var links *LinkMemo
	var sm *SiteMemo
	if m != nil {
		links, sm = &m.links, &m.site
	}
	slugs := make([]string, len(w.Files))
	for i, f := range w.Files {
		slugs[i] = f.Slug
	}
	paths := w.Pages
	for _, f := range w.Published {
		for _, a := range f.Assets {
			paths = append(paths, output.AssetPath(f, a)) // a root-relative image may name one
		}
	}
	s := w.Site
	l := links.Check(s, slugs, paths, w.IDs, w.Anchors)
	l = append(l, Cookies(s)...)
	if w.Trust {
		l = append(l, Trust(s.Config, s.Now, s.Config.Review.WarnDays)...)
	}
	return append(l, sm.Site(s)...)
}
