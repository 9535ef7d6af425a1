package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// historyFiles is a site whose "rules" policy has three versions in force
// one after the other, with a renamed heading, a moved section and word
// changes, and a fourth coming into force after buildDay, approved, that
// changes a table and a list, so every part of the comparison, history and
// upcoming pages is drawn.
func historyFiles() map[string]string {
	f := map[string]string{"site.yaml": "title: Test\nbase_url: https://example.org/\n"}
	v := func(version, eff, note, body string) string {
		return "---\ntitle: Rules\nversion: \"" + version + "\"\neffective: " + eff + "\nnext_review: 2028-01-01\nowner: Me\nchanges: " + note + "\n---\n\n" + body
	}
	f["content/rules/history/1.0.md"] = v("1.0", "2024-01-01", "First.", "Intro.\n\n## Scope\n\nAll staff.\n\n## Keeping\n\nSix years.\n")
	f["content/rules/history/1.1.md"] = v("1.1", "2025-01-01", "Longer.", "Intro.\n\n## Keeping\n\nSeven years.\n\n## Scope\n\nAll staff and volunteers.\n")
	f["content/rules/history/1.2.md"] = strings.Replace(v("1.2", "2026-01-01", "Renamed.", "Intro.\n\n## Retention\n\nSeven years.\n\n| Record | Kept |\n|---|---|\n| Registers | 3 years |\n\n## Scope\n\nAll staff and volunteers.\n\n- Staff\n- Governors\n\n## New\n\nAdded text.\n"),
		"---\n\n", "reviews:\n  - date: 2026-06-01\n    by: the Board\n    note: no changes\n    approved_by: the Board\n    approved_on: 2026-06-01\n    minute: B 7\n---\n\n", 1)
	f["content/rules/index.md"] = strings.Replace(v("1.3", "2027-01-05", "Tables.", "Intro.\n\n## Retention\n\nSeven years, **always**.\n\n| Record | Kept |\n|---|---|\n| Registers | 5 years |\n| Visitors | 1 year |\n\n## Scope\n\nAll staff and volunteers.\n\n- Staff\n- Volunteers\n- Governors\n\n## New\n\nAdded text.\n"),
		"---\n\n", "approved_by: the Board\napproved_on: 2026-11-20\nminute: B 9\n---\n\n", 1)
	return f
}

// axe-core finds no WCAG 2.2 A/AA violation on the history, superseded
// and upcoming version, comparison, changes and index pages and the policy
// page with its notice of the upcoming version, in light and dark: the
// <ins>/<del> colours keep their contrast.
func TestHistoryAccessibility(t *testing.T) {
	s := build(t, historyFiles(), buildDay)
	for _, scheme := range []string{"light", "dark"} {
		tb := newTab(t)
		tb.colourScheme(t, scheme)
		for _, p := range []string{"/rules/history/", "/rules/v/1.0/", "/rules/compare/1.1/", "/rules/compare/1.2/", "/rules/v/1.3/", "/rules/compare/1.3/", "/changes/", "/rules/", "/"} {
			tb.do(t, chromedp.Navigate(s.URL+p))
			tb.axeCheck(t, p+" ("+scheme+")")
		}
	}
}
