package serve

import (
	"bytes"
	"fmt"
	"html"
	"maps"
	"net/http"
	"strings"
	"sync"

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
	errs    diag.List
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

// Fail keeps the last good site and shows errs on every page.
func (l *Live) Fail(errs diag.List) {
	l.mu.Lock()
	l.errs = errs
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
	h, errs := l.h, l.errs
	l.mu.RUnlock()
	rec := &buffered{header: http.Header{}, code: http.StatusOK}
	h.ServeHTTP(rec, r)
	body := rec.buf.Bytes()
	if strings.HasPrefix(rec.header.Get("Content-Type"), "text/html") {
		body = inject(body, errs)
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

// inject adds the reload script, and the error overlay when there are
// errors, before </body> (or at the end).
func inject(page []byte, errs diag.List) []byte {
	var b bytes.Buffer
	if len(errs) > 0 {
		b.WriteString(`<link rel="stylesheet" href="` + OverlayPath + `"><div id="policysite-errors" role="alert"><h2>The last save did not build</h2><p>The page below is the last good version. Fix the file and save again.</p><ul>`)
		for _, d := range errs {
			fmt.Fprintf(&b, "<li>%s</li>", html.EscapeString(d.Pos.String()+": "+d.Severity.String()+": "+d.Message))
		}
		b.WriteString(`</ul></div>`)
	}
	b.WriteString(`<script src="` + ScriptPath + `" defer></script>`)
	i := bytes.LastIndex(page, []byte("</body>"))
	if i < 0 {
		return append(append([]byte{}, page...), b.Bytes()...)
	}
	out := make([]byte, 0, len(page)+b.Len())
	out = append(out, page[:i]...)
	out = append(out, b.Bytes()...)
	return append(out, page[i:]...)
}

type buffered struct {
	header http.Header
	code   int
	buf    bytes.Buffer
}

func (b *buffered) Header() http.Header         { return b.header }
func (b *buffered) WriteHeader(code int)        { b.code = code }
func (b *buffered) Write(p []byte) (int, error) { return b.buf.Write(p) }

const reloadJS = `// policysite serve: reload this page when the site is rebuilt.
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
})();
`

const overlayCSS = `#policysite-errors{position:fixed;inset:0;overflow:auto;z-index:2147483647;background:#fff;color:#000;border:6px solid #b00020;padding:1.5rem;font:1rem/1.5 ui-monospace,monospace}
#policysite-errors h2{color:#b00020;margin-top:0}
`
