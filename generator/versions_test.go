package generator

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/policysite/policysite/generator/date"
)

const historySite = "testdata/history/site"

func renderHistorySite(t *testing.T, baseURL string) *Result {
	t.Helper()
	res, err := Render(Options{Source: os.DirFS(historySite), Now: date.New(2026, 1, 10), BaseURL: baseURL})
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	return res
}

// TestHistoryGolden compares the pages of a policy with three versions, the
// changes page and the feed with testdata/history/golden (unminified, so the
// diff reads). Run with -update after a deliberate change.
func TestHistoryGolden(t *testing.T) {
	res := renderHistorySite(t, "")
	golden := filepath.Join("testdata", "history", "golden")
	var n int
	for _, o := range res.Outputs {
		if !strings.Contains(o.Path, "/history/") && !strings.Contains(o.Path, "/v/") && !strings.Contains(o.Path, "/compare/") &&
			o.Path != "changes/index.html" && o.Path != "feed.xml" && o.Path != "retention/index.html" {
			continue
		}
		n++
		p := filepath.Join(golden, filepath.FromSlash(o.Path))
		if *update {
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, o.Body, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("%s: not in %s (run with -update)", o.Path, golden)
			continue
		}
		if !bytes.Equal(b, o.Body) {
			t.Errorf("%s differs from golden:\n%s", o.Path, firstDiff(string(b), string(o.Body)))
		}
	}
	// Retention's history page, v/1.0, v/1.1, v/1.2 (the version in
	// force), compare/1.1, compare/1.2, changes, feed and the current
	// page; visitors, of one version and no reviews, has no history page.
	if want := 9; n != want {
		t.Errorf("%d history outputs, want %d", n, want)
	}
}

// TestHistoryPages checks what the golden files are for: the superseded
// version is kept out of search engines and links to the current one, and
// the comparisons mark words and sections.
func TestHistoryPages(t *testing.T) {
	res := renderHistorySite(t, "")
	out := map[string]string{}
	for _, o := range res.Outputs {
		out[o.Path] = string(o.Body)
	}
	for _, tc := range []struct{ path, want string }{
		{"retention/v/1.0/index.html", `<meta name="robots" content="noindex">`},
		{"retention/v/1.0/index.html", `<a href="/retention/">Read the current version (1.2)</a>`},
		{"retention/index.html", `<a href="/retention/history/">history`},
		{"retention/index.html", `Last reviewed <time datetime="2025-09-01">1 September 2025</time> by the partners: no changes`},
		{"retention/compare/1.1/index.html", `<del><span class="vh">[removed: </span>eight<span class="vh">]</span></del><ins><span class="vh">[added: </span>ten<span class="vh">]</span></ins>`},
		{"retention/compare/1.1/index.html", `Periods (moved) (wording changed)`},
		{"retention/compare/1.2/index.html", `Who this covers (renamed from “Scope”)`},
		{"retention/compare/1.2/index.html", `Added: Audits`},
		{"retention/history/index.html", `Retention periods follow the 2024 code`},
		{"changes/index.html", `Records retention, version 1.2</a> (current)`},
	} {
		if !strings.Contains(out[tc.path], tc.want) {
			t.Errorf("%s lacks %q", tc.path, tc.want)
		}
	}
	// The current version's own address, given out while it was upcoming,
	// shows it in force, never superseded.
	if cur := out["retention/v/1.2/index.html"]; !strings.Contains(cur, "<strong>In force:</strong> this is version 1.2") || strings.Contains(cur, "Superseded") {
		t.Errorf("retention/v/1.2/ does not show the current version in force:\n%s", cur)
	}
	// Visitors has one version and no reviews: nothing to show on a
	// history page, so there is none and nothing links to one.
	if _, ok := out["visitors/history/index.html"]; ok {
		t.Error("a policy of one version and no reviews has a history page")
	}
	for path, body := range out {
		if strings.Contains(body, "/visitors/history/") {
			t.Errorf("%s links to visitors' history page, which does not exist", path)
		}
	}
	if _, ok := out["feed.xml"]; !ok {
		t.Error("no feed.xml with base_url set")
	}
}

// TestFeed parses the Atom feed and checks the elements RFC 4287 requires.
func TestFeed(t *testing.T) {
	res := renderHistorySite(t, "")
	var body []byte
	for _, o := range res.Outputs {
		if o.Path == "feed.xml" {
			body = o.Body
		}
	}
	type link struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	}
	var feed struct {
		XMLName xml.Name
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Author  struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Links   []link `xml:"link"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Link    link   `xml:"link"`
			Summary string `xml:"summary"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(body, &feed); err != nil {
		t.Fatalf("feed.xml: %v\n%s", err, body)
	}
	if feed.XMLName.Space != "http://www.w3.org/2005/Atom" || feed.XMLName.Local != "feed" {
		t.Errorf("root element %v, want Atom feed", feed.XMLName)
	}
	if feed.ID == "" || feed.Title == "" || feed.Author.Name != "Harbour Street Surgery" {
		t.Errorf("feed id %q, title %q, author %q", feed.ID, feed.Title, feed.Author.Name)
	}
	self := false
	for _, l := range feed.Links {
		self = self || (l.Rel == "self" && l.Href == "https://policies.example.org/feed.xml")
	}
	if !self {
		t.Errorf("no self link in %v", feed.Links)
	}
	if feed.Updated != "2025-06-01T00:00:00Z" {
		t.Errorf("feed updated %q, want the newest effective date", feed.Updated)
	}
	var wantIDs = []string{
		"https://policies.example.org/retention/v/1.2/",
		"https://policies.example.org/retention/v/1.1/",
		"https://policies.example.org/visitors/v/1/",
		"https://policies.example.org/retention/v/1.0/",
	}
	if len(feed.Entries) != len(wantIDs) {
		t.Fatalf("%d entries, want %d", len(feed.Entries), len(wantIDs))
	}
	var prev time.Time
	for i, e := range feed.Entries {
		if e.ID != wantIDs[i] {
			t.Errorf("entry %d id %q, want %q", i, e.ID, wantIDs[i])
		}
		up, err := time.Parse(time.RFC3339, e.Updated)
		if err != nil {
			t.Errorf("entry %d updated %q: %v", i, e.Updated, err)
		}
		if i > 0 && up.After(prev) {
			t.Errorf("entry %d is newer than the one before: not newest first", i)
		}
		prev = up
		if e.Title == "" || e.Link.Href == "" || e.Summary == "" {
			t.Errorf("entry %d lacks title, link or summary: %+v", i, e)
		}
	}
	if got := feed.Entries[0].Link.Href; got != "https://policies.example.org/retention/compare/1.2/" {
		t.Errorf("newest entry links to %q, want its comparison", got)
	}
	// The feed depends on the content only, not on the day it is built.
	later, err := Render(Options{Source: os.DirFS(historySite), Now: date.New(2030, 1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range later.Outputs {
		if o.Path == "feed.xml" && !bytes.Equal(o.Body, body) {
			t.Error("feed.xml changes with the build date")
		}
	}
}

func TestNoFeedWithoutBaseURL(t *testing.T) {
	dir := t.TempDir()
	os.CopyFS(dir, os.DirFS(historySite))
	os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: T\n"), 0o644)
	res, err := Render(Options{Source: os.DirFS(dir), Now: date.New(2026, 1, 10)})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range res.Outputs {
		if o.Path == "feed.xml" {
			t.Error("feed.xml built without base_url: its ids would not be stable URLs")
		}
		if o.Path == "changes/index.html" && strings.Contains(string(o.Body), "feed.xml") {
			t.Error("changes page links a feed that does not exist")
		}
	}
}
