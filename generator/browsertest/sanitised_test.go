package browsertest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/policysite/policysite/internal/testtools"
)

// sanitisedBody is raw HTML as Word exports and hostile edits leave it: a
// table with several paragraphs and a list in a cell, a stray </div>, a
// handler, a javascript: link and a script.
const sanitisedBody = `## Contacts

<table>
<tr><th>Role</th><th>Duties</th></tr>
<tr><td>Data protection officer</td><td><p>Advises the trust.</p><p>Answers requests.</p><ul><li>by email</li><li>by post</li></ul></td></tr>
</table>

</div></div>

<p onclick="steal()">Write to <a href="javascript:alert(1)">the office</a> or <b style="color:red">call</b>.</p>

<script>document.title = "taken"</script>

## After

The theme's footer still follows.
`

// TestSanitisedPage: a policy whose raw HTML the sanitiser rewrote is a
// valid page (the Nu HTML Checker), passes axe-core's WCAG 2.2 A/AA
// rules, keeps its table's paragraphs and list, and no stray end tag
// closed the theme's main element early: its footer stays outside main.
func TestSanitisedPage(t *testing.T) {
	fs := files("1", "", false)
	fs["content/contacts.md"] = "---\ntitle: Contacts\nversion: \"1.0\"\neffective: 2026-01-01\nnext_review: 2027-06-30\nowner: Head teacher\n---\n\n" + sanitisedBody
	s := build(t, fs, buildDay)
	page := string(s.outputs["contacts/index.html"])
	for _, bad := range []string{"steal", "javascript:", "<script>document.title", "style="} {
		if strings.Contains(page, bad) {
			t.Errorf("page holds %q", bad)
		}
	}
	dir := t.TempDir()
	f := filepath.Join(dir, "contacts", "index.html")
	os.MkdirAll(filepath.Dir(f), 0o755)
	if err := os.WriteFile(f, s.outputs["contacts/index.html"], 0o644); err != nil {
		t.Fatal(err)
	}
	htmlValid(t, testtools.VNU(t), dir)

	tb := newTab(t)
	tb.do(t, chromedp.Navigate(s.URL+"/contacts/"))
	eval[bool](t, tb, `document.querySelector("[data-consent=none]") && document.querySelector("[data-consent=none]").click(), true`)
	if got := eval[int](t, tb, `document.querySelectorAll("main td p").length`); got != 2 {
		t.Errorf("%d paragraphs in the table's cell, want 2", got)
	}
	if got := eval[int](t, tb, `document.querySelectorAll("main td li").length`); got != 2 {
		t.Errorf("%d list items in the table's cell, want 2", got)
	}
	if !eval[bool](t, tb, `!!document.querySelector("main h2#after") && !document.querySelector("main footer") && !!document.querySelector("body footer")`) {
		t.Error("the page's structure broke: the heading after the raw HTML is not in main, or the footer is")
	}
	if eval[string](t, tb, `document.title`) == "taken" {
		t.Error("the script ran")
	}
	tb.axeCheck(t, "sanitised policy")
}
