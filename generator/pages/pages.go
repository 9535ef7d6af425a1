// Package pages assembles the pages of a site: which pages there are, at
// which paths, with which layout, and what each layout is executed with.
// It renders nothing: theme executes the layouts.
//
// Input: the site model (site.Site). Output: a Spec for each page: the
// index (with site.yaml's certifications), 404, the request form and its
// thank-you page, /processors/; each policy's page, history, earlier
// versions and comparisons; the list of changes (with processors added
// and removed). A policy's page carries, as data cut into its text
// (Part), the tables site.yaml declares for its sections: the cookies on
// the cookie policy, the processors at "Processors we use", the
// certifications at "Certifications" (trust.go).
package pages

import (
	"slices"
	"strings"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/history"
	"github.com/policysite/policysite/generator/machine"
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
	// Parts are a policy's text cut where generated tables go (the
	// cookies on the cookie policy, the processors, the certifications),
	// on a policy's page with such a section; nil shows Policy.Body.
	Parts []Part
	// Certificates are site.yaml's certifications, on the index.
	Certificates []Certificate
	// Processors are site.yaml's processors, on /processors/.
	Processors   *Processors
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
	// School is the school whose centre the page is of; nil in the
	// trust's centre, whose index lists Config.Schools.
	School *config.School
	// Root is the URL path of the trust's centre: the site's base path.
	Root string
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
	school *config.School
	root   string
	cookie *site.Policy // the cookie policy, if any
	// cookieSum is the cookie policy's summary, what every page reads of it.
	cookieSum *site.Summary
	table     []CookieCategory // the table of cookies, on its page
	procs     *Processors      // site.yaml's processors, or nil
	certs     []Certificate    // site.yaml's certifications
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
	return NewCentre(s, basePath, nil, basePath)
}

// NewCentre returns the pages of a school's centre, s its policies and
// basePath its path; root is the trust centre's path.
func NewCentre(s *site.Site, basePath string, school *config.School, root string) *Set {
	ps := &Set{site: s, school: school, root: root}
	ps.con, ps.cookie, ps.table = consent(s, basePath)
	ps.procs, ps.certs = processors(s.Config, s.Now), certificates(s.Config, s.Now)
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
	pg := &Page{Site: SiteView{Config: cfg, Now: ps.site.Now, School: ps.school, Root: ps.root}, Policy: p, CookiePolicy: ps.cookieSum, CookieNotice: ps.notice, Consent: ps.con, MetaCSP: ps.metaCSP}
	if p != nil {
		pg.Policy, pg.Parts = ps.withTables(p)
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

// Site returns the pages that are no one policy's: the index, 404, the
// request form and the list of processors.
func (ps *Set) Site() []Spec {
	specs := ps.ownPages()
	for _, sp := range specs {
		sp.Page.All = ps.listing()
	}
	return specs
}

// ownPages returns Site's pages without the listing of every policy.
func (ps *Set) ownPages() []Spec {
	index := ps.page(nil, "")
	index.Certificates = ps.certs
	specs := []Spec{{"index.html", "index.html", index}}
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
	if sp := ps.processorsPage(); sp != nil {
		specs = append(specs, *sp)
	}
	return specs
}

// Lists returns the pages listing every policy: Site's and the changes
// page of changes. A school's centre has no 404: the host serves the
// trust's for every path.
func (ps *Set) Lists(changes []site.Change) []Spec {
	specs := append(ps.Site(), ps.Changes(changes))
	if ps.school != nil {
		specs = slices.DeleteFunc(specs, func(sp Spec) bool { return sp.Path == "404.html" })
	}
	return specs
}

// Paths returns the output path of every page the site has: the index,
// 404, the request form, the changes page, and each policy's page and
// history pages (Policy), of records, the policies'. It is what a
// root-relative link may name.
func (ps *Set) Paths(records []*site.Record) []string {
	var out []string
	for _, sp := range ps.ownPages() {
		out = append(out, sp.Path)
	}
	out = append(out, changesPath)
	for _, r := range records {
		out = append(out, r.Slug+"/index.html")
		for _, vp := range r.Pages() {
			out = append(out, vp.Dir+"index.html")
		}
	}
	return out
}

// Policy returns p's page, then its history pages, in path order; r is
// p's record.
func (ps *Set) Policy(p *site.Policy, r *site.Record) []Spec {
	specs := append([]Spec{{policyPath(p), "policy.html", ps.page(p, p.Slug+"/")}}, ps.history(p, r)...)
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
	// Upcoming is set when Version comes into force later than the
	// build's day, Current when it is the version in force.
	Upcoming, Current bool
	// Processors are the processors added and removed, newest first, on
	// the changes page.
	Processors []site.ProcessorChange
}

// layouts are the layouts of a policy's pages besides its own.
var layouts = [...]string{site.HistoryPage: "history.html", site.VersionPage: "version.html", site.ComparePage: "compare.html"}

// history returns p's pages besides its own (site.Record.Pages); r is p's
// record.
func (ps *Set) history(p *site.Policy, r *site.Record) []Spec {
	var specs []Spec
	for _, vp := range r.Pages() {
		var desc string
		var view *VersionView
		canonical, layout := vp.Dir, layouts[vp.Kind]
		switch {
		case vp.InForce:
			canonical, desc = p.Slug+"/", "Version "+p.Version+" of "+p.Title+", in force."
			view = &VersionView{Policy: p, Version: p.AsVersion(), Number: p.Version, Note: p.Meta.Changes, Current: true}
		case vp.Kind == site.HistoryPage:
			desc, view = "Every version of "+p.Title+" and what changed.", &VersionView{Policy: p, Number: p.Version, Changes: r.Changes(), Feed: ps.Feed}
		case vp.I < 0:
			desc, view = "What changed in version "+p.Version+" of "+p.Title+".",
				&VersionView{Policy: p, Number: p.Version, Previous: p.History[0].Version, Note: p.Meta.Changes, Diff: p.Diff}
		case vp.Upcoming:
			v := p.Upcoming[vp.I]
			view = &VersionView{Policy: p, Version: v, Number: v.Version, Note: v.Meta.Changes, Upcoming: true}
			desc = "Version " + v.Version + " of " + p.Title + ", in force from " + v.Effective.Format(ps.site.Config.Language) + "."
			if vp.Kind == site.ComparePage {
				desc, view.Previous, view.Diff = "What changes in version "+v.Version+" of "+p.Title+".", v.Previous, v.Diff
			}
		default:
			v := p.History[vp.I]
			view = &VersionView{Policy: p, Version: v, Number: v.Version, Note: v.Meta.Changes}
			desc = "Version " + v.Version + " of " + p.Title + ", superseded."
			if vp.Kind == site.ComparePage {
				desc, view.Previous, view.Diff = "What changed in version "+v.Version+" of "+p.Title+".", v.Previous, v.Diff
			}
		}
		specs = append(specs, ps.version(vp.Dir+"index.html", layout, canonical, desc, vp.NoIndex, view))
	}
	return specs
}

// changesPath is where the list of changes goes.
const changesPath = "changes/index.html"

// Changes returns the site's list of changes, all of them, newest first.
func (ps *Set) Changes(all []site.Change) Spec {
	sp := ps.version(changesPath, "changes.html", "changes/", "What has changed in our policies, newest first.", false, &VersionView{Changes: all, Feed: ps.Feed, Processors: site.ProcessorChanges(ps.site.Config, ps.site.Now)})
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

// consent builds the cookie notice, and the cookie policy with the
// table of its cookies. All are nil when site.yaml declares no cookies.
func consent(s *site.Site, basePath string) (*Consent, *site.Policy, []CookieCategory) {
	c := s.Config.Cookies
	if c == nil {
		return nil, nil, nil
	}
	var policy *site.Policy
	for _, p := range s.Policies {
		if p.Slug == c.Policy {
			policy = p
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
	return con, policy, cookieTable(c)
}

// A CookieCategory is one table of the cookies site.yaml declares, on the
// cookie policy's page: name, who sets it, why, how long.
type CookieCategory struct {
	Caption     string // "Strictly necessary (always on)"
	Description string
	Cookies     []config.Cookie
}

// cookieTable returns the tables of the cookie policy, one a category:
// they end its "Cookies we use" section, or the page under a new heading
// of that name, which its contents list, when it has none (withTables).
func cookieTable(c *config.Cookies) []CookieCategory {
	var t []CookieCategory
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
		t = append(t, cc)
	}
	return t
}
