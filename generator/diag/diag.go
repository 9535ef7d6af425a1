// Package diag holds positioned diagnostics: the file:line:col messages that
// every stage of the generator reports about content.
//
// Positions are 1-based, with columns counted in bytes as go/scanner does, and
// paths are relative to the site root using forward slashes.
package diag

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// A Severity says whether a Diagnostic stops a build.
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// MarshalText makes severities read as words in JSON output.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// A Pos is a place in a file of the site.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// A Diagnostic is one problem found in the content.
type Diagnostic struct {
	Pos
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	// Rule names the lint rule that produced it, if any.
	Rule string `json:"rule,omitempty"`
}

func (d Diagnostic) Error() string {
	s := d.Pos.String() + ": "
	if d.Severity == Warning {
		s += "warning: "
	}
	return s + d.Message
}

// Lint formats d as policysite check prints it, with the severity always
// named and the rule after the message:
// content/privacy.md:57:1: error: review overdue since 31 August 2024 [review-overdue]
func (d Diagnostic) Lint() string {
	s := d.Pos.String() + ": " + d.Severity.String() + ": " + d.Message
	if d.Rule != "" {
		s += " [" + d.Rule + "]"
	}
	return s
}

// A List collects diagnostics. It is an error when it holds any Error.
type List []Diagnostic

// Add appends a diagnostic.
func (l *List) Add(pos Pos, sev Severity, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

// Errorf appends an error.
func (l *List) Errorf(pos Pos, format string, args ...any) { l.Add(pos, Error, format, args...) }

// Warnf appends a warning.
func (l *List) Warnf(pos Pos, format string, args ...any) { l.Add(pos, Warning, format, args...) }

// Sort orders the list by file, line, column, then message, and drops exact duplicates.
func (l *List) Sort() {
	s := *l
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Message < b.Message
	})
	out := s[:0]
	for i, d := range s {
		if i > 0 && d == s[i-1] {
			continue
		}
		out = append(out, d)
	}
	*l = out
}

// HasErrors reports whether any diagnostic is an Error.
func (l List) HasErrors() bool { return l.Count(Error) > 0 }

// Count returns how many diagnostics have the given severity.
func (l List) Count(sev Severity) int {
	n := 0
	for _, d := range l {
		if d.Severity == sev {
			n++
		}
	}
	return n
}

// Errors returns only the errors.
func (l List) Errors() List {
	var out List
	for _, d := range l {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}

// Err returns the list as an error if it holds any Error, else nil.
func (l List) Err() error {
	if l.HasErrors() {
		return l.Errors()
	}
	return nil
}

func (l List) Error() string {
	var b strings.Builder
	for i, d := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.Error())
	}
	return b.String()
}

// Lines maps byte offsets in a file to line and column positions.
type Lines struct {
	file  string
	start []int // byte offset of the start of each line
	size  int
}

// NewLines indexes data, a file at path.
func NewLines(path string, data []byte) *Lines {
	start := make([]int, 1, bytes.Count(data, []byte{'\n'})+1)
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		start = append(start, i)
	}
	return &Lines{file: path, start: start, size: len(data)}
}

// Pos returns the position of byte offset off; offsets outside the file clamp
// to its ends.
func (l *Lines) Pos(off int) Pos {
	if off < 0 {
		off = 0
	}
	if off > l.size {
		off = l.size
	}
	i := sort.Search(len(l.start), func(i int) bool { return l.start[i] > off }) - 1
	return Pos{File: l.file, Line: i + 1, Col: off - l.start[i] + 1}
}

// LineStart returns the byte offset where 1-based line n begins.
func (l *Lines) LineStart(n int) int {
	if n < 1 {
		return 0
	}
	if n > len(l.start) {
		return l.size
	}
	return l.start[n-1]
}
