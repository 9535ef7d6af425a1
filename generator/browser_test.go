package generator

import (
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/output"
	"github.com/policysite/policysite/generator/publish"
	"github.com/policysite/policysite/internal/testtools"
)

// viewedAt is when the browser's pages think it is, whatever the machine's
// clock says (testtools.PinClock).
var viewedAt = time.Date(2026, time.November, 23, 12, 0, 0, 0, time.UTC)

// dumpDOM loads url in headless Chromium, its clock at viewedAt, and
// returns the DOM after the page's scripts ran.
func dumpDOM(t *testing.T, url string) string {
	t.Helper()
	ctx := testtools.Browser(t, viewedAt)
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	dom, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	return dom
}

// A page ages: built when the data protection policy was current, it must
// still warn when it is viewed after the review date (viewedAt, in the
// test's browser), and the index must count as a build on that day counts.
// Without JavaScript the page is the built HTML, checked first.
func TestReviewStatusReevaluatedInBrowser(t *testing.T) {
	res, srv := serveExample(t, date.Date{Year: 2024, Month: 9, Day: 1})

	notice := regexp.MustCompile(`<p class="notice[^"]*"[^>]*>[^<]*</p>`)
	built := notice.FindString(string(outputOf(t, res, "data-protection/index.html")))
	if !strings.Contains(built, " hidden") || !strings.Contains(built, "current") {
		t.Fatalf("at build time (1 September 2024) the policy should be current: %s", built)
	}
	viewed := notice.FindString(dumpDOM(t, srv.URL+"/data-protection/"))
	if !strings.Contains(viewed, "Review overdue: this policy was due for review by 31 July 2025") || strings.Contains(viewed, "hidden") {
		t.Errorf("viewed on 23 November 2026, the page should warn that the review is overdue: %s", viewed)
	}

	summary := regexp.MustCompile(`data-summary[^>]*>([^<]*)<`)
	then, err := Render(Options{Source: os.DirFS(testtools.Root()), Now: date.Of(viewedAt)})
	if err != nil {
		t.Fatal(err)
	}
	want := summary.FindStringSubmatch(string(outputOf(t, then, "index.html")))
	got := summary.FindStringSubmatch(dumpDOM(t, srv.URL+"/"))
	if want == nil || got == nil || got[1] != want[1] || !strings.Contains(want[1], " overdue") {
		t.Errorf("index summary viewed on 23 November 2026: %q, want %q (a build of that day)", got, want)
	}
}

// serveExample builds the example site for day now, minified as a build
// writes it, and serves it until the test ends.
func serveExample(t *testing.T, now date.Date) (*Result, *httptest.Server) {
	t.Helper()
	res, err := Render(Options{Source: os.DirFS(testtools.Root()), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if err := output.MinifyAll(res.Outputs); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := publish.Write(dir+"/site", res.Outputs); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir + "/site")))
	t.Cleanup(srv.Close)
	return res, srv
}

func outputOf(t *testing.T, res *Result, path string) []byte {
	t.Helper()
	for _, o := range res.Outputs {
		if o.Path == path {
			return o.Body
		}
	}
	t.Fatalf("no output %s", path)
	return nil
}

// A version announced ahead: built on 23 November 2026, the information
// security statement's page says version 2.0 comes into force on 5
// January 2027. Viewed the day before, it still says so; viewed on that
// day on a site not rebuilt, the notice on the page and on 2.0's own page
// says 2.0 is in force. Without JavaScript the built HTML says what was
// true when it was built, checked first.
func TestUpcomingNoticeSwitchesInBrowser(t *testing.T) {
	res, srv := serveExample(t, date.Date{Year: 2026, Month: 11, Day: 23})

	built := string(outputOf(t, res, "security-statement/index.html"))
	if !strings.Contains(built, `<span data-before>A new version (2.0) comes into force on <time datetime="2027-01-05">5 January 2027</time>`) ||
		!strings.Contains(built, `<span data-after hidden>`) {
		t.Fatalf("built on 23 November 2026, the page should announce version 2.0:\n%s", built)
	}
	// What a reader sees of each notice: the visible text of .upcoming.
	const seen = `Array.from(document.querySelectorAll(".upcoming")).map(n => n.hidden ? "" : Array.from(n.querySelectorAll("span")).filter(s => !s.hidden && s.parentNode === n).map(s => s.textContent).join("")).join("|")`
	for _, tc := range []struct {
		at         time.Time
		page, want string
	}{
		{time.Date(2027, 1, 4, 23, 30, 0, 0, time.UTC), "/security-statement/", "A new version (2.0) comes into force on 5 January 2027: read it (version 2.0)."},
		{time.Date(2027, 1, 5, 0, 30, 0, 0, time.UTC), "/security-statement/", "Version 2.0 has been in force since 5 January 2027; this page shows version 1.10, which it replaced: read version 2.0."},
		{time.Date(2027, 1, 4, 23, 30, 0, 0, time.UTC), "/security-statement/v/2.0/", "Coming into force: this is version 2.0, in force from 5 January 2027. Until then version 1.10 applies: read version 1.10."},
		{time.Date(2027, 1, 5, 0, 30, 0, 0, time.UTC), "/security-statement/v/2.0/", "In force: version 2.0 has been in force since 5 January 2027."},
	} {
		ctx := testtools.Browser(t, tc.at)
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+tc.page)); err != nil {
			t.Fatalf("chromium: %v", err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](seen))
		if err != nil {
			t.Fatalf("chromium: %v", err)
		}
		if got != tc.want {
			t.Errorf("%s viewed at %s: %q, want %q", tc.page, tc.at.Format(time.RFC3339), got, tc.want)
		}
	}
}
