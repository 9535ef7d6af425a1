package relay

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/policysite/policysite/cmd/formrelay/internal/spool"
	"github.com/policysite/policysite/cmd/formrelay/smtptest"
)

// schoolSite is testSite with two schools: Heron Lane has its own data
// protection officer, Brookmead has the trust's.
const schoolSite = testSite + `schools:
  - id: brookmead
    name: Brookmead Primary School
  - id: heron-lane
    name: Heron Lane Primary School
    dpo:
      name: Tomasz Wren
      email: dpo@heronlane.example
      phone: 01632 960777
`

// fromCentre is goodForm posted from the centre of school id.
func fromCentre(id string) url.Values {
	v := goodForm()
	v.Set("centre", id)
	return v
}

// spooled reads the record of ref once it is delivered.
func spooled(t *testing.T, e *env, ref string) Record {
	t.Helper()
	waitFor(t, "delivered", func() bool { return e.relay.Spool.Find(FileName(ref)) == spool.Sent })
	b, err := e.relay.Spool.Read(spool.Sent, FileName(ref))
	if err != nil {
		t.Fatal(err)
	}
	var rec Record
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

// sendFrom posts goodForm from the centre of school id and returns its
// reference and the two emails it made.
func sendFrom(t *testing.T, e *env, id string) (ref string, officer, ack smtptest.Message) {
	t.Helper()
	ref = refOf(t, e.post(fromCentre(id)))
	msgs := e.smtp.Wait(2, 10*time.Second)
	if len(msgs) != 2 {
		t.Fatalf("%d emails, want 2", len(msgs))
	}
	return ref, msgs[0], msgs[1]
}

// flat is s with its line breaks as spaces, as wrapped paragraphs compare.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestSchoolWithOwnDPO: a request from the centre of a school with its own
// officer goes to that officer, both emails name the school, the ack is
// signed by and replies to the school's officer, and the spooled record
// keeps the centre.
func TestSchoolWithOwnDPO(t *testing.T) {
	e := newEnvSite(t, schoolSite, "")
	ref, officer, ack := sendFrom(t, e, "heron-lane")
	for _, c := range []struct{ what, got, want string }{
		{"officer envelope to", strings.Join(officer.To, ","), "dpo@heronlane.example"},
		{"officer Subject", smtptest.DecodeHeader(officer.Header.Get("Subject")), "Data protection request " + ref + ": Delete information about me, Heron Lane Primary School (reply by 28 February 2025)"},
		{"ack envelope to", strings.Join(ack.To, ","), "ada@example.org"},
		{"ack Reply-To", ack.Header.Get("Reply-To"), "<dpo@heronlane.example>"},
		{"record centre", spooled(t, e, ref).Centre, "heron-lane"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if want := "School:        Heron Lane Primary School\n"; !strings.Contains(officer.Body, want) {
		t.Errorf("officer email lacks %q:\n%s", want, officer.Body)
	}
	for _, want := range []string{
		"Thank you for your data protection request to Heron Lane Primary School, which Larkfield Learning Trust received",
		"Tomasz Wren, data protection officer Heron Lane Primary School Larkfield Learning Trust dpo@heronlane.example 01632 960777",
		"please tell us at dpo@heronlane.example",
	} {
		if !strings.Contains(flat(ack.Body), want) {
			t.Errorf("acknowledgement lacks %q:\n%s", want, ack.Body)
		}
	}
	if strings.Contains(ack.Body, "Priya Halloran") || strings.Contains(ack.Body, "dpo@larkfield.example") {
		t.Errorf("acknowledgement names the trust's officer:\n%s", ack.Body)
	}
	// The relay's thanks page gives the school's officer too.
	resp := e.do("GET", "/requests/thanks?ref="+ref, "", "")
	if body := readBody(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(body, `<a href="mailto:dpo@heronlane.example">`) || !strings.Contains(body, "or phone 01632 960777") {
		t.Errorf("thanks page: status %d:\n%s", resp.StatusCode, body)
	}
}

// TestSchoolWithTrustDPO: a school without its own officer has the
// trust's (relay.yaml's dpo_email), and the emails still name the school.
func TestSchoolWithTrustDPO(t *testing.T) {
	e := newEnvSite(t, schoolSite, "dpo_email: requests@larkfield.example\n")
	ref, officer, ack := sendFrom(t, e, "brookmead")
	if got := strings.Join(officer.To, ","); got != "requests@larkfield.example" {
		t.Errorf("officer email to %q, want the trust's dpo_email", got)
	}
	if got := ack.Header.Get("Reply-To"); got != "<requests@larkfield.example>" {
		t.Errorf("ack Reply-To %q", got)
	}
	if !strings.Contains(officer.Body, "School:        Brookmead Primary School\n") {
		t.Errorf("officer email does not name the school:\n%s", officer.Body)
	}
	if want := "Priya Halloran, data protection officer Brookmead Primary School Larkfield Learning Trust requests@larkfield.example 01632 960415"; !strings.Contains(flat(ack.Body), want) {
		t.Errorf("acknowledgement lacks %q:\n%s", want, ack.Body)
	}
	if got := spooled(t, e, ref).Centre; got != "brookmead" {
		t.Errorf("record centre %q", got)
	}
}

// TestUnknownCentre: a centre site.yaml does not list (or an empty or
// repeated one) is refused with a 400 saying so, as a page or as JSON;
// nothing is kept and nothing is sent, rather than the trust's officer
// getting a school's request.
func TestUnknownCentre(t *testing.T) {
	e := newEnvSite(t, schoolSite, "")
	for _, tc := range []struct {
		name   string
		centre []string
	}{
		{"unknown", []string{"kingfisher"}},
		{"empty", []string{""}},
		{"twice", []string{"brookmead", "heron-lane"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := goodForm()
			v["centre"] = tc.centre
			resp := e.post(v)
			body := readBody(t, resp)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "names a school we do not know, so your request has not been sent") {
				t.Errorf("status %d:\n%s", resp.StatusCode, body)
			}
			resp = e.post(v, "Accept", "application/json")
			body = readBody(t, resp)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `"error":"The form you used names a school we do not know`) {
				t.Errorf("JSON: status %d: %s", resp.StatusCode, body)
			}
		})
	}
	for _, st := range spool.States {
		if names, _ := e.relay.Spool.List(st); len(names) != 0 {
			t.Errorf("%s/ holds %v", st, names)
		}
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(e.smtp.Messages()); n != 0 {
		t.Errorf("%d emails sent", n)
	}
}

// TestSchoolFormAgain: the form the relay shows again, with mistakes,
// posts the centre back and names the school's officer.
func TestSchoolFormAgain(t *testing.T) {
	e := newEnvSite(t, schoolSite, "")
	v := fromCentre("heron-lane")
	v.Del("name")
	resp := e.post(v)
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{
		`<input type="hidden" name="centre" value="heron-lane">`,
		`<a href="mailto:dpo@heronlane.example">dpo@heronlane.example</a>`,
		`<a href="https://policies.larkfield.example/heron-lane/">Back to the website</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s:\n%s", want, body)
		}
	}
}

// TestSchoolRequestAfterRestart: a school's request spooled while the mail
// server is down goes to the school's officer after a restart.
func TestSchoolRequestAfterRestart(t *testing.T) {
	e := newEnvSite(t, schoolSite, "")
	e.smtp.Stop()
	ref := refOf(t, e.post(fromCentre("heron-lane")))
	e.restart()
	if err := e.smtp.Start(); err != nil {
		t.Fatal(err)
	}
	msgs := e.smtp.Wait(2, 10*time.Second)
	if len(msgs) != 2 {
		t.Fatalf("after restart: %d emails, want 2", len(msgs))
	}
	if strings.Join(msgs[0].To, ",") != "dpo@heronlane.example" || !strings.Contains(msgs[0].Body, ref) {
		t.Fatalf("after restart: first email to %v", msgs[0].To)
	}
}

// TestRecordWithoutCentre: a record spooled before schools (no centre
// field) is still read and goes to the trust's officer; one naming a
// school site.yaml no longer lists goes there too, saying so.
func TestRecordWithoutCentre(t *testing.T) {
	for _, tc := range []struct {
		name, centre, says string
	}{
		{"before schools", "", ""},
		{"school no longer listed", `"centre":"kingfisher",`, "School:        kingfisher (a centre site.yaml's schools: no longer lists, so this came to the trust's officer)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnvSite(t, schoolSite, "")
			e.stop()
			e.stop = nil
			ref := NewReference()
			old := `{"version":1,"reference":"` + ref + `","received":"2025-01-31T14:05:00Z","due":"2025-02-28","extended_due":"2025-04-30",` + tc.centre +
				`"type":"erasure","type_label":"Delete information about me","answers":[{"name":"name","label":"Your full name","kind":"text","value":"Ada Lovelace"},{"name":"email","label":"Your email address","kind":"email","value":"ada@example.org"}]}` + "\n"
			if err := os.WriteFile(filepath.Join(e.cfg.Spool, "new", FileName(ref)), []byte(old), 0o600); err != nil {
				t.Fatal(err)
			}
			e.start()
			msgs := e.smtp.Wait(2, 10*time.Second)
			if len(msgs) != 2 {
				t.Fatalf("%d emails, want 2", len(msgs))
			}
			officer, ack := msgs[0], msgs[1]
			if got := strings.Join(officer.To, ","); got != "dpo@larkfield.example" || !strings.Contains(officer.Body, ref) {
				t.Errorf("officer email to %q", got)
			}
			if tc.says == "" && strings.Contains(officer.Body, "School:") {
				t.Errorf("officer email names a school:\n%s", officer.Body)
			}
			if tc.says != "" && !strings.Contains(officer.Body, tc.says) {
				t.Errorf("officer email lacks %q:\n%s", tc.says, officer.Body)
			}
			if strings.Contains(ack.Body, "kingfisher") || !strings.Contains(flat(ack.Body), "Priya Halloran, data protection officer Larkfield Learning Trust dpo@larkfield.example") {
				t.Errorf("acknowledgement:\n%s", ack.Body)
			}
			waitFor(t, "delivered", func() bool { return e.relay.Spool.Find(FileName(ref)) == spool.Sent })
		})
	}
}

// TestCentreWithoutSchools: a site with no schools has only the trust's
// centre, and a centre field means nothing, as before schools.
func TestCentreWithoutSchools(t *testing.T) {
	e := newEnv(t, "")
	ref := refOf(t, e.post(fromCentre("kingfisher")))
	msgs := e.smtp.Wait(2, 10*time.Second)
	if len(msgs) != 2 {
		t.Fatalf("%d emails, want 2", len(msgs))
	}
	if strings.Join(msgs[0].To, ",") != "dpo@larkfield.example" || strings.Contains(msgs[0].Body, "School:") {
		t.Fatalf("first email to %v:\n%s", msgs[0].To, msgs[0].Body)
	}
	if got := spooled(t, e, ref).Centre; got != "" {
		t.Errorf("record centre %q", got)
	}
}

// TestSchoolDPOEmailChecked: a school's officer's address must be one the
// relay can send to, as dpo_email must; check-config says which school.
func TestSchoolDPOEmailChecked(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "site.yaml"), strings.Replace(schoolSite, "dpo@heronlane.example", "dpo@heronlane", 1))
	write(t, filepath.Join(dir, "relay.yaml"), "spool: spool\nsite: site.yaml\nsmtp: {host: 127.0.0.1}\nfrom: forms@larkfield.example\n")
	_, l := LoadConfig(filepath.Join(dir, "relay.yaml"))
	want := filepath.Join(dir, "site.yaml") + `:14:5: schools: heron-lane's dpo.email "dpo@heronlane" is not an address formrelay can send to`
	if got := fmt.Sprint(l); !strings.Contains(got, want) {
		t.Errorf("got:\n%s\nwant a line:\n%s", got, want)
	}
}
