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

// Write prints l (already sorted) in format: text (compiler style, then a
// summary line), json ({"findings": [...], "summary": {...}}) or github
// (workflow commands that annotate the pull request).
func Write(w io.Writer, format string, l diag.List) error {
	sum := Summarise(l)
	switch format {
	case "text", "":
		for _, d := range l {
			if _, err := fmt.Fprintln(w, d.Lint()); err != nil {
				return err
			}
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

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProp escapes a workflow command's property value.
func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
