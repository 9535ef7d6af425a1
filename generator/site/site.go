// Package site builds the model of a policy centre from parsed policies: the
// index grouped by category, each policy's review status against an injected
// date, and the contents of each page. It is pure: no I/O, no clock.
package site

import (
	"cmp"
	"html/template"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/frontmatter"
	"github.com/policysite/policysite/generator/history"
	"github.com/policysite/policysite/generator/markdown"
	"github.com/policysite/policysite/internal/textdist"
)

// A Status is where a policy stands against its review date.
type Status int

const (
	Current Status = iota
	DueSoon
	Overdue
)

// String returns the status as a word used in class names and JSON.
func (s Status) String() string {
	return [...]string{"current", "due-soon", "overdue"}[s]
}

// Label returns the status as a reader sees it.
func (s Status) Label() string {
	return [...]string{"Current", "Review due soon", "Review overdue"}[s]
}

// MarshalText writes the status word.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// StatusOf returns the status of a policy due for review by next, seen on day
// now: overdue from the day after next, due soon from warnDays before it.
// A policy due today is due soon, not overdue: it may be reviewed today.
func StatusOf(next, now date.Date, warnDays int) Status {
	switch left := next.Sub(now); {
	case left < 0:
		return Overdue
	case left <= warnDays:
		return DueSoon
	}
	return Current
}

// A Policy is one policy page.
type Policy struct {
	Slug string
	// File is the source, relative to the site root.
	File string
	*frontmatter.Meta
	Body     template.HTML
	Headings []markdown.Heading
	// Contents is the nested list of h2 and h3 headings.
	Contents []Entry
	Status   Status
	// DaysLeft is days until the review date; negative when overdue.
	DaysLeft int
	// Links are the policy's links to policies and headings.
	Links []Link
	// History holds the earlier versions, newest first.
	History []*Version
	// Diff is what changed from the newest earlier version; nil without history.
	Diff *history.Comparison
	// LastReview is the latest entry of the reviews log, if any.
	LastReview *frontmatter.ReviewEntry
}

// A Version is an earlier, superseded version of a policy.
type Version struct {
	// File is the source, relative to the site root.
	File string
	*frontmatter.Meta
	Body     template.HTML
	Contents []Entry
	// Diff is what changed from the version before; nil for the first.
	Diff *history.Comparison
	// Previous is the version before, "" for the first.
	Previous string
}

// A Change is one version of one policy in the site's list of changes.
type Change struct {
	// Policy is the summary of the policy's current version.
	Policy    Summary
	Version   string
	Effective date.Date
	Note      string
	// Current is true for a policy's version in force.
	Current bool
	// Compare is true when there is an earlier version to compare with.
	Compare bool
}

// Changes lists every version of every policy, newest first: by effective
// date, then title, then version (newest first).
func (s *Site) Changes() []Change {
	var out []Change
	for _, p := range s.Policies {
		sum := p.Summarize()
		out = append(out, Change{Policy: sum, Version: p.Version, Effective: p.Effective, Note: p.Meta.Changes, Current: true, Compare: p.Diff != nil})
		for _, v := range p.History {
			out = append(out, Change{Policy: sum, Version: v.Version, Effective: v.Effective, Note: v.Meta.Changes, Compare: v.Diff != nil})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if c := a.Effective.Compare(b.Effective); c != 0 {
			return c > 0
		}
		if a.Policy.Title != b.Policy.Title {
			return a.Policy.Title < b.Policy.Title
		}
		if a.Policy.Slug != b.Policy.Slug {
			return a.Policy.Slug < b.Policy.Slug
		}
		return history.CompareVersions(a.Version, b.Version) > 0
	})
	return out
}

// An Entry is a line of a page's contents, with its subsections: a
// heading's fields, and its children.
//
// The fields are the heading's own rather than an embedded
// markdown.Heading: templates read them on every line of every contents
// list, and text/template finds a promoted field by a breadth-first
// search of the embedded structs (reflect.Type.FieldByName), which
// allocates; that was a fifth of the page templates' time.
type Entry struct {
	Level  int    `json:"level"`
	Text   string `json:"text"`
	ID     string `json:"id"`
	Number string `json:"number,omitempty"`
	// Offset is the heading's byte offset in the body.
	Offset   int `json:"-"`
	Children []Entry
}

func entryOf(h markdown.Heading) Entry {
	return Entry{Level: h.Level, Text: h.Text, ID: h.ID, Number: h.Number, Offset: h.Offset}
}

// A Category is a group of policies on the index.
type Category struct {
	Name     string
	Policies []*Policy
}

// A Site is the whole policy centre.
type Site struct {
	Config     *config.Site
	Now        date.Date
	Policies   []*Policy
	Categories []Category
	Overdue    int
	DueSoon    int
}

// DefaultCategory holds policies that name no category, after the named
// ones; on a site whose policies name none it is AllCategory. It is one
// section with the policies that name it: the index shows one heading
// "Other policies", and site.yaml may give it a weight as any other.
const (
	DefaultCategory = "Other policies"
	AllCategory     = "Policies"
)

// New builds the model from policies; it sorts them, computes review status
// and groups them. It takes ownership of the slice.
func New(cfg *config.Site, now date.Date, policies []*Policy) *Site {
	s := &Site{Config: cfg, Now: now, Policies: policies}
	sort.SliceStable(policies, func(i, j int) bool { return Less(policies[i], policies[j]) })
	byName := map[string]int{}
	named := false // a policy names a category
	for _, p := range policies {
		p.Prepare(now, cfg.Review.WarnDays)
		switch p.Status {
		case Overdue:
			s.Overdue++
		case DueSoon:
			s.DueSoon++
		}
		name := p.Category
		if name == "" {
			name = DefaultCategory
		} else {
			named = true
		}
		i, ok := byName[name]
		if !ok {
			i = len(s.Categories)
			byName[name] = i
			s.Categories = append(s.Categories, Category{Name: name})
		}
		s.Categories[i].Policies = append(s.Categories[i].Policies, p)
	}
	// Named categories by site.yaml's weight, then name; the rest last,
	// unless site.yaml gives them a weight.
	listed := slices.ContainsFunc(cfg.Categories, func(c config.Category) bool { return c.Name == DefaultCategory })
	last := func(c Category) bool { return c.Name == DefaultCategory && !listed }
	slices.SortStableFunc(s.Categories, func(a, b Category) int {
		if last(a) != last(b) {
			if last(a) {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(cfg.CategoryWeight(a.Name), cfg.CategoryWeight(b.Name)), strings.Compare(a.Name, b.Name))
	})
	if len(s.Categories) == 1 && !named {
		s.Categories[0].Name = AllCategory
	}
	return s
}

// Prepare computes what New does for p alone: its review status on now
// and its last review. A build that writes each policy's
// pages before it has read every policy calls it first.
func (p *Policy) Prepare(now date.Date, warnDays int) {
	p.Status = StatusOf(p.NextReview, now, warnDays)
	p.DaysLeft = p.NextReview.Sub(now)
	p.LastReview = nil
	for i := range p.Reviews {
		if r := &p.Reviews[i]; p.LastReview == nil || !r.Date.Before(p.LastReview.Date) {
			p.LastReview = r
		}
	}
}

// HasHistory reports whether p has a history page: when it has an
// earlier version or a review to list. A policy of one version and no
// reviews has nothing there its own page does not show, so it gets no
// history page and nothing links to one. pages (and so the link check,
// through pages.Set.Paths), the theme and the sitemap all ask here.
func (p *Policy) HasHistory() bool { return len(p.History) > 0 || len(p.Reviews) > 0 }

// Less orders policies by weight, then title, then slug: the index order.
// Within a category of the index, policies stand in this order.
func Less(a, b *Policy) bool {
	if a.Weight != b.Weight {
		return a.Weight < b.Weight
	}
	if a.Title != b.Title {
		return a.Title < b.Title
	}
	return a.Slug < b.Slug
}

// Contents nests h2 and h3 headings into a contents list. An h3 before any h2
// stands at the top level; deeper headings are left out.
func Contents(hs []markdown.Heading) []Entry {
	var out []Entry
	for _, h := range hs {
		switch {
		case h.Level == 2 || (h.Level == 3 && len(out) == 0):
			out = append(out, entryOf(h))
		case h.Level == 3:
			last := &out[len(out)-1]
			last.Children = append(last.Children, entryOf(h))
		}
	}
	return out
}

// A Link is a link in a policy to a policy or heading, with its position.
type Link struct {
	markdown.Link
	Pos diag.Pos
}

// HasAnchor reports whether the policy's page has an element with id frag.
func (p *Policy) HasAnchor(frag string) bool { return p.Anchors().Has(frag) }

// NearestAnchor returns the heading id most like frag, if one is close.
func (p *Policy) NearestAnchor(frag string) string { return p.Anchors().Nearest(frag) }

// IDs returns the ids of the policy's headings.
func (p *Policy) IDs() []string {
	ids := make([]string, len(p.Headings))
	for i, h := range p.Headings {
		ids[i] = h.ID
	}
	return ids
}

// Anchors returns the ids a link may name on the policy's page.
func (p *Policy) Anchors() Anchors {
	a := Anchors{IDs: p.IDs()}
	for _, h := range p.Headings {
		a.Aliases = append(a.Aliases, h.Aliases...)
	}
	return a
}

// Anchors are the ids on a policy's page a link may name: its headings'
// ids, and the old ids some headings keep so that published links still
// lead to them (markdown.Heading.Aliases).
type Anchors struct {
	IDs, Aliases []string
}

// Has reports whether a link to #frag finds something: a heading, an
// alias of one, or a footnote.
func (a Anchors) Has(frag string) bool {
	return slices.Contains(a.IDs, frag) || slices.Contains(a.Aliases, frag) || IsFootnote(frag)
}

// IsFootnote reports whether #frag names a footnote or a reference to one,
// which every page with footnotes has.
func IsFootnote(frag string) bool {
	return strings.HasPrefix(frag, "fn:") || strings.HasPrefix(frag, "fnref:")
}

// Nearest returns the heading id a link to the missing #frag most likely
// meant, or "" if none is close: the one fewest edits away, if at most
// a third of frag's letters (at least one) are wrong, as #individual-right
// for #individuals-rights; otherwise the nearest that contains frag or is
// contained in it, as #your-rights for #rights. Aliases are never suggested:
// a link should name the heading's own id.
func (a Anchors) Nearest(frag string) string {
	best, bestD := "", max(1, utf8.RuneCountInString(frag)/3)+1
	contains, containsD := "", 0
	for _, id := range a.IDs {
		d := textdist.Distance(frag, id)
		if d < bestD {
			best, bestD = id, d
		}
		if (strings.Contains(id, frag) || strings.Contains(frag, id)) && (contains == "" || d < containsD) {
			contains, containsD = id, d
		}
	}
	if best != "" {
		return best
	}
	return contains
}
