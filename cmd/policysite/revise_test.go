package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const reviseSite = "title: Test\nbase_url: https://example.org/\nreview:\n  review_period: 6 months\n"

const flatPolicy = `---
# Agreed by the board each spring.
title: Visitors
version: "1.9"   # the board's numbering
effective: 2025-01-10
next_review: 2026-01-10
owner: Office manager
changes: |
  Signing in
  moved to reception.
reviews: []
---

Visitors sign in at reception.
`

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRevise moves a flat policy into folder form, archives it, starts the
// next version keeping the front matter's comments, then builds the site.
func TestRevise(t *testing.T) {
	dir := writeTree(t, map[string]string{"site.yaml": reviseSite, "content/visitors.md": flatPolicy})
	out, stderr, code := runBin(t, dir, "revise", "visitors", "--now", "2026-02-01", "--note", "Badges: visitors now wear one")
	if code != 0 {
		t.Fatalf("revise: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"Moved content/visitors.md to content/visitors/index.md", "Archived version 1.9 as content/visitors/history/1.9.md", "now version 1.10"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "content", "visitors.md")); !os.IsNotExist(err) {
		t.Errorf("flat file still there: %v", err)
	}
	if got := readFile(t, dir, "content/visitors/history/1.9.md"); got != flatPolicy {
		t.Errorf("archived text changed:\n%s", got)
	}
	want := `---
# Agreed by the board each spring.
title: Visitors
version: "1.10"  # the board's numbering
effective: 2026-02-01
next_review: 2026-08-01
owner: Office manager
changes: 'Badges: visitors now wear one'
---

Visitors sign in at reception.
`
	if got := readFile(t, dir, "content/visitors/index.md"); got != want {
		t.Errorf("revised file:\n%s\nwant:\n%s", got, want)
	}
	// A review of 1.10 stays with 1.10.
	if _, stderr, code := runBin(t, dir, "review", "visitors", "--now", "2026-02-20", "--by", "Head", "--approved-by", "Governors", "--approved-on", "2026-02-20", "--minute", "G 7"); code != 0 {
		t.Fatalf("review: exit %d\n%s", code, stderr)
	}
	// A second revision with an explicit version, a date ahead and an
	// approval, and no note.
	out, stderr, code = runBin(t, dir, "revise", "visitors", "--version", "2", "--effective", "2026-09-01", "--now", "2026-03-01",
		"--approved-by", "the Board", "--approved-on", "2026-02-27", "--minute", "FGB 2026/3")
	if code != 0 {
		t.Fatalf("second revise: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(out, "version 2, coming into force 1 September 2026") {
		t.Errorf("second revise does not say the version is ahead:\n%s", out)
	}
	cur := readFile(t, dir, "content/visitors/index.md")
	if !strings.Contains(cur, "version: \"2\"  # the board's numbering\neffective: 2026-09-01\nnext_review: 2027-03-01\n") || strings.Contains(cur, "changes:") ||
		strings.Contains(cur, "reviews:") || !strings.HasSuffix(strings.Split(cur, "---\n")[1], "approved_by: the Board\napproved_on: 2026-02-27\nminute: FGB 2026/3\n") {
		t.Errorf("second revision:\n%s", cur)
	}
	if got := readFile(t, dir, "content/visitors/history/1.10.md"); !strings.Contains(got, "reviews:\n  - date: 2026-02-20\n    by: Head\n    approved_by: Governors\n    approved_on: 2026-02-20\n    minute: G 7\n") {
		t.Errorf("1.10's review is not kept with 1.10:\n%s", got)
	}
	if _, stderr, code := runBin(t, dir, "build", "--now", "2026-10-01"); code != 0 {
		t.Fatalf("build after revise: exit %d\n%s", code, stderr)
	}
	for _, p := range []string{"public/visitors/history/index.html", "public/visitors/v/1.9/index.html", "public/visitors/v/1.10/index.html", "public/visitors/compare/2/index.html", "public/feed.xml"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("after revise: %v", err)
		}
	}
}

func TestReviseRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"older version", []string{"--version", "1.2"}, 2, "--version 1.2 is not after the current version 1.9"},
		{"same date", []string{"--effective", "2025-01-10"}, 2, "effective date 2025-01-10 is not after the current version's"},
		{"unknown flag", []string{"--slug-is-next"}, 2, "unknown flag"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"site.yaml": reviseSite, "content/visitors/index.md": flatPolicy})
			_, stderr, code := runBin(t, dir, append([]string{"revise", "visitors", "--now", "2026-02-01"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tc.code, tc.want)
			}
			if got := readFile(t, dir, "content/visitors/index.md"); got != flatPolicy {
				t.Errorf("refused revise changed the file:\n%s", got)
			}
		})
	}
	dir := writeTree(t, map[string]string{"site.yaml": reviseSite, "content/visitors/index.md": flatPolicy, "content/visitors/history/1.9.md": "kept"})
	if _, stderr, code := runBin(t, dir, "revise", "visitors", "--now", "2026-02-01"); code == 0 || !strings.Contains(stderr, "already exists") {
		t.Errorf("revise over an archived version: exit %d, %s", code, stderr)
	}
	if got := readFile(t, dir, "content/visitors/history/1.9.md"); got != "kept" {
		t.Errorf("archived version overwritten: %q", got)
	}
}

// TestReview records two reviews, leaves the version alone and shows the
// last review on the page.
func TestReview(t *testing.T) {
	dir := writeTree(t, map[string]string{"site.yaml": reviseSite, "content/visitors.md": flatPolicy})
	if _, stderr, code := runBin(t, dir, "review", "visitors", "--by", "the Board", "--date", "2026-03-03", "--note", "no changes"); code != 0 {
		t.Fatalf("review: exit %d\n%s", code, stderr)
	}
	if _, stderr, code := runBin(t, dir, "review", "visitors", "--now", "2026-04-03"); code != 0 {
		t.Fatalf("second review: exit %d\n%s", code, stderr)
	}
	want := strings.Replace(flatPolicy, "next_review: 2026-01-10\n", "next_review: 2026-10-03\n", 1)
	want = strings.Replace(want, "reviews: []\n", "reviews:\n  - date: 2026-03-03\n    by: the Board\n    note: no changes\n  - date: 2026-04-03\n", 1)
	if got := readFile(t, dir, "content/visitors.md"); got != want {
		t.Errorf("reviewed file:\n%s\nwant:\n%s", got, want)
	}
	// A third review appends in the list's own indentation.
	if _, stderr, code := runBin(t, dir, "review", "visitors", "--date", "2026-05-01", "--by", "DPO"); code != 0 {
		t.Fatalf("third review: exit %d\n%s", code, stderr)
	}
	if got := readFile(t, dir, "content/visitors.md"); !strings.Contains(got, "  - date: 2026-04-03\n  - date: 2026-05-01\n    by: DPO\n---\n") {
		t.Errorf("third review:\n%s", got)
	}
	if _, stderr, code := runBin(t, dir, "review", "visitors", "--date", "2024-01-01"); code != 2 || !strings.Contains(stderr, "before version 1.9 took effect") {
		t.Errorf("review before effective: exit %d, %s", code, stderr)
	}
	if _, stderr, code := runBin(t, dir, "build", "--now", "2026-06-01"); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	page := readFile(t, dir, "public/visitors/index.html")
	if !strings.Contains(page, `Last reviewed <time datetime="2026-05-01">1 May 2026</time> by DPO</p>`) || !strings.Contains(page, "Version 1.9") {
		t.Errorf("page lacks the last review or the unchanged version")
	}
}

// TestRelink: moving a flat policy one folder down keeps every relative
// link leading where it led; absolute paths, URLs and fragments stay.
func TestRelink(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"See [b](b.md).\n", "See [b](../b.md).\n"},
		{"See [b](b.md#scope \"B\") and [c](<c.md>).\n", "See [b](../b.md#scope \"B\") and [c](<../c.md>).\n"},
		{"See [b][1].\n\n[1]: b.md#x\n", "See [b][1].\n\n[1]: ../b.md#x\n"},
		{"[b](/b.md) [w](https://example.org/a.md) [h](#here) [m](mailto:a@b.md)\n", "[b](/b.md) [w](https://example.org/a.md) [h](#here) [m](mailto:a@b.md)\n"},
		{"[s](sub/b.md)\n", "[s](../sub/b.md)\n"},
		{"[b](b.md\n  )\n", "[b](../b.md\n  )\n"},
	} {
		got, err := relink([]byte(tc.in), "content/a.md", "content/a/index.md")
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if want := tc.want; string(got) != want {
			t.Errorf("relink(%q) =\n%q\nwant\n%q", tc.in, got, want)
		}
	}
}

// TestReviseKeepsLinks: after revise moves a flat policy that links to
// another, the build passes and both the current page and the archived
// version link to the other policy's page.
func TestReviseKeepsLinks(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"site.yaml":           reviseSite,
		"content/visitors.md": strings.Replace(flatPolicy, "at reception.\n", "at reception, as the [rules](rules.md#signing-in) say.\n", 1),
		"content/rules.md":    "---\ntitle: Rules\nversion: \"1\"\neffective: 2025-01-01\nnext_review: 2027-01-01\nowner: Head\n---\n\n## Signing in\n\nSign in.\n",
	})
	if _, stderr, code := runBin(t, dir, "revise", "visitors", "--now", "2026-02-01"); code != 0 {
		t.Fatalf("revise: exit %d\n%s", code, stderr)
	}
	if _, stderr, code := runBin(t, dir, "build", "--now", "2026-02-01"); code != 0 {
		t.Fatalf("build after revise: exit %d\n%s", code, stderr)
	}
	for _, page := range []string{"public/visitors/index.html", "public/visitors/v/1.9/index.html"} {
		if got := readFile(t, dir, page); !strings.Contains(got, `href=/rules/#signing-in`) && !strings.Contains(got, `href="/rules/#signing-in"`) {
			t.Errorf("%s does not link to /rules/#signing-in", page)
		}
	}
}

// TestReviseLabelsAndDefaults: a policy named as people name files, with
// a version label and only a title and a date of its own (site.yaml's
// defaults: say the rest), is revised and reviewed by its slug. revise
// counts on the label's last number, writes what defaults filled into the
// archived copy, and both honour defaults.next_review; the site builds,
// its versions in order by effective date where their labels do not
// compare.
func TestReviseLabelsAndDefaults(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"site.yaml":                  "title: Test\ndefaults:\n  owner: Business manager\n  version: Issue 3\n  next_review: 2 years\n",
		"content/Lettings Policy.md": "---\ntitle: Lettings\ndate: 2025-03-01\n---\n\nHalls are let to local groups.\n",
	})
	out, stderr, code := runBin(t, dir, "revise", "lettings-policy", "--now", "2026-02-01", "--note", "Fees")
	if code != 0 {
		t.Fatalf("revise: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"Moved content/Lettings Policy.md to content/lettings-policy/index.md", "Archived version Issue 3 as content/lettings-policy/history/Issue 3.md", "now version Issue 4, effective 1 February 2026, next review 1 February 2028"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	arch := readFile(t, dir, "content/lettings-policy/history/Issue 3.md")
	for _, want := range []string{"owner: Business manager\n", "version: Issue 3\n", "next_review: 2027-03-01\n"} {
		if !strings.Contains(arch, want) {
			t.Errorf("archived copy lacks %q:\n%s", want, arch)
		}
	}
	if _, stderr, code := runBin(t, dir, "review", "lettings-policy", "--date", "2026-06-01", "--now", "2026-06-01"); code != 0 {
		t.Fatalf("review: exit %d\n%s", code, stderr)
	}
	if cur := readFile(t, dir, "content/lettings-policy/index.md"); !strings.Contains(cur, "next_review: 2028-06-01\n") {
		t.Errorf("review did not move next_review two years on:\n%s", cur)
	}
	if _, stderr, code := runBin(t, dir, "revise", "lettings-policy", "--version", "2026-27", "--effective", "2026-09-01", "--now", "2026-07-01"); code != 0 {
		t.Fatalf("revise to a label that does not compare: exit %d\n%s", code, stderr)
	}
	if _, stderr, code := runBin(t, dir, "build", "--now", "2026-10-01"); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	for _, p := range []string{"public/lettings-policy/v/Issue 3/index.html", "public/lettings-policy/v/Issue 4/index.html", "public/lettings-policy/compare/2026-27/index.html"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("after revise: %v", err)
		}
	}
	dir2 := writeTree(t, map[string]string{"site.yaml": "title: Test\n", "content/a.md": "---\ntitle: A\nversion: final\neffective: 2025-01-01\nnext_review: 2026-01-01\nowner: O\n---\n"})
	if _, stderr, code := runBin(t, dir2, "revise", "a", "--now", "2026-02-01"); code != 1 || !strings.Contains(stderr, `version "final" has no number to count on from; give the new one with --version`) {
		t.Errorf("revise of a label without a number: exit %d\n%s", code, stderr)
	}
}

// TestReviseLastCommit: with defaults: {effective: last-commit}, revise
// asks git about the policy's own file, whose name has a space, and writes
// that file's commit day into the archived copy, not the day of a later
// commit to another file.
func TestReviseLastCommit(t *testing.T) {
	src := writeTree(t, map[string]string{
		"site.yaml":                  "title: Test\ndefaults:\n  owner: Bursar\n  version: \"1.0\"\n  next_review: 12 months\n  effective: last-commit\n",
		"content/Lettings Policy.md": "---\ntitle: Lettings\n---\n\nHalls are let to local groups.\n",
		"content/b.md":               "---\ntitle: B\n---\n\nB.\n",
	})
	dir := gitSite(t, src, []string{"2026-03-02", "2026-04-15", "2026-05-20"})
	if _, stderr, code := runBin(t, dir, "revise", "lettings-policy", "--now", "2026-06-01"); code != 0 {
		t.Fatalf("revise: exit %d\n%s", code, stderr)
	}
	arch := readFile(t, dir, "content/lettings-policy/history/1.0.md")
	for _, want := range []string{"effective: 2026-03-02\n", "next_review: 2027-03-02\n"} {
		if !strings.Contains(arch, want) {
			t.Errorf("archived copy lacks %q:\n%s", want, arch)
		}
	}
}

// TestFenceWithSpaces: a closing --- with spaces after it, which build
// accepts, is revised and reviewed too, the fence kept as written.
func TestFenceWithSpaces(t *testing.T) {
	dir := writeTree(t, map[string]string{"site.yaml": reviseSite, "content/a/index.md": "---\ntitle: A\nversion: \"1\"\neffective: 2025-01-01\nnext_review: 2026-01-01\nowner: O\n---  \n\nText.\n"})
	if _, stderr, code := runBin(t, dir, "revise", "a", "--now", "2026-02-01"); code != 0 {
		t.Fatalf("revise: exit %d\n%s", code, stderr)
	}
	if _, stderr, code := runBin(t, dir, "review", "a", "--now", "2026-03-01"); code != 0 {
		t.Fatalf("review: exit %d\n%s", code, stderr)
	}
	want := "---\ntitle: A\nversion: \"2\"\neffective: 2026-02-01\nnext_review: 2026-09-01\nowner: O\nreviews:\n  - date: 2026-03-01\n---  \n\nText.\n"
	if got := readFile(t, dir, "content/a/index.md"); got != want {
		t.Errorf("after revise and review:\n%q\nwant\n%q", got, want)
	}
	if got := readFile(t, dir, "content/a/history/1.md"); !strings.HasSuffix(got, "owner: O\n---  \n\nText.\n") {
		t.Errorf("archived copy:\n%q", got)
	}
}
