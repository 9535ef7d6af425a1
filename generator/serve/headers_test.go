package serve

import (
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/policysite/policysite/generator"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/machine"
)

func TestParseHeaders(t *testing.T) {
	got := parseHeaders([]byte("# a comment\n/*\n  X-Frame-Options: DENY\n  not a header\n\n  Link: </a>; rel=preload\n/assets/*\n\tCache-Control: immutable\n"))
	want := []headerRule{
		{"/*", http.Header{"X-Frame-Options": {"DENY"}, "Link": {"</a>; rel=preload"}}},
		{"/assets/*", http.Header{"Cache-Control": {"immutable"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseHeaders =\n%v\nwant\n%v", got, want)
	}
	if got := parseHeaders(nil); got != nil {
		t.Errorf("no _headers: %v", got)
	}
}

// TestServesHeaders: pages served by serve carry the headers the built
// _headers file gives them on a static host, so a preview refuses what
// production will refuse. Caching stays the preview's own.
func TestServesHeaders(t *testing.T) {
	dir := newSite(t)
	res, err := generator.Render(generator.Options{Source: os.DirFS(dir), Now: date.New(2026, 3, 1)})
	if err != nil {
		t.Fatal(err)
	}
	csp := machine.ContentSecurityPolicy(res.Site.Config)
	var asset string
	for _, o := range res.Outputs {
		if strings.HasPrefix(o.Path, "assets/") {
			asset = "/" + o.Path
		}
	}
	if asset == "" {
		t.Fatal("the build has no assets")
	}
	h := Handler(res.Outputs)
	for _, tc := range []struct {
		path string
		code int
	}{
		{"/", http.StatusOK},
		{"/privacy/", http.StatusOK},
		{asset, http.StatusOK},
		{"/no-such-page/", http.StatusNotFound},
		{"/_headers", http.StatusNotFound},
	} {
		w := &buffered{header: http.Header{}, code: http.StatusOK}
		h.ServeHTTP(w, mustRequest(t, tc.path))
		if w.code != tc.code {
			t.Errorf("%s: status %d, want %d", tc.path, w.code, tc.code)
		}
		if got := w.header.Get("Content-Security-Policy"); got != csp {
			t.Errorf("%s: Content-Security-Policy %q, want %q", tc.path, got, csp)
		}
		if got := w.header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", tc.path, got)
		}
		if got := w.header.Values("Cache-Control"); tc.code == http.StatusOK && !reflect.DeepEqual(got, []string{"no-cache"}) {
			t.Errorf("%s: Cache-Control %q, want the preview's no-cache", tc.path, got)
		}
	}
}

func mustRequest(t *testing.T, path string) *http.Request {
	t.Helper()
	r, err := http.NewRequest("GET", path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
