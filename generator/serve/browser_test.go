package serve

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/policysite/policysite/internal/testtools"
)

// An open page reloads itself after a save, and swaps its stylesheet without
// reloading after a CSS-only save.
func TestBrowserReloads(t *testing.T) {
	dir := newSite(t)
	css, err := os.ReadFile(filepath.Join("..", "..", "themes", "default", "assets", "site.css"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, "themes/default/assets/site.css", string(css))
	s := start(t, dir)
	ctx := testtools.Browser(t, time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)) // the day dev_test builds for

	poll := func(cond, what string) {
		t.Helper()
		// A reload during the poll ends it; poll again on the new page.
		for {
			_, err := chromedp.Run(ctx, chromedp.Poll[bool](cond))
			if err == nil {
				return
			}
			if ctx.Err() != nil || !strings.Contains(err.Error(), "(-32000)") {
				t.Fatalf("%s: %v", what, err)
			}
		}
	}
	streamOpen := `document.documentElement.hasAttribute("data-policysite-live")`
	if err := chromedp.Do(ctx, chromedp.Navigate(s.base+"/privacy/")); err != nil {
		t.Fatal(err)
	}
	poll(`document.body.innerText.includes("First words.")`, "first page")
	poll(streamOpen, "event stream") // open before saving
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.policysiteMark = 1`)); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "content/privacy.md", policy("Privacy notice", "Saved in the editor."))
	poll(`document.body.innerText.includes("Saved in the editor.") && window.policysiteMark === undefined`, "the page did not reload itself")

	poll(streamOpen, "event stream after reload")
	before, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.policysiteMark = 2; document.querySelector('link[rel="stylesheet"]').href`))
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, "themes/default/assets/site.css", string(css)+"\nbody{outline:1px solid red}\n")
	poll(`document.querySelector('link[rel="stylesheet"]').href !== `+jsString(before)+` && window.policysiteMark === 2`, "the stylesheet was not swapped in place")
}

func jsString(s string) string {
	b := []byte{'"'}
	for _, r := range s {
		if r == '"' || r == '\\' {
			b = append(b, '\\')
		}
		b = append(b, string(r)...)
	}
	return string(append(b, '"'))
}
