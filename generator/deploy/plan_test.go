package deploy

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// f is a built file whose content is its name plus v, hashed as Scan would.
func f(p, v string) File {
	return File{Path: p, SHA256: "s:" + p + v, MD5: "m:" + p + v}
}

func bySHA(p, v string) Remote { return Remote{Path: p, SHA256: "s:" + p + v} }
func byMD5(p, v string) Remote { return Remote{Path: p, MD5: "m:" + p + v} }

func TestNewPlan(t *testing.T) {
	site := []File{f("assets/site.1.css", ""), f("index.html", ""), f("privacy/index.html", ""), f("privacy/history/index.html", ""), f("sitemap.xml", ""), f("404.html", ""), f("robots.txt", "")}
	tests := []struct {
		name    string
		local   []File
		remote  []Remote
		opts    Options
		uploads string // "reason path" joined by ", " in order
		deletes string
		same    int
		err     string
	}{
		{"first deploy: assets, pages deepest first, then the index", site, nil, Options{},
			"new assets/site.1.css, new robots.txt, new privacy/history/index.html, new privacy/index.html, new 404.html, new index.html, new sitemap.xml", "", 0, ""},
		{"nothing changed, by sha256", site[:2], []Remote{bySHA("assets/site.1.css", ""), bySHA("index.html", "")}, Options{}, "", "", 2, ""},
		{"nothing changed, by ETag (MD5)", site[:2], []Remote{byMD5("assets/site.1.css", ""), byMD5("index.html", "")}, Options{}, "", "", 2, ""},
		{"one page changed", []File{f("a/index.html", "2"), f("b/index.html", "")}, []Remote{bySHA("a/index.html", "1"), bySHA("b/index.html", "")}, Options{}, "changed a/index.html", "", 1, ""},
		{"an MD5 that differs", []File{f("a.css", "2")}, []Remote{byMD5("a.css", "1")}, Options{}, "changed a.css", "", 0, ""},
		{"a remote without digests is sent again", []File{f("a.css", "")}, []Remote{{Path: "a.css"}}, Options{}, "changed a.css", "", 0, ""},
		{"sha256 wins over a stale MD5", []File{f("a.css", "2")}, []Remote{{Path: "a.css", SHA256: "s:a.css2", MD5: "m:a.css1"}}, Options{}, "", "", 1, ""},
		{"forced", []File{f("a.css", "")}, []Remote{bySHA("a.css", "")}, Options{Force: true}, "forced a.css", "", 0, ""},
		{"a removed policy is deleted, within the limit", []File{f("index.html", "2")}, []Remote{bySHA("index.html", "1"), bySHA("old/index.html", ""), bySHA("old/history/index.html", "")}, Options{MaxDeletes: 2},
			"changed index.html", "old/history/index.html, old/index.html", 0, ""},
		{"too many deletes", []File{f("index.html", "")}, []Remote{bySHA("a", ""), bySHA("b", ""), bySHA("c", "")}, Options{MaxDeletes: 2}, "", "a, b, c", 0,
			"the deploy would remove 3 files from the target, more than the limit of 2; nothing was changed. If the build is right (see the list with --dry-run), run again with --max-deletes 3"},
		{"no deletes allowed", []File{f("index.html", "")}, []Remote{bySHA("index.html", ""), bySHA("a", "")}, Options{}, "", "a", 1, "would remove 1 files from the target, more than the limit of 0"},
		{"an empty build", nil, []Remote{bySHA("index.html", "")}, Options{MaxDeletes: 100}, "", "", 0, "the site folder is empty: run policysite build first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPlan(tt.local, tt.remote, tt.opts)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				var tm *TooManyDeletesError
				if errors.As(err, &tm) && (p == nil || strings.Join(p.Deletes, ", ") != tt.deletes) {
					t.Errorf("refused plan lists deletes %v, want %s", p, tt.deletes)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ups []string
			for _, u := range p.Uploads {
				ups = append(ups, u.Reason+" "+u.Path)
			}
			if got := strings.Join(ups, ", "); got != tt.uploads {
				t.Errorf("uploads\n got %s\nwant %s", got, tt.uploads)
			}
			if got := strings.Join(p.Deletes, ", "); got != tt.deletes {
				t.Errorf("deletes %s, want %s", got, tt.deletes)
			}
			if p.Unchanged != tt.same {
				t.Errorf("unchanged %d, want %d", p.Unchanged, tt.same)
			}
		})
	}
}

func TestTier(t *testing.T) {
	tests := []struct {
		path string
		tier int
	}{
		{"assets/site.5ada9e3018.css", TierAsset}, {"assets/site.98ce212b9d.js", TierAsset}, {".well-known/security.txt", TierAsset},
		{"robots.txt", TierAsset}, {"_headers", TierAsset}, {"files/handbook.pdf", TierAsset},
		{"privacy/index.html", TierPage}, {"404.html", TierPage}, {"changes/index.html", TierPage}, {"data-protection/v/1.06/index.html", TierPage},
		{"index.html", TierIndex}, {"sitemap.xml", TierIndex}, {"feed.xml", TierIndex}, {"policies.json", TierIndex}, {"reviews.ics", TierIndex},
	}
	for _, tt := range tests {
		if got := Tier(tt.path); got != tt.tier {
			t.Errorf("Tier(%q) = %d, want %d", tt.path, got, tt.tier)
		}
	}
}

func TestHeaders(t *testing.T) {
	rules := Rules{CacheControl: []Rule{{"/assets/*", "public, max-age=31536000, immutable"}}, Default: PageCacheControl}
	tests := []struct{ path, ctype, cache string }{
		{"index.html", "text/html; charset=utf-8", PageCacheControl},
		{"privacy/index.html", "text/html; charset=utf-8", PageCacheControl},
		{"assets/site.5ada9e3018.css", "text/css; charset=utf-8", "public, max-age=31536000, immutable"},
		{"assets/site.98ce212b9d.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
		{"assetsx/a.js", "text/javascript; charset=utf-8", PageCacheControl},
		{"sitemap.xml", "application/xml", PageCacheControl},
		{"policies.json", "application/json", PageCacheControl},
		{"reviews.ics", "text/calendar; charset=utf-8", PageCacheControl},
		{".well-known/security.txt", "text/plain; charset=utf-8", PageCacheControl},
		{"_headers", "text/plain; charset=utf-8", PageCacheControl},
		{"files/Handbook.PDF", "application/pdf", PageCacheControl},
		{"x.unknown-ext", "application/octet-stream", PageCacheControl},
	}
	for _, tt := range tests {
		if got := ContentType(tt.path); got != tt.ctype {
			t.Errorf("ContentType(%q) = %q, want %q", tt.path, got, tt.ctype)
		}
		if got := rules.cacheControl(tt.path); got != tt.cache {
			t.Errorf("cacheControl(%q) = %q, want %q", tt.path, got, tt.cache)
		}
	}
}

func TestSummary(t *testing.T) {
	for _, tt := range []struct {
		r    Result
		want string
	}{
		{Result{3, 1, 1204}, "uploaded 3, removed 1, unchanged 1,204"},
		{Result{0, 0, 0}, "uploaded 0, removed 0, unchanged 0"},
		{Result{1234567, 999, 1000}, "uploaded 1,234,567, removed 999, unchanged 1,000"},
	} {
		if got := tt.r.String(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.r, got, tt.want)
		}
	}
	p := &Plan{Uploads: make([]Upload, 2), Deletes: []string{"a"}, Unchanged: 12000}
	if got := fmt.Sprint(p); got != "would upload 2, remove 1, unchanged 12,000" {
		t.Errorf("plan: %q", got)
	}
}
