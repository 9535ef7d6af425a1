package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Every address a build gives out stays good after the day an upcoming
// version takes effect: the site is built before that day, its pages,
// feed and policies.json are read for their addresses, it is built again
// after the day into the same folder, and each address is asked of a
// static file server, as a host without scripts or redirects serves it.
func TestVersionAddressesOutlast(t *testing.T) {
	head := "---\ntitle: Retention\nversion: %q\neffective: %s\nnext_review: 2027-11-01\nowner: Office\nchanges: %s\n---\n\n## Periods\n\n"
	dir := writeTree(t, map[string]string{
		"site.yaml":                        "title: T\nbase_url: https://policies.example.org/\n",
		"content/retention/history/1.0.md": strings.NewReplacer("%q", `"1.0"`, "%s", "2026-01-01").Replace(head) + "We keep records for six years.\n",
		"content/retention/index.md":       strings.Replace(strings.Replace(strings.Replace(head, "%q", `"2.0"`, 1), "%s", "2026-12-01", 1), "%s", "Ten years", 1) + "We keep records for ten years.\n",
	})
	pub := filepath.Join(dir, "public")
	build := func(now string) {
		t.Helper()
		if _, stderr, code := runBin(t, dir, "build", "--quiet", "--now", now); code != 0 {
			t.Fatalf("build --now %s: exit %d\n%s", now, code, stderr)
		}
	}

	build("2026-11-23") // 2.0 is upcoming
	addr := regexp.MustCompile(`(?:href="|<id>|"url":")(?:https://policies\.example\.org)?(/retention/[^"<#]*)`)
	var given []string
	for _, f := range []string{"feed.xml", "policies.json", "sitemap.xml", "changes/index.html", "retention/index.html", "retention/history/index.html"} {
		for _, m := range addr.FindAllStringSubmatch(readFile(t, pub, f), -1) {
			given = append(given, m[1])
		}
	}
	slices.Sort(given)
	given = slices.Compact(given)
	if !slices.Contains(given, "/retention/v/2.0/") {
		t.Fatalf("the build before 2.0 takes effect gave out %q, not /retention/v/2.0/", given)
	}

	build("2026-12-05") // 2.0 is in force
	srv := httptest.NewServer(http.FileServer(http.Dir(pub)))
	defer srv.Close()
	get := func(p string) (int, string) {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, p := range given {
		if u, err := url.Parse(p); err != nil || u.RawQuery != "" {
			continue
		}
		if code, _ := get(p); code != http.StatusOK {
			t.Errorf("%s, given out before 2.0 took effect: %d after", p, code)
		}
	}
	// The address of 2.0 shows 2.0, as in force, and names the policy's
	// page as the canonical one.
	_, page := get("/retention/v/2.0/")
	for _, want := range []string{"We keep records for ten years.", "<strong>In force:</strong> this is version 2.0", `<link rel="canonical" href="https://policies.example.org/retention/">`} {
		if !strings.Contains(page, want) {
			t.Errorf("/retention/v/2.0/ after 2.0 took effect lacks %q", want)
		}
	}
	// 1.0's address now shows it superseded.
	if _, page := get("/retention/v/1.0/"); !strings.Contains(page, "We keep records for six years.") || !strings.Contains(page, "Superseded") {
		t.Errorf("/retention/v/1.0/ after 2.0 took effect:\n%s", page)
	}
	if _, err := os.Stat(filepath.Join(pub, "retention", "v", "2.0", "index.html")); err != nil {
		t.Error(err)
	}
}
