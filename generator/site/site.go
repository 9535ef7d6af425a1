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
	"sync"
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

// A CertStatus is where a certification site.yaml declares stands
// against its expires: date.
type CertStatus int

const (
	Valid    CertStatus = iota // held, expiring later than warn_days on
	Expiring                   // held, expiring within warn_days
	Expired                    // past its expires: date, no longer held
)

// String returns the status as policies.json says it, in the pages'
// words: "valid", "expiring" or "expired".
func (s CertStatus) String() string {
	return [...]string{"valid", "expiring", "expired"}[s]
}

// MarshalText writes the status word.
func (s CertStatus) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Class returns the class of the status's line on a page, that of the
// review status it reads like (current, due-soon, overdue): the style
// sheet colours both alike, and site.js works both out again on the day
// the page is read.
func (s CertStatus) Class() string { return Status(s).String() }

// CertStatusOf returns the status of certification c on day now: expired
// from the day after c.Expires, expiring from warnDays before it, as
// StatusOf counts. The build's summary, check, the pages and
// policies.json all ask here.
func CertStatusOf(c config.Certification, now date.Date, warnDays int) CertStatus {
	return CertStatus(StatusOf(c.Expires, now, warnDays))
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
	// LastReview is the latest entry of the version's reviews log, if any.
	LastReview *frontmatter.ReviewEntry
	// SHA256 is the hex SHA-256 of the version's text: its file after the
	// front matter, which reviews and approvals leave alone.
	SHA256 string
	// Upcoming are the versions published ahead of coming into force,
	// oldest first (Prepare). The policy itself is then the version in
	// force, its file one of history/, and Until its last day.
	Upcoming []*Version
	Until    date.Date
	// School is the id of the school whose own file this is
	// (content/<school>/); empty for the trust's.
	School string
	// PerSchool is set on a trust policy that names a school's variables
	// ({{ school.name }}): each school's centre publishes it, the trust's
	// does not.
	PerSchool bool
}

// A Version is a version of a policy other than the one in force: an
// earlier, superseded one, or an upcoming one (Policy.Upcoming).
type Version struct {
	// File is the source, relative to the site root.
	File string
	*frontmatter.Meta
	Body     template.HTML
	Headings []markdown.Heading
	Contents []Entry
	Links    []Link
	// Diff is what changed from the version before; nil for the first.
	Diff *history.Comparison
	// Previous is the version before, "" for the first.
	Previous string
	// SHA256 is the hex SHA-256 of the version's text (Policy.SHA256).
	SHA256 string
	// Until is the last day an earlier version was in force: the day
	// before the next took effect. Zero for the newest.
	Until date.Date
}

// A Change is one version of one policy in the site's list of changes.
type Change struct {
	// Policy is the summary of the policy's current version: its
	// Record's, which every Change of the policy shares.
	Policy    *Summary
	Version   string
	Effective date.Date
	Note      string
	// Current is true for a policy's version in force.
	Current bool
	// Upcoming is true for a version that comes into force later.
	Upcoming bool
	// Compare is true when there is an earlier version to compare with.
	Compare bool
	// Until is the last day an earlier version was in force.
	Until date.Date
	// Approval and Reviews are the version's own.
	frontmatter.Approval
	Reviews []frontmatter.ReviewEntry
	SHA256  string
}

// Changes lists every version of every policy, newest first (ChangesOf).
// A Site made by New makes the list once.
func (s *Site) Changes() []Change {
	if s.changes == nil {
		return ChangesOf(s.Records)
	}
	return s.changes()
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
	Config   *config.Site
	Now      date.Date
	Policies []*Policy
	// Records are the policies' records (Policy.Record), in their order.
	Records    []*Record
	Categories []Category
	Overdue    int
	DueSoon    int
	// CertsExpired and CertsDueSoon count site.yaml's certifications
	// that have expired on Now, or expire within warn_days of it.
	CertsExpired, CertsDueSoon int
	// changes are Changes, made once (New): the list of changes and the
	// feed both read them.
	changes func() []Change
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
// and groups them. records are the policies' (Policy.Record), in their
// order, made after Prepare; nil makes them here, from policies that still
// hold their text. It takes ownership of the slices.
func New(cfg *config.Site, now date.Date, policies []*Policy, records []*Record) *Site {
	s := &Site{Config: cfg, Now: now, Policies: policies}
	for _, c := range cfg.Certifications {
		switch CertStatusOf(c, now, cfg.Review.WarnDays) {
		case Expired:
			s.CertsExpired++
		case Expiring:
			s.CertsDueSoon++
		}
	}
	if records == nil {
		for _, p := range policies {
			p.Prepare(now, cfg.Review.WarnDays)
			records = append(records, p.Record())
		}
	}
	if o := (inOrder{policies, records}); !sort.IsSorted(o) { // most often they come in the last render's order (Order)
		sort.Stable(o)
	}
	s.Records = records
	s.changes = sync.OnceValue(func() []Change { return ChangesOf(records) })
	byName := map[string]int{}
	named := false // a policy names a category
	for _, p := range policies {
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

// inOrder sorts policies and their records in index order (Less).
type inOrder struct {
	p []*Policy
	r []*Record
}

func (o inOrder) Len() int           { return len(o.p) }
func (o inOrder) Less(i, j int) bool { return Less(o.p[i], o.p[j]) }
func (o inOrder) Swap(i, j int) {
	o.p[i], o.p[j] = o.p[j], o.p[i]
	o.r[i], o.r[j] = o.r[j], o.r[i]
}

// Prepare computes what New does for p alone: which version is in force
// on now (InForce), its review status on now and its last review. A
// build that writes each policy's pages before it has read every policy
// calls it first.
func (p *Policy) Prepare(now date.Date, warnDays int) {
	p.InForce(now)
	p.Status = StatusOf(p.NextReview, now, warnDays)
	p.DaysLeft = p.NextReview.Sub(now)
	p.LastReview = nil
	for i := range p.Reviews {
		if r := &p.Reviews[i]; p.LastReview == nil || !r.Date.Before(p.LastReview.Date) {
			p.LastReview = r
		}
	}
}

// InForce makes p the version in force on now when its newest version
// (the one parsed as p) takes effect later: the newest of its versions
// that took effect by now, or its first when none has. The later ones
// become p.Upcoming, oldest first. It is idempotent: once p is in force
// (or has no earlier version), it does nothing. The policy's review date
// is its newest version's.
func (p *Policy) InForce(now date.Date) {
	if !p.Effective.After(now) || len(p.History) == 0 {
		return
	}
	chain := make([]*Version, 0, len(p.History)+1) // oldest first
	for i := len(p.History) - 1; i >= 0; i-- {
		chain = append(chain, p.History[i])
	}
	chain = append(chain, p.AsVersion())
	k := 0
	for i, v := range chain {
		if !v.Effective.After(now) {
			k = i
		}
	}
	cur := chain[k]
	// The newest version's review date is the policy's: approving it
	// was the review, and its file is the one to edit.
	m, newest := *cur.Meta, chain[len(chain)-1].Meta
	m.NextReview, m.Pos = newest.NextReview, cur.Meta.Pos.Clone()
	m.Pos.Set("next_review", newest.Pos.At("next_review"))
	p.File, p.Meta, p.Body, p.Headings, p.Contents, p.Links, p.Diff, p.SHA256 = cur.File, &m, cur.Body, cur.Headings, cur.Contents, cur.Links, cur.Diff, cur.SHA256
	p.Until, p.Upcoming, p.History = cur.Until, chain[k+1:], nil
	for i := k - 1; i >= 0; i-- {
		p.History = append(p.History, chain[i])
	}
}

// AsVersion returns p's version in force as a Version: the page at its
// version's own address (/<slug>/v/<version>/) shows it.
func (p *Policy) AsVersion() *Version {
	v := &Version{File: p.File, Meta: p.Meta, Body: p.Body, Headings: p.Headings, Contents: p.Contents, Links: p.Links,
		Diff: p.Diff, SHA256: p.SHA256, Until: p.Until}
	if len(p.History) > 0 {
		v.Previous = p.History[0].Version
	}
	return v
}

// PublishedIn reports whether the centre of school ("" for the trust's)
// publishes p, a trust policy: a school's, unless p's schools: leaves it
// out; the trust's, always.
func (p *Policy) PublishedIn(school string) bool {
	return school == "" || len(p.Schools) == 0 || slices.Contains(p.Schools, school)
}

// HasHistory reports whether p has a history page: when it has an
// earlier or upcoming version or a review to list. A policy of one version and no
// reviews has nothing there its own page does not show, so it gets no
// history page and nothing links to one. pages (and so the link check,
// through pages.Set.Paths), the theme and the sitemap all ask here.
func (p *Policy) HasHistory() bool {
	return len(p.History) > 0 || len(p.Upcoming) > 0 || len(p.Reviews) > 0
}

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

// A Link is a link in a policy to a policy or heading, with its line and
// column in the policy's file (At). A build keeps every policy's links
// to the end, to check them.
type Link struct {
	markdown.Link
	Line, Col int32
}

// NewLink returns k at pos.
func NewLink(k markdown.Link, pos diag.Pos) Link {
	return Link{Link: k, Line: int32(pos.Line), Col: int32(pos.Col)}
}

// At returns the link's position in file, the file of the policy or
// version that has it.
func (k Link) At(file string) diag.Pos {
	return diag.Pos{File: file, Line: int(k.Line), Col: int(k.Col)}
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
