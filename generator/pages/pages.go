// Package pages assembles the pages of a site: which pages there are, at
// which paths, with which layout, and what each layout is executed with.
// It renders nothing: theme executes the layouts.
//
// Input: the site model (site.Site). Output: a Spec for each page: the
// index, 404, the request form and its thank-you page; each policy's page,
// history, earlier versions and comparisons; the list of changes. The
// cookie policy's page carries the table of the cookies site.yaml declares.
package pages

import (
	"fmt"
	"html/template"
	"slices"
	"strings"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/frontmatter"
	"github.com/policysite/policysite/generator/history"
	"github.com/policysite/policysite/generator/machine"
	"github.com/policysite/policysite/generator/markdown"
	"github.com/policysite/policysite/generator/site"
)

// A Spec is one page to render: where it goes, its layout (one of
// theme.Pages) and the layout's data.
type Spec struct {
	Path, Layout string
	Page         *Page
}

// A Page is what a page template is executed with. A policy's pages
// (PolicyLayouts) hold that policy and what every page shows, never the
// site's other policies: so they are rendered as the policy is parsed,
// and kept while it and the site's settings stay the same.
type Page struct {
	// Site is what every page reads of the site: its settings and the day.
	Site SiteView
	// All is every policy's summary, on the pages that list them (the
	// index, 404, the request form, the changes); nil on a policy's
	// pages. A summary holds no text: a listing page changes only when a
	// policy's summary does.
	All *site.Listing
	// Policy is the policy shown, on policy pages.
	Policy *site.Policy
	// Canonical is the page's absolute URL when the site has a base_url.
	Canonical   string
	Description string
	NoIndex     bool
	// CookiePolicy is the summary of the site's cookie policy, if it has
	// one: every page links to it.
	CookiePolicy *site.Summary
	// CookieTable is the table of declared cookies, on the cookie
	// policy's page.
	CookieTable  *CookieTable
	CookieNotice string
	// Consent is the cookie notice, on sites that declare their cookies.
	Consent *Consent
	// Data carries extra values for a page kind (the request form, the thanks page).
	Data any
	// MetaCSP is the Content-Security-Policy for a <meta http-equiv>
	// element, on a site whose host sends no headers; else empty.
	MetaCSP string
}

// A SiteView is what every page reads of the site.
type SiteView struct {
	Config *config.Site
	// Now is the day review status is computed for.
	Now date.Date
}

// PolicyLayouts are the layouts of a policy's pages.
var PolicyLayouts = []string{"policy.html", "history.html", "version.html", "compare.html"}

// Sample returns a page for layout, one of PolicyLayouts, holding a policy
// and one earlier version with nothing in them but every pointer a layout
// may follow: theme executes each policy layout with it once as it loads,
// so that one reading what a policy's page does not hold (the site's
// other policies, in All) fails then, at its file and line.
func Sample(layout string) *Page {
	cfg, _ := config.Parse([]byte("title: Sample\n"))
	p := &site.Policy{Meta: &frontmatter.Meta{}, Diff: &history.Comparison{}}
	v := &site.Version{Meta: &frontmatter.Meta{}, Diff: &history.Comparison{}}
	p.History = []*site.Version{v}
	pg := &Page{Site: SiteView{Config: cfg}, Policy: p, CookieTable: &CookieTable{Categories: []CookieCategory{{Cookies: []config.Cookie{{}}}}}}
	if layout != "policy.html" {
		pg.CookieTable = nil
		pg.Policy = nil
		pg.Data = &VersionView{Policy: p, Version: v, Diff: p.Diff, Changes: []site.Change{{Policy: p.Summarize()}}}
	}
	return pg
}

// ListingLayouts are the layouts of the pages listing every policy that
// theme executes with SampleListing as it loads (the request form and its
// thank-you page read the form's settings, which no sample holds; their
// data is of the same types).
var ListingLayouts = []string{"index.html", "404.html", "changes.html"}

// SampleListing returns a page for layout, one of ListingLayouts, holding
// one policy's summary and one change: theme executes each listing layout
// with it once as it loads, so that one reading what a listing page does
// not hold (a policy's text) fails then, at its file and line.
func SampleListing(layout string) *Page {
	cfg, _ := config.Parse([]byte("title: Sample\n"))
	sum := site.Summary{}
	pg := &Page{Site: SiteView{Config: cfg}, CookiePolicy: &sum,
		All: &site.Listing{Policies: []site.Summary{sum}, Categories: []site.ListedCategory{{Policies: []site.Summary{sum}}}}}
	if layout == "changes.html" {
		pg.Data = &VersionView{Changes: []site.Change{{Policy: sum}}}
	}
	return pg
}

// A Consent is what the cookie notice offers: built from site.yaml's
// cookies: and scripts:, the single source of truth.
type Consent struct {
	// Policy is the URL of the cookie policy.
	Policy string
	// Revision is the declaration's revision; a stored choice for another
	// revision is no choice.
	Revision string
	// Cookie stores the visitor's choice; "" when the site does not declare
	// it, and then a dismissal is not remembered.
	Cookie    string
	Necessary config.CookieCategory
	// Optional are the categories that need consent; none gives a plain notice.
	Optional []config.CookieCategory
	// Scripts are emitted inert, to run once their category is consented to.
	Scripts []config.Script
}

// A Set assembles the pages of one site.
type Set struct {
	site   *site.Site
	cookie *site.Policy // the cookie policy, if any, with its contents listing the table
	// cookieSum is the cookie policy's summary, what every page reads of it.
	cookieSum *site.Summary
	table     *CookieTable // the table of cookies, on its page
	con       *Consent
	notice    string
	// Feed is the Atom feed's URL, if the site has one (a base_url).
	Feed string
	// metaCSP is the policy pages carry themselves on a host that sends
	// no headers.
	metaCSP string
	listed  *site.Listing // the site's summaries, made when first asked for
}

// listing returns the site as the pages listing every policy see it.
func (ps *Set) listing() *site.Listing {
	if ps.listed == nil {
		ps.listed = ps.site.Listing()
	}
	return ps.listed
}

// New returns the pages of s. Policy pages read only s.Config, s.Now and
// the cookie policy among s.Policies: a build that makes each policy's
// pages as it parses it passes a site of the cookie policy alone.
func New(s *site.Site, basePath string) *Set {
	ps := &Set{site: s}
	ps.con, ps.cookie, ps.table = consent(s, basePath)
	if ps.cookie != nil {
		sum := ps.cookie.Summarize()
		ps.cookieSum = &sum
	}
	ps.notice = "This site sets no cookies."
	if ps.con != nil && len(ps.con.Optional) > 0 {
		ps.notice = "This site sets optional cookies only with your consent."
	} else if ps.con != nil {
		ps.notice = "This site sets only the cookies it needs to work."
	}
	if s.Config.BaseURL != "" {
		ps.Feed = s.Config.BaseURL + "feed.xml"
	}
	if !s.Config.SendsHeaders() {
		ps.metaCSP = machine.MetaContentSecurityPolicy(s.Config)
	}
	return ps
}

// CookiePolicy returns the slug of the cookie policy every page links to,
// or "" when the site has none.
func (ps *Set) CookiePolicy() string {
	if ps.cookie == nil {
		return ""
	}
	return ps.cookie.Slug
}

// page is what a layout is executed with: for p's page, or a page of the
// site when p is nil. canonicalPath "-" means the page has no canonical URL.
func (ps *Set) page(p *site.Policy, canonicalPath string) *Page {
	cfg := ps.site.Config
	pg := &Page{Site: SiteView{Config: cfg, Now: ps.site.Now}, Policy: p, CookiePolicy: ps.cookieSum, CookieNotice: ps.notice, Consent: ps.con, MetaCSP: ps.metaCSP}
	if ps.cookie != nil && p != nil && p.Slug == ps.cookie.Slug {
		pg.Policy, pg.CookieTable = ps.cookie, ps.table
	}
	if cfg.BaseURL != "" && canonicalPath != "-" {
		pg.Canonical = cfg.BaseURL + canonicalPath
	}
	if p != nil {
		pg.Description = p.Summary
	} else {
		pg.Description = cfg.Description
	}
	return pg
}

// Site returns the pages that are no one policy's: the index, 404 and
// the request form.
func (ps *Set) Site() []Spec {
	specs := []Spec{{"index.html", "index.html", ps.page(nil, "")}}
	nf := ps.page(nil, "-")
	nf.NoIndex = true
	specs = append(specs, Spec{"404.html", "404.html", nf})
	if rqs := ps.site.Config.Requests; rqs != nil {
		rq := ps.page(nil, "requests/")
		rq.Data = rqs
		rq.Description = "Ask us to act on your data protection rights."
		th := ps.page(nil, "-")
		th.NoIndex = true
		specs = append(specs, Spec{"requests/index.html", "requests.html", rq}, Spec{"requests/thanks/index.html", "thanks.html", th})
	}
	for _, sp := range specs {
		sp.Page.All = ps.listing()
	}
	return specs
}

// Paths returns the output path of every page the site has: the index,
// 404, the request form, the changes page, and each policy's page and
// history pages (Policy). It is what a root-relative link may name.
func (ps *Set) Paths() []string {
	var out []string
	for _, sp := range append(ps.Site(), ps.Changes(nil)) {
		out = append(out, sp.Path)
	}
	for _, p := range ps.site.Policies {
		out = append(out, policyPath(p))
		ps.history(p, nil, &out)
	}
	return out
}

// Policy returns p's page, then its history pages, in path order; mine
// are p's changes, newest first.
func (ps *Set) Policy(p *site.Policy, mine []site.Change) []Spec {
	specs := append([]Spec{{policyPath(p), "policy.html", ps.page(p, p.Slug+"/")}}, ps.history(p, mine, nil)...)
	slices.SortFunc(specs, func(a, b Spec) int { return strings.Compare(a.Path, b.Path) })
	return specs
}

// policyPath is the output path of p's page.
func policyPath(p *site.Policy) string { return p.Slug + "/index.html" }

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

// history returns the history page of p (when it has one:
// site.Policy.HasHistory), each earlier version and each comparison;
// mine are p's changes, newest first. With paths, it appends the pages'
// output paths there instead, making no page.
func (ps *Set) history(p *site.Policy, mine []site.Change, paths *[]string) []Spec {
	var specs []Spec
	add := func(dir, layout string, noIndex bool, data func() (string, *VersionView)) {
		if paths != nil {
			*paths = append(*paths, dir+"index.html")
			return
		}
		desc, v := data()
		specs = append(specs, ps.version(dir+"index.html", layout, dir, desc, noIndex, v))
	}
	if p.HasHistory() {
		add(p.Slug+"/history/", "history.html", false, func() (string, *VersionView) {
			return "Every version of " + p.Title + " and what changed.", &VersionView{Policy: p, Number: p.Version, Changes: mine, Feed: ps.Feed}
		})
	}
	if p.Diff != nil && len(p.History) > 0 {
		add(p.Slug+"/compare/"+p.Version+"/", "compare.html", false, func() (string, *VersionView) {
			return "What changed in version " + p.Version + " of " + p.Title + ".",
				&VersionView{Policy: p, Number: p.Version, Previous: p.History[0].Version, Note: p.Meta.Changes, Diff: p.Diff}
		})
	}
	for _, v := range p.History {
		add(p.Slug+"/v/"+v.Version+"/", "version.html", true, func() (string, *VersionView) {
			return "Version " + v.Version + " of " + p.Title + ", superseded.", &VersionView{Policy: p, Version: v, Number: v.Version, Note: v.Meta.Changes}
		})
		if v.Diff != nil {
			add(p.Slug+"/compare/"+v.Version+"/", "compare.html", false, func() (string, *VersionView) {
				return "What changed in version " + v.Version + " of " + p.Title + ".",
					&VersionView{Policy: p, Version: v, Number: v.Version, Previous: v.Previous, Note: v.Meta.Changes, Diff: v.Diff}
			})
		}
	}
	return specs
}

// Changes returns the site's list of changes, all of them, newest first.
func (ps *Set) Changes(all []site.Change) Spec {
	sp := ps.version("changes/index.html", "changes.html", "changes/", "What has changed in our policies, newest first.", false, &VersionView{Changes: all, Feed: ps.Feed})
	sp.Page.All = ps.listing()
	return sp
}

func (ps *Set) version(path, layout, canonical, desc string, noIndex bool, v *VersionView) Spec {
	pg := ps.page(nil, canonical)
	pg.Description, pg.NoIndex, pg.Data = desc, noIndex, v
	return Spec{path, layout, pg}
}

// CookieTableHeading is the heading of the cookie policy's section the
// generated "Cookies we use" table ends. Without one, the table goes at the
// end of the policy under a heading of that name.
const CookieTableHeading = "Cookies we use"

// consent builds the cookie notice and the cookie policy page with its
// generated table. Both are nil when site.yaml declares no cookies.
func consent(s *site.Site, basePath string) (*Consent, *site.Policy, *CookieTable) {
	c := s.Config.Cookies
	if c == nil {
		return nil, nil, nil
	}
	var policy *site.Policy
	var table *CookieTable
	for _, p := range s.Policies {
		if p.Slug == c.Policy {
			policy, table = withCookieTable(p, c)
		}
	}
	con := &Consent{Policy: basePath + c.Policy + "/", Revision: c.Revision, Optional: c.Optional(), Scripts: s.Config.Scripts}
	for _, cat := range c.Categories {
		if cat.ID == config.Necessary {
			con.Necessary = cat
		}
	}
	if c.Declares(config.ConsentCookie) {
		con.Cookie = config.ConsentCookie
	}
	return con, policy, table
}

// A CookieTable is the table of the cookies site.yaml declares, on the
// cookie policy's page: its layout shows Before, the table (the template
// cookie-table of base.html, given Categories), then After, in place of
// the policy's text.
type CookieTable struct {
	Before, After template.HTML
	Categories    []CookieCategory
}

// A CookieCategory is one table of a CookieTable: name, who sets it, why,
// how long.
type CookieCategory struct {
	Caption     string // "Strictly necessary (always on)"
	Description string
	Cookies     []config.Cookie
}

// withCookieTable returns a copy of the cookie policy and its table of
// declared cookies, placed at the end of its "Cookies we use" section
// (before the next heading of the same or a higher level), or at the end
// of the page under a new heading, which the copy's contents list, when
// the policy has no such section. The parsed policy is left alone: it may
// be cached between builds.
func withCookieTable(p *site.Policy, c *config.Cookies) (*site.Policy, *CookieTable) {
	cp := *p
	t := &CookieTable{}
	for _, cat := range c.Categories {
		cc := CookieCategory{Caption: cat.Title, Description: cat.Description, Cookies: cat.Cookies}
		if cat.ID == config.Necessary {
			if cc.Caption == "" {
				cc.Caption = "Strictly necessary"
			}
			cc.Caption += " (always on)"
		} else {
			cc.Caption += " (only with your consent)"
		}
		t.Categories = append(t.Categories, cc)
	}
	body := string(p.Body)
	for i, h := range p.Headings {
		if !strings.EqualFold(strings.TrimSpace(h.Text), CookieTableHeading) {
			continue
		}
		at := len(body)
		for _, next := range p.Headings[i+1:] {
			if next.Level <= h.Level {
				if k := strings.Index(body, fmt.Sprintf(`<h%d id="%s"`, next.Level, next.ID)); k >= 0 {
					at = k
				}
				break
			}
		}
		t.Before, t.After = template.HTML(body[:at]), template.HTML(body[at:])
		return &cp, t
	}
	id := "cookies-we-use"
	for p.HasAnchor(id) {
		id += "-1"
	}
	t.Before = template.HTML(body + `<h2 id="` + id + `">` + CookieTableHeading + "</h2>\n")
	cp.Headings = append(append([]markdown.Heading(nil), p.Headings...), markdown.Heading{Level: 2, Text: CookieTableHeading, ID: id})
	cp.Contents = site.Contents(cp.Headings)
	return &cp, t
}
