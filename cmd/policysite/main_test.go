package main

import (
	"bytes"
	"path/filepath"
	"regexp"
	"testing"
)

// The CLI in process: flags fill the options, output and exit codes follow.
func TestRunInProcess(t *testing.T) {
	dir := site(t, map[string]string{"a.md": "A", "b/index.md": "B"})
	tests := []struct {
		args   []string
		code   int
		stdout string // a regular expression
		stderr string
	}{
		{[]string{"build", "-s", dir, "--now", "2026-12-20"}, 0, `^Built 2 policies \(0 overdue, 2 due soon\) in \d+ ms -> .*public/\n$`, `^$`},
		{[]string{"build", "-s", dir, "--now", "2027-01-02", "--quiet"}, 0, `^$`, `^$`},
		{[]string{"build", "-s", dir, "-d", filepath.Join(dir, "out"), "--now", "2026-02-01"}, 0, `^Built 2 policies \(0 overdue, 0 due soon\) in \d+ ms -> .*out/\n$`, `^$`},
		{[]string{"check", "-s", dir, "--now", "2026-02-01"}, 0, `0 errors, 0 warnings\n$`, `^$`},
		{[]string{"build", "-s", dir, "--now", "someday"}, 2, `^$`, `--now: "someday" is not a date`},
		{[]string{"--help"}, 0, `(?s)Usage:.*build.*check.*new.*serve.*version`, `^$`},
		{[]string{"build", "--help"}, 0, `--destination`, `^$`},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := run(tt.args, &out, &errb)
		if code != tt.code || !regexp.MustCompile(tt.stdout).MatchString(out.String()) || !regexp.MustCompile(tt.stderr).MatchString(errb.String()) {
			t.Errorf("%v: exit %d\nstdout %q\nstderr %q", tt.args, code, out.String(), errb.String())
		}
	}
}
