package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/policysite/policysite/generator"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
)

func policy(title, body string) string {
	return "---\ntitle: " + title + "\nversion: \"1\"\neffective: 2026-01-01\nnext_review: 2027-01-01\nowner: DPO\n---\n\n" + body + "\n"
}

func write(t testing.TB, dir, rel, s string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// devServer is a running Dev on a free port with one open event stream.
type devServer struct {
	t      testing.TB
	dir    string
	base   string
	events chan string
}

func newSite(t testing.TB) string {
	dir := t.TempDir()
	write(t, dir, "site.yaml", "title: Test School\nbase_url: https://example.org/\n")
	write(t, dir, "content/privacy.md", policy("Privacy notice", "First words."))
	write(t, dir, "content/safeguarding.md", policy("Safeguarding", "Keep children safe."))
	return dir
}

func start(t testing.TB, dir string) *devServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	opts := generator.Options{Source: os.DirFS(dir), Now: date.New(2026, 3, 1), BaseURL: "http://" + ln.Addr().String() + "/"}
	go func() {
		done <- Dev(ctx, ln, opts, DevOptions{Watch: true, Dir: dir, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Dev: %v", err)
		}
	})
	s := &devServer{t: t, dir: dir, base: "http://" + ln.Addr().String(), events: make(chan string, 16)}
	resp, err := http.Get(s.base + EventsPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	sc := bufio.NewScanner(resp.Body)
	sc.Scan() // ": connected"
	go func() {
		for sc.Scan() {
			if ev, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				s.events <- ev
			}
		}
	}()
	return s
}

// next waits for the next reload event. The deadline only stops a broken
// test from hanging; it is not a performance assertion.
func (s *devServer) next() string {
	s.t.Helper()
	select {
	case ev := <-s.events:
		return ev
	case <-time.After(10 * time.Second):
		s.t.Fatal("no reload event after the change")
		return ""
	}
}

// until waits for reload events until ok holds, and returns their names. A
// save can reach the server as more than one burst of events, and each
// burst rebuilds, so a test waits for the page it wants.
func (s *devServer) until(ok func() bool) []string {
	s.t.Helper()
	var evs []string
	for {
		evs = append(evs, s.next())
		if ok() {
			return evs
		}
	}
}

// shows returns a check that GET p answers code with each of has.
func (s *devServer) shows(p string, code int, has ...string) func() bool {
	return func() bool {
		c, body := s.get(p)
		if c != code {
			return false
		}
		for _, h := range has {
			if !strings.Contains(body, h) {
				return false
			}
		}
		return true
	}
}

// all reports whether every event is ev.
func all(evs []string, ev string) bool {
	for _, e := range evs {
		if e != ev {
			return false
		}
	}
	return true
}

func (s *devServer) get(p string) (int, string) {
	s.t.Helper()
	resp, err := http.Get(s.base + p)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func (s *devServer) want(p string, code int, has ...string) string {
	s.t.Helper()
	c, body := s.get(p)
	if c != code {
		s.t.Errorf("GET %s: status %d, want %d", p, c, code)
	}
	for _, h := range has {
		if !strings.Contains(body, h) {
			s.t.Errorf("GET %s: no %q in the page", p, h)
		}
	}
	return body
}

func TestEditorSaves(t *testing.T) {
	s := start(t, newSite(t))
	s.want("/privacy/", 200, "First words.", `<script src="`+ScriptPath+`" defer></script>`)

	// Write in place, twice in a burst.
	write(t, s.dir, "content/privacy.md", policy("Privacy notice", "Half"))
	write(t, s.dir, "content/privacy.md", policy("Privacy notice", "Second words."))
	if evs := s.until(s.shows("/privacy/", 200, "Second words.")); !all(evs, "reload") {
		t.Errorf("events %q, want reload", evs)
	}

	// Write a temporary file, then rename it over the policy.
	write(t, s.dir, "content/.privacy.md.tmp", policy("Privacy notice", "Third words."))
	if err := os.Rename(filepath.Join(s.dir, "content/.privacy.md.tmp"), filepath.Join(s.dir, "content/privacy.md")); err != nil {
		t.Fatal(err)
	}
	s.until(s.shows("/privacy/", 200, "Third words."))

	// Vim: probe file 4913, swap file, backup by rename, new file, backup removed.
	write(t, s.dir, "content/4913", "")
	os.Remove(filepath.Join(s.dir, "content/4913"))
	write(t, s.dir, "content/.privacy.md.swp", "swap")
	if err := os.Rename(filepath.Join(s.dir, "content/privacy.md"), filepath.Join(s.dir, "content/privacy.md~")); err != nil {
		t.Fatal(err)
	}
	write(t, s.dir, "content/privacy.md", policy("Privacy notice", "Fourth words."))
	os.Remove(filepath.Join(s.dir, "content/privacy.md~"))
	s.until(s.shows("/privacy/", 200, "Fourth words."))
	os.Remove(filepath.Join(s.dir, "content/.privacy.md.swp"))

	// Rename a policy: the old page goes, the new one comes, the index follows.
	if err := os.Rename(filepath.Join(s.dir, "content/safeguarding.md"), filepath.Join(s.dir, "content/child-protection.md")); err != nil {
		t.Fatal(err)
	}
	s.until(s.shows("/child-protection/", 200))
	s.want("/safeguarding/", 404)
	s.want("/child-protection/", 200, "Keep children safe.")
	s.want("/", 200, "/child-protection/")

	// Create a policy in a new folder.
	write(t, s.dir, "content/behaviour/index.md", policy("Behaviour", "Be kind."))
	s.until(s.shows("/behaviour/", 200, "Be kind."))
	s.want("/policies.json", 200, "Behaviour")

	// Delete a policy.
	os.Remove(filepath.Join(s.dir, "content/child-protection.md"))
	s.until(s.shows("/child-protection/", 404))
	if _, body := s.get("/sitemap.xml"); strings.Contains(body, "child-protection") {
		t.Error("sitemap still lists a deleted policy")
	}
	// Only the policies saved are policies: no editor's junk file.
	_, body := s.get("/policies.json")
	var index struct{ Policies []struct{ Slug string } }
	if err := json.Unmarshal([]byte(body), &index); err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, p := range index.Policies {
		slugs = append(slugs, p.Slug)
	}
	if slices.Sort(slugs); !slices.Equal(slugs, []string{"behaviour", "privacy"}) {
		t.Errorf("policies %q, want [behaviour privacy]", slugs)
	}
}

func TestBrokenSaveKeepsLastGoodSite(t *testing.T) {
	tests := []struct{ name, content, at string }{
		{"broken YAML", "---\ntitle: [broken\n---\nx\n", "content/privacy.md:2:"},
		{"no closing ---", "---\ntitle: Privacy notice\nversion: \"1\"\n\nNo end.\n", "content/privacy.md:1:"},
		{"impossible date", strings.Replace(policy("Privacy notice", "x"), "2026-01-01", "2026-02-30", 1), "content/privacy.md:4:"},
		// The warning that explains the error is in the overlay too, after it.
		{"misspelt key", strings.Replace(policy("Privacy notice", "x"), "owner", "ownr", 1),
			`<strong>error</strong>: missing required field &#34;owner&#34; (or set it for every policy under defaults: in site.yaml)` + ` <span class="rule">[front-matter]</span></li><li class="warning"><code>content/privacy.md:6:1</code> <strong>warning</strong>: unknown field &#34;ownr&#34; (did you mean &#34;owner&#34;?): ignored <span class="rule">[unknown-field]</span>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, newSite(t))
			write(t, s.dir, "content/privacy.md", tt.content)
			s.until(s.shows("/privacy/", 200, tt.at))
			body := s.want("/privacy/", 200, "First words.", `id="policysite-errors"`, tt.at)
			if !strings.Contains(body, OverlayPath) {
				t.Error("overlay without its stylesheet")
			}
			// Every page shows it, the 404 page too.
			s.want("/safeguarding/", 200, `id="policysite-errors"`)
			s.want("/nothing/", 404, `id="policysite-errors"`)

			write(t, s.dir, "content/privacy.md", policy("Privacy notice", "Fixed words."))
			s.until(s.shows("/privacy/", 200, "Fixed words."))
			body = s.want("/privacy/", 200, "Fixed words.")
			if strings.Contains(body, "policysite-errors") {
				t.Error("overlay still shown after a good save")
			}
		})
	}
}

func TestThemeEdits(t *testing.T) {
	dir := newSite(t)
	for _, f := range []string{"layouts/policy.html", "assets/site.css"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "themes", "default", f))
		if err != nil {
			t.Fatal(err)
		}
		write(t, dir, "themes/default/"+f, string(b))
	}
	s := start(t, dir)

	// A stylesheet change swaps the stylesheet: no full reload.
	css, _ := os.ReadFile(filepath.Join(dir, "themes/default/assets/site.css"))
	write(t, dir, "themes/default/assets/site.css", string(css)+"\n.policysite-test-rule{color:red}\n")
	if evs := s.until(func() bool {
		_, page := s.get("/privacy/")
		m := regexp.MustCompile(`href="([^"]*\.css)"`).FindStringSubmatch(page)
		return m != nil && s.shows(m[1], 200, ".policysite-test-rule")()
	}); !all(evs, "css") {
		t.Errorf("CSS edit: events %q, want css", evs)
	}
	// A template change reloads.
	tpl, _ := os.ReadFile(filepath.Join(dir, "themes/default/layouts/policy.html"))
	write(t, dir, "themes/default/layouts/policy.html", strings.Replace(string(tpl), `{{define "main" -}}`, `{{define "main" -}}<p>Template marker</p>`, 1))
	if evs := s.until(s.shows("/privacy/", 200, "Template marker")); !all(evs, "reload") {
		t.Errorf("template edit: events %q, want reload", evs)
	}
}

// Served bytes of non-HTML outputs are the built bytes; HTML differs only by
// the injected script. _headers is read, not served, as a host does.
func TestServedMatchesBuilt(t *testing.T) {
	dir := newSite(t)
	s := start(t, dir)
	res, err := generator.Render(generator.Options{Source: os.DirFS(dir), Now: date.New(2026, 3, 1), BaseURL: s.base + "/"})
	if err != nil {
		t.Fatal(err)
	}
	inj := `<script src="` + ScriptPath + `" defer></script>`
	for _, o := range res.Outputs {
		p := "/" + strings.TrimSuffix(o.Path, "index.html")
		if o.Path == "_headers" {
			if code, _ := s.get(p); code != http.StatusNotFound {
				t.Errorf("_headers served (%d)", code)
			}
			continue
		}
		_, body := s.get(p)
		if strings.HasSuffix(o.Path, ".html") {
			body = strings.Replace(body, inj, "", 1)
		}
		if body != string(o.Body) {
			t.Errorf("%s: served bytes differ from the build", o.Path)
		}
		if strings.Contains(string(o.Body), "__policysite") {
			t.Errorf("%s: the build holds dev-server code", o.Path)
		}
	}
}

func TestFresh(t *testing.T) {
	w := func(file string, line int, msg string) diag.Diagnostic {
		return diag.Diagnostic{Pos: diag.Pos{File: file, Line: line, Col: 1}, Severity: diag.Warning, Message: msg}
	}
	a1, a2, b1, c1 := w("a.md", 1, "x"), w("a.md", 2, "y"), w("b.md", 1, "x"), w("c.md", 1, "x")
	e1 := w("b.md", 2, "bad")
	e1.Severity = diag.Error
	a1rule := a1
	a1rule.Rule = "other"
	tests := []struct {
		name            string
		last, cur, want diag.List
	}{
		{"first build", nil, diag.List{a1, b1}, diag.List{a1, b1}},
		{"nothing new", diag.List{a1, b1}, diag.List{a1, b1}, nil},
		{"one new", diag.List{a1, c1}, diag.List{a1, b1, c1}, diag.List{b1}},
		{"one gone", diag.List{a1, a2, b1}, diag.List{a1, b1}, nil},
		{"same place, other rule", diag.List{a1}, diag.List{a1, a1rule}, diag.List{a1rule}},
		{"all new", diag.List{a1}, diag.List{a2, c1}, diag.List{a2, c1}},
		{"errors are not warnings", nil, diag.List{a1, e1}, diag.List{a1}},
	}
	for _, tt := range tests {
		if got := fresh(tt.last, tt.cur); !slices.Equal(got, tt.want) {
			t.Errorf("%s: fresh = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// A folder-form policy renamed, then an earlier version in it edited: the
// edit shows (the watcher reports it by its new path, so the builder reads
// it again).
func TestRenamedFolder(t *testing.T) {
	dir := newSite(t)
	version := func(v, effective, body string) string {
		return strings.NewReplacer(`version: "1"`, `version: "`+v+`"`, "effective: 2026-01-01", "effective: "+effective).Replace(policy("Retention", body))
	}
	write(t, dir, "content/retention/index.md", version("2", "2026-01-01", "Keep it two years."))
	write(t, dir, "content/retention/history/1.md", version("1", "2025-01-01", "Keep it one year."))
	s := start(t, dir)
	s.want("/retention/v/1/", 200, "Keep it one year.")
	if err := os.Rename(filepath.Join(dir, "content/retention"), filepath.Join(dir, "content/records")); err != nil {
		t.Fatal(err)
	}
	s.until(s.shows("/records/v/1/", 200, "Keep it one year."))
	s.want("/retention/", 404)
	write(t, dir, "content/records/history/1.md", version("1", "2025-01-01", "Keep it eighteen months."))
	s.until(s.shows("/records/v/1/", 200, "Keep it eighteen months."))
}

// syncBuffer is a bytes.Buffer safe to write from Dev's goroutine and
// read from the test's.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The preview's terminal prints content findings as check does, with the
// did-you-mean and the rule, not as log records.
func TestFindingsInCheckForm(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "site.yaml", "title: Test School\n")
	write(t, dir, "content/privacy.md", "---\ntitle: Privacy notice\nversion: \"1\"\neffective: 2026-01-01\nnext_review: 2027-01-01\nownr: DPO\n---\n\nFirst words.\n")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var findings, log syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Dev(ctx, ln, generator.Options{Source: os.DirFS(dir), Now: date.New(2026, 3, 1)}, DevOptions{Findings: &findings, Log: slog.New(slog.NewTextHandler(&log, nil))})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Dev: %v", err)
		}
	}()
	// Without watching, the first build is done before the server answers.
	resp, err := http.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := []string{
		`content/privacy.md:1:1: error: missing required field "owner" (or set it for every policy under defaults: in site.yaml) [front-matter]`,
		`content/privacy.md:6:1: warning: unknown field "ownr" (did you mean "owner"?): ignored [unknown-field]`,
	}
	for _, w := range want {
		if !strings.Contains(findings.String(), w+"\n") {
			t.Errorf("findings lack %q:\n%s", w, findings.String())
		}
	}
	if strings.Contains(log.String(), "ownr") {
		t.Errorf("findings went to the log too:\n%s", log.String())
	}
}
