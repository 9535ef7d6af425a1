package generator

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/publish"
	"github.com/policysite/policysite/internal/testtools"
)

// dumpDOM loads url in headless Chromium and returns the DOM after scripts ran.
func dumpDOM(t *testing.T, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + t.TempDir(),
		"--virtual-time-budget=2000", "--dump-dom"}
	out, err := exec.CommandContext(ctx, testtools.Chromium(t), append(base, url)...).Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	return string(out)
}

// A page ages: built when the data protection policy was current, it must
// still warn when it is viewed after the review date (today, in the test's
// browser). Without JavaScript the page is the built HTML, checked first.
func TestReviewStatusReevaluatedInBrowser(t *testing.T) {
	res, err := Render(Options{Source: testtools.Root(), Now: date.Date{Year: 2024, Month: 9, Day: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if err := publish.MinifyAll(res.Outputs); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := publish.Write(dir+"/site", res.Outputs); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir + "/site")))
	defer srv.Close()

	notice := regexp.MustCompile(`<p class="notice[^"]*"[^>]*>[^<]*</p>`)
	built := notice.FindString(string(outputOf(t, res, "data-protection/index.html")))
	if !strings.Contains(built, " hidden") || !strings.Contains(built, "current") {
		t.Fatalf("at build time (1 September 2024) the policy should be current: %s", built)
	}
	viewed := notice.FindString(dumpDOM(t, srv.URL+"/data-protection/"))
	if !strings.Contains(viewed, "Review overdue: this policy was due for review by 31 July 2025") || strings.Contains(viewed, "hidden") {
		t.Errorf("viewed today, the page should warn that the review is overdue: %s", viewed)
	}
	index := dumpDOM(t, srv.URL+"/")
	if !strings.Contains(index, `data-summary="">8 policies · `) && !regexp.MustCompile(`data-summary[^>]*>8 policies · [1-9]\d* overdue`).MatchString(index) {
		t.Errorf("index summary not re-evaluated: %s", regexp.MustCompile(`<p class="summary[^<]*`).FindString(index))
	}
}

func outputOf(t *testing.T, res *Result, path string) []byte {
	t.Helper()
	for _, o := range res.Outputs {
		if o.Path == path {
			return o.Body
		}
	}
	t.Fatalf("no output %s", path)
	return nil
}

// The default theme's CSS and JavaScript stay small: together under 10 KB minified.
func TestThemeAssetsSmall(t *testing.T) {
	res := buildExample(t)
	total := 0
	for _, o := range res.Outputs {
		if strings.HasPrefix(o.Path, "assets/") && (strings.HasSuffix(o.Path, ".css") || strings.HasSuffix(o.Path, ".js")) {
			total += len(o.Body)
		}
	}
	if total == 0 || total >= 10*1024 {
		t.Errorf("theme CSS and JS are %d bytes minified; the budget is 10 KB", total)
	}
	t.Logf("theme CSS and JS: %d bytes minified", total)
}
