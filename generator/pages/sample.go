package pages

import (
	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/form"
	"github.com/policysite/policysite/generator/frontmatter"
	"github.com/policysite/policysite/generator/history"
	"github.com/policysite/policysite/generator/site"
)

// PolicyLayouts are the layouts of a policy's pages.
var PolicyLayouts = []string{"policy.html", "history.html", "version.html", "compare.html"}

// ListingLayouts are the layouts of the pages listing every policy (Site,
// Changes): the request form and its thank-you page are among them.
var ListingLayouts = []string{"index.html", "404.html", "changes.html", "processors.html", "requests.html", "thanks.html"}

// Samples returns the pages theme executes layout with once as it loads,
// so that a layout reading what its page does not hold fails then, at its
// file and line, not on the first page. Each holds nothing but every
// pointer and one of every list a layout may follow. For PolicyLayouts: a
// policy and one earlier and one upcoming version, never the site's other
// policies (All); a policy's other pages each as its layout gets them (the
// version in force, an upcoming and an earlier one). For ListingLayouts: one policy's summary and one change,
// never a policy's text; the request form both as a form posting to the
// relay and as the page of emails (form.ModeEmail). Any other layout has
// none.
func Samples(layout string) []*Page {
	cfg, _ := config.Parse([]byte("title: Sample\n"))
	p := &site.Policy{Meta: &frontmatter.Meta{}, Diff: &history.Comparison{}}
	v := &site.Version{Meta: &frontmatter.Meta{}, Diff: &history.Comparison{}}
	p.History, p.Upcoming = []*site.Version{v}, []*site.Version{v}
	sum := site.Summary{}
	listing := func(c *config.Site) *Page {
		return &Page{Site: SiteView{Config: c}, CookiePolicy: &sum,
			All: &site.Listing{Policies: []*site.Summary{&sum}, Categories: []site.ListedCategory{{Policies: []*site.Summary{&sum}}}}}
	}
	switch layout {
	case "policy.html":
		return []*Page{{Site: SiteView{Config: cfg}, Policy: p, Parts: []Part{
			{Cookies: []CookieCategory{{Cookies: []config.Cookie{{}}}}},
			{Processors: []config.Processor{{Data: []string{""}}}},
			{Certificates: []Certificate{{}}},
		}}}
	case "history.html", "version.html", "compare.html":
		// Every page of the layout the policy has, as Set makes them:
		// the version in force, an upcoming and an earlier one.
		ps, r := NewCentre(&site.Site{Config: cfg}, "/", nil, "/"), p.Record()
		var out []*Page
		for _, sp := range ps.history(p, r) {
			if sp.Layout == layout {
				out = append(out, sp.Page)
			}
		}
		return out
	case "index.html":
		pg := listing(cfg)
		pg.Certificates = []Certificate{{}}
		return []*Page{pg}
	case "404.html":
		return []*Page{listing(cfg)}
	case "changes.html":
		pg := listing(cfg)
		pg.Data = &VersionView{Changes: []site.Change{{Policy: &sum}}, Processors: []site.ProcessorChange{{}}}
		return []*Page{pg}
	case "processors.html":
		pg := listing(cfg)
		pg.Processors = &Processors{Current: []config.Processor{{Data: []string{""}}}, Former: []config.Processor{{Until: &date.Date{}}}}
		return []*Page{pg}
	case "requests.html", "thanks.html":
		var out []*Page
		for _, mode := range []string{form.ModeRelay, form.ModeEmail} {
			rq := &form.Spec{Mode: mode, Types: []form.Type{{}}}
			for _, k := range form.Kinds {
				rq.Fields = append(rq.Fields, form.Field{Kind: k, Options: []string{""}})
			}
			c := *cfg
			c.Requests = rq
			pg := listing(&c)
			if layout == "requests.html" {
				pg.Data = rq // as Site gives it
			}
			out = append(out, pg)
		}
		return out
	}
	return nil
}
