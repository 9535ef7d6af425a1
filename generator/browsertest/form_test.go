package browsertest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/policysite/policysite/cmd/formrelay/smtptest"
	"github.com/policysite/policysite/internal/testtools"
)

// The request form against a running relay: the site is built with its
// relay_url pointing at formrelay (the built binary, started with
// `formrelay serve --config`), which delivers to an SMTP server in this
// process. Chromium fills in and sends the generated form without
// JavaScript (a plain post; the relay's own error and thanks pages) and
// with it (errors beside their fields and a confirmation in place), and
// both emails of each accepted request must arrive.

// A relayRig is a built site served over HTTP, a formrelay process it
// posts to, and the mail server the relay delivers to.
type relayRig struct {
	site  *site
	relay string // http://127.0.0.1:port
	mail  *smtptest.Server
	mu    sync.Mutex
	log   strings.Builder
}

// formrelayBinary builds cmd/formrelay into the test's temporary folder
// (the build cache makes the second build quick).
func formrelayBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "formrelay")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/formrelay")
	cmd.Dir = testtools.Root()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/formrelay: %v\n%s", err, out)
	}
	return bin
}

const formSiteYAML = `title: Test policies
organisation:
  name: Test School
base_url: http://localhost/
dpo:
  name: Sam Okafor
  email: dpo@example.org
  phone: 01632 960001
requests:
  relay_url: %s/requests
`

// newRelayRig builds and serves a site whose form posts to a formrelay it
// starts. The site is one being tried out before it is published (an http
// base_url on this machine: relay-url refuses a loopback relay for an
// https site), and the relay allows its origin through allowed_origins.
func newRelayRig(t *testing.T) *relayRig {
	t.Helper()
	bin := formrelayBinary(t)
	var mail *smtptest.Server
	var err error
	for range 5 { // New picks a free port; another test may take it before Start
		if mail, err = smtptest.New(); err == nil {
			if err = mail.Start(); err == nil {
				break
			}
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mail.Stop)
	for attempt := 1; ; attempt++ {
		rg, err := startRelayRig(t, bin, mail)
		if err == nil {
			return rg
		}
		if attempt == 5 || !errors.Is(err, errPortTaken) {
			t.Fatal(err)
		}
	}
}

var errPortTaken = errors.New("the relay's port was taken")

// startRelayRig makes one attempt: the relay's port has to be chosen before
// the site is built (the form names it), so another process may take it
// before the relay listens.
func startRelayRig(t *testing.T, bin string, mail *smtptest.Server) (*relayRig, error) {
	t.Helper()
	rg := &relayRig{mail: mail}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	rg.relay = "http://" + ln.Addr().String()
	ln.Close()
	siteYAML := fmt.Sprintf(formSiteYAML, rg.relay)
	rg.site = build(t, map[string]string{
		"site.yaml":           siteYAML,
		"content/handbook.md": "---\ntitle: Staff handbook\nversion: \"1.0\"\neffective: 2026-01-01\nnext_review: 2027-06-30\nowner: Head teacher\n---\n\n## Scope\n\nEveryone.\n",
	}, buildDay)

	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("site.yaml", siteYAML)
	write("relay.yaml", fmt.Sprintf(`listen: %s
spool: spool
site: site.yaml
allowed_origins: [%s]
smtp:
  host: %s
  port: %d
  starttls: disabled
from: "Test School <forms@example.org>"
`, strings.TrimPrefix(rg.relay, "http://"), rg.site.URL, mail.Host(), mail.Port()))

	// The relay's clock reads as the page's does (its hidden --now), so the
	// dates it gives are fixed.
	cmd := exec.Command(bin, "serve", "--config", filepath.Join(dir, "relay.yaml"), "--now", viewedAt.Format(time.RFC3339))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	ready, exited := make(chan bool, 1), make(chan bool)
	go func() {
		defer close(exited)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			rg.mu.Lock()
			rg.log.WriteString(sc.Text() + "\n")
			rg.mu.Unlock()
			if strings.Contains(sc.Text(), "msg=listening") {
				ready <- true
			}
		}
	}()
	select {
	case <-ready:
		return rg, nil
	case <-exited:
		if strings.Contains(rg.logs(), "address already in use") {
			return nil, errPortTaken
		}
		return nil, fmt.Errorf("formrelay exited:\n%s", rg.logs())
	case <-time.After(20 * time.Second):
		return nil, fmt.Errorf("formrelay did not start:\n%s", rg.logs())
	}
}

func (rg *relayRig) logs() string {
	rg.mu.Lock()
	defer rg.mu.Unlock()
	return rg.log.String()
}

// delivered waits for the officer's email and the acknowledgement of ref.
func (rg *relayRig) delivered(t *testing.T, ref, requester string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var officer, ack *smtptest.Message
		for _, m := range rg.mail.Messages() {
			if m.Header.Get("X-DSR-Reference") != ref {
				continue
			}
			switch strings.Join(m.To, ",") {
			case "dpo@example.org":
				officer = &m
			case requester:
				ack = &m
			}
		}
		if officer != nil && ack != nil {
			if !strings.Contains(ack.Body, "Your reference is "+ref) || !strings.Contains(officer.Body, "Reference:     "+ref) {
				t.Errorf("emails of %s lack the reference:\n%s\n%s", ref, officer.Body, ack.Body)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("emails of %s did not both arrive (officer %v, acknowledgement %v)\n%s", ref, officer != nil, ack != nil, rg.logs())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// replyBy is the reply date of a request received at viewedAt: one
// calendar month on.
const replyBy = "We will reply by Wednesday 23 December 2026."

var refRE = regexp.MustCompile(`^DSR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}$`)

// fill answers the default form as a person would: clicks for the type and
// the declaration, typing for text. An empty value leaves the field alone.
func fill(t *testing.T, tb *tab, name, email string) {
	t.Helper()
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Click(chromedp.CSS("#type-access")),
		chromedp.SendKeys(chromedp.CSS("#f-name"), name),
		chromedp.SetValue(chromedp.CSS("#f-relationship"), "Former pupil"),
		chromedp.SendKeys(chromedp.CSS("#f-details"), "My exam results from 1990."),
		chromedp.Click(chromedp.CSS("#f-declaration")),
	}
	if email != "" {
		steps = append(steps, chromedp.SendKeys(chromedp.CSS("#f-email"), email))
	}
	tb.do(t, steps...)
}

// arrive waits, across page loads, until a JavaScript condition holds.
// (chromedp.Poll runs inside the page and dies with it when a form posts.)
func (tb *tab) arrive(t *testing.T, cond string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if ok, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](cond)); err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			url, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText`))
			t.Fatalf("waiting for %s; the page is %s", cond, url)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// axe runs axe-core on the open page, in light and dark, and reports
// every WCAG 2.2 A/AA violation. With noScript, the page's own scripts are
// off again afterwards (axe needs them on to run).
func (tb *tab) axe(t *testing.T, name string, noScript bool) {
	t.Helper()
	if noScript {
		if _, err := chromedp.Call(tb.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
			t.Fatal(err)
		}
		defer tb.noScript(t)
	}
	for _, scheme := range []string{"light", "dark"} {
		tb.colourScheme(t, scheme)
		tb.axeCheck(t, name+" ("+scheme+")")
	}
	tb.colourScheme(t, "light")
}

// Without JavaScript the form is a plain post. A mistake brings the relay's
// copy of the form, with an error summary linked to each field, each field
// marked invalid and described by its message, and what was typed kept;
// corrected there, it is accepted. The 303 lands on the relay's thanks page,
// which shows the reference and the date due, and both emails arrive. A
// correct post straight from the site's form goes the same way.
func TestFormWithoutJavaScript(t *testing.T) {
	rg := newRelayRig(t)
	tb := newTab(t)
	tb.noScript(t)
	tb.open(t, rg.site.URL+"/requests/")

	fill(t, tb, "Grace Hopper", "")
	tb.click(t, "form.request button[type=submit]")
	tb.arrive(t, `location.origin == "`+rg.relay+`" && document.title.startsWith("Error: ") && document.readyState == "complete"`)
	for _, c := range []struct{ what, js, want string }{
		{"summary link", `document.querySelector(".summary a").getAttribute("href") + " " + document.querySelector(".summary a").textContent`, "#f-email Enter your email address"},
		{"field invalid", `document.getElementById("f-email").getAttribute("aria-invalid")`, "true"},
		{"field described by its error", `document.getElementById("f-email").getAttribute("aria-describedby").split(" ").map(function (id) { return document.getElementById(id).textContent }).join(" | ")`, "Error: Enter your email address | We will send your acknowledgement and our reply here."},
		{"summary focused", `document.activeElement.className`, "summary"},
		{"name kept", `document.getElementById("f-name").value`, "Grace Hopper"},
		{"details kept", `document.getElementById("f-details").value`, "My exam results from 1990."},
		{"choice kept", `document.querySelector("input[name=type]:checked").value + " " + document.getElementById("f-relationship").value`, "access Former pupil"},
	} {
		if got := eval[string](t, tb, c.js); got != c.want {
			t.Errorf("relay's error page: %s = %q, want %q", c.what, got, c.want)
		}
	}
	if n := eval[int](t, tb, `document.querySelectorAll(".summary li").length`); n != 1 {
		t.Errorf("%d errors in the summary, want 1", n)
	}
	tb.axe(t, "relay's error page", true)

	// Corrected on the relay's page, which posts back to the relay.
	tb.do(t, chromedp.SendKeys(chromedp.CSS("#f-email"), "grace@example.org"))
	tb.click(t, "form button[type=submit]")
	ref := tb.thanks(t, rg)
	rg.delivered(t, ref, "grace@example.org")
	tb.axe(t, "relay's thanks page", true)

	// Straight from the site's form.
	tb.open(t, rg.site.URL+"/requests/")
	fill(t, tb, "Ada Lovelace", "ada@example.org")
	tb.click(t, "form.request button[type=submit]")
	ref2 := tb.thanks(t, rg)
	if ref2 == ref {
		t.Errorf("two requests, one reference %s", ref)
	}
	rg.delivered(t, ref2, "ada@example.org")
}

// thanks waits for the relay's thanks page and returns the reference it shows.
func (tb *tab) thanks(t *testing.T, rg *relayRig) string {
	t.Helper()
	// Arrived once parsed: the address changes before the page is read.
	tb.arrive(t, `location.origin == "`+rg.relay+`" && location.pathname == "/requests/thanks" && document.readyState == "complete"`)
	ref := eval[string](t, tb, `(document.querySelector(".reference strong") || {}).textContent || ""`)
	if !refRE.MatchString(ref) {
		t.Fatalf("thanks page shows reference %q:\n%s", ref, eval[string](t, tb, `document.body.innerText`))
	}
	text := eval[string](t, tb, `document.body.innerText`)
	if !strings.Contains(text, replyBy) {
		t.Errorf("thanks page gives no reply-by date:\n%s", text)
	}
	if got := eval[string](t, tb, `location.search`); got != "?ref="+ref {
		t.Errorf("thanks page address %q", got)
	}
	return ref
}

// With JavaScript the form never leaves the page: the relay's messages
// appear beside their fields and in a focused summary linked to them, and
// once accepted a confirmation with the reference and dated next steps
// takes the form's place and has the focus. The cross-origin post stays
// inside the site's Content-Security-Policy.
func TestFormWithJavaScript(t *testing.T) {
	rg := newRelayRig(t)
	tb := newTab(t)
	page := rg.site.URL + "/requests/"
	tb.open(t, page)

	fill(t, tb, "Grace Hopper", "")
	tb.click(t, "form.request button[type=submit]")
	tb.waitFor(t, `!document.querySelector(".form-errors").hidden`)
	if got := eval[string](t, tb, `location.href`); got != page {
		t.Errorf("the page changed to %s", got)
	}
	for _, c := range []struct{ what, js, want string }{
		{"beside the field", `document.getElementById("f-email-error").textContent`, "Enter your email address"},
		{"field invalid", `document.getElementById("f-email").getAttribute("aria-invalid")`, "true"},
		{"valid field", `document.getElementById("f-name").getAttribute("aria-invalid")`, "false"},
		{"summary", `Array.from(document.querySelectorAll(".form-errors li:not([hidden]) a")).map(function (a) { return a.getAttribute("href") + " " + a.textContent }).join(" | ")`, "#f-email Enter your email address"},
		{"focus", `document.activeElement.className`, "form-errors notice overdue"},
	} {
		if got := eval[string](t, tb, c.js); got != c.want {
			t.Errorf("%s = %q, want %q", c.what, got, c.want)
		}
	}
	if !tb.visible(t, "#f-email-error") || tb.visible(t, "#f-name-error") {
		t.Error("only the email field's error should show")
	}
	tb.axe(t, "form with errors", false)

	tb.do(t, chromedp.SendKeys(chromedp.CSS("#f-email"), "grace@example.org"))
	tb.click(t, "form.request button[type=submit]")
	tb.waitFor(t, `!document.querySelector(".confirmation").hidden`)
	ref := eval[string](t, tb, `document.querySelector(".confirmation strong").textContent`)
	if !refRE.MatchString(ref) {
		t.Fatalf("confirmation shows reference %q", ref)
	}
	if tb.visible(t, "form.request") || !tb.visible(t, ".confirmation") {
		t.Error("the confirmation should take the form's place")
	}
	if got := eval[string](t, tb, `document.activeElement.className`); got != "confirmation" {
		t.Errorf("focus on %q, want the confirmation", got)
	}
	steps := eval[string](t, tb, `document.querySelector(".confirmation ol").innerText`)
	if !strings.Contains(steps, replyBy) || !strings.Contains(steps, "https://ico.org.uk/make-a-complaint/") {
		t.Errorf("confirmation's next steps:\n%s", steps)
	}
	if got := eval[string](t, tb, `location.href`); got != page {
		t.Errorf("the page changed to %s", got)
	}
	tb.noCSPViolation(t)
	rg.delivered(t, ref, "grace@example.org")
	tb.axe(t, "confirmation", false)
}
