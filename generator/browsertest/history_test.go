package browsertest

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// historyFiles is a site whose "rules" policy has three versions, with a
// renamed heading, a moved section and word changes, so every part of the
// comparison page is drawn.
func historyFiles() map[string]string {
	f := map[string]string{"site.yaml": "title: Test\nbase_url: https://example.org/\n"}
	v := func(version, eff, note, body string) string {
		return "---\ntitle: Rules\nversion: \"" + version + "\"\neffective: " + eff + "\nnext_review: 2027-01-01\nowner: Me\nchanges: " + note + "\n---\n\n" + body
	}
	f["content/rules/history/1.0.md"] = v("1.0", "2024-01-01", "First.", "Intro.\n\n## Scope\n\nAll staff.\n\n## Keeping\n\nSix years.\n")
	f["content/rules/history/1.1.md"] = v("1.1", "2025-01-01", "Longer.", "Intro.\n\n## Keeping\n\nSeven years.\n\n## Scope\n\nAll staff and volunteers.\n")
	f["content/rules/index.md"] = v("1.2", "2026-01-01", "Renamed.", "Intro.\n\n## Retention\n\nSeven years.\n\n## Scope\n\nAll staff and volunteers.\n\n## New\n\nAdded text.\n")
	return f
}

// axe-core finds no WCAG 2.2 A/AA violation on the history, superseded
// version, comparison and changes pages, in light and dark: the <ins>/<del>
// colours keep their contrast.
func TestHistoryAccessibility(t *testing.T) {
	s := build(t, historyFiles(), buildDay)
	for _, scheme := range []string{"light", "dark"} {
		tb := newTab(t)
		tb.colourScheme(t, scheme)
		for _, p := range []string{"/rules/history/", "/rules/v/1.0/", "/rules/compare/1.1/", "/rules/compare/1.2/", "/changes/", "/rules/"} {
			tb.do(t, chromedp.Navigate(s.URL+p))
			tb.axeCheck(t, p+" ("+scheme+")")
		}
	}
}
