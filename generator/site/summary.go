package site

import (
	"slices"
	"sort"
	"sync"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/frontmatter"
	"github.com/policysite/policysite/generator/versions"
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
	// NextVersion and NextEffective name the first upcoming version
	// (Policy.Upcoming), if any.
	NextVersion   string
	NextEffective date.Date
}

// Summarize returns p's summary.
func (p *Policy) Summarize() Summary {
	s := Summary{Slug: p.Slug, Title: p.Title, Version: p.Version, Owner: p.Owner, Summary: p.Meta.Summary, Category: p.Category,
		Effective: p.Effective, NextReview: p.NextReview, Status: p.Status, DaysLeft: p.DaysLeft}
	if len(p.Upcoming) > 0 {
		s.NextVersion, s.NextEffective = p.Upcoming[0].Version, p.Upcoming[0].Effective
	}
	return s
}

// A Listing is the site as the pages listing every policy see it: each
// policy's summary (its Record's), in index order and grouped, and the
// counts.
type Listing struct {
	Policies   []*Summary
	Categories []ListedCategory
	Overdue    int
	DueSoon    int
}

// A ListedCategory is a Category of summaries.
type ListedCategory struct {
	Name     string
	Policies []*Summary
}

// Listing returns s as the listing pages see it: the summaries of its
// records, which are in its policies' order.
func (s *Site) Listing() *Listing {
	l := &Listing{Policies: make([]*Summary, len(s.Policies)), Categories: make([]ListedCategory, len(s.Categories)), Overdue: s.Overdue, DueSoon: s.DueSoon}
	of := make(map[*Policy]*Summary, len(s.Policies))
	for i, p := range s.Policies {
		l.Policies[i] = &s.Records[i].Summary
		of[p] = l.Policies[i]
	}
	for i, c := range s.Categories {
		l.Categories[i] = ListedCategory{Name: c.Name, Policies: make([]*Summary, len(c.Policies))}
		for j, p := range c.Policies {
			l.Categories[i].Policies[j] = of[p]
		}
	}
	return l
}

// A Record is what the files for machines (policies.json, the feed,
// sitemap.xml, reviews.ics), the pages listing every policy and the list
// of a centre's pages (pages.Set.Paths) read of one policy: its summary
// and each of its versions as the list of changes shows it, never its
// text. It is made while the policy has its text (Policy.Record) and
// kept after: a build lets go of the text once the policy's pages are
// written (Policy.DropText). What those stages make is kept while the
// records stay the same (SameRecords, SameHashes).
type Record struct {
	Summary
	// Current is the version in force; Upcoming those coming into force,
	// oldest first; History the superseded, newest first (as Policy's).
	Current  Change
	Upcoming []Change
	History  []Change
}

// Record returns p's record.
func (p *Policy) Record() *Record {
	r := &Record{Summary: p.Summarize()}
	sum := &r.Summary
	r.Current = Change{Policy: sum, Version: p.Version, Effective: p.Effective, Note: p.Meta.Changes, Current: true, Compare: p.Diff != nil,
		Until: p.Until, Approval: p.Approval, Reviews: p.Reviews, SHA256: p.SHA256}
	for _, v := range p.Upcoming {
		r.Upcoming = append(r.Upcoming, v.change(sum, true))
	}
	for _, v := range p.History {
		r.History = append(r.History, v.change(sum, false))
	}
	return r
}

// A RecordMemo keeps each policy's Record from one render to the next
// while the files it was parsed from and the day stay the same, so that
// the stages keeping what they made of the records (SameRecords) find the
// unchanged ones at once, by pointer. A nil *RecordMemo keeps nothing.
// Record is safe for concurrent use; Next is called between renders.
type RecordMemo struct {
	mu         sync.Mutex
	last, next map[recordKey]*Record
}

type recordKey struct {
	ids      string
	now      date.Date
	warnDays int
}

// Record returns the record of p, prepared for now and warnDays
// (Prepare), as kept when ids, which name the files p was parsed from,
// are the same as last render's.
func (m *RecordMemo) Record(p *Policy, ids string, now date.Date, warnDays int) *Record {
	if m == nil {
		return p.Record()
	}
	k := recordKey{ids, now, warnDays}
	m.mu.Lock()
	r := m.last[k]
	m.mu.Unlock()
	if r == nil {
		r = p.Record()
	}
	m.mu.Lock()
	if m.next == nil {
		m.next = make(map[recordKey]*Record, len(m.last))
	}
	m.next[k] = r
	m.mu.Unlock()
	return r
}

// Next ends a render: the records it asked for are kept for the next.
func (m *RecordMemo) Next() {
	if m != nil {
		m.last, m.next = m.next, nil
	}
}

func (v *Version) change(p *Summary, upcoming bool) Change {
	return Change{Policy: p, Version: v.Version, Effective: v.Effective, Note: v.Meta.Changes, Upcoming: upcoming, Compare: v.Diff != nil,
		Until: v.Until, Approval: v.Approval, Reviews: v.Reviews, SHA256: v.SHA256}
}

// HasHistory reports whether the policy has a history page
// (Policy.HasHistory).
func (r *Record) HasHistory() bool {
	return len(r.History) > 0 || len(r.Upcoming) > 0 || len(r.Current.Reviews) > 0
}

// Changes returns the policy's versions, newest first, in the order they
// have among every policy's (ChangesOf).
func (r *Record) Changes() []Change { return ChangesOf([]*Record{r}) }

// ChangesOf lists every version of the policies of records, newest
// first: by effective date, then title, then version (newest first).
func ChangesOf(records []*Record) []Change {
	var out []Change
	for _, r := range records {
		out = append(out, r.Current)
		out = append(out, r.Upcoming...)
		out = append(out, r.History...)
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
		return versions.Compare(a.Version, b.Version) > 0
	})
	return out
}

// SameRecords reports whether a and b record the same policies alike, but
// for their versions' hashes (SameHashes), which only policies.json
// shows: an edit of a policy's text leaves the pages listing it alone.
func SameRecords(a, b []*Record) bool {
	same := func(x, y Change) bool {
		return (x.Policy == y.Policy || x.Policy != nil && y.Policy != nil && *x.Policy == *y.Policy) && x.Version == y.Version && x.Effective == y.Effective && x.Note == y.Note && x.Current == y.Current &&
			x.Upcoming == y.Upcoming && x.Compare == y.Compare && x.Until == y.Until && x.Approval == y.Approval && slices.Equal(x.Reviews, y.Reviews)
	}
	return slices.EqualFunc(a, b, func(x, y *Record) bool {
		return x == y || x.Summary == y.Summary && same(x.Current, y.Current) && slices.EqualFunc(x.Upcoming, y.Upcoming, same) && slices.EqualFunc(x.History, y.History, same)
	})
}

// SameHashes reports whether the policies a and b record have the same
// versions' hashes, given SameRecords.
func SameHashes(a, b []*Record) bool {
	sha := func(x, y Change) bool { return x.SHA256 == y.SHA256 }
	return slices.EqualFunc(a, b, func(x, y *Record) bool {
		return x == y || sha(x.Current, y.Current) && slices.EqualFunc(x.Upcoming, y.Upcoming, sha) && slices.EqualFunc(x.History, y.History, sha)
	})
}

// DropText lets go of what only p's own pages show: its text, contents,
// headings and the comparisons of its versions, but for an upcoming
// version's links and headings, which the link rule checks (it is given
// the policy's own anchors: Policy.Anchors). A build calls it once p's
// pages are written, so that it holds one policy's text per core; what
// the later stages read of p is then its Record, made before, and its
// front matter and links. It changes p and its versions in place.
func (p *Policy) DropText() {
	p.Body, p.Contents, p.Headings, p.Diff = "", nil, nil, nil
	for _, v := range p.History {
		v.Body, v.Contents, v.Headings, v.Links, v.Diff = "", nil, nil, nil, nil
	}
	for _, v := range p.Upcoming {
		v.Body, v.Contents, v.Diff = "", nil, nil
	}
}

// A Front is a policy file as the rules comparing a trust's centres read
// it (check.Schools): which policy, whose and its front matter, never its
// text.
type Front struct {
	Slug, File string
	// School is the id of the school whose own file it is (Policy.School).
	School string
	*frontmatter.Meta
}

// Front returns p's front matter and where it is.
func (p *Policy) Front() *Front {
	return &Front{Slug: p.Slug, File: p.File, School: p.School, Meta: p.Meta}
}

// An Order is the index order of the policies of the last render, so that
// sorting a render's policies, which most often are in the same places,
// costs one pass.
type Order struct{ slugs []string }

// New returns New(cfg, now, policies, records), having put the policies
// and their records in the last render's order first, so that New finds
// them sorted; it remembers their order for the next render.
func (o *Order) New(cfg *config.Site, now date.Date, policies []*Policy, records []*Record) *Site {
	last := make(map[string]int, len(o.slugs))
	for i, slug := range o.slugs {
		last[slug] = i
	}
	placed := make([]int, len(o.slugs)) // 1 + the index in policies
	var rest []int
	for i, p := range policies {
		if k, ok := last[p.Slug]; ok {
			placed[k] = i + 1
		} else {
			rest = append(rest, i+1)
		}
	}
	ps, rs := make([]*Policy, 0, len(policies)), make([]*Record, 0, len(policies))
	for _, i := range append(placed, rest...) {
		if i > 0 {
			ps, rs = append(ps, policies[i-1]), append(rs, records[i-1])
		}
	}
	s := New(cfg, now, ps, rs)
	o.slugs = o.slugs[:0]
	for _, p := range s.Policies {
		o.slugs = append(o.slugs, p.Slug)
	}
	return s
}

// ShortSHA is the first 12 characters of the version's SHA-256, as the
// print stamp shows it.
func (p *Policy) ShortSHA() string { return short(p.SHA256) }

// ShortSHA is the first 12 characters of the version's SHA-256.
func (v *Version) ShortSHA() string { return short(v.SHA256) }

func short(sha string) string { return sha[:min(12, len(sha))] }

// A PageKind is what one of a policy's pages besides its own shows.
type PageKind int

const (
	HistoryPage PageKind = iota // every version and what changed
	VersionPage                 // one version in full
	ComparePage                 // one version against the one before
)

// A RecordPage is one of a policy's pages besides its own, as the pages
// stage writes them and sitemap.xml lists them: its folder under the
// centre's root ("privacy/v/2.0/"), what it shows, and of which version:
// the record's Upcoming[I] when Upcoming, else History[I], or the version
// in force when I is -1. NoIndex asks search engines to skip it (a
// superseded version in full); InForce is the version in force at its own
// address, kept because the feed and policies.json gave it out before it
// took effect: the policy's page is its canonical one.
type RecordPage struct {
	Dir              string
	Kind             PageKind
	NoIndex, InForce bool
	Upcoming         bool
	I                int
}

// VersionDir is the folder of version's page of the policy slug, and
// CompareDir of its comparison with the version before, under the
// centre's root.
func VersionDir(slug, version string) string { return slug + "/v/" + version + "/" }

// CompareDir: see VersionDir.
func CompareDir(slug, version string) string { return slug + "/compare/" + version + "/" }

// Pages lists the policy's pages besides its own: its history page (when
// it has one: HasHistory), the comparison of the version in force and
// its own address (when there is an earlier one), then each upcoming and
// each earlier version with its comparison.
func (r *Record) Pages() []RecordPage {
	var out []RecordPage
	if r.HasHistory() {
		out = append(out, RecordPage{Dir: r.Slug + "/history/", Kind: HistoryPage, I: -1})
	}
	if r.Current.Compare && len(r.History) > 0 {
		out = append(out, RecordPage{Dir: CompareDir(r.Slug, r.Version), Kind: ComparePage, I: -1})
	}
	if len(r.History) > 0 {
		out = append(out, RecordPage{Dir: VersionDir(r.Slug, r.Version), Kind: VersionPage, InForce: true, I: -1})
	}
	for i, v := range r.Upcoming {
		out = append(out, RecordPage{Dir: VersionDir(r.Slug, v.Version), Kind: VersionPage, Upcoming: true, I: i})
		if v.Compare {
			out = append(out, RecordPage{Dir: CompareDir(r.Slug, v.Version), Kind: ComparePage, Upcoming: true, I: i})
		}
	}
	for i, v := range r.History {
		out = append(out, RecordPage{Dir: VersionDir(r.Slug, v.Version), Kind: VersionPage, NoIndex: true, I: i})
		if v.Compare {
			out = append(out, RecordPage{Dir: CompareDir(r.Slug, v.Version), Kind: ComparePage, I: i})
		}
	}
	return out
}
