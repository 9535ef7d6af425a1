package check

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/frontmatter"
	"github.com/policysite/policysite/generator/site"
	"github.com/policysite/policysite/internal/textdist"
)

// siteRules are the rules Site runs.
var siteRules = map[string]bool{"review-overdue": true, "review-due-soon": true, "duplicate-title": true, "unused-category": true,
	"approved-after-effective": true, "no-approval": true}

// Site runs the rules that read the site model: review-overdue and
// review-due-soon (against s.Now, due soon within warnDays),
// duplicate-title, unused-category, and approved-after-effective and
// no-approval on the versions in force and coming into force. Front matter ignores of these
// rules apply, and are reported when unused.
func Site(s *site.Site, warnDays int) diag.List {
	var l diag.List
	for _, p := range s.Policies {
		if p.Meta == nil || p.NextReview.IsZero() {
			continue
		}
		days := p.NextReview.Sub(s.Now)
		switch {
		case days < 0:
			l = append(l, diag.Diagnostic{Pos: at(p, "next_review"), Severity: diag.Error, Rule: "review-overdue",
				Message: fmt.Sprintf("review overdue since %s", p.NextReview.Format("en-GB"))})
		case days <= warnDays:
			l = append(l, diag.Diagnostic{Pos: at(p, "next_review"), Severity: diag.Warning, Rule: "review-due-soon",
				Message: fmt.Sprintf("review due on %s, in %d %s", p.NextReview.Format("en-GB"), days, plural(days, "day", "days"))})
		}
	}
	byTitle := map[string][]*site.Policy{}
	for _, p := range s.Policies {
		if p.Meta == nil {
			continue
		}
		t := strings.Join(strings.Fields(strings.ToLower(p.Title)), " ")
		byTitle[t] = append(byTitle[t], p)
	}
	for _, ps := range byTitle {
		if len(ps) < 2 {
			continue
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i].File < ps[j].File })
		for _, p := range ps[1:] {
			l = append(l, diag.Diagnostic{Pos: at(p, "title"), Severity: diag.Error, Rule: "duplicate-title",
				Message: fmt.Sprintf("title %q is also the title of %s: visitors cannot tell them apart", p.Title, ps[0].File)})
		}
	}
	l = append(l, unusedCategories(s)...)
	l = append(l, approvals(s)...)
	var ign []Ignore
	for _, p := range s.Policies {
		for _, g := range FrontMatterIgnores(p.File, p.Meta) {
			if siteRules[g.Rule] {
				ign = append(ign, g)
			}
		}
		for _, v := range p.Upcoming {
			for _, g := range FrontMatterIgnores(v.File, v.Meta) {
				if siteRules[g.Rule] {
					ign = append(ign, g)
				}
			}
		}
	}
	l = Apply(l, ign, siteRules)
	l.Sort()
	return l
}

// unusedCategories reports the categories site.yaml orders that no
// section of the index has: a name misspelt there, or in every policy,
// orders nothing. "Other policies" is a section when a policy has no
// category.
func unusedCategories(s *site.Site) diag.List {
	if len(s.Config.Categories) == 0 {
		return nil
	}
	used := map[string]bool{}
	var names []string
	for _, c := range s.Categories {
		used[c.Name] = true
		names = append(names, c.Name)
	}
	sort.Strings(names)
	var l diag.List
	for i, c := range s.Config.Categories {
		if used[c.Name] {
			continue
		}
		msg := fmt.Sprintf("categories[%d]: no policy has the category %q, so its weight orders nothing", i, c.Name)
		if best := textdist.Nearest(c.Name, names); best != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", best)
		}
		l = append(l, diag.Diagnostic{Pos: c.Pos, Severity: diag.Warning, Rule: "unused-category", Message: msg})
	}
	return l
}

func at(p *site.Policy, key string) diag.Pos { return atMeta(p.File, p.Meta, key) }

func atMeta(file string, m *frontmatter.Meta, key string) diag.Pos {
	if pos, ok := m.Pos.Lookup(key); ok && pos.Line > 0 {
		return pos
	}
	if m.Start.File != "" {
		return m.Start
	}
	return diag.Pos{File: file, Line: 1, Col: 1}
}

// approvals runs approved-after-effective and no-approval on each
// policy's version in force and those coming into force: the versions
// whose files are still edited. Superseded versions are records.
func approvals(s *site.Site) diag.List {
	var l diag.List
	one := func(file string, m *frontmatter.Meta) {
		if m == nil {
			return
		}
		if a := m.ApprovedOn; !a.IsZero() && a.After(m.Effective) {
			l = append(l, diag.Diagnostic{Pos: atMeta(file, m, "approved_on"), Severity: diag.Warning, Rule: "approved-after-effective",
				Message: fmt.Sprintf("version %s was approved on %s, after it took effect on %s", m.Version, a.Format("en-GB"), m.Effective.Format("en-GB"))})
		}
		if s.Config.Review.RequireApproval && !m.Approved() {
			l = append(l, diag.Diagnostic{Pos: atMeta(file, m, "version"), Severity: diag.Warning, Rule: "no-approval",
				Message: fmt.Sprintf("version %s has no approval recorded: set approved_by, approved_on and minute (policysite revise or review --approved-by)", m.Version)})
		}
	}
	for _, p := range s.Policies {
		one(p.File, p.Meta)
		for _, v := range p.Upcoming {
			one(v.File, v.Meta)
		}
	}
	return l
}

// Findings turns a render's diagnostics (generator.Result) into check's
// findings: those of the review and certificate rules are made again against warnDays
// (negative: site.yaml's review.warn_days), for the trust's centre s and
// each school's (more: a school's own policies have reviews of their
// own). The list is sorted.
func Findings(l diag.List, s *site.Site, warnDays int, more ...*site.Site) diag.List {
	var out diag.List
	for _, d := range l {
		if !isReview(d) {
			out = append(out, d)
		}
	}
	for _, s := range append([]*site.Site{s}, more...) {
		if s == nil {
			continue
		}
		wd := warnDays
		if wd < 0 {
			wd = s.Config.Review.WarnDays
		}
		for _, d := range Site(s, wd) {
			if isReview(d) {
				out = append(out, d)
			}
		}
	}
	if s != nil {
		// Certificates are site.yaml's, the same in every centre: once.
		wd := warnDays
		if wd < 0 {
			wd = s.Config.Review.WarnDays
		}
		out = append(out, Trust(s.Config, s.Now, wd)...)
	}
	out.Sort()
	return out
}

// isReview reports whether d comes from a review rule, or is an unused
// ignore of one.
func isReview(d diag.Diagnostic) bool {
	return strings.HasPrefix(d.Rule, "review-") || strings.HasPrefix(d.Rule, "certificate-") || d.Rule == "unused-ignore" && strings.HasPrefix(d.Message, "ignore review-")
}

// A SiteMemo keeps Site's findings while the settings, the day and every
// policy's front matter stay the same: they read no more. A nil
// *SiteMemo keeps nothing.
type SiteMemo struct {
	cfg  *config.Site
	now  date.Date
	keys []string
	l    diag.List
}

// Site runs Site through m.
func (m *SiteMemo) Site(s *site.Site) diag.List {
	if m == nil {
		return Site(s, s.Config.Review.WarnDays)
	}
	keys := frontMatters(s)
	if m.cfg != s.Config || m.now != s.Now || !slices.Equal(m.keys, keys) {
		*m = SiteMemo{s.Config, s.Now, keys, Site(s, s.Config.Review.WarnDays)}
	}
	return m.l
}

// frontMatters are the keys (frontmatter.Meta.Key, which names the file
// too) of the front matter of each of s's policies and its upcoming
// versions, one string a policy: what Site reads of them.
func frontMatters(s *site.Site) []string {
	keys := make([]string, len(s.Policies))
	var b []byte
	for i, p := range s.Policies {
		b = append(b[:0], p.Meta.Key[:]...)
		for _, v := range p.Upcoming {
			b = append(b, v.Meta.Key[:]...)
		}
		keys[i] = string(b)
	}
	return keys
}
