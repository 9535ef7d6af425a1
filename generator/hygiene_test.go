package generator

import (
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/internal/sitetest"
)

func TestCookiePolicyMustExist(t *testing.T) {
	fsys := sitetest.FS("-- site.yaml --\ntitle: T\ncookies:\n  policy: cookie-policy\n")
	_, err := Render(Options{Source: fsys, Now: date.New(2026, 1, 1)})
	if err == nil || !strings.Contains(err.Error(), "site.yaml:3:3: cookies.policy: no policy content/cookie-policy.md") {
		t.Errorf("got %v", err)
	}
}

// The cookie table is the theme's, from site.yaml's declaration: what
// site.yaml says is escaped, and the table ends the "Cookies we use"
// section.
func TestCookieTableEscaped(t *testing.T) {
	fsys := sitetest.FS(`-- site.yaml --
title: T
cookies:
  policy: cookies
  categories:
    - id: necessary
      cookies:
        - name: prefs
          provider: "us & co"
          purpose: 'says "hello" <b>not bold</b>'
          duration: a day
-- content/cookies.md --
---
title: Cookies
version: "1.0"
effective: 2026-01-01
next_review: 2027-01-01
owner: Office
---

## Cookies we use

Only one.

## Contact

Ask the office.
`)
	res, err := Render(Options{Source: fsys, Now: date.New(2026, 6, 1)})
	if err != nil {
		t.Fatal(err)
	}
	var page string
	for _, o := range res.Outputs {
		if o.Path == "cookies/index.html" {
			page = string(o.Body)
		}
	}
	want := "<p>Only one.</p>\n<div class=\"cookie-tables\">\n<table>\n<caption>Strictly necessary (always on)</caption>\n" +
		"<thead><tr><th scope=\"col\">Cookie</th><th scope=\"col\">Set by</th><th scope=\"col\">Purpose</th><th scope=\"col\">Duration</th></tr></thead>\n" +
		"<tbody>\n<tr><td><code>prefs</code></td><td>us &amp; co</td><td>says &#34;hello&#34; &lt;b&gt;not bold&lt;/b&gt;</td><td>a day</td></tr>\n</tbody>\n</table>\n</div>\n<h2 id=\"contact\">"
	if !strings.Contains(page, want) {
		t.Errorf("cookies/index.html has no\n%s\nin\n%s", want, page)
	}
}
