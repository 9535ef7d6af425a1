package browsertest

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/policysite/policysite/internal/testtools"
)

// wcagTags are axe-core's tags for WCAG 2.0, 2.1 and 2.2 at levels A and AA.
const axeRun = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}})
  .then(function (r) { return r.violations.map(function (v) {
    return v.id + ": " + v.help + " at " + v.nodes.map(function (n) { return n.target.join(" ") + " (" + n.failureSummary.replace(/\s+/g, " ") + ")"; }).join("; ");
  }); })`

// axeCheck runs axe-core on the page as it stands (injecting it when the
// page has not got it) and reports each WCAG 2.2 A/AA violation after what.
func (tb *tab) axeCheck(t *testing.T, what string) {
	t.Helper()
	if !eval[bool](t, tb, `typeof axe !== "undefined"`) {
		eval[bool](t, tb, string(testtools.AxeJS(t))+"\n;true")
	}
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe: %v", what, err)
	}
	for _, msg := range v {
		t.Errorf("%s: %s", what, msg)
	}
}

// axe-core finds no WCAG 2.2 A/AA violation on the index, a policy page, the
// 404 page, the request form and the open consent banner, in light and dark.
func TestAccessibility(t *testing.T) {
	tp := newThirdParty(t)
	s := build(t, files("1", tp.URL+"/a.js", true), buildDay)
	pages := []struct {
		name, path, then string
	}{
		{"index", "/", `document.querySelector("[data-consent=none]").click()`},
		{"policy", "/old/", `document.querySelector("[data-consent=none]").click()`},
		{"cookie policy", "/cookies/", `document.querySelector("[data-consent=none]").click()`},
		{"404", "/no-such-page/", `document.querySelector("[data-consent=none]").click()`},
		{"requests", "/requests/", `document.querySelector("[data-consent=none]").click()`},
		{"banner open", "/", `document.querySelector("[aria-controls=consent-choose]").click()`},
	}
	for _, scheme := range []string{"light", "dark"} {
		tb := newTab(t)
		tb.colourScheme(t, scheme)
		for _, p := range pages {
			tb.do(t, chromedp.Navigate(s.URL+p.path))
			if p.name == "banner open" {
				// a fresh visitor: forget the choice made on the earlier pages
				eval[bool](t, tb, `document.cookie = "policysite_consent=; max-age=0; path=/", true`)
				tb.do(t, chromedp.Navigate(s.URL+p.path))
			}
			eval[bool](t, tb, p.then+`, true`)
			if p.name == "banner open" && !tb.visible(t, "#consent-choose") {
				t.Fatal("the banner's Choose panel did not open")
			}
			tb.axeCheck(t, p.name+" ("+scheme+")")
		}
	}
}

// axe-core finds no violation on the example's school centre, a school's
// own policy, and the trust centre's page of a policy each school words its
// own way.
func TestSchoolAccessibility(t *testing.T) {
	srv, _ := exampleSite(t)
	tb := newTab(t)
	for _, p := range []string{"/st-aidans/", "/st-aidans/complaints/", "/safeguarding/"} {
		tb.open(t, srv.URL+p)
		tb.axeCheck(t, p)
	}
}

// The consent script stays under 4 KB minified and the theme's CSS and
// JavaScript together under 12 KB (10 KB before the index's filter, which
// may add a little over 1 KB), measured from the built output.
func TestAssetBudget(t *testing.T) {
	s := build(t, files("1", "", true), buildDay)
	total, consent := 0, 0
	for p, b := range s.outputs {
		if !strings.HasPrefix(p, "assets/") {
			continue
		}
		if strings.HasSuffix(p, ".css") || strings.HasSuffix(p, ".js") {
			total += len(b)
		}
		if strings.HasPrefix(p, "assets/consent.") {
			consent += len(b)
		}
	}
	if consent == 0 || consent >= 4*1024 {
		t.Errorf("consent JavaScript is %d bytes minified; the budget is 4 KB", consent)
	}
	if total == 0 || total >= 12*1024 {
		t.Errorf("theme CSS and JavaScript are %d bytes minified; the budget is 12 KB", total)
	}
	t.Logf("consent.js %d bytes, CSS+JS %d bytes", consent, total)
}

var (
	inlineScript = regexp.MustCompile(`<script\b[^>]*>`)
	styleAttr    = regexp.MustCompile(`(?i)<[^>]+\sstyle\s*=`)
	eventAttr    = regexp.MustCompile(`(?i)<[^>]+\son[a-z]+\s*=`)
)

// The CSP forbids inline scripts and styles: no page, theme or markdown
// output (tables, footnotes) may have any.
func TestNoInlineScriptOrStyle(t *testing.T) {
	s := build(t, files("1", "https://stats.example.org/s.js", true), buildDay)
	f := files("1", "", true)
	f["content/rich.md"] = "---\ntitle: Rich\nversion: \"1\"\neffective: 2026-01-01\nnext_review: 2027-01-01\nowner: Me\n---\n\n## Table\n\n| a | b | c |\n|:-|:-:|-:|\n| 1 | 2 | 3 |\n\nA note.[^1]\n\nTerm\n: Definition\n\n[^1]: The note.\n"
	rich := build(t, f, buildDay)
	for _, site := range []*site{s, rich} {
		for p, b := range site.outputs {
			if !strings.HasSuffix(p, ".html") {
				continue
			}
			for _, tag := range inlineScript.FindAll(b, -1) {
				if !bytes.Contains(tag, []byte(" src=")) && !bytes.Contains(tag, []byte(`type="text/plain"`)) {
					t.Errorf("%s: inline script %s", p, tag)
				}
			}
			if bytes.Contains(b, []byte("<style")) || styleAttr.Match(b) || eventAttr.Match(b) {
				t.Errorf("%s: inline style or event handler: %s", p, styleAttr.Find(b))
			}
		}
	}
	if !bytes.Contains(rich.outputs["rich/index.html"], []byte(`class="c"`)) {
		t.Error("the fixture's centred column should render with a class")
	}
}

// The banner with its categories, the inert scripts and the cookie table
// are valid HTML. (generator's TestHTMLValid checks the example site, which
// has no optional cookies.)
func TestConsentHTMLValid(t *testing.T) {
	vnu := testtools.VNU(t)
	s := build(t, files("1", "https://stats.example.org/s.js", true), buildDay)
	dir := t.TempDir()
	n := 0
	for p, b := range s.outputs {
		if strings.HasSuffix(p, ".html") {
			f := filepath.Join(dir, filepath.FromSlash(p))
			os.MkdirAll(filepath.Dir(f), 0o755)
			if err := os.WriteFile(f, b, 0o644); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	if n < 6 {
		t.Fatalf("only %d pages", n)
	}
	htmlValid(t, vnu, dir)
}

// htmlValid runs the Nu HTML Checker (vnu, from testtools.VNU) over the
// pages in dir and reports each error it finds.
func htmlValid(t *testing.T, vnu []string, dir string) {
	t.Helper()
	cmd := exec.Command(vnu[0], append(vnu[1:], "--errors-only", "--format", "json", "--skip-non-html", dir)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Run() // exits 1 on errors; the report says which
	var report struct {
		Messages []struct{ URL, Message, Extract string }
	}
	if err := json.Unmarshal(stderr.Bytes(), &report); err != nil {
		t.Fatalf("vnu output: %v\n%s", err, stderr.String())
	}
	for _, m := range report.Messages {
		t.Errorf("%s: %s\n  %s", strings.TrimPrefix(m.URL, "file:"+dir), m.Message, m.Extract)
	}
}
