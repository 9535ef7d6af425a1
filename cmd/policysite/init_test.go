package main

import (
	"bytes"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/policysite/policysite/internal/testtools"
)

const initNow = "2026-12-02"

// runOK runs the command line and fails the test unless it exits with code.
func runCode(t *testing.T, code int, args ...string) (string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	if got := run(args, &out, &errb); got != code {
		t.Fatalf("%v: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", args, got, code, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

// initSite runs init for host into a new folder and returns it.
func initSite(t *testing.T, host string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	runCode(t, 0, "init", dir, "--org", "Larkfield Trust", "--host", host, "--now", initNow)
	return dir
}

// A workflow is a GitHub Actions workflow, as far as the tests read one.
type workflow struct {
	On struct {
		Push     *struct{ Branches, Tags []string } `yaml:"push"`
		Schedule []struct{ Cron string }            `yaml:"schedule"`
	} `yaml:"on"`
	Jobs map[string]struct {
		Steps []struct {
			Name, Uses, Run string
			If              string         `yaml:"if"`
			With            map[string]any `yaml:"with"`
		}
	}
}

func readWorkflow(t *testing.T, path string) workflow {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(b, &w); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return w
}

// steps returns what each step of every job does: its run line, or uses.
func (w workflow) steps() []string {
	var out []string
	for _, j := range w.Jobs {
		for _, s := range j.Steps {
			out = append(out, strings.TrimSpace(s.Name+" "+s.Uses+" "+s.Run))
		}
	}
	return out
}

func hasStep(steps []string, part string) bool {
	return slices.ContainsFunc(steps, func(s string) bool { return strings.Contains(s, part) })
}

// init writes, for every host, a site that builds and checks at once, with
// the placeholders flagged and what the host needs: a workflow that checks,
// builds, publishes and rebuilds every day.
func TestInitEveryHost(t *testing.T) {
	for _, host := range Hosts {
		t.Run(host, func(t *testing.T) {
			dir := initSite(t, host)
			out, _ := runCode(t, 0, "build", "-s", dir, "--now", initNow)
			if !strings.HasPrefix(out, "Built 3 policies (0 overdue, 0 due soon)") {
				t.Errorf("build: %s", out)
			}
			out, _ = runCode(t, 0, "check", "-s", dir, "--now", initNow)
			if !strings.Contains(out, "content/privacy-notice.md:18:18: warning: unfilled placeholder [your postal address] [placeholder]") || !strings.Contains(out, "0 errors") {
				t.Errorf("check does not flag the placeholders:\n%s", out)
			}
			if strings.Contains(out, "raw-html") || strings.Contains(out, "empty-section") || strings.Contains(out, "broken-link") {
				t.Errorf("the scaffold has findings other than placeholders:\n%s", out)
			}
			page, err := os.ReadFile(filepath.Join(dir, "public", "data-protection", "index.html"))
			if err != nil || !bytes.Contains(page, []byte("Larkfield Trust meets its duties")) {
				t.Errorf("the example policy is not written for the organisation: %v", err)
			}
			exists := func(name string) bool { _, err := os.Stat(filepath.Join(dir, name)); return err == nil }
			for _, f := range []string{"site.yaml", ".gitignore", "content/privacy-notice.md", "content/cookie-policy.md", "public/.nojekyll"} {
				if !exists(f) {
					t.Errorf("%s is missing", f)
				}
			}
			gh := map[string]string{"github-pages": "publish.yml", "cloudflare-pages": "publish.yml", "apache": "publish.yml", "netlify": "rebuild.yml"}
			if name, ok := gh[host]; ok {
				w := readWorkflow(t, filepath.Join(dir, ".github", "workflows", name))
				steps := w.steps()
				for _, want := range []string{"policysite check", "policysite build", "publish "} {
					if !hasStep(steps, want) {
						t.Errorf("%s: no step %q in %q", name, want, steps)
					}
				}
				// A shallow checkout would date every policy without
				// effective: by the one commit it holds.
				for job, j := range w.Jobs {
					for _, st := range j.Steps {
						if strings.HasPrefix(st.Uses, "actions/checkout@") && st.With["fetch-depth"] != 0 {
							t.Errorf("%s: job %s checks out with fetch-depth %v, want 0 (all history)", name, job, st.With["fetch-depth"])
						}
					}
				}
				if len(w.On.Schedule) != 1 || len(strings.Fields(w.On.Schedule[0].Cron)) != 5 || !strings.HasSuffix(w.On.Schedule[0].Cron, "* * *") {
					t.Errorf("%s: no daily schedule: %+v", name, w.On.Schedule)
				}
			} else if exists(".github") {
				t.Errorf("%s: a GitHub workflow was written", host)
			}
			index, _ := os.ReadFile(filepath.Join(dir, "public", "index.html"))
			meta := regexp.MustCompile(`<meta http-equiv="?Content-Security-Policy"? content="([^"]+)"`).FindSubmatch(index)
			if noHeaders := host == "github-pages" || host == "gitlab-pages"; noHeaders != (meta != nil) {
				t.Errorf("%s: meta CSP %q", host, meta)
			} else if meta != nil && (!bytes.Contains(meta[1], []byte("default-src 'self'")) || bytes.Contains(meta[1], []byte("frame-ancestors"))) {
				t.Errorf("%s: meta CSP %q: want the header's policy without frame-ancestors", host, meta[1])
			}
			if _, err := os.Stat(filepath.Join(dir, "public", ".htaccess")); (err == nil) != (host == "apache") {
				t.Errorf("%s: .htaccess written: %v", host, err == nil)
			}
			switch host {
			case "github-pages":
				if !hasStep(readWorkflow(t, filepath.Join(dir, ".github/workflows/publish.yml")).steps(), "actions/deploy-pages") {
					t.Error("github-pages: no deploy-pages step")
				}
			case "gitlab-pages":
				var ci map[string]any
				b, _ := os.ReadFile(filepath.Join(dir, ".gitlab-ci.yml"))
				if err := yaml.Unmarshal(b, &ci); err != nil {
					t.Fatal(err)
				}
				pages, _ := ci["pages"].(map[string]any)
				s := strings.Join(anyStrings(pages["script"]), "\n") + strings.Join(anyStrings(ci["check"].(map[string]any)["script"]), "\n")
				if !strings.Contains(s, "policysite build") || !strings.Contains(s, "policysite check") || !strings.Contains(string(b), `$CI_PIPELINE_SOURCE == "schedule"`) {
					t.Errorf(".gitlab-ci.yml: %v", ci)
				}
				if v, _ := ci["variables"].(map[string]any); v["GIT_DEPTH"] != 0 {
					t.Errorf(".gitlab-ci.yml: GIT_DEPTH %v, want 0 (all history)", v["GIT_DEPTH"])
				}
				if a, _ := pages["artifacts"].(map[string]any); a == nil || !slices.Contains(anyStrings(a["paths"]), "public") {
					t.Errorf(".gitlab-ci.yml: pages does not publish public/: %v", pages)
				}
			case "netlify":
				b, _ := os.ReadFile(filepath.Join(dir, "netlify.toml"))
				if !regexp.MustCompile(`(?m)^\s*publish = "public"$`).Match(b) || !bytes.Contains(b, []byte("policysite check &&")) {
					t.Errorf("netlify.toml:\n%s", b)
				}
			case "none":
				if exists("netlify.toml") || exists(".gitlab-ci.yml") {
					t.Error("none: host files written")
				}
			}
		})
	}
}

func anyStrings(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// init refuses a folder with files in it, and with --force adds only what
// is missing: it never overwrites a file.
func TestInitKeepsFiles(t *testing.T) {
	dir := t.TempDir()
	mine := []byte("title: Mine\n")
	os.WriteFile(filepath.Join(dir, "site.yaml"), mine, 0o644)
	_, stderr := runCode(t, 2, "init", dir, "--now", initNow)
	if !strings.Contains(stderr, "is not empty") {
		t.Errorf("stderr %q", stderr)
	}
	out, _ := runCode(t, 0, "init", dir, "--force", "--now", initNow)
	if b, _ := os.ReadFile(filepath.Join(dir, "site.yaml")); !bytes.Equal(b, mine) || !strings.Contains(out, "Kept site.yaml") || !strings.Contains(out, "Created content/privacy-notice.md") {
		t.Errorf("site.yaml %q, stdout:\n%s", b, out)
	}
	runCode(t, 2, "init", t.TempDir(), "--host", "geocities")
}

// Without site.yaml, or with an empty one, every command says to run init.
func TestNoSiteYAML(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "content"), 0o755)
	_, stderr := runCode(t, 1, "new", "x", "--title", "X", "-s", dir, "--now", initNow)
	if !strings.Contains(stderr, "site.yaml: error: not found; run 'policysite init' to start a site") {
		t.Errorf("new: %q", stderr)
	}
	os.WriteFile(filepath.Join(dir, "site.yaml"), nil, 0o644)
	_, stderr = runCode(t, 1, "build", "-s", dir, "--now", initNow)
	if !strings.Contains(stderr, "site.yaml:1:1: error: empty; run 'policysite init'") {
		t.Errorf("build: %q", stderr)
	}
}

// new writes a draft: build leaves it out, check flags its stub text.
func TestNewWritesDraft(t *testing.T) {
	dir := initSite(t, "none")
	runCode(t, 0, "new", "acceptable-use", "--title", "Acceptable use", "-s", dir, "--now", initNow)
	runCode(t, 0, "build", "-s", dir, "--now", initNow)
	if _, err := os.Stat(filepath.Join(dir, "public", "acceptable-use")); err == nil {
		t.Error("the draft was published")
	}
	out, _ := runCode(t, 0, "check", "-s", dir, "--now", initNow)
	if n := strings.Count(out, "content/acceptable-use.md:"); n != 3 || strings.Count(out, "[placeholder]") < 3 {
		t.Errorf("check: %d findings in the new policy, want its 3 placeholders:\n%s", n, out)
	}
	runCode(t, 0, "build", "-s", dir, "--now", initNow, "--drafts")
	if _, err := os.Stat(filepath.Join(dir, "public", "acceptable-use", "index.html")); err != nil {
		t.Error("build --drafts left the draft out")
	}
}

// The request page of a site without a relay (init's, mode: email) is a
// guide with one prefilled email per right, and no form that would fail;
// the HTML checker passes it.
func TestRequestsByEmail(t *testing.T) {
	dir := initSite(t, "none")
	runCode(t, 0, "build", "-s", dir, "--now", initNow)
	page, err := os.ReadFile(filepath.Join(dir, "public", "requests", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(page, []byte("<form")) || bytes.Contains(page, []byte("request.js")) {
		t.Error("the email-mode page has a form")
	}
	links := regexp.MustCompile(`href="?(mailto:dpo@example\.org\?[^" >]+)`).FindAllSubmatch(page, -1)
	if len(links) != 7 {
		t.Fatalf("%d prefilled emails, want one per right (7):\n%s", len(links), page)
	}
	u, err := url.Parse(string(bytes.ReplaceAll(links[2][1], []byte("&amp;"), []byte("&"))))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("subject") != "Data protection request: Delete information about me" ||
		!strings.Contains(q.Get("body"), "I am making a data protection request to Larkfield Trust. I am asking you to: delete information about me.\r\n") {
		t.Errorf("the erasure email: subject %q body %q", q.Get("subject"), q.Get("body"))
	}
	if !bytes.Contains(page, []byte(`tel:01632960001`)) {
		t.Error("no phone link")
	}
	vnu := testtools.VNU(t)
	cmd := exec.Command(vnu[0], append(vnu[1:], "--errors-only", filepath.Join(dir, "public", "requests", "index.html"))...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("the HTML checker: %v\n%s", err, b)
	}
}

// The release workflow runs make dist on a tag and uploads what it makes.
func TestReleaseWorkflow(t *testing.T) {
	w := readWorkflow(t, filepath.Join(testtools.Root(), ".github", "workflows", "release.yml"))
	if w.On.Push == nil || !slices.Contains(w.On.Push.Tags, "v*") {
		t.Errorf("release.yml does not run on a tag: %+v", w.On)
	}
	steps := w.steps()
	if !hasStep(steps, "make dist") || !hasStep(steps, "sha256sum -c SHA256SUMS") || !hasStep(steps, "gh release create") {
		t.Errorf("release.yml steps: %q", steps)
	}
}
