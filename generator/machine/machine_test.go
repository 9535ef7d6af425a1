package machine

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/form"
	"github.com/policysite/policysite/generator/output"
	"github.com/policysite/policysite/generator/site"
)

func TestContentSecurityPolicy(t *testing.T) {
	tests := []struct {
		cfg  config.Site
		want string
	}{
		{config.Site{}, "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"},
		{config.Site{
			Scripts:  []config.Script{{Src: "https://stats.example.org/s.js"}, {Src: "/local.js"}, {Src: "https://stats.example.org/other.js"}},
			Requests: &form.Spec{RelayURL: "https://relay.example.org/requests"},
		}, "default-src 'self'; script-src 'self' https://stats.example.org; style-src 'self'; img-src 'self' https://stats.example.org; connect-src 'self' https://relay.example.org https://stats.example.org; form-action 'self' https://relay.example.org; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"},
	}
	for _, tt := range tests {
		if got := ContentSecurityPolicy(&tt.cfg); got != tt.want {
			t.Errorf("CSP:\ngot  %s\nwant %s", got, tt.want)
		}
	}
	h := string(headersFile(&config.Site{}).Body)
	for _, want := range []string{"/*\n  Content-Security-Policy: default-src 'self';", "  Referrer-Policy: strict-origin-when-cross-origin\n", "  X-Content-Type-Options: nosniff\n", "  Permissions-Policy: ", "/assets/*\n  Cache-Control: public, max-age=31536000, immutable\n"} {
		if !strings.Contains(h, want) {
			t.Errorf("_headers lacks %q:\n%s", want, h)
		}
	}
}

func TestSecurityTxt(t *testing.T) {
	cfg, now := &config.Site{SecurityContact: "mailto:sec@example.org", Language: "en-GB", BaseURL: "https://p.example.org/x/"}, date.New(2028, 2, 29)
	got := string(securityTxt(cfg, now)[0].Body)
	want := "Contact: mailto:sec@example.org\nExpires: 2029-02-27T00:00:00Z\nPreferred-Languages: en-GB\nCanonical: https://p.example.org/x/.well-known/security.txt\n"
	if got != want {
		t.Errorf("security.txt:\n%s\nwant\n%s", got, want)
	}
	cfg.SecurityContact = ""
	if out := securityTxt(cfg, now); out != nil {
		t.Errorf("no contact, yet %v", out)
	}
}

// TestHeadersFileBytes pins _headers byte for byte: it is written from
// HeaderRules, which deploy reads too, and must not change when they move.
func TestHeadersFileBytes(t *testing.T) {
	want := "/*\n" +
		"  Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'\n" +
		"  Referrer-Policy: strict-origin-when-cross-origin\n" +
		"  X-Content-Type-Options: nosniff\n" +
		"  X-Frame-Options: DENY\n" +
		"  Cross-Origin-Opener-Policy: same-origin\n" +
		"  Permissions-Policy: accelerometer=(), browsing-topics=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()\n" +
		"/assets/*\n" +
		"  Cache-Control: public, max-age=31536000, immutable\n"
	if got := string(headersFile(&config.Site{}).Body); got != want {
		t.Errorf("_headers:\n%s\nwant\n%s", got, want)
	}
	rules := HeaderRules(&config.Site{})
	if got := rules[len(rules)-1].Get("cache-control"); got != "public, max-age=31536000, immutable" || rules[0].Get("Cache-Control") != "" {
		t.Errorf("HeaderRules Cache-Control: %q", got)
	}
}

// A Memo makes policies.json again when only a version's hash changed (an
// edit of a policy's text), keeping the other files, which read no hash;
// a change to a record makes them all again.
func TestMemoRemakesWhatChanged(t *testing.T) {
	cfg, now := &config.Site{Title: "T", BaseURL: "https://p.example.org/", Language: "en-GB"}, date.New(2026, 6, 1)
	// Policy a changes; b, beside it, does not: its entry in policies.json
	// is kept while a's is made again.
	record := func(title, sha string) []*site.Record {
		a := site.Summary{Slug: "a", Title: title, Version: "1.0", Effective: date.New(2026, 1, 1)}
		b := site.Summary{Slug: "b", Title: "Bravo", Version: "2", Effective: date.New(2026, 2, 1)}
		return []*site.Record{
			{Summary: a, Current: site.Change{Policy: &a, Version: "1.0", Effective: a.Effective, Current: true, SHA256: sha}},
			{Summary: b, Current: site.Change{Policy: &b, Version: "2", Effective: b.Effective, Current: true, SHA256: "ccc"}},
		}
	}
	body := func(outs []output.File, path string) string {
		for _, o := range outs {
			if o.Path == path {
				return string(o.Body)
			}
		}
		t.Fatalf("no %s in %v", path, outs)
		return ""
	}
	m := &Memo{}
	for _, step := range []struct {
		title, sha string
	}{{"Alpha", "aaa"}, {"Alpha", "bbb"}, {"Beta", "bbb"}, {"Beta", "bbb"}} {
		got, err := m.Files(&site.Site{Config: cfg, Now: now, Records: record(step.title, step.sha)})
		if err != nil {
			t.Fatal(err)
		}
		want, err := Files(&site.Site{Config: cfg, Now: now, Records: record(step.title, step.sha)})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%v: %d files, want %d", step, len(got), len(want))
		}
		for _, w := range want {
			if g := body(got, w.Path); g != string(w.Body) {
				t.Errorf("%v: %s through the memo:\n%s\nwant\n%s", step, w.Path, g, w.Body)
			}
		}
		if js := body(got, "policies.json"); !json.Valid([]byte(js)) || !strings.Contains(js, `"sha256":"`+step.sha+`"`) || !strings.Contains(js, `"sha256":"ccc"`) {
			t.Errorf("%v: policies.json has not the hash:\n%s", step, js)
		}
		if feed := body(got, "feed.xml"); !strings.Contains(feed, step.title+": version 1.0") {
			t.Errorf("%v: feed.xml has not the title:\n%s", step, feed)
		}
	}
}

// policies.json is valid JSON with every entry in its list, none, one or
// several, whatever the site's title says.
func TestPoliciesJSONEntries(t *testing.T) {
	now := date.New(2026, 6, 1)
	rec := func(slug string) *site.Record {
		sum := site.Summary{Slug: slug, Title: `A "policies":[] title`, Version: "1", Effective: date.New(2026, 1, 1)}
		r := &site.Record{Summary: sum, Current: site.Change{Version: "1", Effective: sum.Effective, Current: true}}
		r.Current.Policy = &r.Summary
		return r
	}
	for _, records := range [][]*site.Record{nil, {rec("a")}, {rec("a"), rec("b"), rec("c")}} {
		cfg := &config.Site{Title: `Trust "policies":[] centre`}
		js, err := Policies(cfg, now, records)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Title    string
			Policies []struct{ Slug string }
		}
		if err := json.Unmarshal(js.Body, &doc); err != nil {
			t.Fatalf("%d policies: %v\n%s", len(records), err, js.Body)
		}
		if doc.Title != cfg.Title || len(doc.Policies) != len(records) {
			t.Errorf("%d policies: read %+v from\n%s", len(records), doc, js.Body)
		}
		for i, p := range doc.Policies {
			if p.Slug != records[i].Slug {
				t.Errorf("entry %d is %q, want %q", i, p.Slug, records[i].Slug)
			}
		}
	}
}

// sitemap.xml lists a policy's pages besides its own as the pages stage
// writes them (site.Record.Pages), but for a superseded version in full,
// which search engines are asked to skip, and the version in force at its
// own address, whose page is the policy's; a comparison of an earlier
// version was last changed when that version took effect.
func TestSitemapListsIndexedPages(t *testing.T) {
	eff := date.New(2026, 9, 1)
	r := &site.Record{Summary: site.Summary{Slug: "p", Version: "2.0", Effective: eff},
		Current:  site.Change{Version: "2.0", Current: true, Compare: true, Effective: eff},
		Upcoming: []site.Change{{Version: "3.0", Compare: true, Effective: date.New(2027, 1, 1)}},
		History:  []site.Change{{Version: "1.1", Compare: true, Effective: date.New(2025, 9, 1)}, {Version: "1.0", Effective: date.New(2024, 9, 1)}}}
	got := string(sitemap("https://x.example/", false, []*site.Record{r}))
	for _, want := range []string{
		"<loc>https://x.example/p/</loc><lastmod>2026-09-01</lastmod>",
		"<loc>https://x.example/p/history/</loc><lastmod>2026-09-01</lastmod>",
		"<loc>https://x.example/p/compare/2.0/</loc><lastmod>2026-09-01</lastmod>",
		"<loc>https://x.example/p/v/3.0/</loc><lastmod>2026-09-01</lastmod>",
		"<loc>https://x.example/p/compare/3.0/</loc><lastmod>2026-09-01</lastmod>",
		"<loc>https://x.example/p/compare/1.1/</loc><lastmod>2025-09-01</lastmod>",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("sitemap lacks %s:\n%s", want, got)
		}
	}
	for _, not := range []string{"p/v/2.0/", "p/v/1.1/", "p/v/1.0/", "p/compare/1.0/"} {
		if strings.Contains(got, not) {
			t.Errorf("sitemap lists %s:\n%s", not, got)
		}
	}
}
