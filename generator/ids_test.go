package generator

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/markdown"
	"github.com/policysite/policysite/internal/sitetest"
	"github.com/policysite/policysite/themes"
)

// idAttr matches an id attribute in a layout or a page: its value up to
// the first template action, and whether one follows.
var idAttr = regexp.MustCompile(`\sid="([^"{]*)(\{\{)?`)

// The ids markdown keeps headings clear of are the ones the default
// theme's layouts that show a policy's text give their own elements: every
// literal id there is in markdown.ThemeIDs, every id made in a template
// starts with markdown.ThemeIDPrefix, and every one listed is still used.
func TestThemeIDsReserved(t *testing.T) {
	var literal []string
	for _, name := range []string{"base.html", "policy.html", "version.html"} {
		b, err := fs.ReadFile(themes.Default(), "layouts/"+name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range idAttr.FindAllStringSubmatch(string(b), -1) {
			id, made := m[1], m[2] != ""
			switch {
			case made && m[1] == "":
				t.Errorf("%s: id=%q is made whole by a template: give it a fixed prefix for markdown.ThemeIDPrefix", name, m[0])
			case made && !strings.HasPrefix(id, markdown.ThemeIDPrefix):
				t.Errorf("%s: id %q... is made from data and does not start with markdown.ThemeIDPrefix %q", name, id, markdown.ThemeIDPrefix)
			case !made && !slices.Contains(markdown.ThemeIDs, id) && !strings.HasPrefix(id, markdown.ThemeIDPrefix):
				t.Errorf("%s: id %q is not in markdown.ThemeIDs: a heading could take it", name, id)
			case !made:
				literal = append(literal, id)
			}
		}
	}
	for _, id := range markdown.ThemeIDs {
		if !slices.Contains(literal, id) {
			t.Errorf("markdown.ThemeIDs has %q, which no layout that shows a policy uses", id)
		}
	}
}

// No id is on a page twice, whatever a policy's headings are called: a
// heading "Main" or "Consent" does not take the theme's id, which the skip
// link and the cookie notice need.
func TestHeadingIDsUnique(t *testing.T) {
	fsys := sitetest.FS(`-- site.yaml --
title: T
base_url: https://example.org/policies/
cookies:
  policy: cookies
  revision: "1"
  categories:
    - id: necessary
      cookies:
        - name: policysite_consent
          provider: us
          purpose: remembers choices
          duration: a day
    - id: analytics
      title: Analytics
      description: Counts visits.
      cookies:
        - name: _pk_id.*
          provider: us
          purpose: counts visits
          duration: a year
-- content/cookies.md --
---
title: Cookies
version: "1.0"
effective: 2026-01-01
next_review: 2027-01-01
owner: Office
---
## Main

Text.

## Consent

Text.

## Consent said

Text.

## TOC

Text.

## CC analytics

Text.

## CC analytics d

Text.

## CC necessary

Text.[^1]

## Fn 1

Text.

## Cookies we use

Only two.

[^1]: A note.
`)
	res, err := Render(Options{Source: fsys, Now: date.New(2026, 6, 1)})
	if err != nil {
		t.Fatal(err)
	}
	pages := 0
	for _, o := range res.Outputs {
		if !strings.HasSuffix(o.Path, ".html") {
			continue
		}
		pages++
		seen := map[string]bool{}
		for _, m := range idAttr.FindAllStringSubmatch(string(o.Body), -1) {
			if seen[m[1]] {
				t.Errorf("%s: id %q twice", o.Path, m[1])
			}
			seen[m[1]] = true
		}
		if o.Path == "cookies/index.html" {
			for _, id := range []string{"main", "main-1", "consent", "consent-1", "toc", "toc-1", "cc-analytics", "s-cc-analytics", "fn:1", "s-fn-1"} {
				if !seen[id] {
					t.Errorf("%s: no id %q", o.Path, id)
				}
			}
		}
	}
	if pages < 3 {
		t.Errorf("only %d pages", pages)
	}
}
