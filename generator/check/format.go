package check

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/policysite/policysite/generator/diag"
)

// Formats are the output formats Write accepts.
var Formats = []string{"text", "json", "github"}

// Summary counts findings.
type Summary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
}

// Summarise counts the errors and warnings of l.
func Summarise(l diag.List) Summary {
	return Summary{l.Count(diag.Error), l.Count(diag.Warning)}
}

func (s Summary) String() string {
	return fmt.Sprintf("%d %s, %d %s", s.Errors, plural(s.Errors, "error", "errors"), s.Warnings, plural(s.Warnings, "warning", "warnings"))
}

// Write prints l (already sorted) in format: text (compiler style, at most
// TextCap findings of a rule in a file, then a summary line), json ({"findings": [...], "summary": {...}}) or github
// (workflow commands that annotate the pull request).
func Write(w io.Writer, format string, l diag.List) error {
	sum := Summarise(l)
	switch format {
	case "text", "":
		if err := WriteText(w, l, diag.Diagnostic.Lint); err != nil {
			return err
		}
		_, err := fmt.Fprintln(w, sum)
		return err
	case "json":
		findings := l
		if findings == nil {
			findings = diag.List{}
		}
		b, err := json.MarshalIndent(struct {
			Findings diag.List `json:"findings"`
			Summary  Summary   `json:"summary"`
		}{findings, sum}, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	case "github":
		for _, d := range l {
			title := d.Rule
			if title == "" {
				title = "policysite"
			}
			props := "file=" + ghProp(d.File)
			if d.Line > 0 {
				props += fmt.Sprintf(",line=%d", d.Line)
			}
			if d.Col > 0 {
				props += fmt.Sprintf(",col=%d", d.Col)
			}
			props += ",title=" + ghProp(title)
			if _, err := fmt.Fprintf(w, "::%s %s::%s\n", d.Severity, props, ghData(d.Message)); err != nil {
				return err
			}
		}
		_, err := fmt.Fprintln(w, sum)
		return err
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// TextCap is how many findings of one rule in one file the text form
// prints: a policy of 5 MB can have thousands, which bury the rest. The
// json and github forms print every finding.
const TextCap = 20

// WriteText prints l (sorted) a finding a line, formatted by line, but for
// the findings of one rule in one file past the first TextCap: in their
// place one line, with the file first as a finding's is, says how many
// there are:
//
//	content/large.md: and 4,780 more duplicate-heading findings
//
// check's text form and build's output both print through it.
func WriteText(w io.Writer, l diag.List, line func(diag.Diagnostic) string) error {
	type group struct{ file, rule string }
	count := map[group]int{}
	for _, d := range l {
		count[group{d.File, d.Rule}]++
	}
	printed := map[group]int{}
	for _, d := range l {
		g := group{d.File, d.Rule}
		n := printed[g]
		printed[g] = n + 1
		var err error
		switch {
		case n < TextCap, n == TextCap && count[g] == TextCap+1:
			// One finding past the cap takes no more room than the line
			// that would count it.
			_, err = fmt.Fprintln(w, line(d))
		case n == TextCap:
			more := count[g] - TextCap
			what := plural(more, "finding", "findings")
			if d.Rule != "" {
				what = d.Rule + " " + what
			}
			_, err = fmt.Fprintf(w, "%s: and %s more %s\n", d.File, thousands(more), what)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProp escapes a workflow command's property value.
func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
