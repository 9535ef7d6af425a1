package serve

import (
	"bytes"
	"cmp"
	"fmt"
	"html"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/policysite/policysite/generator/check"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/output"
)

// Paths the live server adds to the site. They sit under /__policysite/ so
// they cannot clash with a policy's slug.
const (
	EventsPath = "/__policysite/events"
	ScriptPath = "/__policysite/reload.js"
	// OverlayPath styles the error overlay: the site's CSP forbids inline
	// styles as well as inline scripts.
	OverlayPath = "/__policysite/overlay.css"
)

// Live serves a site that changes: Set swaps in a new build, Fail records a
// bad one. Every HTML page gets a script tag for ScriptPath (an external file,
// as the site's CSP forbids inline script), which listens on EventsPath and
// reloads the page, or only swaps the stylesheet when only CSS changed. While
// the last build failed, every page also shows an overlay with the errors.
// Built bytes are never changed: the injection happens per response.
type Live struct {
	mu      sync.RWMutex
	h       http.Handler
	files   map[string][]byte // by URL path of the file: "/privacy/index.html"
	errs    diag.List         // the findings of the last build, when it failed
	failed  int               // which failure errs are, counting from 1
	gen     int
	clients map[chan string]bool
}

// NewLive returns a live server for outs.
func NewLive(outs []output.File) *Live {
	l := &Live{clients: map[chan string]bool{}}
	l.Set(outs)
	return l
}

// Set serves outs from now on, clears any error and tells open pages which
// paths changed. It returns the changed paths.
func (l *Live) Set(outs []output.File) []string {
	l.mu.RLock()
	old := l.files
	l.mu.RUnlock()
	seen := make(map[string]bool, len(outs))
	var changed []string
	for _, o := range outs {
		seen["/"+o.Path] = true
		if b, ok := old["/"+o.Path]; !ok || !bytes.Equal(b, o.Body) {
			changed = append(changed, o.Path)
		}
	}
	for p := range old {
		if !seen[p] {
			changed = append(changed, p[1:])
		}
	}
	l.Update(outs, changed)
	return changed
}

// Update is Set for a caller that knows which paths changed since the last
// Set or Update (generator.Result.Changed): it compares no bodies, and
// copies the last site's table of files rather than building it again.
func (l *Live) Update(outs []output.File, changed []string) {
	l.mu.RLock()
	old := l.files
	l.mu.RUnlock()
	var files map[string][]byte
	if old == nil || len(changed) > len(outs)/4 {
		files = make(map[string][]byte, len(outs))
		for _, o := range outs {
			files["/"+o.Path] = o.Body
		}
	} else {
		files = maps.Clone(old)
		ch := make(map[string]bool, len(changed))
		for _, p := range changed {
			ch[p] = true
			delete(files, "/"+p)
		}
		for _, o := range outs {
			if ch[o.Path] {
				files["/"+o.Path] = o.Body
			}
		}
	}
	h := handler(files)
	l.mu.Lock()
	hadErr := len(l.errs) > 0
	ev := eventFor(changed, old, files, hadErr)
	l.files, l.h, l.errs = files, h, nil
	l.mu.Unlock()
	if len(changed) > 0 || hadErr {
		l.broadcast(ev)
	}
}

// Fail keeps the last good site and shows the failed build's findings on
// every page, errors first, then warnings, each group in the order given.
func (l *Live) Fail(findings diag.List) {
	findings = slices.Clone(findings)
	slices.SortStableFunc(findings, func(a, b diag.Diagnostic) int {
		return cmp.Compare(a.Severity, b.Severity) // Error before Warning
	})
	l.mu.Lock()
	l.errs = findings
	l.failed++
	l.mu.Unlock()
	l.broadcast("reload")
}

// eventFor is "css" when only stylesheets changed, so the page swaps them
// and keeps its scroll position, else "reload". A fingerprinted stylesheet
// changes its URL in every page, so pages whose only change is a stylesheet
// href count as CSS changes too.
func eventFor(changed []string, old, cur map[string][]byte, hadErr bool) string {
	if hadErr || len(changed) == 0 {
		return "reload"
	}
	// Other files first: they decide at once.
	for _, p := range changed {
		if !strings.HasSuffix(p, ".css") && !strings.HasSuffix(p, ".html") {
			return "reload"
		}
	}
	for _, p := range changed {
		if strings.HasSuffix(p, ".html") {
			o, c := old["/"+p], cur["/"+p]
			if o == nil || c == nil || !sameButCSS(o, c) {
				return "reload"
			}
		}
	}
	return "css"
}

// sameButCSS reports whether pages a and b differ only in the values of
// href attributes naming stylesheets (href="....css"). It reads each page
// once, at the speed of bytes.Equal up to each difference: the index of a
// thousand policies is a megabyte (docs/performance.md).
func sameButCSS(a, b []byte) bool {
	for {
		n := commonPrefix(a, b)
		if n == len(a) && n == len(b) {
			return true
		}
		ea, ok := cssHrefEnd(a, n)
		if !ok {
			return false
		}
		eb, ok := cssHrefEnd(b, n)
		if !ok {
			return false
		}
		a, b = a[ea:], b[eb:]
	}
}

// commonPrefix returns the length of the longest common prefix of a and b.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for ; i+256 <= n && bytes.Equal(a[i:i+256], b[i:i+256]); i += 256 {
	}
	for ; i < n && a[i] == b[i]; i++ {
	}
	return i
}

// cssHrefEnd reports whether offset i of page s lies in the value of an
// href naming a stylesheet (at the closing quote at the latest), and
// returns the offset just past that quote.
func cssHrefEnd(s []byte, i int) (int, bool) {
	q := bytes.LastIndexByte(s[:i], '"')
	if q < 5 || string(s[q-5:q+1]) != `href="` {
		return 0, false
	}
	k := bytes.IndexByte(s[i:], '"')
	if k < 0 || !bytes.HasSuffix(s[q+1:i+k], []byte(".css")) {
		return 0, false
	}
	return i + k + 1, true
}

func (l *Live) broadcast(ev string) {
	l.mu.Lock()
	l.gen++
	for c := range l.clients {
		select {
		case c <- ev:
		default:
		}
	}
	l.mu.Unlock()
}

func (l *Live) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case EventsPath:
		l.events(w, r)
		return
	case ScriptPath:
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Write([]byte(reloadJS))
		return
	case OverlayPath:
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Write([]byte(overlayCSS))
		return
	}
	l.mu.RLock()
	h, errs, failed := l.h, l.errs, l.failed
	l.mu.RUnlock()
	rec := &buffered{header: http.Header{}, code: http.StatusOK}
	h.ServeHTTP(rec, r)
	body := rec.buf.Bytes()
	if strings.HasPrefix(rec.header.Get("Content-Type"), "text/html") {
		body = inject(body, errs, failed)
		rec.header.Del("Content-Length")
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.code)
	w.Write(body)
}

func (l *Live) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	c := make(chan string, 4)
	l.mu.Lock()
	l.clients[c] = true
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		delete(l.clients, c)
		l.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	fmt.Fprint(w, ": connected\n\n")
	fl.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case ev := <-c:
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev, ev)
			fl.Flush()
		}
	}
}

// inject adds the reload script before </body>, and, when the last build
// failed, the overlay listing its findings at the start of <body>, first
// in the page's tab order. failed numbers the failure, so that an overlay
// hidden stays hidden on other pages until the next failed build.
func inject(page []byte, errs diag.List, failed int) []byte {
	out := make([]byte, 0, len(page)+512+len(errs)*160)
	rest := page
	if len(errs) > 0 {
		at := 0
		if i := bytes.Index(page, []byte("<body")); i >= 0 {
			if j := bytes.IndexByte(page[i:], '>'); j >= 0 {
				at = i + j + 1
			}
		}
		out = append(out, page[:at]...)
		out = append(out, overlay(errs, failed)...)
		rest = page[at:]
	}
	script := `<script src="` + ScriptPath + `" defer></script>`
	i := bytes.LastIndex(rest, []byte("</body>"))
	if i < 0 {
		return append(append(out, rest...), script...)
	}
	out = append(out, rest[:i]...)
	out = append(out, script...)
	return append(out, rest[i:]...)
}

// overlay is the panel listing a failed build's findings: a landmark of
// its own at the foot of the screen, over at most half of the last good
// page, with a button (or Escape) that hides it.
func overlay(errs diag.List, failed int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<link rel="stylesheet" href="%s"><aside id="policysite-errors" aria-labelledby="policysite-errors-h" data-failure="%d">`, OverlayPath, failed)
	b.WriteString(`<div class="policysite-bar"><h2 id="policysite-errors-h">The last save did not build</h2><button type="button" data-policysite-hide aria-keyshortcuts="Escape">Hide</button></div>`)
	fmt.Fprintf(&b, `<p role="alert">%s. The page is the last good version: fix the file and save again.</p><ol>`, html.EscapeString(check.Summarise(errs).String()))
	for _, d := range errs {
		fmt.Fprintf(&b, `<li class="%s">`, d.Severity)
		if d.File != "" {
			fmt.Fprintf(&b, `<code>%s</code> `, html.EscapeString(d.Pos.String()))
		}
		fmt.Fprintf(&b, `<strong>%s</strong>: %s`, d.Severity, html.EscapeString(d.Message))
		if d.Rule != "" {
			fmt.Fprintf(&b, ` <span class="rule">[%s]</span>`, html.EscapeString(d.Rule))
		}
		b.WriteString(`</li>`)
	}
	b.WriteString(`</ol></aside>`)
	return b.Bytes()
}

type buffered struct {
	header http.Header
	code   int
	buf    bytes.Buffer
}

func (b *buffered) Header() http.Header         { return b.header }
func (b *buffered) WriteHeader(code int)        { b.code = code }
func (b *buffered) Write(p []byte) (int, error) { return b.buf.Write(p) }

const reloadJS = `// policysite serve: reload this page when the site is rebuilt, and let
// the editor hide the list of a failed build's findings until the next one.
(function () {
  var es = new EventSource("` + EventsPath + `");
  es.addEventListener("open", function () { document.documentElement.setAttribute("data-policysite-live", ""); });
  es.addEventListener("reload", function () { location.reload(); });
  es.addEventListener("css", function () {
    fetch(location.href, { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (t) {
      var doc = new DOMParser().parseFromString(t, "text/html");
      var fresh = doc.querySelectorAll('link[rel="stylesheet"]');
      var old = document.querySelectorAll('link[rel="stylesheet"]');
      if (fresh.length !== old.length) { location.reload(); return; }
      for (var i = 0; i < old.length; i++) { old[i].href = fresh[i].href; }
    });
  });
  var panel = document.getElementById("policysite-errors");
  if (!panel) return;
  var key = "policysite-hidden", failure = panel.getAttribute("data-failure");
  function hide() {
    var had = panel.contains(document.activeElement);
    panel.hidden = true;
    try { sessionStorage.setItem(key, failure); } catch (e) {}
    if (had) {
      // Focus goes on to the page, not to nowhere.
      var main = document.getElementById("main") || document.body;
      if (!main.hasAttribute("tabindex")) main.setAttribute("tabindex", "-1");
      main.focus();
    }
  }
  try { if (sessionStorage.getItem(key) === failure) panel.hidden = true; } catch (e) {}
  panel.querySelector("[data-policysite-hide]").addEventListener("click", hide);
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && !panel.hidden) hide();
  });
})();
`

// overlayCSS styles the overlay: a panel at the foot of the screen,
// scrolling within at most half of it, above the page whatever its styles.
const overlayCSS = `#policysite-errors{position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;z-index:2147483647;background:#fff;color:#1b1b1b;border-top:6px solid #b00020;box-shadow:0 -4px 16px rgba(0,0,0,.3);padding:.5rem 1rem 1rem;font:.9375rem/1.5 ui-monospace,monospace;text-align:left}
#policysite-errors[hidden]{display:none}
#policysite-errors .policysite-bar{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem}
#policysite-errors h2{color:#b00020;font:700 1.1rem/1.3 system-ui,sans-serif;margin:.25rem 0}
#policysite-errors p{margin:.25rem 0 .5rem;font-family:system-ui,sans-serif}
#policysite-errors ol{margin:0;padding-left:1.5rem}#policysite-errors li{margin:.2rem 0;overflow-wrap:anywhere}
#policysite-errors li.error strong{color:#b00020}#policysite-errors li.warning strong{color:#7a4a00}
#policysite-errors .rule{color:#555}
#policysite-errors button{font:600 1rem system-ui,sans-serif;padding:.35rem 1rem;border:2px solid #1b1b1b;background:#fff;color:#1b1b1b;cursor:pointer}
#policysite-errors button:focus-visible{outline:3px solid #c55a00;outline-offset:2px}
@media print{#policysite-errors{display:none}}
`
