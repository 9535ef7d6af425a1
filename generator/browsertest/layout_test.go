package browsertest

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/policysite/policysite/generator"
	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/output"
	"github.com/policysite/policysite/generator/serve"
	"github.com/policysite/policysite/internal/testtools"
)

// The widths every page must fit: a small phone, a common phone, a tablet
// and a laptop.
var widths = []int64{320, 390, 768, 1280}

// exampleSite builds the repository's own example site (site.yaml and
// content/) for buildDay and serves it; it returns the server and the
// paths of its pages, sorted: the trust centre's and those of its last
// school, which has a policy of its own (the other schools' are the same
// pages with other names).
func exampleSite(t *testing.T) (*httptest.Server, []string) {
	t.Helper()
	outs := exampleOutputs(t)
	cfg, _ := config.Load(os.DirFS(testtools.Root()))
	var pages []string
	for _, o := range outs {
		first, _, _ := strings.Cut(o.Path, "/")
		if sc := cfg.School(first); sc != nil && sc != &cfg.Schools[len(cfg.Schools)-1] {
			continue
		}
		if strings.HasSuffix(o.Path, ".html") {
			pages = append(pages, "/"+strings.TrimSuffix(o.Path, "index.html"))
		}
	}
	sort.Strings(pages)
	srv := httptest.NewServer(serve.Handler(outs))
	t.Cleanup(srv.Close)
	return srv, pages
}

// exampleOutputs builds the example site for buildDay, minified as
// published.
func exampleOutputs(t *testing.T) []output.File {
	t.Helper()
	res, err := generator.Render(generator.Options{Source: os.DirFS(testtools.Root()), Now: buildDay})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if err := output.MinifyAll(res.Outputs); err != nil {
		t.Fatal(err)
	}
	return res.Outputs
}

// screenshotDir is where the layout tests leave screenshots for people to
// look at: $POLICYSITE_SCREENSHOTS, or testdata/out/ (git-ignored).
func screenshotDir(t *testing.T, sub string) string {
	t.Helper()
	dir := os.Getenv("POLICYSITE_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("testdata", "out")
	}
	dir = filepath.Join(dir, sub)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// screenshot saves the first screen of the open page, or with full the
// whole page, as a PNG.
func (tb *tab) screenshot(t *testing.T, file string, full bool) {
	t.Helper()
	shot := chromedp.CaptureScreenshot()
	if full {
		shot = chromedp.FullScreenshot(100)
	}
	png, err := chromedp.Run(tb.ctx, shot)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// overflowJS names what makes the page wider than the viewport, or is
// empty when nothing does.
const overflowJS = `(function () {
  var de = document.documentElement, w = de.clientWidth, out = [];
  if (de.scrollWidth <= w) return "";
  document.querySelectorAll("body *").forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (r.right > w + 0.5 && e.getClientRects().length && !(e.parentElement && e.parentElement.getBoundingClientRect().right > w + 0.5)) out.push(e.tagName.toLowerCase() + (e.className ? "." + e.className : "") + " to " + Math.round(r.right) + "px");
  });
  return "scrollWidth " + de.scrollWidth + " > clientWidth " + w + ": " + out.slice(0, 5).join(", ");
})()`

// overlapJS lists pairs of visible controls (buttons, inputs, selects,
// textareas, links) in the cookie notice and the request form whose boxes
// intersect. A link's boxes are its line boxes, so a link that wraps is
// not one big rectangle.
const overlapJS = `(function () {
  var boxes = [], out = [];
  document.querySelectorAll(".consent button, .consent input, .consent a, form.request button, form.request input, form.request select, form.request textarea, form.request a").forEach(function (e) {
    if (e.closest(".hp") || getComputedStyle(e).visibility == "hidden") return;
    [].forEach.call(e.getClientRects(), function (r) {
      if (r.width > 0 && r.height > 0) boxes.push({e: e, r: r});
    });
  });
  function name(e) { return e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + " " + JSON.stringify((e.textContent || e.name || "").trim().slice(0, 20)); }
  for (var i = 0; i < boxes.length; i++) for (var j = i + 1; j < boxes.length; j++) {
    var a = boxes[i], b = boxes[j];
    if (a.e == b.e || a.e.contains(b.e) || b.e.contains(a.e)) continue;
    if (a.r.left < b.r.right - 0.5 && b.r.left < a.r.right - 0.5 && a.r.top < b.r.bottom - 0.5 && b.r.top < a.r.bottom - 0.5) out.push(name(a.e) + " and " + name(b.e));
  }
  return out;
})()`

// Every page of the example site fits at every width, light and dark:
// nothing makes the page scroll sideways (a wide table scrolls in its own
// region), and no two controls of the cookie notice or the request form
// overlap. A screenshot of each first screen (of the whole page at the
// narrowest width) is left in screenshotDir.
func TestLayoutEveryWidth(t *testing.T) {
	srv, pages := exampleSite(t)
	// 18 since policies of one version and no reviews have no history
	// page: the guard is that the example site was found, not its size.
	if len(pages) < 15 {
		t.Fatalf("only %d pages in the example site", len(pages))
	}
	dir := screenshotDir(t, "layout")
	for _, scheme := range []string{"light", "dark"} {
		for _, w := range widths {
			tb := newTab(t)
			tb.colourScheme(t, scheme)
			tb.do(t, chromedp.EmulateViewport(w, 800))
			for _, p := range pages {
				tb.open(t, srv.URL+p)
				where := fmt.Sprintf("%s at %d px (%s)", p, w, scheme)
				if msg := eval[string](t, tb, overflowJS); msg != "" {
					t.Errorf("%s scrolls sideways: %s", where, msg)
				}
				if v := eval[[]string](t, tb, overlapJS); len(v) > 0 {
					t.Errorf("%s: controls overlap: %s", where, strings.Join(v, "; "))
				}
				name := strings.Trim(strings.ReplaceAll(p, "/", "_"), "_")
				if name == "" {
					name = "index"
				}
				tb.screenshot(t, filepath.Join(dir, fmt.Sprintf("%s-%d-%s.png", name, w, scheme)), w == widths[0])
			}
		}
	}
}

// On a phone the necessary-only cookie notice is a short strip, not a
// third of the first screen: at most 150 px tall at 320 and 390 px.
func TestCompactNoticeOnPhones(t *testing.T) {
	srv, _ := exampleSite(t)
	tb := newTab(t)
	for _, w := range []int64{320, 390} {
		tb.do(t, chromedp.EmulateViewport(w, 800))
		tb.open(t, srv.URL+"/data-protection/")
		if !tb.visible(t, "#consent") {
			t.Fatal("the example site shows no cookie notice")
		}
		if h := eval[float64](t, tb, `document.getElementById("consent").getBoundingClientRect().height`); h > 150 {
			t.Errorf("at %d px the cookie notice is %.0f px tall, want at most 150", w, h)
		}
	}
}

// The request form keeps its layout with every error shown (a post the
// real relay refuses): no control overlaps another, nothing scrolls
// sideways, and the declaration's label keeps the width of the form
// beside its checkbox rather than being squeezed by its error message.
func TestFormErrorsLayout(t *testing.T) {
	rg := newRelayRig(t)
	dir := screenshotDir(t, "form")
	tb := newTab(t)
	for _, w := range widths {
		tb.do(t, chromedp.EmulateViewport(w, 800))
		tb.open(t, rg.site.URL+"/requests/")
		tb.click(t, "form.request button[type=submit]")
		tb.waitFor(t, `!document.getElementById("f-declaration-error").hidden`)
		if msg := eval[string](t, tb, overflowJS); msg != "" {
			t.Errorf("the form with errors at %d px scrolls sideways: %s", w, msg)
		}
		if v := eval[[]string](t, tb, overlapJS); len(v) > 0 {
			t.Errorf("the form with errors at %d px: controls overlap: %s", w, strings.Join(v, "; "))
		}
		ratio := eval[float64](t, tb, `document.querySelector("label[for=f-declaration]").getBoundingClientRect().width / document.querySelector("form.request").getBoundingClientRect().width`)
		if ratio < 0.6 {
			t.Errorf("at %d px the declaration's label is %.0f%% of the form's width, want most of it", w, ratio*100)
		}
		tb.do(t, chromedp.Evaluate[chromedp.Void](`document.getElementById("f-declaration").scrollIntoView()`))
		tb.screenshot(t, filepath.Join(dir, fmt.Sprintf("requests-errors-%d.png", w)), false)
	}
}

// axe-core passes on every page of the example site at 320 px, light and
// dark: a table that scrolls in its own box must be reachable by keyboard.
func TestAccessibilityNarrow(t *testing.T) {
	srv, pages := exampleSite(t)
	for _, scheme := range []string{"light", "dark"} {
		for _, p := range pages {
			// A tab for each page, closed when its subtest ends: a tab's
			// steps share one time bound, which a hundred axe runs on a
			// loaded machine outlast.
			t.Run(scheme+p, func(t *testing.T) {
				tb := newTab(t)
				tb.colourScheme(t, scheme)
				tb.do(t, chromedp.EmulateViewport(320, 800))
				tb.open(t, srv.URL+p)
				tb.axeCheck(t, p+" at 320 px ("+scheme+")")
			})
		}
	}
}
