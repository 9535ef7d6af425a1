package browsertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/internal/testtools"
)

// printFirstPage prints the open page to an A4 PDF, as a reader's browser
// would, keeps it in dir as name.pdf and returns the text of its first page.
func (tb *tab) printFirstPage(t *testing.T, dir, name string) string {
	t.Helper()
	pdf, err := chromedp.Run(tb.ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	if err != nil {
		t.Fatalf("%s: printing: %v", name, err)
	}
	file := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(testtools.Pdftotext(t), "-f", "1", "-l", "1", "-layout", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", file, err)
	}
	// One space for any run of white space: -layout pads columns, and a
	// line may break anywhere in a sentence.
	return strings.Join(strings.Fields(string(out)), " ")
}

// Every printed policy and comparison opens with the document, not the
// site around it: its first page has no cookie notice and no skip link or
// breadcrumb, and has the title, the version and the print stamp
// (title · version · printed copies are uncontrolled), which repeats at
// the foot of every page. The cookie notice is open, as a first visit
// sees it, when each is printed.
func TestPrintFirstPage(t *testing.T) {
	testtools.Pdftotext(t)
	srv, pages := exampleSite(t)
	cfg, _ := config.Load(os.DirFS(testtools.Root()))
	dir := screenshotDir(t, "print")
	var printed int
	for _, p := range pages {
		parts := strings.Split(strings.Trim(p, "/"), "/")
		if cfg.School(parts[0]) != nil {
			parts = parts[1:] // a school's centre: its pages are the trust's
			if len(parts) == 0 {
				parts = []string{""}
			}
		}
		policy := len(parts) == 1 && parts[0] != "" && parts[0] != "changes" && parts[0] != "requests" && parts[0] != "processors" && parts[0] != "404.html"
		compare := len(parts) == 3 && parts[1] == "compare"
		if !policy && !compare {
			continue
		}
		printed++
		tb := newTab(t)
		tb.open(t, srv.URL+p)
		if !tb.visible(t, "#consent") {
			t.Fatalf("%s: no cookie notice on screen: the test would prove nothing", p)
		}
		title := eval[string](t, tb, `document.querySelector("h1").textContent`)
		version := eval[string](t, tb, `(document.querySelector(".facts, .lead").textContent.match(/[Vv]ersion (\S+)/) || [])[1] || ""`)
		name := strings.ReplaceAll(strings.Trim(p, "/"), "/", "_")
		text := tb.printFirstPage(t, dir, name)
		for _, bad := range []string{"Cookies on this site", "OK, hide this", "Skip to content", "All policies"} {
			if strings.Contains(text, bad) {
				t.Errorf("%s: the printed first page has %q", p, bad)
			}
		}
		for _, want := range []string{title, "ersion " + strings.TrimRight(version, ".:"), "printed copies are uncontrolled"} {
			if !strings.Contains(text, strings.Join(strings.Fields(want), " ")) {
				t.Errorf("%s: the printed first page lacks %q:\n%s", p, want, text)
			}
		}
	}
	if printed < 9 {
		t.Fatalf("printed %d pages, want every policy and a comparison", printed)
	}
}

// A printed link to another site shows where it goes.
func TestPrintShowsExternalLinks(t *testing.T) {
	f := files("1", "", false)
	f["content/handbook.md"] = "---\ntitle: Staff handbook\nversion: \"1.0\"\neffective: 2026-01-01\nnext_review: 2027-06-30\nowner: Head teacher\n---\n\n## Scope\n\nSee the [ICO's guidance](https://ico.org.uk/for-organisations/) and [our index](/).\n"
	s := build(t, f, buildDay)
	tb := newTab(t)
	tb.open(t, s.URL+"/handbook/")
	text := tb.printFirstPage(t, t.TempDir(), "handbook")
	if !strings.Contains(text, "ICO’s guidance (https://ico.org.uk/for-organisations/)") {
		t.Errorf("the printed link does not show its address:\n%s", text)
	}
}
