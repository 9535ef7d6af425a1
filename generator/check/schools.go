package check

import (
	"fmt"
	"slices"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/site"
	"github.com/policysite/policysite/internal/textdist"
)

// A Centre is one school's policy centre as rendered: the school, its
// model, and every policy parsed for it, published or not.
type Centre struct {
	School *config.School
	Site   *site.Site
	Files  []*site.Front
}

// Schools runs the rules that compare a trust's centres: the trust's
// policies (trust, every one parsed for its centre, published there or
// not) and each school's. It reports a school's copy of a trust policy
// older than the trust's (school-override-stale), a school without a
// policy site.yaml requires of every school (school-missing-policy), a
// front matter schools: naming no school, and a school whose id is a
// trust policy's slug (the two would share a path).
func Schools(cfg *config.Site, trust []*site.Front, centres []Centre) diag.List {
	var l diag.List
	if len(cfg.Schools) == 0 {
		return l
	}
	ids := cfg.SchoolIDs()
	bySlug := make(map[string]*site.Front, len(trust))
	for _, p := range trust {
		bySlug[p.Slug] = p
		for _, id := range p.Schools {
			if slices.Contains(ids, id) {
				continue
			}
			msg := fmt.Sprintf("schools: %q is no school of site.yaml's schools:", id)
			if near := textdist.Nearest(id, ids); near != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", near)
			}
			l = append(l, diag.Diagnostic{Pos: atMeta(p.File, p.Meta, "schools"), Severity: diag.Error, Rule: "front-matter", Message: msg})
		}
	}
	for _, sc := range cfg.Schools {
		if p := bySlug[sc.ID]; p != nil {
			l.Errorf(sc.Pos, "schools: %q is the slug of %s: the school's centre and the policy would share /%s/; give the school another id", sc.ID, p.File, sc.ID)
		}
	}
	for _, c := range centres {
		for _, p := range c.Files {
			t := bySlug[p.Slug]
			if p.School != c.School.ID || t == nil || p.Meta == nil || t.Meta == nil || !p.Effective.Before(t.Effective) {
				continue
			}
			l = append(l, diag.Diagnostic{Pos: atMeta(p.File, p.Meta, "effective"), Severity: diag.Warning, Rule: "school-override-stale",
				Message: fmt.Sprintf("%s's copy, version %s of %s, is older than the trust's %s, version %s of %s: revise the copy, or delete it to publish the trust's",
					c.School.Name, p.Version, p.Effective.Format("en-GB"), t.File, t.Version, t.Effective.Format("en-GB"))})
		}
		for _, slug := range cfg.Required {
			if slices.ContainsFunc(c.Site.Policies, func(p *site.Policy) bool { return p.Slug == slug }) {
				continue
			}
			why := fmt.Sprintf("write content/%s.md for every school, or content/%s/%s.md for this one", slug, c.School.ID, slug)
			if t := bySlug[slug]; t != nil && len(t.Schools) > 0 {
				why = fmt.Sprintf("%s's schools: leaves it out", t.File)
			} else if t != nil && t.Draft {
				why = fmt.Sprintf("%s is a draft", t.File)
			}
			l = append(l, diag.Diagnostic{Pos: c.School.Pos, Severity: diag.Error, Rule: "school-missing-policy",
				Message: fmt.Sprintf("%s (%s) publishes no %s, which required: asks of every school: %s", c.School.Name, c.School.ID, slug, why)})
		}
	}
	return l
}

// UsedSomewhere drops the unused-category findings that fewer than all
// n centres made: a category is used when any centre's policy has it.
func UsedSomewhere(l diag.List, n int) diag.List {
	if n == 1 {
		return l
	}
	count := map[diag.Pos]int{}
	for _, d := range l {
		if d.Rule == "unused-category" {
			count[d.Pos]++
		}
	}
	if len(count) == 0 {
		return l
	}
	return slices.DeleteFunc(l, func(d diag.Diagnostic) bool { return d.Rule == "unused-category" && count[d.Pos] < n })
}
