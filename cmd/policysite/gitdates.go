package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"strings"

	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/source"
)

// committed returns the day each file under content/ of the site folder
// dir was last committed, by path relative to dir, for site.yaml's
// defaults: {effective: last-commit}: one git log pass over every file.
// Without one (git missing, not a repository, a shallow clone, whose
// oldest commit would date every older file) it returns nil and why.
func committed(dir string) (map[string]date.Date, string) {
	return gitDays(dir, source.Dir)
}

// committedFile is committed for the one file rel (slash-separated,
// relative to dir), asking git about that file alone: the zero Date when
// git cannot say. revise and review read one policy.
func committedFile(dir, rel string) date.Date {
	days, _ := gitDays(dir, rel)
	return days[rel]
}

// gitDays runs git log over the files pathspec (a literal path relative to
// dir) names.
func gitDays(dir, pathspec string) (map[string]date.Date, string) {
	git, err := exec.LookPath("git")
	if err != nil {
		return nil, "git is not installed, so no policy is dated by its last commit"
	}
	out, err := exec.Command(git, "-C", dir, "rev-parse", "--is-shallow-repository").Output()
	if err != nil {
		return nil, "the site folder is not a git repository, so no policy is dated by its last commit"
	}
	if strings.TrimSpace(string(out)) == "true" {
		return nil, "the site is a shallow clone (git clone --depth), whose oldest commit would date every older policy: run git fetch --unshallow (or check out with fetch-depth: 0)"
	}
	cmd := exec.Command(git, "-C", dir, "--literal-pathspecs", "-c", "core.quotePath=false", "log", "--format=@@%cs", "--name-only", "--relative", "--no-renames", "--", pathspec)
	out, err = cmd.Output()
	if err != nil {
		return nil, fmt.Sprintf("git log failed (%v), so no policy is dated by its last commit", err)
	}
	return parseGitLog(out), ""
}

// parseGitLog reads git log --format=@@%cs --name-only: a line @@<day> per
// commit, newest first, then the files it changed. A file's first day is
// its last commit's.
func parseGitLog(out []byte) map[string]date.Date {
	days := map[string]date.Date{}
	var day date.Date
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if d, ok := strings.CutPrefix(line, "@@"); ok {
			day, _ = date.Parse(d)
			continue
		}
		if line == "" || day.IsZero() {
			continue
		}
		if _, seen := days[line]; !seen {
			days[line] = day
		}
	}
	return days
}
