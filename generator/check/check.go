// Package check lints policies like a compiler: each rule has an id, a
// severity and reports exact file:line:col positions.
//
// Input: a policy's source, its decoded front matter and its parsed markdown
// (markdown.Result.Doc and Source); or the whole site model for rules that
// compare policies. Output: a diag.List whose entries carry the rule id.
// Rules are pure and deterministic: the clock is injected as Now.
//
// A finding can be accepted per policy (front matter check_ignore: [rule])
// or on its line with <!-- check: ignore rule --> (the comment covers its own
// line and the block that follows it). An ignore that matches nothing of a
// rule that ran is itself reported as unused-ignore.
package check

import (
	"fmt"
	"sort"
	"strings"

	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/frontmatter"
	"github.com/policysite/policysite/generator/markdown"
)

// A Rule is one lint rule.
type Rule struct {
	ID       string
	Severity diag.Severity
	// Doc says what the rule finds, for docs and --help.
	Doc string
}

// Rules lists every rule, by id.
var Rules = []Rule{
	{"front-matter", diag.Error, "missing or invalid front matter fields, impossible dates, effective date after the next review"},
	{"broken-link", diag.Error, "a link to a missing policy or a missing heading"},
	{"review-overdue", diag.Error, "the next_review date has passed"},
	{"review-due-soon", diag.Warning, "the next_review date is within warn_days"},
	{"placeholder", diag.Warning, "bracketed template text left in the prose, such as [insert name]"},
	{"dangling-list-intro", diag.Warning, "a paragraph ending with a colon that no list or table follows"},
	{"empty-section", diag.Warning, "a heading with no content before the next heading of the same or a higher level"},
	{"repeated-word", diag.Warning, "the same word twice in a row"},
	{"duplicate-heading", diag.Warning, "a heading that repeats, or nearly repeats (a typo), an earlier heading at the same level"},
	{"stale-contents", diag.Warning, "a hand-written contents list naming a section that no heading has"},
	{"duplicate-title", diag.Error, "two policies with the same title"},
	{"missing-cookie-policy", diag.Error, "site.yaml declares cookies but no policy is the cookie policy"},
	{"unused-ignore", diag.Warning, "an ignore that matches no finding"},
	{"control-character", diag.Warning, "a control character (U+0000-U+001F but tab and line endings, U+007F-U+009F) in a policy's text: dropped"},
}

// SeverityOf returns the severity of rule id, and whether the rule exists.
func SeverityOf(id string) (diag.Severity, bool) {
	for _, r := range Rules {
		if r.ID == id {
			return r.Severity, true
		}
	}
	return diag.Error, false
}

// An Input is one policy to lint.
type Input struct {
	// Path is the file relative to the site root; Data its whole content.
	Path string
	Data []byte
	// BodyOff is the offset of Result.Source in Data.
	BodyOff int
	Meta    *frontmatter.Meta
	Result  *markdown.Result
}

// linter collects one policy's findings.
type linter struct {
	in    Input
	lines *diag.Lines
	l     diag.List
	ran   map[string]bool
}

func (k *linter) add(rule string, off int, format string, args ...any) {
	k.addPos(rule, k.lines.Pos(k.in.BodyOff+off), format, args...)
}

func (k *linter) addPos(rule string, pos diag.Pos, format string, args ...any) {
	sev, _ := SeverityOf(rule)
	k.l = append(k.l, diag.Diagnostic{Pos: pos, Severity: sev, Message: fmt.Sprintf(format, args...), Rule: rule})
}

// Policy runs the rules that read one policy's markdown on in, applies the policy's ignores and
// reports unused ones. The list is sorted.
func Policy(in Input) diag.List {
	k := &linter{in: in, lines: diag.NewLines(in.Path, in.Data), ran: map[string]bool{}}
	if in.Result != nil && in.Result.Doc != nil {
		for _, id := range []string{"placeholder", "dangling-list-intro", "empty-section", "repeated-word", "duplicate-heading", "stale-contents"} {
			k.ran[id] = true
		}
		k.body()
	}
	ign := k.ignores()
	out := Apply(k.l, ign, k.ran)
	out.Sort()
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// An Ignore accepts findings of Rule in File: on lines [From, To], or in the
// whole file when To is 0.
type Ignore struct {
	Pos      diag.Pos
	Rule     string
	From, To int
}

// Apply drops the findings that an ignore covers and reports each ignore
// that covered nothing, if its rule ran (ran nil: every rule ran).
func Apply(l diag.List, ign []Ignore, ran map[string]bool) diag.List {
	used := make([]bool, len(ign))
	var out diag.List
outer:
	for _, d := range l {
		for i, g := range ign {
			if g.Rule == d.Rule && g.Pos.File == d.File && (g.To == 0 || d.Line >= g.From && d.Line <= g.To) {
				used[i] = true
				continue outer
			}
		}
		out = append(out, d)
	}
	for i, g := range ign {
		if used[i] {
			continue
		}
		if _, ok := SeverityOf(g.Rule); !ok {
			out = append(out, diag.Diagnostic{Pos: g.Pos, Severity: diag.Warning, Rule: "unused-ignore", Message: fmt.Sprintf("ignore names unknown rule %q (rules: %s)", g.Rule, ruleIDs())})
			continue
		}
		if !ignorable(g.Rule) {
			out = append(out, diag.Diagnostic{Pos: g.Pos, Severity: diag.Warning, Rule: "unused-ignore", Message: fmt.Sprintf("%s cannot be ignored: it would publish a broken site", g.Rule)})
			continue
		}
		if ran != nil && !ran[g.Rule] {
			continue
		}
		out = append(out, diag.Diagnostic{Pos: g.Pos, Severity: diag.Warning, Rule: "unused-ignore", Message: fmt.Sprintf("ignore %s matches nothing: remove it", g.Rule)})
	}
	return out
}

// ignorable reports whether findings of rule can be accepted: not those
// that stop a build, nor unused-ignore itself.
func ignorable(rule string) bool {
	return rule != "front-matter" && rule != "broken-link" && rule != "unused-ignore"
}

func ruleIDs() string {
	ids := make([]string, len(Rules))
	for i, r := range Rules {
		ids[i] = r.ID
	}
	sort.Strings(ids)
	return strings.Join(ids, ", ")
}

// FrontMatterIgnores returns the policy-wide ignores of m, for rules outside
// Policy (site rules).
func FrontMatterIgnores(path string, m *frontmatter.Meta) []Ignore {
	if m == nil {
		return nil
	}
	pos := m.Pos["check_ignore"]
	if pos.File == "" {
		pos.File = path
	}
	var out []Ignore
	for _, r := range m.Ignore {
		out = append(out, Ignore{Pos: pos, Rule: r})
	}
	return out
}
