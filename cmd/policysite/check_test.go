package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lintSite writes a site with an overdue policy holding a placeholder, and a
// due-soon one.
func lintSite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"site.yaml":                  "title: Test School\norganisation:\n  name: Test School\n",
		"content/data-protection.md": "---\ntitle: Data protection\nversion: \"1.0\"\neffective: 2023-09-01\nnext_review: 2024-08-31\nowner: DPO\n---\nAsk [insert name].\n",
		"content/safeguarding.md":    "---\ntitle: Safeguarding\nversion: \"2.0\"\neffective: 2025-02-20\nnext_review: 2026-02-20\nowner: DSL\n---\nText.\n",
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCheckCommand(t *testing.T) {
	dir := lintSite(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--now", "2026-01-15"}, 1, "content/data-protection.md:5:14: error: review overdue since 31 August 2024 [review-overdue]\n" +
			"content/data-protection.md:8:5: warning: unfilled placeholder [insert name] [placeholder]\n" +
			"1 error, 1 warning\n"},
		{[]string{"--now", "2026-01-15", "--warn-days", "40"}, 1, "content/data-protection.md:5:14: error: review overdue since 31 August 2024 [review-overdue]\n" +
			"content/data-protection.md:8:5: warning: unfilled placeholder [insert name] [placeholder]\n" +
			"content/safeguarding.md:5:14: warning: review due on 20 February 2026, in 36 days [review-due-soon]\n" +
			"1 error, 2 warnings\n"},
		{[]string{"--now", "2024-08-01", "--format", "github"}, 0, "::warning file=content/data-protection.md,line=5,col=14,title=review-due-soon::review due on 31 August 2024, in 30 days\n" +
			"::warning file=content/data-protection.md,line=8,col=5,title=placeholder::unfilled placeholder [insert name]\n" +
			"0 errors, 2 warnings\n"},
	} {
		var out, errb bytes.Buffer
		code := run(append([]string{"check", "--source", dir}, tc.args...), &out, &errb)
		if code != tc.code || out.String() != tc.want {
			t.Errorf("check %v: exit %d, want %d\n%s\nwant:\n%s\nstderr: %s", tc.args, code, tc.code, out.String(), tc.want, errb.String())
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"check", "--source", dir, "--now", "2026-01-15", "--format", "json"}, &out, &errb); code != 1 {
		t.Errorf("json: exit %d", code)
	}
	var doc struct {
		Findings []struct{ Rule, Severity string } `json:"findings"`
		Summary  struct{ Errors, Warnings int }    `json:"summary"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || len(doc.Findings) != 2 || doc.Findings[0].Rule != "review-overdue" || doc.Summary.Errors != 1 {
		t.Errorf("json: %v %s", err, out.String())
	}
	if code := run([]string{"check", "--source", dir, "--now", "2026-01-15", "--format", "yaml"}, &out, &errb); code != 2 {
		t.Errorf("unknown format: exit %d, want 2", code)
	}
	// build shows lint findings as warnings and still succeeds.
	out.Reset()
	errb.Reset()
	if code := run([]string{"build", "--source", dir, "--now", "2026-01-15"}, &out, &errb); code != 0 || !strings.Contains(out.String()+errb.String(), "content/data-protection.md:8:5: warning: unfilled placeholder [insert name]") {
		t.Errorf("build: exit %d\n%s%s", code, out.String(), errb.String())
	}
}

func TestReviewsCommand(t *testing.T) {
	dir := lintSite(t)
	var out, errb bytes.Buffer
	if code := run([]string{"reviews", "--source", dir, "--now", "2026-01-15"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	want := "NEXT REVIEW       DAYS LEFT  STATUS          POLICY                             OWNER  EFFECTIVE\n" +
		"31 August 2024    -502       Review overdue  Data protection (data-protection)  DPO    1 September 2023\n" +
		"20 February 2026  36         Current         Safeguarding (safeguarding)        DSL    20 February 2025\n" +
		"2 policies as of 15 January 2026\n"
	if out.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", out.String(), want)
	}
	out.Reset()
	run([]string{"reviews", "--source", dir, "--now", "2026-01-15", "--format", "csv"}, &out, &errb)
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil || len(recs) != 3 || strings.Join(recs[1], ",") != "data-protection,Data protection,DPO,1.0,2023-09-01,2024-08-31,-502,overdue" {
		t.Errorf("csv: %v %q", err, recs)
	}
	out.Reset()
	run([]string{"reviews", "--source", dir, "--now", "2026-01-15", "--format", "json"}, &out, &errb)
	var doc struct {
		AsOf     string `json:"as_of"`
		Policies []struct {
			Slug     string `json:"slug"`
			DaysLeft int    `json:"days_left"`
			Status   string `json:"status"`
		} `json:"policies"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.AsOf != "2026-01-15" || len(doc.Policies) != 2 || doc.Policies[1].Slug != "safeguarding" || doc.Policies[1].DaysLeft != 36 || doc.Policies[1].Status != "current" {
		t.Errorf("json: %v %s", err, out.String())
	}
	if code := run([]string{"reviews", "--source", dir, "--now", "2026-01-15", "--format", "xml"}, &out, &errb); code != 2 {
		t.Errorf("unknown format: exit %d, want 2", code)
	}
}

// TestOutputCap: check and build print the first 20 findings of a rule in
// a policy, then how many more; check --format json prints every one.
func TestOutputCap(t *testing.T) {
	dir := t.TempDir()
	body := "---\ntitle: Visitors\nversion: \"1.0\"\neffective: 2026-01-01\nnext_review: 2027-01-01\nowner: Office\n---\n" +
		strings.Repeat("Sign in at <b onclick=\"go()\">reception</b>.\n\n", 60)
	for name, data := range map[string]string{
		"site.yaml":           "title: Test School\norganisation:\n  name: Test School\n",
		"content/visitors.md": body,
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const more = "content/visitors.md: and 40 more raw-html findings\n"
	for _, args := range [][]string{
		{"check", "--source", dir, "--now", "2026-06-01"},
		{"build", "--source", dir, "--now", "2026-06-01", "--destination", filepath.Join(t.TempDir(), "public")},
	} {
		var out, errb bytes.Buffer
		code := run(args, &out, &errb)
		text := out.String() + errb.String()
		if code != 0 || strings.Count(text, "raw HTML") != 20 || !strings.Contains(text, more) {
			t.Errorf("%s: exit %d\n%s", args[0], code, text)
		}
	}
	var out, errb bytes.Buffer
	run([]string{"check", "--source", dir, "--now", "2026-06-01", "--format", "json"}, &out, &errb)
	if n := strings.Count(out.String(), `"rule": "raw-html"`); n != 60 {
		t.Errorf("json holds %d raw-html findings, want 60", n)
	}
}
