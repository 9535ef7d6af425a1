package browsertest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/serve"
	"github.com/policysite/policysite/internal/testtools"
)

// The preview's overlay after a failed save, at a phone's width and a
// laptop's: it lists every finding, errors first, with file:line:col and
// rule; it covers at most half of the screen, so the last good page shows
// above it; it is first in the tab order, and Hide (Enter on it, or
// Escape) dismisses it, handing focus to the page, for every page until
// the next failed build, which brings it back. axe-core and the HTML
// checker pass with it open.
func TestOverlay(t *testing.T) {
	live := serve.NewLive(exampleOutputs(t))
	srv := httptest.NewServer(live)
	t.Cleanup(srv.Close)
	at := func(line, col int) diag.Pos { return diag.Pos{File: "content/privacy-notice.md", Line: line, Col: col} }
	findings := diag.List{
		{Pos: at(5, 1), Severity: diag.Warning, Rule: "unknown-field", Message: `unknown field "next_reveiw" (did you mean "next_review"?): ignored`},
		{Pos: at(1, 1), Severity: diag.Error, Rule: "front-matter", Message: `missing required field "next_review"`},
		{Pos: at(40, 12), Severity: diag.Warning, Rule: "placeholder", Message: "unfilled placeholder [insert name]"},
	}
	want := []string{
		`content/privacy-notice.md:1:1 error: missing required field "next_review" [front-matter]`,
		`content/privacy-notice.md:5:1 warning: unknown field "next_reveiw" (did you mean "next_review"?): ignored [unknown-field]`,
		`content/privacy-notice.md:40:12 warning: unfilled placeholder [insert name] [placeholder]`,
	}
	live.Fail(findings)

	// The page with the overlay is valid HTML.
	vnu := testtools.VNU(t)
	page := filepath.Join(t.TempDir(), "overlay.html")
	resp, err := http.Get(srv.URL + "/privacy-notice/")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || !bytes.Contains(body, []byte(`id="policysite-errors"`)) {
		t.Fatalf("the page has no overlay (%v)", err)
	}
	if err := os.WriteFile(page, body, 0o644); err != nil {
		t.Fatal(err)
	}
	htmlValid(t, vnu, filepath.Dir(page))

	dir := screenshotDir(t, "overlay")
	const listed = `[].map.call(document.querySelectorAll("#policysite-errors li"), function (li) { return li.textContent; })`
	for _, w := range []int64{390, 1280} {
		tb := newTab(t)
		tb.do(t, chromedp.EmulateViewport(w, 800))
		tb.open(t, srv.URL+"/privacy-notice/")
		if !tb.visible(t, "#policysite-errors") {
			t.Fatalf("at %d px no overlay after a failed build", w)
		}
		if got := eval[[]string](t, tb, listed); !slices.Equal(got, want) {
			t.Errorf("at %d px the overlay lists\n%q\nwant\n%q", w, got, want)
		}
		if h := eval[float64](t, tb, `document.getElementById("policysite-errors").getBoundingClientRect().height`); h > 400.5 {
			t.Errorf("at %d px the overlay is %.0f px of the 800 px screen, want at most half", w, h)
		}
		if !eval[bool](t, tb, `(function(){var h=document.querySelector("main h1").getBoundingClientRect(); var e=document.elementFromPoint(h.left+2, h.top+h.height/2); return !!e && !!e.closest("main")})()`) {
			t.Errorf("at %d px the overlay hides the page's heading", w)
		}
		if msg := eval[string](t, tb, overflowJS); msg != "" {
			t.Errorf("at %d px the page with the overlay scrolls sideways: %s", w, msg)
		}
		tb.axeCheck(t, fmt.Sprintf("the overlay at %d px", w))
		tb.screenshot(t, filepath.Join(dir, fmt.Sprintf("overlay-%d.png", w)), false)

		tb.do(t, chromedp.KeyEvent(kb.Tab))
		if f := eval[string](t, tb, `document.activeElement.textContent`); f != "Hide" {
			t.Fatalf("at %d px the first Tab reaches %q, want the overlay's Hide", w, f)
		}
		tb.do(t, chromedp.KeyEvent(kb.Enter))
		if tb.visible(t, "#policysite-errors") {
			t.Fatalf("at %d px Enter on Hide left the overlay open", w)
		}
		if id := eval[string](t, tb, `document.activeElement.id`); id != "main" {
			t.Errorf("at %d px after Hide focus is on %q, want the page's main", w, id)
		}
		tb.open(t, srv.URL+"/")
		if tb.visible(t, "#policysite-errors") {
			t.Errorf("at %d px the hidden overlay came back on another page before another failure", w)
		}

		// The next failed build brings it back; Escape hides it.
		tb.do(t, chromedp.Navigate("about:blank"))
		live.Fail(findings[1:2])
		tb.open(t, srv.URL+"/")
		if !tb.visible(t, "#policysite-errors") {
			t.Fatalf("at %d px the next failure's overlay stays hidden", w)
		}
		if got := eval[[]string](t, tb, listed); !slices.Equal(got, want[:1]) {
			t.Errorf("at %d px the next failure's overlay lists %q, want %q", w, got, want[:1])
		}
		tb.do(t, chromedp.KeyEvent(kb.Escape))
		if tb.visible(t, "#policysite-errors") {
			t.Errorf("at %d px Escape left the overlay open", w)
		}
		tb.do(t, chromedp.Navigate("about:blank"))
		live.Fail(findings)
	}
}
