package check

import (
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/markdown"
	"github.com/policysite/policysite/generator/site"
	"github.com/policysite/policysite/generator/source"
	"github.com/policysite/policysite/internal/textdist"
)

// Links runs broken-link: it reports a policy's links to policies or
// headings that do not exist. Its targets are the published policies and
// the slugs of every policy file, published or not (a link to a draft is
// reported as one); a link to cert:ID must name a certification site.yaml
// declares.
type Links struct {
	bySlug map[string]*site.Policy
	exists map[string]bool
	// pages are the URL paths, under the base path, of every page of the
	// site ("", "requests/", "privacy/", "privacy/v/1.0/").
	pages map[string]bool
	// under are the URL paths of the pages under each policy's path, by
	// slug: what a link to a missing page there may have meant.
	under map[string][]string
	// anchors are the anchors of each policy by slug, when the policies
	// no longer hold their headings (a streamed build's); otherwise nil.
	anchors map[string]site.Anchors
	// sets are the anchors of each policy linked to, as a set: a policy
	// with thousands of headings and a contents list linking to each
	// would otherwise scan them all for every link.
	sets map[string]anchorSet
	// site is the site whose policies bySlug holds; certs the ids of its
	// certifications (a link to cert:ID names one).
	site  *site.Site
	certs []string
}

// An anchorSet is one policy's anchors, in order and as a set.
type anchorSet struct {
	site.Anchors
	has map[string]bool
}

// suggestBudget bounds how many heading ids the "did you mean" of one
// policy's links to missing headings compares, in all: finding the nearest
// id scans them all, and a policy of 8,000 broken links to a policy of
// 8,000 headings would compare 64 million. Past the budget a link is still
// reported, without a suggestion.
const suggestBudget = 1 << 20

// NewLinks returns the link rule for the policies of s; slugs are those of
// every policy file, pages the output paths of every page the site has
// (pages.Set.Paths: "index.html", "requests/index.html",
// "privacy/history/index.html"). anchors are each policy's anchors by
// slug, or nil to read the policies' headings.
func NewLinks(s *site.Site, slugs, pages []string, anchors map[string]site.Anchors) *Links {
	t := &Links{exists: make(map[string]bool, len(slugs)), pages: make(map[string]bool, len(pages)), under: make(map[string][]string, len(s.Policies))}
	t.reset(s, anchors)
	for _, p := range pages {
		rel := strings.TrimSuffix(p, "index.html")
		t.pages[rel] = true
		// The policy a page is under is the longest of its path's
		// prefixes that is a policy's slug.
		for _, slug := range (markdown.Link{Path: rel}).Slugs() {
			if t.bySlug[slug] != nil {
				t.under[slug] = append(t.under[slug], rel)
				break
			}
		}
	}
	for _, slug := range slugs {
		t.exists[slug] = true
	}
	return t
}

// reset points t at the policies of s, a render of the site t was made
// for with the same slugs and pages.
func (t *Links) reset(s *site.Site, anchors map[string]site.Anchors) {
	t.site, t.anchors, t.sets, t.certs = s, anchors, nil, certIDs(s)
	t.bySlug = make(map[string]*site.Policy, len(s.Policies))
	for _, p := range s.Policies {
		t.bySlug[p.Slug] = p
	}
}

// Policy reports p's links to policies or headings that do not exist. It
// is not safe for concurrent use.
func (t *Links) Policy(p *site.Policy) diag.List {
	var l diag.List
	report := func(pos diag.Pos, format string, args ...any) {
		l = append(l, diag.Diagnostic{Pos: pos, Severity: diag.Error, Rule: "broken-link", Message: fmt.Sprintf(format, args...)})
	}
	budget := suggestBudget
	t.links(p, p.Links, p, anchorSet{}, report, &budget)
	for _, v := range p.Upcoming {
		// An upcoming version's own headings are its page's.
		self := &site.Policy{Slug: p.Slug, File: v.File, Meta: v.Meta, Headings: v.Headings}
		t.links(p, v.Links, self, newAnchorSet(self.Anchors()), report, &budget)
	}
	return l
}

// links checks links of p, from a page whose own headings are self's
// (selfSet their anchors, when self is not p).
func (t *Links) links(p *site.Policy, links []site.Link, self *site.Policy, selfSet anchorSet, report func(diag.Pos, string, ...any), budget *int) {
	for _, k := range links {
		if k.Cert != "" {
			t.cert(k, k.At(self.File), budget, report)
			continue
		}
		target := p
		if k.Target == "" && k.Path == "" {
			target = self
		}
		switch {
		case k.Path != "":
			if target = t.page(k, k.At(self.File), budget, report); target == nil {
				continue
			}
		case k.Target != "":
			slug := k.Slug
			target = t.bySlug[slug]
			if target != nil && fileKey(linkedAs(target)) != fileKey(k.Target) {
				target = nil // content/a/b.md is not content/b.md's policy
				slug = ""
			}
			if target == nil {
				if t.exists[slug] {
					report(k.At(self.File), "link to %s, which is a draft or failed to build", k.Target)
				} else {
					report(k.At(self.File), "link to missing policy %s", k.Target)
				}
				continue
			}
		}
		if k.Fragment == "" {
			continue
		}
		var set anchorSet
		if target == self && self != p {
			set = selfSet
		} else if set = t.sets[target.Slug]; set.has == nil {
			a, ok := t.anchors[target.Slug]
			if !ok {
				a = target.Anchors()
			}
			set = newAnchorSet(a)
			if t.sets == nil {
				t.sets = map[string]anchorSet{}
			}
			t.sets[target.Slug] = set
		}
		if set.has[k.Fragment] || site.IsFootnote(k.Fragment) {
			continue
		}
		msg := fmt.Sprintf("link to missing heading #%s in %s", k.Fragment, target.File)
		if *budget >= len(set.IDs) {
			*budget -= len(set.IDs)
			if near := set.Nearest(k.Fragment); near != "" {
				msg += fmt.Sprintf(" (did you mean #%s?)", near)
			}
		}
		report(k.At(self.File), "%s", msg)
	}
}

// cert reports a link to cert:ID that names no certification site.yaml
// declares (config reports one whose id is not an id), with the nearest
// declared id.
func (t *Links) cert(k site.Link, at diag.Pos, budget *int, report func(diag.Pos, string, ...any)) {
	if slices.Contains(t.certs, k.Cert) {
		return
	}
	msg := fmt.Sprintf("link to cert:%s, a certification site.yaml does not declare", k.Cert)
	if *budget >= len(t.certs) {
		*budget -= len(t.certs)
		if near := textdist.Nearest(k.Cert, t.certs); near != "" {
			msg += fmt.Sprintf(" (did you mean cert:%s?)", near)
		}
	}
	report(at, "%s", msg)
}

func newAnchorSet(a site.Anchors) anchorSet {
	set := anchorSet{Anchors: a, has: make(map[string]bool, len(a.IDs)+len(a.Aliases))}
	for _, id := range a.IDs {
		set.has[id] = true
	}
	for _, id := range a.Aliases {
		set.has[id] = true
	}
	return set
}

// page returns the policy whose page a root-relative link k names, to
// check its fragment, or nil when there is none to check: k names another
// page of the site or a file (a name with a dot, which only the host
// knows), or is reported here as naming no page. A link under a policy's
// path that names none of its pages (a history page it does not have, a
// version it never had) is reported with the nearest of its pages. A
// root-relative image is reported: it names a file the build would have
// to write beside its pages, and it writes none.
func (t *Links) page(k site.Link, at diag.Pos, budget *int, report func(diag.Pos, string, ...any)) *site.Policy {
	rel := strings.TrimPrefix(strings.TrimSuffix(k.Path, "index.html"), "/")
	if k.Image {
		// The build writes no file but its pages, machine files, the
		// theme's fingerprinted assets and the files beside each
		// published policy (pages holds those), and replaces its
		// destination whole: nothing else is there for the host to serve.
		if u, err := url.PathUnescape(rel); err == nil && source.Published[strings.ToLower(path.Ext(u))] && t.pages[u] {
			return nil
		}
		report(at, "image %s, which is no file of this site", k.Path)
		return nil
	}
	if t.pages[rel] || t.pages[rel+"/"] {
		return t.bySlug[strings.TrimSuffix(rel, "/")] // nil for a page that is no policy's own
	}
	for _, slug := range k.Slugs() {
		if p := t.bySlug[slug]; p != nil {
			report(at, "link to %s, which is no page of this site (did you mean %s?)", k.Path, t.nearestPage(slug, rel, budget))
			return nil
		}
		if t.exists[slug] {
			report(at, "link to %s, a policy that is a draft or failed to build", k.Path)
			return nil
		}
	}
	if strings.Contains(path.Base(rel), ".") {
		return nil
	}
	report(at, "link to %s, which is no page of this site", k.Path)
	return nil
}

// nearestPage returns the URL path, from the site's root, of the page
// under the policy slug most like rel: the one fewest edits away if at
// most a third of rel's letters are wrong (/privacy/v/1.0/ for
// /privacy/v/1.1/), else the policy's own page. Comparing costs the
// budget; past it, the policy's own page.
func (t *Links) nearestPage(slug, rel string, budget *int) string {
	best, bestD := slug+"/", max(1, utf8.RuneCountInString(rel)/3)+1
	if cands := t.under[slug]; *budget >= len(cands) {
		*budget -= len(cands)
		for _, c := range cands {
			if d := textdist.Distance(rel, c); d < bestD {
				best, bestD = c, d
			}
		}
	}
	return "/" + best
}

// Cookies runs missing-cookie-policy: a cookie declaration must name a
// published policy, which the cookie notice on every page links to.
// (config reports a declaration that names none.)
func Cookies(s *site.Site) diag.List {
	c := s.Config.Cookies
	if c == nil || c.Policy == "" {
		return nil
	}
	for _, p := range s.Policies {
		if p.Slug == c.Policy {
			return nil
		}
	}
	return diag.List{{Pos: s.Config.At("cookies"), Severity: diag.Error, Rule: "missing-cookie-policy",
		Message: fmt.Sprintf("cookies.policy: no policy content/%s.md (the cookie notice links to it)", c.Policy)}}
}

// A LinkMemo keeps each policy's broken links from one render to the
// next, checking again only the policies whose files changed or that link
// to a policy that changed, appeared or went: it keeps, for each slug, the
// policies linking to it. A nil *LinkMemo keeps nothing.
type LinkMemo struct {
	links   map[string]*linkCheck      // by slug
	linkers map[string]map[string]bool // the slugs of the policies linking to each slug
	state   map[string]string          // what each slug was: its policy's ids, or "draft"
	// What every policy's check reads of the site besides the slugs:
	// its pages and its certifications' ids (Same).
	pages, certs []string
	t            *Links // the last render's rule, made from pages, slugs and certs
	slugs        []string
}

// A linkCheck is the broken links of one policy, with the slugs it links
// to.
type linkCheck struct {
	targets map[string]bool
	l       diag.List
}

// newLinkCheck checks p's links with t.
func newLinkCheck(t *Links, p *site.Policy) *linkCheck {
	c := &linkCheck{targets: map[string]bool{}, l: t.Policy(p)}
	for _, k := range p.Links {
		for _, slug := range k.Slugs() {
			c.targets[slug] = true
		}
	}
	for _, v := range p.Upcoming { // Policy checks theirs too
		for _, k := range v.Links {
			for _, slug := range k.Slugs() {
				c.targets[slug] = true
			}
		}
	}
	return c
}

// Check runs broken-link over every policy of s through m. slugs and pages
// are as for NewLinks; ids name each policy's files (parse.Memo), which
// change whenever they do; anchors are as for NewLinks.
func (m *LinkMemo) Check(s *site.Site, slugs, pages []string, ids map[*site.Policy]string, anchors map[string]site.Anchors) diag.List {
	var l diag.List
	if m == nil {
		t := NewLinks(s, slugs, pages, anchors)
		for _, p := range s.Policies {
			l = append(l, t.Policy(p)...)
		}
		return l
	}
	// What each slug is: a published policy's files, or a draft (or a
	// policy that failed to build).
	state := make(map[string]string, len(slugs))
	for _, slug := range slugs {
		state[slug] = "draft"
	}
	for _, p := range s.Policies {
		state[p.Slug] = ids[p]
	}
	certs := certIDs(s)
	// recheck are the slugs of the policies to check again: those that
	// moved and those linking to one; nil for every policy.
	var recheck map[string]bool
	if m.links != nil && slices.Equal(m.pages, pages) && slices.Equal(m.certs, certs) {
		recheck = map[string]bool{}
		moved := func(slug string) {
			recheck[slug] = true
			for linker := range m.linkers[slug] {
				recheck[linker] = true
			}
		}
		for slug, st := range state {
			if was, ok := m.state[slug]; !ok || was != st {
				moved(slug)
			}
		}
		for slug := range m.state {
			if _, ok := state[slug]; !ok {
				moved(slug)
			}
		}
	} else {
		m.links, m.linkers, m.t = nil, map[string]map[string]bool{}, nil
	}
	t := m.t // its pages and certifications are these, or it is nil
	if !slices.Equal(m.slugs, slugs) {
		t = nil
	}
	links := make(map[string]*linkCheck, len(s.Policies))
	for _, p := range s.Policies {
		c := m.links[p.Slug]
		if c == nil || recheck[p.Slug] {
			if t == nil {
				t = NewLinks(s, slugs, pages, anchors)
			} else if t.site != s {
				t.reset(s, anchors)
			}
			old := c
			c = newLinkCheck(t, p)
			m.relink(p.Slug, old, c)
		}
		links[p.Slug] = c
		l = append(l, c.l...)
	}
	for slug, c := range m.links {
		if links[slug] == nil {
			m.relink(slug, c, nil)
		}
	}
	m.links, m.state, m.pages, m.certs, m.t, m.slugs = links, state, slices.Clone(pages), certs, t, slices.Clone(slugs)
	return l
}

// relink records that the policy slug links to what now does, no longer
// to what old did (either may be nil).
func (m *LinkMemo) relink(slug string, old, now *linkCheck) {
	if old != nil {
		for target := range old.targets {
			delete(m.linkers[target], slug)
		}
	}
	if now != nil {
		for target := range now.targets {
			if m.linkers[target] == nil {
				m.linkers[target] = map[string]bool{}
			}
			m.linkers[target][slug] = true
		}
	}
}

// certIDs are the ids of the certifications site.yaml declares.
func certIDs(s *site.Site) []string {
	ids := make([]string, len(s.Config.Certifications))
	for i, c := range s.Config.Certifications {
		ids[i] = c.ID
	}
	return ids
}

// linkedAs returns the file links name p by: its own, or for a school's
// policy (content/<school>/a.md) the trust's place of it (content/a.md),
// as a school's policies link as the trust's do.
func linkedAs(p *site.Policy) string {
	if p.School != "" {
		return "content/" + strings.TrimPrefix(p.File, "content/"+p.School+"/")
	}
	return p.File
}

// fileKey returns what names a policy file: content/a.md and
// content/a/index.md are both "a" (revise moves one to the other), and so
// is content/a/history/1.0.md, the file of a version still in force while
// a later one is upcoming.
func fileKey(file string) string {
	k := strings.TrimPrefix(file, "content/")
	if d, v, ok := strings.Cut(k, "/history/"); ok && !strings.Contains(v, "/") {
		return d
	}
	if d, ok := strings.CutSuffix(k, "/index.md"); ok {
		return d
	}
	return strings.TrimSuffix(k, ".md")
}
