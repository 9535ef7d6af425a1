package generator

import (
	"encoding/xml"
	"fmt"
	"sort"

	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/frontmatter"
	"github.com/policysite/policysite/generator/history"
	"github.com/policysite/policysite/generator/output"
	"github.com/policysite/policysite/generator/site"
	"github.com/policysite/policysite/generator/source"
)

// attachHistory gives the policy p, read from f, its earlier versions:
// hist are those files parsed, in f.History order. It checks that versions
// increase with their effective dates and compares each version with the
// one before through compare, which takes the two files.
func attachHistory(p *site.Policy, cur *parsedFile, f source.File, hist []*parsedFile, compare func(prev, next *parsedFile) *history.Comparison) diag.List {
	var l diag.List
	if p == nil || len(f.History) == 0 {
		return l
	}
	type parsed struct {
		v    *site.Version
		file *parsedFile
	}
	var vs []parsed
	for i, h := range f.History {
		hp := hist[i].p
		l = append(l, hist[i].l...)
		if hp == nil {
			continue
		}
		at := hp.Meta.Pos["version"]
		if at.File == "" {
			at = hp.Meta.Start
		}
		if _, err := history.ParseVersion(h.Version); err != nil {
			l.Errorf(diag.Pos{File: h.Path}, "file name: %v", err)
			continue
		}
		if hp.Version == "" {
			continue // frontmatter reports the missing key
		}
		if _, err := history.ParseVersion(hp.Version); err != nil {
			l.Errorf(at, "%v", err)
			continue
		}
		if hp.Version != h.Version {
			l.Errorf(at, "version %q disagrees with the file name %s.md: rename the file or fix the version", hp.Version, h.Version)
			continue
		}
		vs = append(vs, parsed{&site.Version{File: h.Path, Meta: hp.Meta, Body: hp.Body, Contents: hp.Contents}, hist[i]})
	}
	sort.SliceStable(vs, func(i, j int) bool { return history.CompareVersions(vs[i].v.Version, vs[j].v.Version) < 0 })
	// The current version comes last; check the whole chain in order.
	last := parsed{&site.Version{File: p.File, Meta: p.Meta}, cur}
	if _, err := history.ParseVersion(p.Version); err != nil {
		return l // frontmatter reports a malformed version
	}
	ok := true
	for _, h := range vs {
		switch c := history.CompareVersions(h.v.Version, p.Version); {
		case c == 0:
			l.Errorf(p.Meta.Pos["version"], "version %s is also %s: each version needs its own number", p.Version, pos(h.v.Meta.Pos["version"]))
			ok = false
		case c > 0:
			l.Errorf(p.Meta.Pos["version"], "the current version %s is older than %s in %s: the current version must be the newest", p.Version, h.v.Version, h.v.File)
			ok = false
		}
	}
	if !ok {
		return l
	}
	chain := append(vs, last)
	for i := 1; i < len(chain); i++ {
		prev, next := chain[i-1].v, chain[i].v
		if history.CompareVersions(prev.Version, next.Version) == 0 {
			l.Errorf(next.Meta.Pos["version"], "version %s is also %s: each version needs its own number", next.Version, pos(prev.Meta.Pos["version"]))
			ok = false
			continue
		}
		if !next.Effective.After(prev.Effective) {
			l.Errorf(next.Meta.Pos["effective"], "version %s takes effect %s, not after version %s (%s, %s): versions must take effect in order",
				next.Version, next.Effective, prev.Version, prev.Effective, pos(prev.Meta.Pos["effective"]))
			ok = false
		}
	}
	if !ok {
		return l
	}
	for i := 1; i < len(chain); i++ {
		chain[i].v.Diff = compare(chain[i-1].file, chain[i].file)
		chain[i].v.Previous = chain[i-1].v.Version
	}
	p.Diff = last.v.Diff
	for i := len(vs) - 1; i >= 0; i-- {
		p.History = append(p.History, vs[i].v)
	}
	return l
}

func pos(p diag.Pos) string {
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// bodyOf returns the markdown body of a policy file, for comparisons.
func bodyOf(data []byte) string {
	_, _, body, off, err := frontmatter.Split(data)
	if err != nil {
		return ""
	}
	_, body, _ = dropControls("", data, off)
	return string(body)
}

// A VersionView is what the history, version and compare layouts show.
type VersionView struct {
	// Policy is the current version.
	Policy *site.Policy
	// Version is the version shown or compared; nil for the current one.
	Version *site.Version
	// Number, Effective and Note describe the version shown or compared.
	Number   string
	Previous string
	Note     string
	Diff     *history.Comparison
	// Changes are the policy's versions, newest first (history page) or
	// every policy's (changes page).
	Changes []site.Change
	// Feed is the URL of the Atom feed, if the site has one.
	Feed string
}

// historyPages renders the history page of p, each earlier version and
// each comparison; mine are p's changes, newest first.
func (ps *pageSet) historyPages(p *site.Policy, mine []site.Change) ([]output.File, error) {
	var outs []output.File
	add := func(path, layout, canonical, desc string, noIndex bool, v *VersionView) error {
		o, err := ps.versionPage(path, layout, canonical, desc, noIndex, v)
		outs = append(outs, o)
		return err
	}
	dir := p.Slug + "/history/"
	if err := add(dir+"index.html", "history.html", dir, "Every version of "+p.Title+" and what changed.", false, &VersionView{Policy: p, Number: p.Version, Changes: mine, Feed: ps.feed}); err != nil {
		return nil, err
	}
	if p.Diff != nil && len(p.History) > 0 {
		dir := p.Slug + "/compare/" + p.Version + "/"
		if err := add(dir+"index.html", "compare.html", dir, "What changed in version "+p.Version+" of "+p.Title+".", false,
			&VersionView{Policy: p, Number: p.Version, Previous: p.History[0].Version, Note: p.Meta.Changes, Diff: p.Diff}); err != nil {
			return nil, err
		}
	}
	for _, v := range p.History {
		dir := p.Slug + "/v/" + v.Version + "/"
		if err := add(dir+"index.html", "version.html", dir, "Version "+v.Version+" of "+p.Title+", superseded.", true,
			&VersionView{Policy: p, Version: v, Number: v.Version, Note: v.Meta.Changes}); err != nil {
			return nil, err
		}
		if v.Diff != nil {
			dir := p.Slug + "/compare/" + v.Version + "/"
			if err := add(dir+"index.html", "compare.html", dir, "What changed in version "+v.Version+" of "+p.Title+".", false,
				&VersionView{Policy: p, Version: v, Number: v.Version, Previous: v.Previous, Note: v.Meta.Changes, Diff: v.Diff}); err != nil {
				return nil, err
			}
		}
	}
	return outs, nil
}

// changesPages renders the site's list of changes and the Atom feed.
func (ps *pageSet) changesPages(all []site.Change) ([]output.File, error) {
	o, err := ps.versionPage("changes/index.html", "changes.html", "changes/", "What has changed in our policies, newest first.", false, &VersionView{Changes: all, Feed: ps.feed})
	if err != nil {
		return nil, err
	}
	outs := []output.File{o}
	if ps.feed != "" {
		b, err := Feed(ps.site, all)
		if err != nil {
			return nil, err
		}
		outs = append(outs, output.File{Path: "feed.xml", Body: b, Raw: true})
	}
	return outs, nil
}

func (ps *pageSet) versionPage(path, layout, canonical, desc string, noIndex bool, v *VersionView) (output.File, error) {
	pg := ps.page(nil, canonical)
	pg.Description, pg.NoIndex, pg.Data = desc, noIndex, v
	b, err := ps.theme.Render(layout, pg)
	return output.File{Path: path, Body: b}, err
}

// atomFeed and atomEntry are the parts of RFC 4287 the feed uses.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name  string `xml:"name"`
	Email string `xml:"email,omitempty"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Summary string   `xml:"summary"`
}

// Feed returns the Atom feed of changes, newest first. Ids are URLs under
// base_url that never change once a version exists, and every time comes
// from an effective date, so the same site gives the same bytes.
func Feed(s *site.Site, changes []site.Change) ([]byte, error) {
	cfg := s.Config
	base := cfg.BaseURL
	author := cfg.Organisation.Name
	if author == "" {
		author = cfg.Title
	}
	f := atomFeed{
		ID:     base + "feed.xml",
		Title:  "Policy changes: " + cfg.Title,
		Author: atomPerson{Name: author, Email: cfg.Organisation.Email},
		Links:  []atomLink{{Rel: "self", Href: base + "feed.xml"}, {Rel: "alternate", Href: base + "changes/"}},
	}
	stamp := func(c site.Change) string { return c.Effective.String() + "T00:00:00Z" }
	f.Updated = "1970-01-01T00:00:00Z"
	if len(changes) > 0 {
		f.Updated = stamp(changes[0])
	}
	for _, c := range changes {
		link := base + c.Policy.Slug + "/v/" + c.Version + "/"
		if c.Current {
			link = base + c.Policy.Slug + "/"
		}
		if c.Compare {
			link = base + c.Policy.Slug + "/compare/" + c.Version + "/"
		}
		note := c.Note
		if note == "" {
			note = fmt.Sprintf("Version %s takes effect on %s.", c.Version, c.Effective.Format(cfg.Language))
		}
		f.Entries = append(f.Entries, atomEntry{
			ID:      base + c.Policy.Slug + "/v/" + c.Version + "/",
			Title:   fmt.Sprintf("%s: version %s", c.Policy.Title, c.Version),
			Updated: stamp(c),
			Link:    atomLink{Rel: "alternate", Href: link},
			Summary: note,
		})
	}
	b, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}
