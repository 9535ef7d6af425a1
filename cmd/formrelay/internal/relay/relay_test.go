package relay

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/policysite/policysite/cmd/formrelay/internal/spool"
	"github.com/policysite/policysite/cmd/formrelay/smtptest"
	"github.com/policysite/policysite/generator/form"
)

var refRE = regexp.MustCompile(`^DSR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}$`)

// TestFormPostDelivers is the whole path without JavaScript: a plain form
// post, a 303 to the thanks page, the request durable in the spool, and both
// emails received by a real SMTP server with the right content and headers.
func TestFormPostDelivers(t *testing.T) {
	e := newEnv(t, "")
	resp := e.post(goodForm())
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d, want 303", resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	ref := loc.Query().Get("ref")
	// The relay's own thanks page, beside requests.relay_url.
	if loc.Scheme+"://"+loc.Host+loc.Path != "https://forms.larkfield.example/requests/thanks" || !refRE.MatchString(ref) {
		t.Fatalf("Location %s", loc)
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "https://policies.larkfield.example" {
		t.Errorf("Access-Control-Allow-Origin %q", got)
	}

	msgs := e.smtp.Wait(2, 10*time.Second)
	if len(msgs) != 2 {
		t.Fatalf("%d emails, want 2", len(msgs))
	}
	officer, ack := msgs[0], msgs[1]
	// Received Friday 31 January 2025: one month is 28 February (a Friday);
	// three months is 30 April (a Wednesday).
	for _, c := range []struct{ what, got, want string }{
		{"officer envelope to", strings.Join(officer.To, ","), "dpo@larkfield.example"},
		{"officer envelope from", officer.From, "forms@larkfield.example"},
		{"officer To", officer.Header.Get("To"), "<dpo@larkfield.example>"},
		{"officer From", officer.Header.Get("From"), `"Larkfield forms" <forms@larkfield.example>`},
		{"officer Reply-To", officer.Header.Get("Reply-To"), "<ada@example.org>"},
		{"officer Message-ID", officer.Header.Get("Message-ID"), "<" + strings.ToLower(ref) + ".officer@larkfield.example>"},
		{"officer Subject", smtptest.DecodeHeader(officer.Header.Get("Subject")), "Data protection request " + ref + ": Delete information about me (reply by 28 February 2025)"},
		{"officer Auto-Submitted", officer.Header.Get("Auto-Submitted"), "auto-generated"},
		{"ack envelope to", strings.Join(ack.To, ","), "ada@example.org"},
		{"ack Reply-To", ack.Header.Get("Reply-To"), "<dpo@larkfield.example>"},
		{"ack Message-ID", ack.Header.Get("Message-ID"), "<" + strings.ToLower(ref) + ".ack@larkfield.example>"},
		{"ack Subject", smtptest.DecodeHeader(ack.Header.Get("Subject")), "We have received your data protection request (reference " + ref + ")"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	for _, want := range []string{
		"Reference:     " + ref,
		"Request:       Delete information about me (erasure)",
		"Received:      Friday 31 January 2025 at 14:05 (UK time)",
		"Reply due by:  Friday 28 February 2025",
		"If extended:   Wednesday 30 April 2025",
		"Your full name\n  Ada Lovelace",
		"Tell us about your request\n  Please delete the photos of my son\n  from the 2019 sports day.",
		"Your relationship to us\n  Parent or carer",
		"Check the requester's identity",
	} {
		if !strings.Contains(officer.Body, want) {
			t.Errorf("officer email lacks %q:\n%s", want, officer.Body)
		}
	}
	for _, want := range []string{
		"Dear Ada Lovelace,",
		"Your reference is " + ref,
		"We will reply by Friday 28 February 2025",
		"to Wednesday 30 April 2025",
		"proof of your identity",
		"Priya Halloran, data protection officer",
		"Please quote it if you contact us about this request.",
	} {
		// Paragraphs are wrapped: compare with the line breaks as spaces.
		if !strings.Contains(strings.Join(strings.Fields(ack.Body), " "), want) {
			t.Errorf("acknowledgement lacks %q:\n%s", want, ack.Body)
		}
	}
	if strings.Contains(ack.Body, "sports day") {
		t.Error("acknowledgement repeats the request's details")
	}
	waitFor(t, "empty queue", func() bool { return e.relay.Worker.Depth() == 0 })
	if st := e.relay.Spool.Find(FileName(ref)); st != spool.Sent {
		t.Errorf("delivered request in %s/, want sent/", st)
	}
}

func TestJSON(t *testing.T) {
	e := newEnv(t, "")
	body := `{"type":"access","name":"Ada Lovelace","email":"ada@example.org","relationship":"Pupil","details":"All of it","declaration":true}`
	resp := e.do("POST", "/requests", "application/json", body)
	var got struct {
		Reference, Due, Received string
		Extended                 string      `json:"extended_due"`
		Steps                    []form.Step `json:"next_steps"`
	}
	if err := json.Unmarshal([]byte(readBody(t, resp)), &got); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusCreated || !refRE.MatchString(got.Reference) ||
		got.Due != "2025-02-28" || got.Extended != "2025-04-30" || got.Received != "2025-01-31T14:05:00Z" {
		t.Fatalf("%d %+v", resp.StatusCode, got)
	}
	// The confirmation the site's script shows, dated, in the shared words.
	if want := form.NextSteps("Friday 28 February 2025", "Wednesday 30 April 2025"); !reflect.DeepEqual(got.Steps, want) {
		t.Errorf("next_steps %+v\nwant %+v", got.Steps, want)
	}
	if e.relay.Spool.Find(FileName(got.Reference)) == "" {
		t.Error("acknowledged reference is not in the spool")
	}

	// Field errors, keyed by field, for the script to put next to each.
	resp = e.do("POST", "/requests", "application/json", `{"type":"gossip","email":"not an address","declaration":false}`)
	var errs struct{ Errors map[string]string }
	json.Unmarshal([]byte(readBody(t, resp)), &errs)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", resp.StatusCode)
	}
	want := map[string]string{
		"type":         "Choose one of the requests listed",
		"name":         "Enter your full name",
		"email":        "Your email address: must be on one line; remove the line breaks",
		"relationship": "Choose your relationship to us",
		"details":      "Tell us about your request",
		"declaration":  "Tick the box to confirm the declaration",
	}
	want["email"] = "Enter an email address in the correct format, like name@example.com"
	if len(errs.Errors) != len(want) {
		t.Errorf("errors %v", errs.Errors)
	}
	for k, v := range want {
		if errs.Errors[k] != v {
			t.Errorf("errors[%s] = %q, want %q", k, errs.Errors[k], v)
		}
	}

	// A form post asking for JSON (what a script sending FormData does).
	var mp bytes.Buffer
	w := multipart.NewWriter(&mp)
	for k, v := range goodForm() {
		w.WriteField(k, v[0])
	}
	w.Close()
	resp = e.do("POST", "/requests", w.FormDataContentType(), mp.String(), "Accept", "application/json")
	if b := readBody(t, resp); resp.StatusCode != http.StatusCreated || !strings.Contains(b, `"reference":"DSR-`) {
		t.Errorf("multipart: %d %s", resp.StatusCode, b)
	}
}

// TestBadInput covers each refusal in the issue, one per line.
func TestBadInput(t *testing.T) {
	e := newEnv(t, "")
	big := goodForm()
	big.Set("details", strings.Repeat("x", 33<<10))
	withCRLF := goodForm()
	withCRLF.Set("name", "Ada\r\nBcc: everyone@example.org")
	injectEmail := goodForm()
	injectEmail.Set("email", "ada@example.org\nBcc: everyone@example.org")
	badUTF8 := goodForm()
	badUTF8.Set("name", "Ada \xff\xfe")
	missing := goodForm()
	missing.Del("declaration")

	for _, tc := range []struct {
		name, method, ctype, body string
		header                    []string
		status                    int
		contains                  string
	}{
		{"body over 32 KB", "POST", "application/x-www-form-urlencoded", big.Encode(), nil, 413, "too long"},
		{"body over 32 KB, no length", "POST", "application/x-www-form-urlencoded", big.Encode(), []string{"Transfer-Encoding", "chunked"}, 413, ""},
		{"unknown origin", "POST", "application/x-www-form-urlencoded", goodForm().Encode(), []string{"Origin", "https://evil.example"}, 403, "not accepted"},
		{"null origin", "POST", "application/x-www-form-urlencoded", goodForm().Encode(), []string{"Origin", "null"}, 403, ""},
		{"unknown origin, JSON", "POST", "application/json", `{}`, []string{"Origin", "https://evil.example"}, 403, `"error":`},
		{"missing declaration", "POST", "application/x-www-form-urlencoded", missing.Encode(), nil, 422, "Tick the box to confirm the declaration"},
		{"CR/LF in name", "POST", "application/x-www-form-urlencoded", withCRLF.Encode(), nil, 422, "remove the line breaks"},
		{"header injection in email", "POST", "application/x-www-form-urlencoded", injectEmail.Encode(), nil, 422, "remove the line breaks"},
		{"invalid UTF-8 in form", "POST", "application/x-www-form-urlencoded", badUTF8.Encode(), nil, 422, "characters we cannot read"},
		{"invalid UTF-8 in JSON", "POST", "application/json", "{\"type\":\"access\",\"name\":\"Ada \xff\"}", nil, 400, "not valid UTF-8"},
		{"JSON not an object", "POST", "application/json", `["type","access"]`, nil, 400, "not a JSON object"},
		{"JSON number", "POST", "application/json", `{"name":1}`, nil, 400, "must be text"},
		{"unsupported type", "POST", "text/plain", "type=access", nil, 415, ""},
		{"GET not allowed", "GET", "", "", nil, 405, ""},
		{"preflight, allowed", "OPTIONS", "", "", []string{"Access-Control-Request-Method", "POST"}, 204, ""},
		{"preflight, unknown origin", "OPTIONS", "", "", []string{"Origin", "https://evil.example"}, 403, ""},
		{"no origin (curl)", "POST", "application/x-www-form-urlencoded", goodForm().Encode(), []string{"Origin", ""}, 303, ""},
		{"relay's own origin", "POST", "application/x-www-form-urlencoded", goodForm().Encode(), []string{"Origin", "https://forms.larkfield.example"}, 303, ""},
		{"extra allowed origin", "POST", "application/x-www-form-urlencoded", goodForm().Encode(), []string{"Origin", "https://www.larkfield.example"}, 303, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := e.do(tc.method, "/requests", tc.ctype, tc.body, tc.header...)
			b := readBody(t, resp)
			if resp.StatusCode != tc.status || !strings.Contains(b, tc.contains) {
				t.Errorf("%d %q, want %d containing %q", resp.StatusCode, trunc(b), tc.status, tc.contains)
			}
		})
	}
	// Three were accepted (no origin, relay's own, extra allowed); nothing else stored.
	waitFor(t, "three deliveries", func() bool { n, _ := e.relay.Spool.List(spool.Sent); return len(n) == 3 })
	if n := len(e.smtp.Messages()); n != 6 {
		t.Errorf("%d emails, want 6", n)
	}
}

func trunc(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// TestErrorPage checks the page a browser without JavaScript gets back:
// an error summary linked to the fields, each error by its field, what was
// typed filled back in and escaped.
func TestErrorPage(t *testing.T) {
	e := newEnv(t, "")
	v := goodForm()
	v.Del("type")
	v.Set("name", `<script>alert("x")</script>`)
	v.Set("email", "ada@")
	resp := e.post(v)
	page := readBody(t, resp)
	if resp.StatusCode != http.StatusUnprocessableEntity || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("%d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	for _, want := range []string{
		`<title>Error: Make a data protection request · Larkfield Learning Trust</title>`,
		`<h2 id="summary-title">There is a problem</h2>`,
		`<li><a href="#type-access">Choose what you would like us to do</a></li>`,
		`<li><a href="#f-email">Enter an email address in the correct format, like name@example.com</a></li>`,
		`<p class="error" id="f-email-error">`,
		`aria-invalid="true" aria-describedby="f-email-error f-email-help"`,
		`value="&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"`,
		`<option selected>Parent or carer</option>`,
		"from the 2019 sports day.</textarea>",
		`<input type="checkbox" id="f-declaration" name="declaration" value="yes" checked required>`,
		`<form class="request" method="post" action="https://forms.larkfield.example/requests" novalidate>`,
		`name="website"`,
		`mailto:dpo@larkfield.example`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(page, "<script>") {
		t.Error("submitted markup not escaped")
	}
	if names, _ := e.relay.Spool.List(spool.New); len(names) != 0 {
		t.Error("invalid request stored")
	}
}

// TestThanksPage: the page a plain form post is redirected to shows the
// reference and the reply-by dates, and nothing the person wrote; a
// reference read back loosely is shown canonically, and anything that is
// not a reference is never echoed.
func TestThanksPage(t *testing.T) {
	e := newEnv(t, "")
	resp := e.post(goodForm())
	readBody(t, resp)
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	ref := loc.Query().Get("ref")
	get := func(query string) (*http.Response, string) {
		t.Helper()
		resp := e.do("GET", "/requests/thanks"+query, "", "")
		return resp, readBody(t, resp)
	}
	resp, page := get("?" + loc.RawQuery)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{
		"<title>We have received your request · Larkfield Learning Trust</title>",
		`<p class="reference">Your reference is <strong>` + ref + `</strong>. Please quote it if you contact us about this request.</p>`,
		"<li>We will reply by Friday 28 February 2025. If your request is complex, we may extend this by up to two further months, to Wednesday 30 April 2025; if we do,",
		`<a href="https://ico.org.uk/make-a-complaint/">`,
		`<a href="mailto:dpo@larkfield.example">`,
		`<a href="https://policies.larkfield.example/">Back to the website</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("thanks page lacks %s\n%s", want, page)
		}
	}
	for _, personal := range []string{"Ada", "ada@example.org", "sports day", "Parent or carer"} {
		if strings.Contains(page, personal) {
			t.Errorf("thanks page shows personal data %q", personal)
		}
	}
	for h, want := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "same-origin"} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'sha256-") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("Content-Security-Policy %q", csp)
	}

	for _, tc := range []struct {
		query  string
		status int
		want   string
	}{
		// As a person might type it back: lower case, spaces, O for 0.
		{"?ref=" + url.QueryEscape(strings.ToLower(strings.ReplaceAll(ref, "-", " "))), 200, "<strong>" + ref + "</strong>"},
		// Well formed but not in the spool (purged, or a honeypot's): no dates.
		{"?ref=DSR-7KQ4-M9XT-2B", 200, "<li>We will reply within one month of receiving your request."},
		{"", 404, "does not hold a request reference"},
		{"?ref=" + url.QueryEscape(`<script>alert(1)</script>`), 404, "does not hold a request reference"},
		{"?ref=DSR-7KQ4-M9XT-2U", 404, "does not hold a request reference"},
		{"?ref=" + strings.Repeat("0", 5000), 404, "does not hold a request reference"},
	} {
		resp, page := get(tc.query)
		if resp.StatusCode != tc.status || !strings.Contains(page, tc.want) {
			t.Errorf("%.40s: %d, want %d with %q", tc.query, resp.StatusCode, tc.status, tc.want)
		}
		if strings.Contains(page, "<script") || strings.Contains(page, "2U") {
			t.Errorf("%.40s: echoed what is not a reference", tc.query)
		}
	}
}

// TestHoneypot: a filled honeypot gets the same answer as a real request,
// but nothing is stored and nothing sent.
func TestHoneypot(t *testing.T) {
	e := newEnv(t, "")
	v := goodForm()
	v.Set("website", "http://spam.example")
	resp := e.post(v)
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "?ref=DSR-") {
		t.Fatalf("honeypot: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp = e.do("POST", "/requests", "application/json", `{"website":"x","type":"access"}`)
	if b := readBody(t, resp); resp.StatusCode != http.StatusCreated || !strings.Contains(b, `"reference":"DSR-`) {
		t.Fatalf("honeypot JSON: %d %s", resp.StatusCode, b)
	}
	time.Sleep(200 * time.Millisecond)
	for _, st := range spool.States {
		if n, _ := e.relay.Spool.List(st); len(n) != 0 {
			t.Errorf("%s/ holds %v", st, n)
		}
	}
	if n := len(e.smtp.Messages()); n != 0 {
		t.Errorf("%d emails sent for a honeypot", n)
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, "rate_limit: {per_minute: 1, burst: 2}\n")
	for i := range 2 {
		if resp := e.post(goodForm()); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("request %d: %d", i, resp.StatusCode)
		}
	}
	resp := e.post(goodForm())
	b := readBody(t, resp)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(b, "try again in a minute") {
		t.Fatalf("third: %d Retry-After %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), trunc(b))
	}
	// Through the trusted proxy, another client has its own bucket...
	if resp := e.post(goodForm(), "X-Forwarded-For", "203.0.113.9"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("other client: %d", resp.StatusCode)
	}
	// ...but a forged left-hand entry does not make one.
	e.post(goodForm(), "X-Forwarded-For", "203.0.113.9")
	if resp := e.post(goodForm(), "X-Forwarded-For", "198.51.100.1, 203.0.113.9"); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("forged X-Forwarded-For: %d, want 429", resp.StatusCode)
	}
}

func TestHealthz(t *testing.T) {
	e := newEnv(t, "")
	e.smtp.Stop()
	e.post(goodForm())
	resp := e.do("GET", "/healthz", "", "")
	var h struct {
		Status string
		Queue  int
		Failed int
	}
	json.Unmarshal([]byte(readBody(t, resp)), &h)
	if resp.StatusCode != 200 || h.Status != "ok" || h.Queue != 1 {
		t.Errorf("healthz %d %+v", resp.StatusCode, h)
	}
}
