package generator

import (
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/internal/sitetest"
)

// TestCommitted: Options.Committed is called once a render; a policy
// without effective: took effect on its file's last commit, before its
// date:, and is due a review period after (the page says both were
// derived); when the command could not date the files, the build says
// why once, and only if a policy does not say.
func TestCommitted(t *testing.T) {
	const fm = "---\ntitle: %s\nversion: \"1\"\nowner: Office\n"
	files := map[string]string{
		"site.yaml":    "title: Test\nreview:\n  review_period: 2 years\n",
		"content/a.md": strings.Replace(fm, "%s", "Alpha", 1) + "---\nText.\n",
		"content/b.md": strings.Replace(fm, "%s", "Beta", 1) + "date: 2024-02-01\n---\nText.\n",
		"content/c.md": strings.Replace(fm, "%s", "Gamma", 1) + "effective: 2025-05-05\nnext_review: 2026-05-05\n---\nText.\n",
	}
	calls := 0
	days := map[string]date.Date{"content/a.md": date.New(2026, 3, 2), "content/b.md": date.New(2026, 4, 15), "content/c.md": date.New(2026, 6, 1)}
	b := NewBuilder(Options{Source: sitetest.Files(files), Now: exampleNow, Committed: func() (map[string]date.Date, string) {
		calls++
		return days, ""
	}})
	for range 2 {
		if _, err := b.Render(); err != nil {
			t.Fatal(err)
		}
	}
	res, err := b.Render()
	if err != nil {
		t.Fatal(err)
	}
	if calls != 3 {
		t.Errorf("Committed called %d times for 3 renders", calls)
	}
	got := map[string]string{}
	for _, p := range res.Site.Policies {
		got[p.Slug] = p.Meta.Effective.String() + " (" + p.Meta.EffectiveFrom + ") " + p.Meta.NextReview.String() + " (" + p.Meta.NextReviewFrom + ")"
	}
	for slug, want := range map[string]string{
		"a": "2026-03-02 (derived: the day of the file's last commit) 2028-03-02 (derived: 2 years after effective)",
		"b": "2026-04-15 (derived: the day of the file's last commit) 2028-04-15 (derived: 2 years after effective)",
		"c": "2025-05-05 () 2026-05-05 ()",
	} {
		if got[slug] != want {
			t.Errorf("%s: %s, want %s", slug, got[slug], want)
		}
	}

	undated := func(files map[string]string) []string {
		res, _ := Render(Options{Source: sitetest.Files(files), Now: exampleNow, Committed: func() (map[string]date.Date, string) {
			return nil, "the site is a shallow clone"
		}})
		var l []string
		for _, d := range res.Diagnostics {
			if d.File == "site.yaml" {
				l = append(l, d.Error())
			}
		}
		return l
	}
	if l := undated(files); strings.Join(l, "\n") != "site.yaml: warning: no policy is dated by its file's last commit: the site is a shallow clone" {
		t.Errorf("shallow clone, policies without effective:\n%s", strings.Join(l, "\n"))
	}
	delete(files, "content/a.md")
	delete(files, "content/b.md")
	if l := undated(files); len(l) > 0 {
		t.Errorf("shallow clone, every policy dated: %s", strings.Join(l, "\n"))
	}
}
