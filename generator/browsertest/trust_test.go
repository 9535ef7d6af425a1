package browsertest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/policysite/policysite/internal/testtools"
)

// The trust pages of the example site, /processors/ with its tables, the
// index and the security statement with their certificates, pass the Nu
// HTML Checker and axe-core's WCAG 2.2 A/AA rules in light and dark, at a
// phone's width and a laptop's.
func TestTrustPagesAccessible(t *testing.T) {
	vnu := testtools.VNU(t)
	dir := t.TempDir()
	trust := []string{"processors/index.html", "index.html", "security-statement/index.html", "privacy-notice/index.html", "changes/index.html"}
	for _, o := range exampleOutputs(t) {
		for _, p := range trust {
			if o.Path == p {
				f := filepath.Join(dir, filepath.FromSlash(p))
				os.MkdirAll(filepath.Dir(f), 0o755)
				if err := os.WriteFile(f, o.Body, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "processors", "index.html")); err != nil {
		t.Fatal("the example site has no /processors/ page")
	}
	htmlValid(t, vnu, dir)

	srv, _ := exampleSite(t)
	for _, scheme := range []string{"light", "dark"} {
		tb := newTab(t)
		tb.colourScheme(t, scheme)
		for _, width := range []int64{390, 1280} {
			tb.do(t, chromedp.EmulateViewport(width, 800))
			for _, p := range trust {
				path := "/" + strings.TrimSuffix(p, "index.html")
				tb.open(t, srv.URL+path)
				tb.axeCheck(t, path+" ("+scheme+", "+strconv.FormatInt(width, 10)+" px)")
				if overflow := eval[bool](t, tb, `document.documentElement.scrollWidth > document.documentElement.clientWidth`); overflow {
					t.Errorf("%s at %d px: the page scrolls sideways", path, width)
				}
			}
		}
	}
}

// certStatus is the status line of the certificate with id on the page:
// its class and text.
const certStatus = `(function (id) { var e = document.querySelector("#cc-cert-" + id + " .status"); return e ? e.className + ": " + e.textContent : "none"; })`

// The example was built on 23 November 2026, when its IASME Cyber Assurance
// (expiring 14 December 2026) was due soon and Cyber Essentials Plus
// (expiring 9 February 2027) held. Read later, the page says what is true
// on the day it is read, from the dates it carries; without JavaScript it
// says what was true when it was built.
func TestCertificateExpiryRechecked(t *testing.T) {
	srv, _ := exampleSite(t)
	for _, tc := range []struct {
		name       string
		at         time.Time // zero: the build's day (viewedAt)
		noScript   bool
		assurance  string
		essentials string
	}{
		{"built", time.Time{}, false,
			"status cert due-soon: Held, expires soon: valid until 14 December 2026.", "status cert current: Held: valid until 9 February 2027."},
		{"on its last day", time.Date(2026, time.December, 14, 23, 30, 0, 0, time.UTC), false,
			"status cert due-soon: Held, expires soon: valid until 14 December 2026.", "status cert current: Held: valid until 9 February 2027."},
		{"the day after", time.Date(2026, time.December, 15, 0, 30, 0, 0, time.UTC), false,
			"status cert overdue: Expired on 14 December 2026: we do not hold this certification at present.", "status cert current: Held: valid until 9 February 2027."},
		{"a year on", time.Date(2027, time.November, 23, 12, 0, 0, 0, time.UTC), false,
			"status cert overdue: Expired on 14 December 2026: we do not hold this certification at present.", "status cert overdue: Expired on 9 February 2027: we do not hold this certification at present."},
		{"a year on, no JavaScript", time.Date(2027, time.November, 23, 12, 0, 0, 0, time.UTC), true,
			"status cert due-soon: Held, expires soon: valid until 14 December 2026.", "status cert current: Held: valid until 9 February 2027."},
		{"before", time.Date(2025, time.December, 20, 12, 0, 0, 0, time.UTC), false,
			"status cert current: Held: valid until 14 December 2026.", "status cert current: Held: valid until 9 February 2027."},
	} {
		var setup []string
		if !tc.at.IsZero() {
			setup = append(setup, testtools.ClockScript(tc.at))
		}
		tb := newTab(t, setup...)
		if tc.noScript {
			tb.noScript(t)
		}
		for _, path := range []string{"/", "/security-statement/"} {
			tb.open(t, srv.URL+path)
			if got := eval[string](t, tb, certStatus+`("cyber-assurance")`); got != tc.assurance {
				t.Errorf("%s, %s: IASME Cyber Assurance reads\n  %s\nwant\n  %s", tc.name, path, got, tc.assurance)
			}
			if got := eval[string](t, tb, certStatus+`("cyber-essentials-plus")`); got != tc.essentials {
				t.Errorf("%s, %s: Cyber Essentials Plus reads\n  %s\nwant\n  %s", tc.name, path, got, tc.essentials)
			}
			if path == "/" && !tc.noScript {
				// The index's summary still counts policies, not certificates.
				if got := eval[string](t, tb, `document.querySelector("[data-summary]").textContent`); !strings.HasPrefix(got, "8 policies") {
					t.Errorf("%s: summary %q counts certificates as policies", tc.name, got)
				}
			}
		}
	}
}
