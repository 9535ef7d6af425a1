package site

import (
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/frontmatter"
	"github.com/policysite/policysite/generator/history"
)

// policyOf makes a policy whose versions take effect on the given days,
// oldest first, each reviewed a year later; its history attached as a
// build attaches it.
func policyOf(t *testing.T, days ...string) *Policy {
	t.Helper()
	mk := func(i int, day string) *Policy {
		eff, err := date.Parse(day)
		if err != nil {
			t.Fatal(err)
		}
		v := "1." + string(rune('0'+i))
		file := "content/p/history/" + v + ".md"
		if i == len(days)-1 {
			file = "content/p/index.md"
		}
		m := &frontmatter.Meta{Title: "P", Version: v, Effective: eff, NextReview: eff.AddMonths(12)}
		m.Pos.Set("next_review", diag.Pos{File: file, Line: 5, Col: 14})
		return &Policy{Slug: "p", File: file, Meta: m, SHA256: "sha" + v}
	}
	var earlier []Earlier
	for i, d := range days[:len(days)-1] {
		h := mk(i, d)
		earlier = append(earlier, Earlier{Path: h.File, Version: h.Version, Policy: h})
	}
	p := mk(len(days)-1, days[len(days)-1])
	if l := p.AttachHistory(earlier, func(int, int) *history.Comparison { return &history.Comparison{} }); len(l) > 0 {
		t.Fatal(l)
	}
	return p
}

// describe writes which version is in force, until when, and the others.
func describeForce(p *Policy) string {
	var up, past []string
	for _, v := range p.Upcoming {
		up = append(up, v.Version)
	}
	for _, v := range p.History {
		past = append(past, v.Version)
	}
	s := p.Version + " from " + p.Effective.String()
	if !p.Until.IsZero() {
		s += " to " + p.Until.String()
	}
	return s + "; upcoming [" + strings.Join(up, " ") + "]; earlier [" + strings.Join(past, " ") + "]; review " + p.NextReview.String() + " at " + p.Meta.Pos.At("next_review").File
}

func TestInForce(t *testing.T) {
	for _, tc := range []struct {
		name string
		days []string
		now  string
		want string
	}{
		{"one version", []string{"2026-01-01"}, "2026-06-01", "1.0 from 2026-01-01; upcoming []; earlier []; review 2027-01-01 at content/p/index.md"},
		{"newest in force", []string{"2025-01-01", "2026-01-01"}, "2026-06-01", "1.1 from 2026-01-01; upcoming []; earlier [1.0]; review 2027-01-01 at content/p/index.md"},
		{"newest ahead", []string{"2025-01-01", "2027-01-05"}, "2026-12-02", "1.0 from 2025-01-01 to 2027-01-04; upcoming [1.1]; earlier []; review 2028-01-05 at content/p/index.md"},
		{"its day", []string{"2025-01-01", "2027-01-05"}, "2027-01-05", "1.1 from 2027-01-05; upcoming []; earlier [1.0]; review 2028-01-05 at content/p/index.md"},
		{"two ahead", []string{"2024-01-01", "2025-01-01", "2027-01-05", "2027-09-01"}, "2026-12-02",
			"1.1 from 2025-01-01 to 2027-01-04; upcoming [1.2 1.3]; earlier [1.0]; review 2028-09-01 at content/p/index.md"},
		{"none in force yet", []string{"2027-01-05", "2027-09-01"}, "2026-12-02", "1.0 from 2027-01-05 to 2027-08-31; upcoming [1.1]; earlier []; review 2028-09-01 at content/p/index.md"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := policyOf(t, tc.days...)
			now, _ := date.Parse(tc.now)
			p.InForce(now)
			if got := describeForce(p); got != tc.want {
				t.Errorf("InForce:\n got %s\nwant %s", got, tc.want)
			}
			p.InForce(now) // New calls Prepare again: nothing more changes
			if got := describeForce(p); got != tc.want {
				t.Errorf("InForce twice:\n got %s\nwant %s", got, tc.want)
			}
			var versions []string
			r := p.Record()
			for _, c := range r.Changes() {
				mark := ""
				switch {
				case c.Current:
					mark = "*"
				case c.Upcoming:
					mark = "+"
				}
				versions = append(versions, c.Version+mark)
			}
			if len(versions) != len(tc.days) {
				t.Errorf("changes %v: every version once", versions)
			}
		})
	}
}
