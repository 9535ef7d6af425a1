package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/source"
)

// committed returns the day each file under content/ of the site folder
// dir was last committed, by path relative to dir, the effective date of
// a policy that gives none: one git log pass over every file. Outside a
// git repository it returns nil; when it cannot tell (git missing, a
// shallow clone, whose oldest commit would date every older file), nil
// and why.
func committed(dir string) (map[string]date.Date, string) {
	return gitDays(dir, source.Dir)
}

// gitDates is committed(dir) remembered for as long as HEAD names the
// same commit: serve renders on every save, and git log over years of
// history costs more than the render, while the days change only with a
// commit, a checkout, a pull or a rebase, each of which moves HEAD.
type gitDates struct {
	dir  string
	mu   sync.Mutex
	key  string // head(dir) when days was read; "" never matches
	days map[string]date.Date
	why  string
	runs int // times git log was run, for the tests
}

// get returns committed(dir), running git log only when HEAD has moved.
func (g *gitDates) get() (map[string]date.Date, string) {
	key := head(g.dir)
	g.mu.Lock()
	defer g.mu.Unlock()
	if key == "" || key != g.key {
		g.days, g.why = committed(g.dir)
		g.key = key
		g.runs++
	}
	return g.days, g.why
}

// head names the commit HEAD of the repository holding dir is at and
// whether the repository is shallow, read from the files under .git
// (its HEAD, the ref HEAD names, packed-refs, shallow) so that asking
// costs no process, or else from git rev-parse when those files are not
// as expected (a ref that is itself symbolic, reftable, GIT_DIR set).
// Outside a repository it is "none"; "" when git cannot say.
func head(dir string) string {
	if k, ok := readHead(dir); ok {
		return k
	}
	out, err := exec.Command("git", "-C", dir, "rev-parse", "--is-shallow-repository", "HEAD").Output()
	if err != nil {
		return ""
	}
	return "git " + strings.Join(strings.Fields(string(out)), " ")
}

// readHead is head from the files, false when unsure.
func readHead(dir string) (string, bool) {
	for _, v := range []string{"GIT_DIR", "GIT_COMMON_DIR", "GIT_WORK_TREE", "GIT_CEILING_DIRECTORIES", "GIT_OBJECT_DIRECTORY"} {
		if os.Getenv(v) != "" {
			return "", false
		}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	gitDir := ""
	for d := abs; ; d = filepath.Dir(d) {
		p := filepath.Join(d, ".git")
		if fi, err := os.Stat(p); err == nil {
			if fi.IsDir() {
				gitDir = p
			} else if b, err := os.ReadFile(p); err == nil { // a worktree's or submodule's: gitdir: <path>
				rest, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir: ")
				if !ok {
					return "", false
				}
				if !filepath.IsAbs(rest) {
					rest = filepath.Join(d, rest)
				}
				gitDir = rest
			}
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", false
		}
		if filepath.Dir(d) == d {
			return "none", true
		}
	}
	if gitDir == "" {
		return "", false
	}
	common := gitDir // a linked worktree keeps its HEAD here, its refs in commondir
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		if common = strings.TrimSpace(string(b)); !filepath.IsAbs(common) {
			common = filepath.Join(gitDir, common)
		}
	}
	b, err := os.ReadFile(filepath.Join(gitDir, "HEAD"))
	if err != nil {
		return "", false
	}
	commit := strings.TrimSpace(string(b))
	if ref, ok := strings.CutPrefix(commit, "ref: "); ok {
		if !strings.HasPrefix(ref, "refs/heads/") || strings.Contains(ref, "..") {
			return "", false
		}
		if b, err := os.ReadFile(filepath.Join(common, filepath.FromSlash(ref))); err == nil {
			commit = strings.TrimSpace(string(b))
		} else if commit = packedRef(common, ref); commit == "" {
			return "", false // unborn, or refs kept another way (reftable)
		}
	}
	if !isHash(commit) {
		return "", false
	}
	_, err = os.Stat(filepath.Join(common, "shallow"))
	return fmt.Sprintf("%s shallow=%t", commit, err == nil), true
}

// packedRef returns the commit packed-refs in the git directory common
// gives the ref, or "".
func packedRef(common, ref string) string {
	b, err := os.ReadFile(filepath.Join(common, "packed-refs"))
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(b)) {
		if hash, name, ok := strings.Cut(strings.TrimSpace(line), " "); ok && name == ref {
			return hash
		}
	}
	return ""
}

// isHash reports whether s is a SHA-1 or SHA-256 object name.
func isHash(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}

// committedFile is committed for the one file rel (slash-separated,
// relative to dir), asking git about that file alone: the zero Date when
// git cannot say. revise and review read one policy.
func committedFile(dir, rel string) date.Date {
	days, _ := gitDays(dir, rel, "--max-count=1") // the newest commit that touched it
	return days[rel]
}

// gitDays runs git log, with any extra options, over the files pathspec
// (a literal path relative to dir) names.
func gitDays(dir, pathspec string, options ...string) (map[string]date.Date, string) {
	git, err := exec.LookPath("git")
	if err != nil {
		return nil, "git is not installed"
	}
	out, err := exec.Command(git, "-C", dir, "rev-parse", "--is-shallow-repository").Output()
	if err != nil {
		return nil, "" // not a git repository: nothing to date files by
	}
	if strings.TrimSpace(string(out)) == "true" {
		return nil, "the site is a shallow clone (git clone --depth), whose oldest commit would date every older policy: run git fetch --unshallow (or check out with fetch-depth: 0)"
	}
	args := append([]string{"-C", dir, "--literal-pathspecs", "-c", "core.quotePath=false", "log", "--format=@@%cs", "--name-only", "--relative", "--no-renames"}, options...)
	cmd := exec.Command(git, append(args, "--", pathspec)...)
	out, err = cmd.Output()
	if err != nil {
		return nil, fmt.Sprintf("git log failed: %v", err)
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
