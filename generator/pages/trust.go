package pages

import (
	"fmt"
	"html/template"
	"slices"
	"strings"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/markdown"
	"github.com/policysite/policysite/generator/site"
)

// A Certificate is a certification site.yaml declares, with where it
// stands on the day of the build (site.CertStatusOf): an expired one is
// shown as expired, never as held. The page carries Expires, so its
// script says the same on the day it is read.
type Certificate struct {
	config.Certification
	Status site.CertStatus
	Warn   int
}

// certificates returns the site's certifications as pages show them.
func certificates(cfg *config.Site, now date.Date) []Certificate {
	var out []Certificate
	for _, c := range cfg.Certifications {
		out = append(out, Certificate{c, site.CertStatusOf(c, now, cfg.Review.WarnDays), cfg.Review.WarnDays})
	}
	return out
}

// Processors are the processors site.yaml declares, as /processors/
// shows them: those in use on the day, and those no longer used (Until
// passed), most recently removed first.
type Processors struct {
	Current, Former []config.Processor
}

// processors splits the site's processors at now.
func processors(cfg *config.Site, now date.Date) *Processors {
	if len(cfg.Processors) == 0 {
		return nil
	}
	ps := &Processors{}
	for _, p := range cfg.Processors {
		if p.Current(now) {
			ps.Current = append(ps.Current, p)
		} else {
			ps.Former = append(ps.Former, p)
		}
	}
	slices.SortStableFunc(ps.Former, func(a, b config.Processor) int { return b.Until.Compare(*a.Until) })
	return ps
}

// processorsPath is where the page listing the processors goes.
const processorsPath = "processors/index.html"

// processorsPage is the page listing the site's processors, or nil when
// it declares none.
func (ps *Set) processorsPage() *Spec {
	if ps.procs == nil {
		return nil
	}
	pg := ps.page(nil, "processors/")
	pg.Processors = ps.procs
	pg.Description = "The organisations that handle personal data for " + orgName(ps.site.Config) + ", where, and under which safeguards."
	return &Spec{processorsPath, "processors.html", pg}
}

func orgName(cfg *config.Site) string {
	if cfg.Organisation.Name != "" {
		return cfg.Organisation.Name
	}
	return "us"
}

// A Part is a piece of a policy's page: HTML from its text, then the
// table generated from site.yaml that ends the section the HTML ends, if
// any: the cookies (the template cookie-table of base.html), the
// processors in use (processor-table) or the certifications
// (certificates). Tables are data the theme renders, never HTML made
// here.
type Part struct {
	HTML         template.HTML
	Cookies      []CookieCategory
	Processors   []config.Processor
	Certificates []Certificate
}

// A table is a generated table and the heading of the section it ends.
type table struct {
	heading string
	part    Part
}

// parts returns p's text cut at the end of each section headed by one
// of the tables' headings (the section runs to the next heading of the
// same or a higher level), each piece followed by its table; nil when p
// has no such section. A heading repeated takes its table once, at the
// first.
func parts(p *site.Policy, tables []table) []Part {
	type cut struct {
		at   int
		part Part
	}
	var cuts []cut
	body := string(p.Body)
	used := make([]bool, len(tables))
	for i, h := range p.Headings {
		k := slices.IndexFunc(tables, func(t table) bool { return strings.EqualFold(strings.TrimSpace(h.Text), t.heading) })
		if k < 0 || used[k] {
			continue
		}
		used[k] = true
		at := len(body)
		for _, next := range p.Headings[i+1:] {
			if next.Level <= h.Level {
				if j := strings.Index(body, fmt.Sprintf(`<h%d id="%s"`, next.Level, next.ID)); j >= 0 {
					at = j
				}
				break
			}
		}
		cuts = append(cuts, cut{at, tables[k].part})
	}
	if len(cuts) == 0 {
		return nil
	}
	slices.SortStableFunc(cuts, func(a, b cut) int { return a.at - b.at })
	var out []Part
	from := 0
	for _, c := range cuts {
		pt := c.part
		pt.HTML = template.HTML(body[from:c.at])
		out = append(out, pt)
		from = c.at
	}
	if from < len(body) {
		out = append(out, Part{HTML: template.HTML(body[from:])})
	}
	return out
}

// withTables returns the parts of p's page, and p or a copy of it whose
// contents list a section the build added: the cookie policy's table
// goes at the end of the page under a new "Cookies we use" heading when
// it has no such section. The parsed policy is left alone: it may be
// cached between builds.
func (ps *Set) withTables(p *site.Policy) (*site.Policy, []Part) {
	var tables []table
	cookie := ps.cookie != nil && p.Slug == ps.cookie.Slug
	if cookie {
		tables = append(tables, table{CookieTableHeading, Part{Cookies: ps.table}})
	}
	if ps.procs != nil && len(ps.procs.Current) > 0 {
		tables = append(tables, table{config.ProcessorsHeading, Part{Processors: ps.procs.Current}})
	}
	if len(ps.certs) > 0 {
		tables = append(tables, table{config.CertificationsHeading, Part{Certificates: ps.certs}})
	}
	out := parts(p, tables)
	if !cookie || slices.ContainsFunc(p.Headings, func(h markdown.Heading) bool { return strings.EqualFold(strings.TrimSpace(h.Text), CookieTableHeading) }) {
		return p, out
	}
	cp := *p
	id := "cookies-we-use"
	for p.HasAnchor(id) {
		id += "-1"
	}
	if out == nil {
		out = []Part{{HTML: p.Body}}
	}
	out = append(out, Part{HTML: template.HTML(`<h2 id="` + id + `">` + CookieTableHeading + "</h2>\n"), Cookies: ps.table})
	cp.Headings = append(append([]markdown.Heading(nil), p.Headings...), markdown.Heading{Level: 2, Text: CookieTableHeading, ID: id})
	cp.Contents = site.Contents(cp.Headings)
	return &cp, out
}

// Chooser returns the page centre publishes of p: p itself, but in the
// trust's centre for a policy each school publishes in its own words (it
// names a school's variables) or that is some schools' only, a chooser:
// in place of its text, a link to each school's. A chooser's findings are
// reported by the schools' centres.
func Chooser(p *site.Policy, centre *config.Centre) *site.Policy {
	if centre.School != nil || !p.PerSchool && len(p.Schools) == 0 {
		return p
	}
	schools, root := centre.Site.Schools, centre.Root
	q := *p
	var b strings.Builder
	b.WriteString("<p>Each school publishes this policy with its own names and contacts:</p>\n<ul>\n")
	for _, sc := range schools {
		if len(p.Schools) > 0 && !slices.Contains(p.Schools, sc.ID) {
			continue
		}
		fmt.Fprintf(&b, "<li><a href=\"%s%s/%s/\">%s</a></li>\n", root, sc.ID, p.Slug, template.HTMLEscapeString(sc.Name))
	}
	b.WriteString("</ul>\n")
	q.Body = template.HTML(b.String())
	// Its headings stay, so links to its sections are checked as before.
	q.Contents, q.Links, q.History, q.Diff = nil, nil, nil, nil
	return &q
}
