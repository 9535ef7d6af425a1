package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want files of testdata/build/*.txtar")

// binary is the policysite command built for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "policysite-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "policysite")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// testNow is the day the end-to-end tests build for: every command that
// reads a site is given --now, and the binary's environment says the same
// day (binEnv), so no test sees the day it runs.
const testNow = "2026-11-23"

// binEnv is the environment the built binary runs in: the test's own, less
// what would tell it the date or the time zone (SOURCE_DATE_EPOCH, TZ, and
// libfaketime's variables), plus SOURCE_DATE_EPOCH at testNow, so that a
// command run without --now still sees a fixed day.
func binEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "SOURCE_DATE_EPOCH", k == "TZ", k == "LD_PRELOAD", strings.HasPrefix(k, "FAKETIME"):
			continue
		}
		env = append(env, kv)
	}
	return append(append(env, "TZ=UTC", "SOURCE_DATE_EPOCH=1795392000"), extra...) // 23 November 2026
}

// runBin runs the built binary in dir and returns its output and exit code.
func runBin(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = binEnv()
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run %v: %v", args, err)
	}
	if strings.Contains(e.String(), "goroutine ") || strings.Contains(e.String(), "panic:") {
		t.Fatalf("%v panicked:\n%s", args, e.String())
	}
	return o.String(), e.String(), code
}

// writeSite writes the files of an archive (all but want/*) into a new folder.
func writeSite(t *testing.T, ar *txtar.Archive) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range ar.Files {
		if strings.HasPrefix(f.Name, "want/") {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestBuildCases runs `policysite` over each testdata/build/*.txtar site. The
// archive's comment is the command line; want/exit holds the exit code and
// want/stderr the exact diagnostics; want/contains and want/absent hold lines
// "path: text" that an output file must or must not contain.
func TestBuildCases(t *testing.T) {
	files, _ := filepath.Glob("testdata/build/*.txtar")
	if len(files) == 0 {
		t.Fatal("no test cases")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := writeSite(t, ar)
			args := strings.Fields(strings.TrimSpace(string(ar.Comment)))
			_, stderr, code := runBin(t, dir, args...)
			want := map[string]string{}
			for _, f := range ar.Files {
				want[f.Name] = string(f.Data)
			}
			if *update {
				setFile(ar, "want/exit", strconv.Itoa(code)+"\n")
				setFile(ar, "want/stderr", stderr)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got := strconv.Itoa(code) + "\n"; got != want["want/exit"] {
				t.Errorf("exit code %s, want %s\nstderr:\n%s", strings.TrimSpace(got), strings.TrimSpace(want["want/exit"]), stderr)
			}
			if stderr != want["want/stderr"] {
				t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want["want/stderr"])
			}
			checkLines(t, dir, want["want/contains"], true)
			checkLines(t, dir, want["want/absent"], false)
		})
	}
}

func setFile(ar *txtar.Archive, name, data string) {
	for i := range ar.Files {
		if ar.Files[i].Name == name {
			ar.Files[i].Data = []byte(data)
			return
		}
	}
	ar.Files = append(ar.Files, txtar.File{Name: name, Data: []byte(data)})
}

func checkLines(t *testing.T, dir, spec string, present bool) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSpace(spec), "\n") {
		if line == "" {
			continue
		}
		path, text, _ := strings.Cut(line, ": ")
		b, err := os.ReadFile(filepath.Join(dir, path))
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if strings.Contains(string(b), text) != present {
			t.Errorf("%s: contains %q = %v, want %v", path, text, !present, present)
		}
	}
}

const policy = `---
title: %s
version: "1.0"
effective: 2026-01-01
next_review: 2027-01-01
owner: DPO
---

Intro.

## Section

Text.
`

func site(t *testing.T, policies map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: Test\n"), 0o644)
	for name, title := range policies {
		p := filepath.Join(dir, "content", name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(fmt.Sprintf(policy, title)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestInvalidUTF8(t *testing.T) {
	dir := site(t, nil)
	os.MkdirAll(filepath.Join(dir, "content"), 0o755)
	os.WriteFile(filepath.Join(dir, "content", "bad.md"), []byte("---\ntitle: Caf\xe9\n---\n"), 0o644)
	_, stderr, code := runBin(t, dir, "build", "--now", testNow)
	if code != 1 || stderr != "content/bad.md:2:11: error: invalid UTF-8: save the file as UTF-8 [front-matter]\n" {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestSymlinkOutOfSite(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.md")
	os.WriteFile(secret, []byte(fmt.Sprintf(policy, "SECRET-OUTSIDE")), 0o644)
	dir := site(t, map[string]string{"ok.md": "OK"})
	if err := os.Symlink(secret, filepath.Join(dir, "content", "leak.md")); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runBin(t, dir, "build", "--now", testNow)
	if code != 1 || !strings.Contains(stderr, "content/leak.md: error: links outside the site folder") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "public")); err == nil {
		t.Error("a failed build wrote public/")
	}
	// A symlink to a folder outside is refused too, and nothing of it is read.
	os.Remove(filepath.Join(dir, "content", "leak.md"))
	os.Symlink(outside, filepath.Join(dir, "content", "leakdir"))
	os.Symlink(outside, filepath.Join(dir, "themes"))
	_, stderr, _ = runBin(t, dir, "build", "--now", testNow)
	out, _ := exec.Command("grep", "-r", "SECRET-OUTSIDE", filepath.Join(dir, "public")).CombinedOutput()
	if len(out) > 0 {
		t.Errorf("content from outside the site was published: %s (stderr %s)", out, stderr)
	}
}

func TestLargePolicy(t *testing.T) {
	dir := site(t, nil)
	var b strings.Builder
	fmt.Fprintf(&b, policy, "Large")
	for b.Len() < 5<<20 {
		fmt.Fprintf(&b, "\n## Section %d\n\nThe trust keeps records for as long as the schedule says, then deletes them securely.\n", b.Len())
	}
	os.MkdirAll(filepath.Join(dir, "content"), 0o755)
	os.WriteFile(filepath.Join(dir, "content", "large.md"), []byte(b.String()), 0o644)
	stdout, stderr, code := runBin(t, dir, "build", "--now", testNow)
	if code != 0 || !strings.HasPrefix(stdout, "Built 1 policy (0 overdue, 0 due soon) in ") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if fi, err := os.Stat(filepath.Join(dir, "public", "large", "index.html")); err != nil || fi.Size() < 4<<20 {
		t.Errorf("large page: %v %v", fi, err)
	}
}

// A failed build leaves the previous site exactly as it was; a good build
// after a policy is removed leaves no page of it behind.
func TestAtomicBuild(t *testing.T) {
	dir := site(t, map[string]string{"a.md": "A", "b.md": "B"})
	if _, stderr, code := runBin(t, dir, "build", "--now", testNow); code != 0 {
		t.Fatal(stderr)
	}
	before := snapshot(t, filepath.Join(dir, "public"))
	os.WriteFile(filepath.Join(dir, "content", "a.md"), []byte("---\ntitle: [\n---\n"), 0o644)
	if _, _, code := runBin(t, dir, "build", "--now", testNow); code != 1 {
		t.Fatalf("exit %d for broken YAML", code)
	}
	if after := snapshot(t, filepath.Join(dir, "public")); after != before {
		t.Error("failed build changed public/")
	}
	os.Remove(filepath.Join(dir, "content", "a.md"))
	if _, stderr, code := runBin(t, dir, "build", "--now", testNow); code != 0 {
		t.Fatal(stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "a")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("removed policy's page still there: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".public") {
			t.Errorf("temporary folder left behind: %s", e.Name())
		}
	}
}

func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if !d.IsDir() {
			data, _ := os.ReadFile(p)
			fmt.Fprintf(&b, "%s %x\n", p, data)
		}
		return nil
	})
	return b.String()
}

// The same input and --now give byte-identical output, wherever it is built.
func TestReproducible(t *testing.T) {
	src := filepath.Join("..", "..")
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if _, stderr, code := runBin(t, ".", "build", "--source", src, "--destination", d, "--now", testNow, "--quiet"); code != 0 {
			t.Fatalf("build: %s", stderr)
		}
	}
	sa, sb := snapshot(t, a), snapshot(t, b)
	sa = strings.ReplaceAll(sa, a, "")
	sb = strings.ReplaceAll(sb, b, "")
	if sa != sb {
		t.Error("two builds of the same input differ")
	}
	if strings.Count(sa, "\n") < 10 {
		t.Errorf("example site built only %d files", strings.Count(sa, "\n"))
	}
	// SOURCE_DATE_EPOCH stands for --now.
	c := t.TempDir()
	cmd := exec.Command(binary, "build", "--source", src, "--destination", c, "--quiet")
	cmd.Env = binEnv("SOURCE_DATE_EPOCH=1795392000") // 23 November 2026
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	if sc := strings.ReplaceAll(snapshot(t, c), c, ""); sc != sa {
		t.Error("SOURCE_DATE_EPOCH build differs from --now build of the same day")
	}
}

func TestUsageErrors(t *testing.T) {
	dir := site(t, map[string]string{"a.md": "A"})
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"build", "--bogus"}, 2, "unknown flag: --bogus"},
		{[]string{"build", "extra"}, 2, "takes no arguments"},
		{[]string{"build", "--now", "2025-13-45"}, 2, `--now: "2025-13-45" is not a date`},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"new"}, 2, "new takes one argument"},
		{[]string{"new", "ポリシー", "--title", "x"}, 2, "no letter or digit"},
		{[]string{"new", "a", "--title", "Again"}, 1, "content/a.md already exists"},
		{[]string{"build", "--source", "/nonexistent-site"}, 1, "site folder"},
	}
	for _, tt := range tests {
		_, stderr, code := runBin(t, dir, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d with %q", tt.args, code, stderr, tt.code, tt.msg)
		}
	}
}

func TestNewThenBuild(t *testing.T) {
	dir := site(t, nil)
	stdout, stderr, code := runBin(t, dir, "new", "acceptable-use", "--title", `Acceptable "use" policy`, "--now", "2026-01-31")
	if code != 0 || stdout != "Created content/acceptable-use.md (next review 31 January 2027)\n" {
		t.Fatalf("new: %d %q %q", code, stdout, stderr)
	}
	// new writes a draft: a build leaves it out until its author says it
	// is ready, and --drafts shows it.
	if _, stderr, code := runBin(t, dir, "build", "--now", "2026-02-01"); code != 0 {
		t.Fatalf("build of a new policy: %s", stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "acceptable-use")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a draft from new was published: %v", err)
	}
	if _, stderr, code := runBin(t, dir, "build", "--drafts", "--now", "2026-02-01"); code != 0 {
		t.Fatalf("build --drafts of a new policy: %s", stderr)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "public", "acceptable-use", "index.html"))
	if !strings.Contains(string(b), "Acceptable &#34;use&#34; policy") && !strings.Contains(string(b), `Acceptable "use" policy`) {
		t.Errorf("title not on page")
	}
}

func TestVersionAndCompletion(t *testing.T) {
	stdout, _, code := runBin(t, ".", "version")
	if code != 0 || !strings.HasPrefix(stdout, "policysite ") {
		t.Errorf("version: %d %q", code, stdout)
	}
	stdout, _, code = runBin(t, ".", "completion", "bash")
	if code != 0 || !strings.Contains(stdout, "policysite") {
		t.Errorf("completion: %d", code)
	}
}
