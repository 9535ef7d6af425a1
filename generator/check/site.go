package check

import (
	"fmt"
	"sort"
	"strings"

	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/site"
)

// siteRules are the rules Site runs.
var siteRules = map[string]bool{"review-overdue": true, "review-due-soon": true, "duplicate-title": true, "missing-cookie-policy": true}

// Site runs the rules that read the site model: review-overdue and
// review-due-soon (against s.Now, due soon within warnDays),
// duplicate-title and missing-cookie-policy. Front matter ignores of these
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
	// A named cookie policy that does not exist stops the build
	// (generator.checkCookies reports it under this rule); without a name,
	// some policy should at least look like one.
	if c := s.Config.Cookies; c != nil && c.Policy == "" {
		found := false
		for _, p := range s.Policies {
			if p.Meta != nil && (strings.Contains(strings.ToLower(p.Title), "cookie") || strings.Contains(p.Slug, "cookie")) {
				found = true
			}
		}
		if !found {
			l = append(l, diag.Diagnostic{Pos: s.Config.At("cookies"), Severity: diag.Error, Rule: "missing-cookie-policy",
				Message: "site.yaml declares cookies but no policy is a cookie policy: add one and name it in cookies.policy"})
		}
	}
	var ign []Ignore
	for _, p := range s.Policies {
		for _, g := range FrontMatterIgnores(p.File, p.Meta) {
			if siteRules[g.Rule] {
				ign = append(ign, g)
			}
		}
	}
	l = Apply(l, ign, siteRules)
	l.Sort()
	return l
}

func at(p *site.Policy, key string) diag.Pos {
	if pos, ok := p.Meta.Pos[key]; ok && pos.Line > 0 {
		return pos
	}
	if p.Meta.Start.File != "" {
		return p.Meta.Start
	}
	return diag.Pos{File: p.File, Line: 1, Col: 1}
}
