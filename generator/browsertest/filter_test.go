package browsertest

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// shownJS lists the titles of the index's policies a reader sees, and the
// sections shown, as "Section: Title, Title".
const shownJS = `[].filter.call(document.querySelectorAll("section.category"), function (s) { return s.getClientRects().length; }).map(function (s) {
  return s.querySelector("h2").textContent + ": " + [].filter.call(s.querySelectorAll(".policy"), function (li) { return li.getClientRects().length; }).map(function (li) { return li.querySelector("h3").textContent; }).join(", ");
})`

// The index's filter, at a phone's width and a laptop's: words typed narrow
// the list to the policies whose title, summary or category has them all,
// a section with none left goes, the status choice shows only overdue (or
// due soon) policies, and the count is said in a live region. Without
// JavaScript there is no filter and every policy shows. axe-core passes with
// the list filtered.
func TestIndexFilter(t *testing.T) {
	srv, _ := exampleSite(t)
	dir := screenshotDir(t, "filter")
	all := []string{
		"Data protection: Privacy notice for pupils and families, Data protection policy, Cookie policy, Information security statement, Records retention schedule",
		"Safeguarding and welfare: Safeguarding and child protection statement",
		"Our service: Service statement, Complaints procedure",
	}
	for _, w := range []int64{390, 1280} {
		tb := newTab(t)
		tb.do(t, chromedp.EmulateViewport(w, 800))
		tb.open(t, srv.URL+"/")
		if !tb.visible(t, "form.filter") {
			t.Fatalf("at %d px the filter is not shown", w)
		}
		if got := eval[[]string](t, tb, shownJS); !slices.Equal(got, all) {
			t.Fatalf("before filtering, shown %q, want %q", got, all)
		}
		said := func() string { return eval[string](t, tb, `document.querySelector("[data-filter-count]").textContent`) }
		if s := said(); s != "" {
			t.Errorf("unfiltered, the count says %q", s)
		}
		steps := []struct {
			do    []chromedp.Action[chromedp.Void]
			shown []string
			said  string
		}{
			// "cookie" is in one title and one summary; "Data" in a category.
			{[]chromedp.Action[chromedp.Void]{chromedp.SendKeys(chromedp.CSS("#filter-q"), "COOKIE data")},
				[]string{"Data protection: Cookie policy"}, "1 of 8 policies shown"},
			{[]chromedp.Action[chromedp.Void]{chromedp.Evaluate[chromedp.Void](`document.getElementById("filter-q").value = ""`), chromedp.SendKeys(chromedp.CSS("#filter-q"), "complaint")},
				[]string{"Our service: Complaints procedure"}, "1 of 8 policies shown"},
			{[]chromedp.Action[chromedp.Void]{chromedp.SendKeys(chromedp.CSS("#filter-q"), "zzz")}, nil, "No policy matches."},
			{[]chromedp.Action[chromedp.Void]{chromedp.Evaluate[chromedp.Void](`document.getElementById("filter-q").value = ""`), chromedp.Click(chromedp.CSS(`input[value=overdue]`))},
				[]string{"Data protection: Data protection policy"}, "1 of 8 policies shown"},
			{[]chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS(`input[value=due-soon]`))},
				[]string{"Data protection: Records retention schedule"}, "1 of 8 policies shown"},
		}
		for i, st := range steps {
			tb.do(t, st.do...)
			if got := eval[[]string](t, tb, shownJS); !slices.Equal(got, st.shown) {
				t.Errorf("at %d px, step %d: shown %q, want %q", w, i, got, st.shown)
			}
			if s := said(); s != st.said {
				t.Errorf("at %d px, step %d: the count says %q, want %q", w, i, s, st.said)
			}
			if msg := eval[string](t, tb, overflowJS); msg != "" {
				t.Errorf("at %d px, step %d: the index scrolls sideways: %s", w, i, msg)
			}
		}
		tb.do(t, chromedp.Evaluate[chromedp.Void](`document.querySelector("input[value='']").click()`), chromedp.SendKeys(chromedp.CSS("#filter-q"), "trust"))
		trust := []string{"Data protection: Data protection policy, Information security statement, Records retention schedule", "Our service: Service statement, Complaints procedure"}
		if got := eval[[]string](t, tb, shownJS); !slices.Equal(got, trust) {
			t.Errorf("at %d px, \"trust\" with All shows %q, want %q", w, got, trust)
		}
		tb.axeCheck(t, fmt.Sprintf("the filtered index at %d px", w))
		tb.screenshot(t, filepath.Join(dir, fmt.Sprintf("index-filtered-%d.png", w)), false)
	}

	tb := newTab(t)
	tb.noScript(t)
	tb.open(t, srv.URL+"/")
	if tb.visible(t, "form.filter") {
		t.Error("without JavaScript the filter shows, and cannot work")
	}
	if got := eval[[]string](t, tb, shownJS); !slices.Equal(got, all) {
		t.Errorf("without JavaScript, shown %q, want every policy", strings.Join(got, "; "))
	}
}
