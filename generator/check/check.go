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
	"container/heap"
	"fmt"
	"sort"
	"strings"

	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/frontmatter"
	"github.com/policysite/policysite/generator/markdown"
	"github.com/policysite/policysite/generator/vars"
)

// A Rule is one lint rule: every finding names its rule (diag.Diagnostic.Rule)
// and is made at the rule's Severity.
type Rule struct {
	ID       string
	Severity diag.Severity
	// Blocks is set for the rules whose findings stop a build and cannot
	// be ignored: they would publish a broken site (front-matter,
	// broken-link, missing-cookie-policy), or the policy was not parsed
	// at all (nesting-too-deep, over-limit). Build shows the findings of
	// every other rule as warnings (ForBuild).
	Blocks bool
	// Doc says what the rule finds, for docs and --help.
	Doc string
}

// Rules lists every rule, by id.
var Rules = []Rule{
	{"front-matter", diag.Error, true, "missing or invalid front matter fields, impossible dates, effective date after the next review"},
	{"unknown-field", diag.Warning, false, "a front matter field policysite does not know (a misspelt key), which is ignored"},
	{"broken-link", diag.Error, true, "a link to a missing policy, page or heading, or an image from the site's root (/crest.png), which the site does not publish"},
	{"broken-image", diag.Error, false, "a picture whose file does not exist, or is not in the policy's folder (content/<slug>/), where the files published beside it are"},
	{"default-field", diag.Warning, false, "a front matter field filled from site.yaml's defaults: or the file's last commit: write it in the policy to make it explicit"},
	{"nested-file", diag.Warning, false, "a file in content/ that is not published: markdown deeper than content/<folder>/<name>.md or beside an index.md, or a kind of file never published beside a policy"},
	{"review-overdue", diag.Error, false, "the next_review date has passed"},
	{"review-due-soon", diag.Warning, false, "the next_review date is within warn_days"},
	{"placeholder", diag.Warning, false, "bracketed template text left in the prose, such as [insert name]"},
	{"dangling-list-intro", diag.Warning, false, "a paragraph ending with a colon that no list or table follows"},
	{"empty-section", diag.Warning, false, "a heading with no content before the next heading of the same or a higher level"},
	{"empty-heading", diag.Warning, false, "a heading with no text (only raw HTML or an image): it has no id and no place in the contents"},
	{"repeated-word", diag.Warning, false, "the same word twice in a row"},
	{"raw-html", diag.Warning, false, "raw HTML in the markdown from which the sanitiser removed something (scripts, styles, event handlers, unsafe URLs); site.yaml unsafe_html: true publishes it as written"},
	{"unsafe-link", diag.Warning, false, "a link whose scheme is not http, https, mailto or tel (javascript:, data:), which is removed"},
	{"duplicate-heading", diag.Warning, false, "a heading that repeats, or nearly repeats (a typo), an earlier heading at the same level"},
	{"stale-contents", diag.Warning, false, "a hand-written contents list naming a section that no heading has"},
	{"own-contents", diag.Warning, false, "a hand-written contents list (under a heading Contents), which is left out: the page makes its own"},
	{"duplicate-title", diag.Error, false, "two policies with the same title"},
	{"approved-after-effective", diag.Warning, false, "a version whose approved_on is after its effective date: it took effect before it was approved"},
	{"no-approval", diag.Warning, false, "a version in force or coming into force with no approval recorded (only when site.yaml sets review: {require_approval: true})"},
	{"unused-category", diag.Warning, false, "a category in site.yaml's categories: that no policy has (a misspelt name), whose weight orders nothing"},
	{"relay-url", diag.Error, true, "an https site's requests.relay_url is plain http, or an address on this machine or a private network: the form could never be sent"},
	{"missing-cookie-policy", diag.Error, true, "site.yaml declares cookies but no policy is the cookie policy"},
	{"certificate-expired", diag.Error, false, "a certification in site.yaml whose expires date has passed: the site shows it as expired"},
	{"certificate-due-soon", diag.Warning, false, "a certification that expires within warn_days"},
	{"processor-incomplete", diag.Warning, false, "a processor in use with no location or no transfer safeguard"},
	{"processor-list-missing", diag.Warning, false, "a paragraph promising a list of processors (\"the processors we use are listed below\") with no list, link or Processors we use section"},
	{"unused-ignore", diag.Warning, false, "an ignore that matches no finding"},
	{"nesting-too-deep", diag.Error, true, "lists, block quotes, footnotes or definitions nested more than 32 deep (docs/limits.md)"},
	{"over-limit", diag.Error, true, "a body beyond a parse limit: table cells, footnotes, links on a line, a run of backticks (docs/limits.md)"},
	{"variable", diag.Error, true, "a {{ variable }} no value is set for in site.yaml (a misspelt name), or braces that are no variable"},
	{"school-override-stale", diag.Warning, false, "a school's copy of a trust policy older than the trust's current version: the trust revised it, the school did not"},
	{"school-missing-policy", diag.Error, false, "a school without a policy site.yaml's required: says every school must publish"},
	{"control-character", diag.Warning, false, "a control character (U+0000-U+001F but tab and line endings, U+007F-U+009F) in a policy's text: dropped"},
}

// SeverityOf returns the severity of rule id, and whether the rule exists.
func SeverityOf(id string) (diag.Severity, bool) {
	if r, ok := RuleOf(id); ok {
		return r.Severity, true
	}
	return diag.Error, false
}

// An Input is one policy to lint.
type Input struct {
	// Path is the file relative to the site root; Data its whole content.
	Path string
	Data []byte
	// BodyOff is the offset of the body in Data; Offsets say where each
	// offset of Result.Source, the body with its variables filled in, was
	// in it (nil: the same text).
	BodyOff int
	Offsets vars.Offsets
	Meta    *frontmatter.Meta
	Result  *markdown.Result
	// Vars are the variables of the policy's centre: a placeholder's
	// message names the one its text names. May be nil.
	Vars *vars.Set
	// Parsed are the findings of frontmatter.ParseWith on Data, each with its
	// rule: the policy's ignores apply to them too. Result's Problems are
	// findings as well, under their rules.
	Parsed diag.List
}

// linter collects one policy's findings.
type linter struct {
	in    Input
	lines *diag.Lines
	l     diag.List
	ran   map[string]bool
}

func (k *linter) add(rule string, off int, format string, args ...any) {
	k.addPos(rule, k.pos(off), format, args...)
}

// pos returns the position in the source of offset off of Result.Source.
func (k *linter) pos(off int) diag.Pos {
	return k.lines.Pos(k.in.BodyOff + k.in.Offsets.Source(off))
}

func (k *linter) addPos(rule string, pos diag.Pos, format string, args ...any) {
	sev, _ := SeverityOf(rule)
	k.l = append(k.l, diag.Diagnostic{Pos: pos, Severity: sev, Message: fmt.Sprintf(format, args...), Rule: rule})
}

// Policy runs the rules that read one policy's markdown on in, adds the
// findings of parsing it (in.Parsed, in.Result.Problems), applies the
// policy's ignores to them all and reports unused ones. The list is sorted.
func Policy(in Input) diag.List {
	k := &linter{in: in, lines: diag.NewLines(in.Path, in.Data), ran: map[string]bool{}}
	k.l = append(k.l, in.Parsed...)
	if in.Meta != nil {
		k.ran["unknown-field"], k.ran["default-field"] = true, true
	}
	if in.Result != nil {
		// markdown.Render's own findings: raw HTML, unsafe links,
		// headings without text, links out of content/.
		k.ran["raw-html"], k.ran["unsafe-link"], k.ran["own-contents"], k.ran["broken-image"] = true, true, true, true
		for _, p := range in.Result.Problems {
			sev := p.Severity
			if s, ok := SeverityOf(p.Rule); ok {
				sev = s
			}
			k.l = append(k.l, diag.Diagnostic{Pos: k.pos(p.Offset), Severity: sev, Message: p.Message, Rule: p.Rule})
		}
	}
	if in.Result != nil && in.Result.Doc != nil {
		for _, id := range []string{"placeholder", "dangling-list-intro", "processor-list-missing", "empty-section", "repeated-word", "duplicate-heading", "stale-contents"} {
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
// that covered nothing, if its rule ran (ran nil: every rule ran). A
// finding covered by several ignores uses the first of them, so a second
// copy of an ignore is reported.
//
// It sweeps each file's findings of a rule in line order past that rule's
// ignores in order of their first line, keeping those begun in a heap by
// their index: O((findings + ignores) log ignores), where comparing each
// finding with each ignore would be quadratic in a long policy with an
// ignore on every paragraph.
func Apply(l diag.List, ign []Ignore, ran map[string]bool) diag.List {
	used := make([]bool, len(ign))
	type key struct{ file, rule string }
	byKey := map[key][]int{} // ignorable ignores, by file and rule
	for i, g := range ign {
		if ignorable(g.Rule) {
			k := key{g.Pos.File, g.Rule}
			byKey[k] = append(byKey[k], i)
		}
	}
	drop := make([]bool, len(l))
	if len(byKey) > 0 {
		found := map[key][]int{}
		for i, d := range l {
			k := key{d.File, d.Rule}
			if _, ok := byKey[k]; ok {
				found[k] = append(found[k], i)
			}
		}
		from := func(g Ignore) int {
			if g.To == 0 {
				return 0 // the whole file
			}
			return g.From
		}
		for k, ds := range found {
			gs := byKey[k]
			sort.SliceStable(ds, func(a, b int) bool { return l[ds[a]].Line < l[ds[b]].Line })
			sort.SliceStable(gs, func(a, b int) bool { return from(ign[gs[a]]) < from(ign[gs[b]]) })
			var begun indexHeap
			next := 0
			for _, di := range ds {
				line := l[di].Line
				for ; next < len(gs) && from(ign[gs[next]]) <= line; next++ {
					heap.Push(&begun, gs[next])
				}
				for begun.Len() > 0 {
					g := ign[begun[0]]
					if g.To != 0 && g.To < line {
						heap.Pop(&begun) // ended before this line, so before every later one
						continue
					}
					used[begun[0]], drop[di] = true, true
					break
				}
			}
		}
	}
	var out diag.List
	for i, d := range l {
		if !drop[i] {
			out = append(out, d)
		}
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

// An indexHeap is a min-heap of indices into the ignores.
type indexHeap []int

func (h indexHeap) Len() int           { return len(h) }
func (h indexHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h indexHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *indexHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *indexHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// ignorable reports whether findings of rule can be accepted: not those
// that stop a build, nor unused-ignore itself.
func ignorable(rule string) bool {
	return !blocks(rule) && rule != "unused-ignore"
}

// RuleOf returns the rule of id, and whether it exists.
func RuleOf(id string) (Rule, bool) {
	for _, r := range Rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// blocks reports whether findings of rule stop a build.
func blocks(rule string) bool {
	r, _ := RuleOf(rule)
	return r.Blocks
}

// Stops returns the findings of l that stop a build: the errors of a rule
// that Blocks, and the errors of no rule (site.yaml, the theme, a file
// that cannot be read, versions out of order).
func Stops(l diag.List) diag.List {
	var out diag.List
	for _, d := range l {
		if d.Severity == diag.Error && (d.Rule == "" || blocks(d.Rule)) {
			out = append(out, d)
		}
	}
	return out
}

// ForBuild returns l as build and serve show it: the findings of rules
// that do not block as warnings, and no review or certificate findings,
// which build's summary counts and every page shows. check shows each finding at its
// rule's severity (Findings).
func ForBuild(l diag.List) diag.List {
	out := make(diag.List, 0, len(l))
	for _, d := range l {
		if isReview(d) && d.Rule != "unused-ignore" {
			continue
		}
		if d.Rule != "" && !blocks(d.Rule) {
			d.Severity = diag.Warning
		}
		out = append(out, d)
	}
	return out
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
	pos := m.Pos.At("check_ignore")
	if pos.File == "" {
		pos.File = path
	}
	var out []Ignore
	for _, r := range m.Ignore {
		out = append(out, Ignore{Pos: pos, Rule: r})
	}
	return out
}
