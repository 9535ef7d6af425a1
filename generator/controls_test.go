package generator

import (
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/output"
	"github.com/policysite/policysite/internal/sitetest"
)

// A control character in a policy's text (ESC, BS, NUL, DEL, C1...) is a
// warning at its line and column, shown as U+001B, and is dropped before
// markdown sees it: no output holds one, neither the pages nor
// reviews.ics, feed.xml, sitemap.xml or policies.json, nor a comparison of
// two versions.
func TestControlCharactersDropped(t *testing.T) {
	const fm = "---\ntitle: Lettings of the school hall\nversion: \"%s\"\neffective: %s\nnext_review: 2027-01-01\nowner: Business manager\n---\n"
	files := map[string]string{
		"site.yaml": "title: Hall lettings\nbase_url: https://policies.example.org/\nreview_calendar: true\n",
		"content/lettings/history/1.0.md": strings.Replace(strings.Replace(fm, "%s", "1.0", 1), "%s", "2025-01-01", 1) +
			"\nThe hall may be let to community groups\x1b[2J.\n\n## Booking\x08s\n\nAsk the office\x00.\n",
		"content/lettings/index.md": strings.Replace(strings.Replace(fm, "%s", "1.1", 1), "%s", "2026-01-01", 1) +
			"\nThe hall may be let to community groups\x1b[2J and clubs.\n" + // line 9
			"\n## Booking\x08s and fees\n" + // line 11
			"\nAsk the office\x00 for a form; a \x7fdeposit is \u009bdue.\n" + // line 13
			"\n| Room | Rate\x1b |\n| --- | --- |\n| Hall | `\x1b[1m£20` |\n" + // lines 15-17
			"\n[The form\x0b](#bookings-and-fees)\n" + // line 19
			"\n```\ncode\x0c here\n```\n\nTab\tand CR\r\nline endings stay.\n",
	}
	res, err := Render(Options{Source: sitetest.Files(files), Now: exampleNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := output.MinifyAll(res.Outputs); err != nil {
		t.Fatal(err)
	}
	var warned []string
	for _, d := range res.Diagnostics {
		if d.Rule == "control-character" {
			warned = append(warned, d.Error())
		}
	}
	want := []string{
		"content/lettings/history/1.0.md:9:40: warning: control character U+001B: dropped",
		"content/lettings/history/1.0.md:11:11: warning: control character U+0008: dropped",
		"content/lettings/history/1.0.md:13:15: warning: control character U+0000: dropped",
		"content/lettings/index.md:9:40: warning: control character U+001B: dropped",
		"content/lettings/index.md:11:11: warning: control character U+0008: dropped",
		"content/lettings/index.md:13:15: warning: control character U+0000: dropped",
		"content/lettings/index.md:13:31: warning: control character U+007F: dropped",
		"content/lettings/index.md:13:43: warning: control character U+009B: dropped",
		"content/lettings/index.md:15:14: warning: control character U+001B: dropped",
		"content/lettings/index.md:17:11: warning: control character U+001B: dropped",
		"content/lettings/index.md:19:10: warning: control character U+000B: dropped",
		"content/lettings/index.md:22:5: warning: control character U+000C: dropped",
	}
	if strings.Join(warned, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warned, "\n"), strings.Join(want, "\n"))
	}
	if res.Diagnostics.HasErrors() {
		t.Errorf("errors: %v (the link to the heading must still resolve)", res.Diagnostics.Errors())
	}
	var paths []string
	seen := map[string]bool{}
	for _, o := range res.Outputs {
		seen[o.Path] = true
		paths = append(paths, o.Path)
		for i, r := range string(o.Body) {
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || 0x7f <= r && r <= 0x9f {
				t.Errorf("%s: control character %U at byte %d", o.Path, r, i)
				break
			}
		}
	}
	for _, p := range []string{"reviews.ics", "feed.xml", "sitemap.xml", "policies.json", "index.html", "lettings/index.html", "lettings/compare/1.1/index.html", "lettings/v/1.0/index.html", "lettings/history/index.html", "changes/index.html"} {
		if !seen[p] {
			t.Errorf("%s not built: the test does not see it (built: %v)", p, paths)
		}
	}
}
