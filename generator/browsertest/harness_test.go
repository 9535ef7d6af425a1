package browsertest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/policysite/policysite/generator"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/output"
	"github.com/policysite/policysite/generator/serve"
	"github.com/policysite/policysite/internal/testtools"
)

var (
	browserOnce sync.Once
	browserCtx  context.Context
	browserErr  error
	stopBrowser = func() {}
)

func TestMain(m *testing.M) {
	code := m.Run()
	stopBrowser()
	os.Exit(code)
}

// browser returns a new tab in a fresh browser context (its own cookies and
// storage) of the one Chromium this test binary starts.
func browser(t *testing.T, listen func(ev any)) context.Context {
	t.Helper()
	testtools.Chromium(t) // fails or skips t without one
	browserOnce.Do(func() {
		dir, err := os.MkdirTemp("", "policysite-chromium-")
		if err != nil {
			browserErr = err
			return
		}
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), testtools.ChromiumOptions(t, dir)...)
		ctx, cancel := chromedp.NewContext(alloc)
		browserErr = chromedp.Do(ctx) // starts the browser
		browserCtx = ctx
		stopBrowser = func() { cancel(); cancelAlloc(); os.RemoveAll(dir) }
	})
	if browserErr != nil {
		t.Fatalf("starting Chromium: %v", browserErr)
	}
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext(), chromedp.WithListener(listen))
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("new tab: %v", err)
	}
	// Every step of a test together gets a generous bound, so a hang fails
	// rather than blocking the suite; no assertion depends on timing.
	tctx, tcancel := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(tcancel)
	return tctx
}

// A tab records the requests a page makes and any CSP violation.
type tab struct {
	ctx  context.Context
	mu   sync.Mutex
	reqs []string
}

// cspRecorder runs before any page script and keeps CSP violations where
// the test can read them.
const cspRecorder = `window.__csp = []; document.addEventListener("securitypolicyviolation", function (e) { window.__csp.push(e.violatedDirective + " " + e.blockedURI); });`

// viewedAt is when the pages of a new tab think it is, whatever the
// machine's clock says: noon on the day the test sites are built for.
var viewedAt = time.Date(2026, time.November, 23, 12, 0, 0, 0, time.UTC)

// newTab opens a tab whose pages' clock starts at viewedAt; setup scripts
// run after that, before each page's own (testtools.ClockScript moves the
// clock again).
func newTab(t *testing.T, setup ...string) *tab {
	t.Helper()
	tb := &tab{}
	ctx := browser(t, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			tb.mu.Lock()
			tb.reqs = append(tb.reqs, e.Request.URL)
			tb.mu.Unlock()
		}
	})
	tb.ctx = ctx
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if err := testtools.PinClock(ctx, viewedAt); err != nil {
		t.Fatal(err)
	}
	for _, src := range append([]string{cspRecorder}, setup...) {
		if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src}); err != nil {
			t.Fatal(err)
		}
	}
	return tb
}

// requests returns the URLs requested so far and forgets them.
func (tb *tab) requests() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	r := tb.reqs
	tb.reqs = nil
	return r
}

func (tb *tab) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// open loads url and fails the test on any CSP violation.
func (tb *tab) open(t *testing.T, url string) {
	t.Helper()
	tb.do(t, chromedp.Navigate(url))
	tb.noCSPViolation(t)
}

func (tb *tab) noCSPViolation(t *testing.T) {
	t.Helper()
	if v := eval[[]string](t, tb, `window.__csp || []`); len(v) > 0 {
		t.Errorf("Content-Security-Policy violations: %q", v)
	}
}

func eval[T any](t *testing.T, tb *tab, js string) T {
	t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it holds (or the test's bound ends).
func (tb *tab) waitFor(t *testing.T, cond string) {
	t.Helper()
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](cond)); err != nil {
		t.Fatalf("waiting for %s: %v", cond, err)
	}
}

func (tb *tab) click(t *testing.T, sel string) {
	t.Helper()
	if !eval[bool](t, tb, fmt.Sprintf(`(function(){var e=document.querySelector(%q); if(!e) return false; e.click(); return true})()`, sel)) {
		t.Fatalf("no element %s to click", sel)
	}
}

func (tb *tab) visible(t *testing.T, sel string) bool {
	t.Helper()
	return eval[bool](t, tb, fmt.Sprintf(`(function(){var e=document.querySelector(%q); return !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility != "hidden"})()`, sel))
}

func (tb *tab) noScript(t *testing.T) {
	t.Helper()
	if _, err := chromedp.Call(tb.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
}

func (tb *tab) colourScheme(t *testing.T, scheme string) {
	t.Helper()
	if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
		t.Fatal(err)
	}
}

// A thirdParty is a stand-in for an analytics provider on another origin:
// its script sets a cookie and marks the page, and it counts its hits.
type thirdParty struct {
	*httptest.Server
	hits atomic.Int64
}

func newThirdParty(t *testing.T) *thirdParty {
	tp := &thirdParty{}
	tp.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tp.hits.Add(1)
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `document.cookie = "_fa_id=visitor; path=/"; document.cookie = "_fa_ses_1=x; path=/"; window.fakeAnalytics = (document.currentScript && document.currentScript.getAttribute("data-domain")) || "loaded";`)
	}))
	t.Cleanup(tp.Close)
	return tp
}

// A site is a built site served over HTTP with the headers of its _headers file.
type site struct {
	*httptest.Server
	outputs map[string][]byte
}

// build writes a site folder from files, builds it as of now and serves it.
func build(t *testing.T, files map[string]string, now date.Date) *site {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := generator.Render(generator.Options{Source: os.DirFS(dir), Now: now})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if err := output.MinifyAll(res.Outputs); err != nil {
		t.Fatal(err)
	}
	s := &site{outputs: map[string][]byte{}}
	for _, o := range res.Outputs {
		s.outputs[o.Path] = o.Body
	}
	// Served as policysite serve serves it: with its _headers applied.
	s.Server = httptest.NewServer(serve.Handler(res.Outputs))
	t.Cleanup(s.Close)
	resp, err := http.Get(s.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Content-Security-Policy") == "" {
		t.Fatal("the site is served without its Content-Security-Policy: the CSP checks would pass for nothing")
	}
	return s
}
