package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/policysite/policysite/cmd/formrelay/internal/relay"
	"github.com/policysite/policysite/cmd/formrelay/internal/spool"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/form"
)

const site = `organisation:
  name: Larkfield Learning Trust
base_url: https://policies.larkfield.example/
dpo:
  name: Priya Halloran
  email: dpo@larkfield.example
requests:
  relay_url: https://forms.larkfield.example/requests
`

// writeConfig writes site.yaml and relay.yaml into dir and returns the
// relay.yaml path.
func writeConfig(t *testing.T, dir, smtpHost string, smtpPort int, extra string) string {
	t.Helper()
	must(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(site), 0o600))
	cfg := fmt.Sprintf(`listen: 127.0.0.1:0
spool: spool
site: site.yaml
smtp:
  host: %s
  port: %d
  starttls: disabled
from: "Larkfield forms <forms@larkfield.example>"
%s`, smtpHost, smtpPort, extra)
	p := filepath.Join(dir, "relay.yaml")
	must(t, os.WriteFile(p, []byte(cfg), 0o600))
	return p
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// testNow is when the relay's clock starts in the tests that run the
// command (its hidden --now), so that none depends on the day it runs.
const testNow = "2026-11-23T10:00:00Z"

func runCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

func TestCLI(t *testing.T) {
	dir := t.TempDir()
	good := writeConfig(t, dir, "127.0.0.1", 2525, "")
	bad := filepath.Join(dir, "bad.yaml")
	must(t, os.WriteFile(bad, []byte("spool: spool\nsite: site.yaml\nsmtp:\n  host: x\n  starttls: maybe\nfrom: forms@larkfield.example\nlisten_addr: :80\n"), 0o600))
	for _, tc := range []struct {
		args     []string
		code     int
		out, err string
		notInOut string
	}{
		{[]string{"version"}, 0, "formrelay devel go", "", ""},
		{[]string{"check-config", "--config", good, "--now", testNow}, 0, "relay.yaml: ok\nlisten 127.0.0.1:0", "", ""},
		// Within 15 months of the bank holiday list's end, a warning.
		{[]string{"check-config", "--config", good, "--now", "23/11/2026"}, 2, "", "--now: \"23/11/2026\" is neither a date such as 2031-03-01 nor an RFC 3339 time", ""},
		{[]string{"check-config", "--config", bad}, 1, "", "bad.yaml:5:13: smtp.starttls: \"maybe\" is not required or disabled\n" + bad + ":7:1: unknown field \"listen_addr\"", ""},
		{[]string{"check-config", "--config", filepath.Join(dir, "missing.yaml")}, 1, "", "cannot read relay configuration", ""},
		{[]string{"list", "--format", "xml", "--config", good}, 2, "", "--format \"xml\": want table or json", ""},
		{[]string{"serve", "extra"}, 2, "", "takes no arguments", ""},
		{[]string{"frobnicate"}, 2, "", "unknown command", ""},
	} {
		code, out, errOut := runCLI(tc.args...)
		if code != tc.code || !strings.Contains(out, tc.out) || !strings.Contains(errOut, tc.err) || tc.err == "" && errOut != "" {
			t.Errorf("formrelay %s: exit %d\nstdout %s\nstderr %s\nwant exit %d, %q, %q", strings.Join(tc.args, " "), code, out, errOut, tc.code, tc.out, tc.err)
		}
	}
}

// check-config lists the bank holidays of the year from --now, worked
// out by rule for the nation, with the declared one-offs marked.
func TestCheckConfigHolidays(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "127.0.0.1", 2525, "bank_holidays: scotland\nbank_holiday_changes:\n  - {add: 2031-06-16, name: A one-off holiday}\n")
	code, out, errOut := runCLI("check-config", "--now", "2031-03-01", "--config", cfg)
	want := `bank holidays: Scotland, by rule, with 1 one-off change
rate limit: 6 a minute, burst 20; retention 30 days
bank holidays in Scotland from 1 March 2031 to 1 March 2032:
  2031-04-11  Friday    Good Friday
  2031-05-05  Monday    Early May bank holiday
  2031-05-26  Monday    Spring bank holiday
  2031-06-16  Monday    A one-off holiday (one-off, bank_holiday_changes)
  2031-08-04  Monday    Summer bank holiday
  2031-12-01  Monday    St Andrew's Day (substitute day)
  2031-12-25  Thursday  Christmas Day
  2031-12-26  Friday    Boxing Day
  2032-01-01  Thursday  New Year's Day
  2032-01-02  Friday    2nd January
`
	if code != 0 || !strings.HasSuffix(out, want) || errOut != "" {
		t.Errorf("check-config: exit %d\n%s%s\nwant it to end\n%s", code, out, errOut, want)
	}
	code, _, errOut = runCLI("check-config", "--now", "2031-03", "--config", cfg)
	if code != 2 || !strings.Contains(errOut, `--now: "2031-03" is neither a date such as 2031-03-01`) {
		t.Errorf("--now 2031-03: exit %d, %s", code, errOut)
	}
}

func TestList(t *testing.T) {
	dir := t.TempDir()
	cfgPath := writeConfig(t, dir, "127.0.0.1", 2525, "")
	// Before serve first runs there is no spool: no requests, not an error.
	code, out, errOut := runCLI("list", "--format", "json", "--config", cfgPath)
	if code != 0 || strings.TrimSpace(out) != "[]" || !strings.Contains(errOut, "no requests yet") {
		t.Errorf("list before the spool exists: exit %d\n%s%s", code, out, errOut)
	}
	sp, err := spool.Open(filepath.Join(dir, "spool"))
	must(t, err)
	for i, st := range []string{spool.New, spool.Sent, spool.Failed} {
		rec := relay.Record{
			Version: 1, Reference: fmt.Sprintf("DSR-AAAA-BBBB-%d0", i), Received: time.Date(2025, 3, 3+i, 9, 0, 0, 0, time.UTC),
			Due: date.New(2025, 4, 3+i), Extended: date.New(2025, 6, 3+i),
			Type: "access", Answers: []form.Answer{{Name: "name", Label: "Your full name", Kind: "text", Value: "Ada Lovelace"}},
		}
		if st == spool.Failed {
			rec.Failure = &relay.Failure{Message: "officer"}
		}
		data, _ := json.Marshal(rec)
		must(t, sp.Put(relay.FileName(rec.Reference), data))
		if st != spool.New {
			must(t, sp.Move(relay.FileName(rec.Reference), spool.New, st))
		}
	}
	sp.Close()

	code, out, errOut = runCLI("list", "--config", cfgPath)
	want := `REFERENCE         TYPE    RECEIVED           DUE         EXTENDED    STATE
DSR-AAAA-BBBB-00  access  2025-03-03 09:00Z  2025-04-03  2025-06-03  queued
DSR-AAAA-BBBB-10  access  2025-03-04 09:00Z  2025-04-04  2025-06-04  sent
DSR-AAAA-BBBB-20  access  2025-03-05 09:00Z  2025-04-05  2025-06-05  failed (officer refused)
`
	if code != 0 || out != want {
		t.Errorf("list: exit %d\n%s%s\nwant\n%s", code, out, errOut, want)
	}
	if strings.Contains(out, "Ada") {
		t.Error("list shows personal data without --show-personal")
	}
	_, out, _ = runCLI("list", "--show-personal", "--config", cfgPath)
	if !strings.Contains(out, `name="Ada Lovelace"`) {
		t.Errorf("--show-personal:\n%s", out)
	}
	_, out, _ = runCLI("list", "--format", "json", "--config", cfgPath)
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 3 || rows[2]["state"] != "failed" || rows[0]["answers"] != nil {
		t.Errorf("json: %v\n%s", err, out)
	}
}

// TestListSchools: on a trust's relay, list says whose centre each request
// came from; a request from the trust's own form, or kept before schools,
// is the trust's.
func TestListSchools(t *testing.T) {
	dir := t.TempDir()
	cfgPath := writeConfig(t, dir, "127.0.0.1", 2525, "")
	must(t, os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(site+"schools:\n  - {id: brookmead, name: Brookmead Primary School}\n"), 0o600))
	sp, err := spool.Open(filepath.Join(dir, "spool"))
	must(t, err)
	for i, centre := range []string{"brookmead", ""} {
		rec := relay.Record{
			Version: 1, Reference: fmt.Sprintf("DSR-AAAA-BBBB-%d0", i), Received: time.Date(2025, 3, 3+i, 9, 0, 0, 0, time.UTC),
			Due: date.New(2025, 4, 3+i), Extended: date.New(2025, 6, 3+i), Type: "access", Centre: centre,
		}
		data, _ := json.Marshal(rec)
		must(t, sp.Put(relay.FileName(rec.Reference), data))
	}
	sp.Close()
	code, out, errOut := runCLI("list", "--config", cfgPath)
	want := `REFERENCE         TYPE    CENTRE     RECEIVED           DUE         EXTENDED    STATE
DSR-AAAA-BBBB-00  access  brookmead  2025-03-03 09:00Z  2025-04-03  2025-06-03  queued
DSR-AAAA-BBBB-10  access  trust      2025-03-04 09:00Z  2025-04-04  2025-06-04  queued
`
	if code != 0 || out != want {
		t.Errorf("list: exit %d\n%s%s\nwant\n%s", code, out, errOut, want)
	}
	_, out, _ = runCLI("list", "--format", "json", "--config", cfgPath)
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 2 || rows[0]["centre"] != "brookmead" || rows[1]["centre"] != nil {
		t.Errorf("json: %v\n%s", err, out)
	}
}
