package site

import (
	"crypto/sha256"

	"github.com/policysite/policysite/generator/date"
	"slices"

	"github.com/policysite/policysite/generator/history"
)

// A Summary is what the pages listing every policy show of one policy:
// its facts and review status, never its text. A listing page's data
// holds summaries (Listing, Change), so a theme's listing layout that
// reaches for a policy's text fails at load (theme.Load), and those pages
// change only when a summary does. Its fields are values: summaries
// compare with ==.
type Summary struct {
	Slug                                     string
	Title, Version, Owner, Summary, Category string
	Effective, NextReview                    date.Date
	Status                                   Status
	// DaysLeft is days until the review date; negative when overdue.
	DaysLeft int
}

// Summarize returns p's summary.
func (p *Policy) Summarize() Summary {
	return Summary{Slug: p.Slug, Title: p.Title, Version: p.Version, Owner: p.Owner, Summary: p.Meta.Summary, Category: p.Category,
		Effective: p.Effective, NextReview: p.NextReview, Status: p.Status, DaysLeft: p.DaysLeft}
}

// A Listing is the site as the pages listing every policy see it: each
// policy's summary, in index order and grouped, and the counts.
type Listing struct {
	Policies   []Summary
	Categories []ListedCategory
	Overdue    int
	DueSoon    int
}

// A ListedCategory is a Category of summaries.
type ListedCategory struct {
	Name     string
	Policies []Summary
}

// Listing returns s as the listing pages see it.
func (s *Site) Listing() *Listing {
	l := &Listing{Policies: make([]Summary, len(s.Policies)), Categories: make([]ListedCategory, len(s.Categories)), Overdue: s.Overdue, DueSoon: s.DueSoon}
	for i, p := range s.Policies {
		l.Policies[i] = p.Summarize()
	}
	for i, c := range s.Categories {
		l.Categories[i] = ListedCategory{Name: c.Name, Policies: make([]Summary, len(c.Policies))}
		for j, p := range c.Policies {
			l.Categories[i].Policies[j] = p.Summarize()
		}
	}
	return l
}

// A Fingerprint is what the files for machines (policies.json,
// sitemap.xml, feed.xml, reviews.ics) and the site's rules read of one
// policy: everything but its text, its front matter by its Key; what they
// make is kept while the fingerprints stay the same.
type Fingerprint struct {
	slug, file string
	meta       [sha256.Size]byte // frontmatter.Meta.Key
	status     Status
	daysLeft   int
	diff       bool
	versions   []versionFingerprint
}

type versionFingerprint struct {
	file, previous string
	meta           [sha256.Size]byte
	diff           bool
}

// Fingerprints returns the fingerprint of each of s's policies.
func (s *Site) Fingerprints() []Fingerprint {
	sums := make([]Fingerprint, len(s.Policies))
	for i, p := range s.Policies {
		sums[i] = Fingerprint{slug: p.Slug, file: p.File, meta: p.Meta.Key, status: p.Status, daysLeft: p.DaysLeft, diff: p.Diff != nil}
		for _, v := range p.History {
			sums[i].versions = append(sums[i].versions, versionFingerprint{file: v.File, previous: v.Previous, meta: v.Meta.Key, diff: v.Diff != nil})
		}
	}
	return sums
}

// SameFingerprints reports whether a and b fingerprint the same policies alike.
func SameFingerprints(a, b []Fingerprint) bool {
	return slices.EqualFunc(a, b, func(x, y Fingerprint) bool {
		return x.slug == y.slug && x.file == y.file && x.meta == y.meta && x.status == y.status && x.daysLeft == y.daysLeft && x.diff == y.diff &&
			slices.Equal(x.versions, y.versions)
	})
}

// textless stands for a comparison that was made but is no longer kept.
var textless = &history.Comparison{}

// WithoutText returns a copy of p and its versions without what only its
// own pages show: its text, contents, headings and the comparisons of its
// versions. The pages that list every policy (Summary), the files for
// machines (Fingerprint) and the link rule
// (given the policy's Anchors) read only the rest.
func (p *Policy) WithoutText() *Policy {
	q := *p
	q.Body, q.Contents, q.Headings = "", nil, nil
	if q.Diff != nil {
		q.Diff = textless
	}
	q.History = make([]*Version, len(p.History))
	for i, v := range p.History {
		w := *v
		w.Body, w.Contents = "", nil
		if w.Diff != nil {
			w.Diff = textless
		}
		q.History[i] = &w
	}
	return &q
}

// An Order is the index order of the policies of the last render, so that
// sorting a render's policies, which most often are in the same places,
// costs one pass.
type Order struct{ slugs []string }

// Sort sorts policies in index order (Less), as New does, so that New
// finds them sorted, and remembers the order for the next render.
func (o *Order) Sort(policies []*Policy) {
	last := make(map[string]int, len(o.slugs))
	for i, slug := range o.slugs {
		last[slug] = i
	}
	placed := make([]*Policy, len(o.slugs))
	var rest []*Policy
	for _, p := range policies {
		if i, ok := last[p.Slug]; ok {
			placed[i] = p
		} else {
			rest = append(rest, p)
		}
	}
	k := 0
	for _, p := range placed {
		if p != nil {
			policies[k] = p
			k++
		}
	}
	copy(policies[k:], rest)
	// Less orders any two policies (their slugs differ), so every sort
	// gives the one order.
	less := func(a, b *Policy) int {
		switch {
		case Less(a, b):
			return -1
		case Less(b, a):
			return 1
		}
		return 0
	}
	if !slices.IsSortedFunc(policies, less) {
		slices.SortFunc(policies, less)
	}
	o.slugs = o.slugs[:0]
	for _, p := range policies {
		o.slugs = append(o.slugs, p.Slug)
	}
}
