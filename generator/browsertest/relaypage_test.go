package browsertest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// lookJS is what a reader sees of a page's frame: the header's and the
// footer's text (without the footer's cookie note, which says what each
// page sets) and the computed colours and type of the body, a footer link
// and, where there is a form, its submit button and a label, which come
// from the stylesheet.
const lookJS = `(function () {
  function texts(sel) { return [].map.call(document.querySelectorAll(sel), function (e) { return e.textContent.replace(/\s+/g, " ").trim(); }).join(" | "); }
  function css(sel, props) { var e = document.querySelector(sel); if (!e) return sel + ": none"; var s = getComputedStyle(e); return sel + " " + props.map(function (p) { return s[p]; }).join(" / "); }
  return [
    "header: " + texts("header.site p"),
    "footer: " + texts("footer.site p:not(.cookie-note), footer.site li"),
    css("body", ["fontFamily", "fontSize", "color", "backgroundColor", "maxWidth"]),
    css("footer.site a", ["color"]),
    css("header.site", ["display", "borderBottomStyle"])
  ].concat(document.querySelector("form.request") ? [css("form.request button[type=submit]", ["backgroundColor", "color", "fontWeight", "padding"]), css("form.request label", ["display", "fontWeight"])] : []);
})()`

// The relay's own pages (the form again with the relay's errors, the
// thanks page of a post without JavaScript, and a message for a
// reference it cannot read) look like the site they serve: the same
// header and footer, built from the same site.yaml, the same stylesheet
// in light and in dark, no sideways scroll on a phone, no CSP violation,
// and axe-core finds nothing. Screenshots go to screenshotDir.
func TestRelayPagesLookLikeSite(t *testing.T) {
	rg := newRelayRig(t)
	dir := screenshotDir(t, "relay")
	tb := newTab(t)
	want := map[string][]string{}
	for _, scheme := range []string{"light", "dark"} {
		tb.colourScheme(t, scheme)
		tb.open(t, rg.site.URL+"/requests/")
		want[scheme] = eval[[]string](t, tb, lookJS)
	}
	tb.noScript(t)
	check := func(name string) {
		t.Helper()
		tb.noCSPViolation(t)
		for _, scheme := range []string{"light", "dark"} {
			tb.colourScheme(t, scheme)
			got := eval[[]string](t, tb, lookJS)
			w := want[scheme]
			if len(got) < len(w) && name != "errors" { // only the errors page has the form
				w = w[:len(got)]
			}
			if strings.Join(got, "\n") != strings.Join(w, "\n") {
				t.Errorf("the relay's %s page (%s) does not look like the site's:\n got %q\nwant %q", name, scheme, got, w)
			}
			for _, w := range []int64{320, 1280} {
				tb.do(t, chromedp.EmulateViewport(w, 800))
				if msg := eval[string](t, tb, overflowJS); msg != "" {
					t.Errorf("the relay's %s page at %d px scrolls sideways: %s", name, w, msg)
				}
				if v := eval[[]string](t, tb, overlapJS); len(v) > 0 {
					t.Errorf("the relay's %s page at %d px: controls overlap: %s", name, w, strings.Join(v, "; "))
				}
				tb.screenshot(t, filepath.Join(dir, fmt.Sprintf("%s-%d-%s.png", name, w, scheme)), false)
			}
		}
		tb.colourScheme(t, "light")
		tb.axe(t, "relay's "+name+" page", true)
	}

	tb.open(t, rg.site.URL+"/requests/")
	fill(t, tb, "Grace Hopper", "")
	tb.click(t, "form.request button[type=submit]")
	tb.arrive(t, `location.origin == "`+rg.relay+`" && document.title.startsWith("Error: ") && document.readyState == "complete"`)
	check("errors")

	tb.open(t, rg.site.URL+"/requests/")
	fill(t, tb, "Ada Lovelace", "ada@example.org")
	tb.click(t, "form.request button[type=submit]")
	tb.thanks(t, rg)
	check("thanks")

	tb.open(t, rg.relay+"/requests/thanks?ref=nonsense")
	check("unknown-reference")
}
