package main

import (
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestBuildCountsCertificates: build does not print a line for each
// certificate that has expired or expires soon (the pages say so, and
// check reports it at its line), but its summary counts them.
func TestBuildCountsCertificates(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/build/trust.txtar")
	if err != nil {
		t.Fatal(err)
	}
	dir := writeSite(t, ar)
	stdout, stderr, code := runBin(t, dir, "build", "--now", testNow)
	if want := "Built 1 policy (0 overdue, 0 due soon; 1 certification expired, 1 certification expires soon) in "; code != 0 || stderr != "" || !strings.HasPrefix(stdout, want) {
		t.Errorf("exit %d\nstdout %s\nstderr %s\nwant stdout starting %q", code, stdout, stderr, want)
	}
	stdout, _, code = runBin(t, dir, "check", "--now", testNow)
	for _, want := range []string{
		"site.yaml:4:67: error: Cyber Essentials expired on 31 October 2026: renew it and update the entry, or remove it (the site shows it as expired, not held) [certificate-expired]\n",
		"site.yaml:5:105: warning: ISO/IEC 27001:2022 expires on 10 December 2026, in 17 days [certificate-due-soon]\n",
	} {
		if code != 1 || !strings.Contains(stdout, want) {
			t.Errorf("check: exit %d\n%s\nwant a line %s", code, stdout, want)
		}
	}
	if stdout, _, _ = runBin(t, dir, "check", "--now", testNow, "--warn-days", "10"); strings.Contains(stdout, "certificate-due-soon") {
		t.Errorf("check --warn-days 10 still warns of a certificate 17 days from expiry:\n%s", stdout)
	}
}
