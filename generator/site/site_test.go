package site

import (
	"cmp"
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/frontmatter"
	"github.com/policysite/policysite/generator/markdown"
)

func TestStatusOf(t *testing.T) {
	d := func(s string) date.Date {
		v, err := date.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name, next, now string
		warn            int
		want            Status
	}{
		{"due today is not yet overdue", "2026-03-31", "2026-03-31", 30, DueSoon},
		{"one day late", "2026-03-31", "2026-04-01", 30, Overdue},
		{"a year late", "2025-03-31", "2026-04-01", 30, Overdue},
		{"exactly warn days ahead", "2026-03-31", "2026-03-01", 30, DueSoon},
		{"warn days plus one", "2026-03-31", "2026-02-28", 30, Current},
		{"month means its end: last day", "2026-02", "2026-02-28", 30, DueSoon},
		{"month means its end: next day", "2026-02", "2026-03-01", 30, Overdue},
		{"month means its end, leap year", "2024-02", "2024-02-29", 0, DueSoon},
		{"no warning window", "2026-03-31", "2026-03-30", 0, Current},
		{"far ahead", "2027-09-30", "2026-11-23", 30, Current},
	}
	for _, tt := range tests {
		if got := StatusOf(d(tt.next), d(tt.now), tt.warn); got != tt.want {
			t.Errorf("%s: StatusOf(%s, %s, %d) = %v, want %v", tt.name, tt.next, tt.now, tt.warn, got, tt.want)
		}
	}
}

// TestCertStatusOf: a certificate is held on its expires: day and expired
// the day after; it says so in policies.json in the pages' words, and its
// line on a page takes the class of the review status it reads like.
func TestCertStatusOf(t *testing.T) {
	c := config.Certification{Expires: date.Date{Year: 2026, Month: 12, Day: 14}}
	for _, tt := range []struct {
		now         date.Date
		want        CertStatus
		word, class string
	}{
		{date.Date{Year: 2026, Month: 11, Day: 13}, Valid, "valid", "current"},
		{date.Date{Year: 2026, Month: 11, Day: 14}, Expiring, "expiring", "due-soon"},
		{date.Date{Year: 2026, Month: 12, Day: 14}, Expiring, "expiring", "due-soon"},
		{date.Date{Year: 2026, Month: 12, Day: 15}, Expired, "expired", "overdue"},
	} {
		got := CertStatusOf(c, tt.now, 30)
		text, _ := got.MarshalText()
		if got != tt.want || string(text) != tt.word || got.Class() != tt.class {
			t.Errorf("on %s: %v (%s, class %s), want %v (%s, class %s)", tt.now, got, text, got.Class(), tt.want, tt.word, tt.class)
		}
	}
}

func TestContents(t *testing.T) {
	hs := []markdown.Heading{
		{Level: 3, ID: "early"}, {Level: 2, ID: "a"}, {Level: 3, ID: "a1"}, {Level: 4, ID: "deep"},
		{Level: 3, ID: "a2"}, {Level: 2, ID: "b"},
	}
	got := Contents(hs)
	if len(got) != 3 || got[0].ID != "early" || got[1].ID != "a" || len(got[1].Children) != 2 || got[1].Children[1].ID != "a2" || got[2].ID != "b" {
		t.Errorf("Contents = %+v", got)
	}
}

func TestAnchors(t *testing.T) {
	a := Anchors{IDs: []string{"scope", "individuals-rights", "your-rights", "データ保護"}, Aliases: []string{"individualsrsquo-rights"}}
	tests := []struct {
		frag      string
		has       bool
		suggested string
	}{
		{"individuals-rights", true, ""},
		{"individualsrsquo-rights", true, ""}, // an old id, kept
		{"fn:1", true, ""},
		{"individual-right", false, "individuals-rights"},
		{"individualsrsquo-right", false, "individuals-rights"}, // never the alias
		{"scopes", false, "scope"},
		{"rights", false, "your-rights"}, // contained
		{"データ", false, "データ保護"},
		{"governors", false, ""},
		{"sc", false, "scope"}, // contained
	}
	for _, tt := range tests {
		if got := a.Has(tt.frag); got != tt.has {
			t.Errorf("Has(%q) = %v, want %v", tt.frag, got, tt.has)
		}
		if tt.has {
			continue
		}
		if got := a.Nearest(tt.frag); got != tt.suggested {
			t.Errorf("Nearest(%q) = %q, want %q", tt.frag, got, tt.suggested)
		}
	}
}

// The index's sections: named categories by site.yaml's weight, then by
// name; uncategorised policies last, as "Other policies", or as
// "Policies" when no policy names a category. A policy that names "Other
// policies" is in that one section, which site.yaml may weigh.
func TestCategoryOrder(t *testing.T) {
	pol := func(title, cat string, weight int) *Policy {
		return &Policy{Slug: strings.ToLower(title), Meta: &frontmatter.Meta{Title: title, Category: cat, Weight: weight}}
	}
	cfg := &config.Site{Categories: []config.Category{{Name: "Safeguarding", Weight: -1}, {Name: "Data protection", Weight: 5}}}
	weighed := &config.Site{Categories: []config.Category{{Name: "Safeguarding", Weight: -1}, {Name: "Other policies", Weight: 1}, {Name: "Data protection", Weight: 5}}}
	tests := []struct {
		name     string
		policies []*Policy
		want     string
		cfg      *config.Site // cfg when nil
	}{
		{"weights then names, other last", []*Policy{pol("A", "", -9), pol("B", "Data protection", 0), pol("C", "Our service", 0), pol("D", "Safeguarding", 9), pol("E", "Admissions", 3)},
			"Safeguarding:D|Admissions:E|Our service:C|Data protection:B|Other policies:A", nil},
		{"none named", []*Policy{pol("B", "", 2), pol("A", "", 1)}, "Policies:A,B", nil},
		{"none", nil, "", nil},
		{"other named: one section, still last", []*Policy{pol("A", "", 0), pol("B", "Other policies", 0), pol("C", "Data protection", 0)},
			"Data protection:C|Other policies:A,B", nil},
		{"other weighed: its place", []*Policy{pol("A", "", 0), pol("B", "Other policies", 0), pol("C", "Data protection", 0), pol("D", "Safeguarding", 0)},
			"Safeguarding:D|Other policies:A,B|Data protection:C", weighed},
		{"only other, named", []*Policy{pol("A", "Other policies", 0), pol("B", "", 0)}, "Other policies:A,B", nil},
	}
	for _, tt := range tests {
		c := cmp.Or(tt.cfg, cfg)
		s := New(c, date.New(2026, 1, 1), tt.policies, nil)
		var got []string
		for _, c := range s.Categories {
			var ts []string
			for _, p := range c.Policies {
				ts = append(ts, p.Title)
			}
			got = append(got, c.Name+":"+strings.Join(ts, ","))
		}
		if g := strings.Join(got, "|"); g != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, g, tt.want)
		}
	}
}

func TestProcessorChanges(t *testing.T) {
	until := date.New(2026, 8, 31)
	later := date.New(2027, 1, 31)
	cfg := &config.Site{Processors: []config.Processor{
		{Name: "Ledger Line", Since: date.New(2019, 4, 1)},
		{Name: "Tuckbox Pay!", Since: date.New(2020, 9, 1), Until: &until},
		{Name: "ParentPost", Since: date.New(2026, 8, 31)},
		{Name: "Soon", Since: date.New(2026, 12, 1), Until: &later},
	}}
	var got []string
	for _, c := range ProcessorChanges(cfg, date.New(2026, 11, 23)) {
		s := c.ID()
		if c.Upcoming {
			s += " (upcoming)"
		}
		got = append(got, s)
	}
	want := []string{
		"removed-2027-01-31-soon (upcoming)",
		"added-2026-12-01-soon (upcoming)",
		"removed-2026-08-31-tuckbox-pay",
		"added-2026-08-31-parentpost",
		"added-2020-09-01-tuckbox-pay",
		"added-2019-04-01-ledger-line",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
