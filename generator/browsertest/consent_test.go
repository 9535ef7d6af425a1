package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/internal/testtools"
)

var buildDay = date.New(2026, 11, 23)

// files is a representative site: a cookie policy, a policy current at
// build time, one already overdue, a request form, and cookie categories.
// scriptSrc, when set, declares an analytics script from that URL.
func files(revision, scriptSrc string, optional bool) map[string]string {
	y := `title: Test policies
organisation:
  name: Test School
  email: office@example.org
security_contact: mailto:security@example.org
requests:
  relay_url: https://relay.example.org/requests
cookies:
  policy: cookies
  revision: "` + revision + `"
  categories:
    - id: necessary
      title: Strictly necessary
      description: Cookies the site needs to work.
      cookies:
        - {name: policysite_consent, provider: this site, purpose: remembers your cookie choice, duration: 6 months}
`
	if optional {
		y += `    - id: analytics
      title: Analytics
      description: Count visits so we know which policies are read.
      cookies:
        - {name: _fa_id, provider: Fake Analytics, purpose: tells visits apart, duration: 1 year}
        - {name: _fa_ses_*, provider: Fake Analytics, purpose: groups the pages of one visit, duration: 30 minutes}
    - id: marketing
      title: Marketing
      description: Measure our newsletter campaigns.
      cookies:
        - {name: _mk, provider: Fake Mailer, purpose: links a visit to a campaign, duration: 90 days}
`
	}
	if scriptSrc != "" {
		y += "scripts:\n  - src: " + scriptSrc + "\n    category: analytics\n    data: {domain: policies.example.org}\n"
	}
	policy := func(title, next, body string) string {
		return "---\ntitle: " + title + "\nversion: \"1.0\"\neffective: 2026-01-01\nnext_review: " + next + "\nowner: Head teacher\n---\n\n" + body
	}
	return map[string]string{
		"site.yaml":           y,
		"content/cookies.md":  policy("Cookie policy", "2027-09-30", "## What cookies are\n\nSmall files.\n\n## Cookies we use\n\nThe table lists them.\n\n## Changing your mind\n\nUse the cookie settings link.\n"),
		"content/handbook.md": policy("Staff handbook", "2027-06-30", "## Scope\n\nEveryone.\n\n| Item | Days |\n|:--|--:|\n| Leave | 25 |\n"),
		"content/old.md":      policy("Lettings policy", "2026-01-31", "## Scope\n\nHalls.\n"),
	}
}

// onlyFrom fails when the tab requested anything from an origin not listed.
func onlyFrom(t *testing.T, tb *tab, origins ...string) {
	t.Helper()
	for _, u := range tb.requests() {
		ok := false
		for _, o := range origins {
			ok = ok || strings.HasPrefix(u, o+"/")
		}
		if !ok {
			t.Errorf("request to %s; only %v allowed", u, origins)
		}
	}
}

func cookies(t *testing.T, tb *tab) string { return eval[string](t, tb, `document.cookie`) }

func TestFirstVisitAcceptAll(t *testing.T) {
	tp := newThirdParty(t)
	s := build(t, files("1", tp.URL+"/a.js", true), buildDay)
	tb := newTab(t)
	tb.open(t, s.URL+"/")
	if !tb.visible(t, "#consent") || !tb.visible(t, `#consent [data-consent="all"]`) || !tb.visible(t, `#consent [data-consent="none"]`) {
		t.Fatal("first visit: the consent banner with Accept all and Reject all should show")
	}
	if tb.visible(t, "#consent-choose") {
		t.Error("the Choose panel should start closed")
	}
	if n := tp.hits.Load(); n != 0 {
		t.Errorf("the analytics script was requested %d times before consent", n)
	}
	if c := cookies(t, tb); c != "" {
		t.Errorf("cookies set before any choice: %q", c)
	}
	onlyFrom(t, tb, s.URL)

	tb.click(t, `#consent [data-consent="all"]`)
	tb.waitFor(t, `window.fakeAnalytics === "policies.example.org"`)
	if tb.visible(t, "#consent") {
		t.Error("the banner should close after Accept all")
	}
	if c := cookies(t, tb); !strings.Contains(c, "policysite_consent=") || !strings.Contains(c, "_fa_id=visitor") {
		t.Errorf("after Accept all, cookies %q", c)
	}
	tb.noCSPViolation(t)

	tb.open(t, s.URL+"/handbook/")
	tb.waitFor(t, `window.fakeAnalytics === "policies.example.org"`)
	if tb.visible(t, "#consent") {
		t.Error("the banner should not ask again on the next page")
	}
	if n := tp.hits.Load(); n != 2 {
		t.Errorf("analytics script requested %d times over two consented page views, want 2", n)
	}
	onlyFrom(t, tb, s.URL, tp.URL)
}

func TestRejectAllPersists(t *testing.T) {
	tp := newThirdParty(t)
	s := build(t, files("1", tp.URL+"/a.js", true), buildDay)
	tb := newTab(t)
	tb.open(t, s.URL+"/")
	tb.click(t, `#consent [data-consent="none"]`)
	if tb.visible(t, "#consent") {
		t.Error("the banner should close after Reject all")
	}
	if said := eval[string](t, tb, `document.getElementById("consent-said").textContent`); said == "" {
		t.Error("the choice should be confirmed in the status region")
	}
	for _, p := range []string{"/", "/handbook/", "/cookies/"} {
		tb.open(t, s.URL+p)
		if tb.visible(t, "#consent") {
			t.Errorf("%s: the banner asked again after Reject all", p)
		}
	}
	if n := tp.hits.Load(); n != 0 {
		t.Errorf("the analytics script was requested %d times after Reject all", n)
	}
	if c := cookies(t, tb); strings.Contains(c, "_fa") || !strings.Contains(c, "policysite_consent=") {
		t.Errorf("after Reject all, cookies %q", c)
	}
	onlyFrom(t, tb, s.URL)
}

// Choose one category of two; the choice holds across pages, the footer
// link reopens the banner showing it, and withdrawing it is as easy as giving
// it: the script stops on the next page and its cookies are deleted.
func TestChooseThenWithdraw(t *testing.T) {
	tp := newThirdParty(t)
	s := build(t, files("1", tp.URL+"/a.js", true), buildDay)
	tb := newTab(t)
	tb.open(t, s.URL+"/")
	tb.click(t, `#consent [aria-controls="consent-choose"]`)
	if !tb.visible(t, "#consent-choose") || eval[string](t, tb, `document.querySelector("[aria-controls=consent-choose]").getAttribute("aria-expanded")`) != "true" {
		t.Fatal("Choose should open the panel and say so")
	}
	if eval[bool](t, tb, `document.getElementById("cc-analytics").checked || document.getElementById("cc-marketing").checked`) {
		t.Error("optional categories must start switched off")
	}
	tb.click(t, "#cc-analytics")
	tb.click(t, `#consent [data-consent="choose"]`)
	tb.waitFor(t, `window.fakeAnalytics !== undefined`)

	tb.open(t, s.URL+"/handbook/")
	tb.waitFor(t, `window.fakeAnalytics !== undefined`)
	if c := cookies(t, tb); !strings.Contains(c, "_fa_id") || !strings.Contains(c, "_fa_ses_1") {
		t.Fatalf("analytics cookies missing after consent: %q", c)
	}

	tb.click(t, "footer a.cookie-settings")
	if !tb.visible(t, "#consent") || eval[string](t, tb, `document.activeElement.id`) != "consent" {
		t.Fatal("the footer's Cookie settings link should reopen the banner and move focus to it")
	}
	tb.click(t, `#consent [aria-controls="consent-choose"]`)
	if !eval[bool](t, tb, `document.getElementById("cc-analytics").checked && !document.getElementById("cc-marketing").checked`) {
		t.Error("the panel should show the current choice")
	}
	tb.click(t, "#cc-analytics")
	tb.click(t, `#consent [data-consent="choose"]`)
	if c := cookies(t, tb); strings.Contains(c, "_fa_") {
		t.Errorf("withdrawing analytics should delete its cookies, left %q", c)
	}
	before := tp.hits.Load()
	tb.open(t, s.URL+"/")
	if eval[bool](t, tb, `window.fakeAnalytics !== undefined`) || tp.hits.Load() != before {
		t.Error("after withdrawal the analytics script still loads on the next page")
	}
}

// A new revision of the declaration, or a choice six months old, asks again
// and runs nothing optional until answered.
func TestReaskOnRevisionAndAge(t *testing.T) {
	tp := newThirdParty(t)
	s1 := build(t, files("1", tp.URL+"/a.js", true), buildDay)
	s2 := build(t, files("2", tp.URL+"/a.js", true), buildDay) // same host: cookies are shared across ports
	tb := newTab(t)
	tb.open(t, s1.URL+"/")
	tb.click(t, `#consent [data-consent="all"]`)
	tb.waitFor(t, `window.fakeAnalytics !== undefined`)
	before := tp.hits.Load()

	tb.open(t, s2.URL+"/")
	if !tb.visible(t, "#consent") {
		t.Error("a new cookie revision should ask again")
	}
	if eval[bool](t, tb, `window.fakeAnalytics !== undefined`) || tp.hits.Load() != before {
		t.Error("with a new revision, nothing optional may run before the visitor answers")
	}

	tb.open(t, s1.URL+"/")
	if tb.visible(t, "#consent") {
		t.Fatal("the revision 1 choice should still hold on the revision 1 site")
	}
	if _, err := chromedp.Call(tb.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: testtools.ClockScript(viewedAt.AddDate(0, 0, 190))}); err != nil {
		t.Fatal(err)
	}
	tb.open(t, s1.URL+"/")
	if !tb.visible(t, "#consent") {
		t.Error("a choice more than six months old should be asked again")
	}
}

func TestPlainNoticeWithoutOptionalCookies(t *testing.T) {
	s := build(t, files("1", "", false), buildDay)
	tb := newTab(t)
	tb.open(t, s.URL+"/")
	if !tb.visible(t, "#consent") || tb.visible(t, `[data-consent="all"]`) || !tb.visible(t, `[data-consent="ok"]`) {
		t.Fatal("with no optional cookies, a plain dismissible notice should show, with nothing to accept")
	}
	if href := eval[string](t, tb, `document.querySelector("#consent a").getAttribute("href")`); href != "/cookies/" {
		t.Errorf("notice links to %q, want the cookie policy", href)
	}
	tb.click(t, `[data-consent="ok"]`)
	tb.open(t, s.URL+"/handbook/")
	if tb.visible(t, "#consent") {
		t.Error("a dismissed notice should stay dismissed")
	}
	onlyFrom(t, tb, s.URL)
}

// Keyboard only: the banner is reached right after the skip link, every
// control works from the keyboard with a visible focus ring, and focus
// moves on past the banner (no trap).
func TestKeyboardOnly(t *testing.T) {
	tp := newThirdParty(t)
	s := build(t, files("1", tp.URL+"/a.js", true), buildDay)
	tb := newTab(t)
	tb.open(t, s.URL+"/")
	focused := func() string {
		return eval[string](t, tb, `(function(){var e=document.activeElement; return (e.closest("#consent")?"banner:":"page:")+(e.getAttribute("data-consent")||e.id||e.textContent.trim())})()`)
	}
	ringVisible := func() bool {
		return eval[bool](t, tb, `(function(){var s=getComputedStyle(document.activeElement); return s.outlineStyle!=="none" && parseFloat(s.outlineWidth)>0})()`)
	}
	var seen []string
	for range 8 {
		tb.do(t, chromedp.KeyEvent(kb.Tab))
		seen = append(seen, focused())
	}
	want := []string{"page:Skip to content", "banner:How we use cookies", "banner:all", "banner:none", "banner:Choose"}
	if strings.Join(seen[:5], "|") != strings.Join(want, "|") {
		t.Errorf("tab order %q, want it to start %q", seen, want)
	}
	if strings.HasPrefix(seen[7], "banner:") {
		t.Errorf("focus stays in the banner: %q", seen)
	}

	tb.open(t, s.URL+"/")
	for range 5 {
		tb.do(t, chromedp.KeyEvent(kb.Tab))
	}
	if focused() != "banner:Choose" || !ringVisible() {
		t.Fatalf("focus on %q, ring visible %v", focused(), ringVisible())
	}
	tb.do(t, chromedp.KeyEvent(kb.Enter))
	if !tb.visible(t, "#consent-choose") {
		t.Fatal("Enter on Choose should open the panel")
	}
	tb.do(t, chromedp.KeyEvent(kb.Tab))
	if focused() != "banner:cc-analytics" || !ringVisible() {
		t.Fatalf("after Choose, focus on %q (want the analytics toggle, with a visible ring)", focused())
	}
	tb.do(t, chromedp.KeyEvent(" "))
	tb.do(t, chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Tab))
	if focused() != "banner:choose" {
		t.Fatalf("focus on %q, want Save my choices", focused())
	}
	tb.do(t, chromedp.KeyEvent(kb.Enter))
	tb.waitFor(t, `window.fakeAnalytics !== undefined`)
	if tb.visible(t, "#consent") {
		t.Error("saving from the keyboard should close the banner")
	}
	if id := eval[string](t, tb, `document.activeElement.id`); id != "consent-said" {
		t.Errorf("after saving, focus is on %q; want the confirmation, where the banner was", id)
	}
	tb.do(t, chromedp.KeyEvent(kb.Tab))
	if f := focused(); f != "page:"+eval[string](t, tb, `document.querySelector(".brand a").textContent`) {
		t.Errorf("the next Tab after saving reaches %q, want the site's name link", f)
	}
}

// A page built while its policy was current warns when viewed after the
// review date: the page's clock is set forward, the built HTML is not.
func TestOverdueReevaluatedInBrowser(t *testing.T) {
	s := build(t, files("1", "", false), buildDay)
	if !strings.Contains(string(s.outputs["handbook/index.html"]), `class="notice current"`) {
		t.Fatal("at build time the handbook is current")
	}
	// Viewed on the day it was built, the page agrees with the build.
	tb := newTab(t)
	tb.open(t, s.URL+"/")
	if got := eval[string](t, tb, `document.querySelector("[data-summary]").textContent`); got != "3 policies · 1 overdue" {
		t.Errorf("index summary viewed on the day of the build: %q", got)
	}
	tb = newTab(t, testtools.ClockScript(time.Date(2028, time.January, 15, 12, 0, 0, 0, time.UTC)))
	tb.open(t, s.URL+"/handbook/")
	if got := eval[string](t, tb, `document.querySelector(".notice").textContent`); !strings.HasPrefix(got, "Review overdue") || !tb.visible(t, ".notice") {
		t.Errorf("viewed in 2028 the notice reads %q", got)
	}
	tb.open(t, s.URL+"/")
	if got := eval[string](t, tb, `document.querySelector("[data-summary]").textContent`); got != "3 policies · 3 overdue" {
		t.Errorf("index summary viewed in 2028: %q", got)
	}
}

// Without JavaScript: the notice informs and links, no optional script can
// run, nothing comes from another origin, and the build-time status shows.
func TestWithoutJavaScript(t *testing.T) {
	tp := newThirdParty(t)
	s := build(t, files("1", tp.URL+"/a.js", true), buildDay)
	tb := newTab(t)
	tb.noScript(t)
	tb.do(t, chromedp.Navigate(s.URL+"/old/"))
	text := eval[string](t, tb, `document.getElementById("consent").innerText`)
	if !strings.Contains(text, "only if you agree") || !strings.Contains(text, "How we use cookies") {
		t.Errorf("without JavaScript the notice should still inform: %q", text)
	}
	if tb.visible(t, ".consent-do") {
		t.Error("buttons that cannot work without JavaScript should not show")
	}
	if got := eval[string](t, tb, `document.querySelector(".notice").textContent`); !strings.HasPrefix(got, "Review overdue") {
		t.Errorf("the build-time overdue warning should show: %q", got)
	}
	tb.do(t, chromedp.Navigate(s.URL+"/"))
	if n := tp.hits.Load(); n != 0 {
		t.Errorf("the analytics script was requested %d times without JavaScript", n)
	}
	onlyFrom(t, tb, s.URL)
}

// A site that declares no cookies has no notice and loads no consent script.
func TestNoCookiesNoNotice(t *testing.T) {
	f := files("1", "", false)
	y := f["site.yaml"]
	f["site.yaml"] = y[:strings.Index(y, "cookies:")]
	s := build(t, f, buildDay)
	tb := newTab(t)
	tb.open(t, s.URL+"/")
	if eval[bool](t, tb, `!!document.getElementById("consent")`) {
		t.Error("no cookies declared, yet a notice")
	}
	for _, u := range tb.requests() {
		if strings.Contains(u, "consent") {
			t.Errorf("requested %s", u)
		}
	}
}
