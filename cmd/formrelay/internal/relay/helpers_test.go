package relay

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/policysite/policysite/cmd/formrelay/smtptest"
)

const testSite = `title: Larkfield policies
organisation:
  name: Larkfield Learning Trust
base_url: https://policies.larkfield.example/
dpo:
  name: Priya Halloran
  email: dpo@larkfield.example
  phone: 01632 960415
requests:
  relay_url: https://forms.larkfield.example/requests
`

// testConfig writes a site and relay.yaml (with extra lines appended) into
// dir and loads it.
func testConfig(t testing.TB, dir string, smtpAddr *smtptest.Server, extra string) *Config {
	t.Helper()
	return testConfigSite(t, dir, smtpAddr, testSite, extra)
}

// testConfigSite is testConfig with site.yaml's text given.
func testConfigSite(t testing.TB, dir string, smtpAddr *smtptest.Server, site, extra string) *Config {
	t.Helper()
	write(t, filepath.Join(dir, "site.yaml"), site)
	y := fmt.Sprintf(`listen: 127.0.0.1:0
spool: spool
site: site.yaml
allowed_origins: [https://www.larkfield.example]
trusted_proxies: [127.0.0.1]
smtp:
  host: %s
  port: %d
  starttls: disabled
from: "Larkfield forms <forms@larkfield.example>"
%s`, smtpAddr.Host(), smtpAddr.Port(), extra)
	write(t, filepath.Join(dir, "relay.yaml"), y)
	cfg, l := LoadConfig(filepath.Join(dir, "relay.yaml"))
	if l.HasErrors() {
		t.Fatalf("config: %v", l)
	}
	return cfg
}

func write(t testing.TB, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

type env struct {
	t     testing.TB
	dir   string
	smtp  *smtptest.Server
	cfg   *Config
	relay *Relay
	srv   *httptest.Server
	stop  func()
	// log, if set, receives the relay's log besides the test's.
	log io.Writer
	// tune, if set, changes the relay's settings before its worker starts.
	tune func(*Relay)
}

// at is the test's clock: it starts at start and runs at real speed, so
// backoff timers still fire.
func at(start time.Time) func() time.Time {
	real := time.Now()
	return func() time.Time { return start.Add(time.Since(real)) }
}

var testStart = time.Date(2025, time.January, 31, 14, 5, 0, 0, time.UTC)

// newEnv starts an SMTP server, a relay with its worker and an HTTP test server.
func newEnv(t testing.TB, extra string) *env {
	t.Helper()
	return newEnvSite(t, testSite, extra)
}

// newEnvSite is newEnv with site.yaml's text given.
func newEnvSite(t testing.TB, site, extra string) *env {
	t.Helper()
	s, err := smtptest.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	e := &env{t: t, dir: t.TempDir(), smtp: s}
	e.cfg = testConfigSite(t, e.dir, s, site, extra)
	e.start()
	return e
}

func (e *env) start() {
	e.t.Helper()
	var logw io.Writer = testWriter{e.t}
	if e.log != nil {
		logw = io.MultiWriter(logw, e.log)
	}
	r, err := New(e.cfg, &SMTPSender{Host: e.smtp.Host(), Port: e.smtp.Port(), Timeout: 5 * time.Second}, slog.New(slog.NewTextHandler(logw, nil)))
	if err != nil {
		e.t.Fatal(err)
	}
	r.Now = at(testStart)
	r.Worker.MinBackoff, r.Worker.MaxBackoff = 20*time.Millisecond, 200*time.Millisecond
	if e.tune != nil {
		e.tune(r)
	}
	e.relay = r
	ctx, cancel := contextWithCancel()
	wait := r.StartWorker(ctx)
	e.srv = httptest.NewServer(r.Handler())
	e.stop = func() { e.srv.Close(); cancel(); wait(); r.Close() }
	e.t.Cleanup(func() {
		if e.stop != nil {
			e.stop()
		}
	})
}

func (e *env) restart() {
	e.stop()
	e.stop = nil
	e.start()
}

func goodForm() url.Values {
	return url.Values{
		"type": {"erasure"}, "name": {"Ada Lovelace"}, "email": {"ada@example.org"},
		"relationship": {"Parent or carer"}, "details": {"Please delete the photos of my son\r\nfrom the 2019 sports day."}, "declaration": {"yes"},
	}
}

// post sends a form-encoded submission from an allowed origin.
func (e *env) post(v url.Values, header ...string) *http.Response {
	e.t.Helper()
	return e.do("POST", "/requests", "application/x-www-form-urlencoded", v.Encode(), header...)
}

func (e *env) do(method, path, ctype, body string, header ...string) *http.Response {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Origin", "https://policies.larkfield.example")
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func readBody(t testing.TB, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// waitFor polls cond until it holds or five seconds pass.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
