package site

import (
	"reflect"
	"slices"

	"github.com/policysite/policysite/generator/frontmatter"
	"github.com/policysite/policysite/generator/history"
)

// A Summary is what the pages listing every policy read of one policy:
// everything but its text. The files for machines (policies.json,
// sitemap.xml, feed.xml, reviews.ics) and the site's rules read no more
// either, so what they make is kept while the summaries stay the same.
type Summary struct {
	slug, file string
	meta       *frontmatter.Meta
	status     Status
	daysLeft   int
	diff       bool
	sha        string
	versions   []versionSummary
	upcoming   []versionSummary
}

type versionSummary struct {
	file, previous string
	meta           *frontmatter.Meta
	diff           bool
	sha            string
}

// Summaries returns the summary of each of s's policies.
func (s *Site) Summaries() []Summary {
	sums := make([]Summary, len(s.Policies))
	for i, p := range s.Policies {
		sums[i] = Summary{slug: p.Slug, file: p.File, meta: p.Meta, status: p.Status, daysLeft: p.DaysLeft, diff: p.Diff != nil, sha: p.SHA256}
		for _, v := range p.History {
			sums[i].versions = append(sums[i].versions, versionSummary{file: v.File, previous: v.Previous, meta: v.Meta, diff: v.Diff != nil, sha: v.SHA256})
		}
		for _, v := range p.Upcoming {
			sums[i].upcoming = append(sums[i].upcoming, versionSummary{file: v.File, previous: v.Previous, meta: v.Meta, diff: v.Diff != nil, sha: v.SHA256})
		}
	}
	return sums
}

// SameSummaries reports whether a and b summarize the same policies alike,
// but for their versions' hashes (SameHashes), which only policies.json
// shows: an edit of a policy's text leaves the pages listing it alone.
func SameSummaries(a, b []Summary) bool {
	sameMeta := func(x, y *frontmatter.Meta) bool { return x == y || reflect.DeepEqual(x, y) }
	sameVersion := func(v, w versionSummary) bool {
		return v.file == w.file && v.previous == w.previous && v.diff == w.diff && sameMeta(v.meta, w.meta)
	}
	return slices.EqualFunc(a, b, func(x, y Summary) bool {
		return x.slug == y.slug && x.file == y.file && x.status == y.status && x.daysLeft == y.daysLeft && x.diff == y.diff &&
			sameMeta(x.meta, y.meta) && slices.EqualFunc(x.versions, y.versions, sameVersion) && slices.EqualFunc(x.upcoming, y.upcoming, sameVersion)
	})
}

// SameHashes reports whether the policies a and b summarize have the same
// versions' hashes, given SameSummaries.
func SameHashes(a, b []Summary) bool {
	sha := func(v, w versionSummary) bool { return v.sha == w.sha }
	return slices.EqualFunc(a, b, func(x, y Summary) bool {
		return x.sha == y.sha && slices.EqualFunc(x.versions, y.versions, sha) && slices.EqualFunc(x.upcoming, y.upcoming, sha)
	})
}

// textless stands for a comparison that was made but is no longer kept.
var textless = &history.Comparison{}

// WithoutText returns a copy of p and its versions without what only its
// own pages show: its text, contents, headings and the comparisons of its
// versions. The pages that list every policy (Summary) and the link rule
// (given the policy's Anchors) read only the rest; an upcoming version
// keeps its links and headings, which the link rule checks.
func (p *Policy) WithoutText() *Policy {
	q := *p
	q.Body, q.Contents, q.Headings = "", nil, nil
	if q.Diff != nil {
		q.Diff = textless
	}
	q.History = make([]*Version, len(p.History))
	for i, v := range p.History {
		w := *v
		w.Body, w.Contents, w.Headings, w.Links = "", nil, nil, nil
		if w.Diff != nil {
			w.Diff = textless
		}
		q.History[i] = &w
	}
	q.Upcoming = make([]*Version, len(p.Upcoming))
	for i, v := range p.Upcoming {
		w := *v
		w.Body, w.Contents = "", nil
		if w.Diff != nil {
			w.Diff = textless
		}
		q.Upcoming[i] = &w
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

// ShortSHA is the first 12 characters of the version's SHA-256, as the
// print stamp shows it.
func (p *Policy) ShortSHA() string { return short(p.SHA256) }

// ShortSHA is the first 12 characters of the version's SHA-256.
func (v *Version) ShortSHA() string { return short(v.SHA256) }

func short(sha string) string { return sha[:min(12, len(sha))] }
