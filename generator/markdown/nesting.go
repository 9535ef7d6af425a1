package markdown

import (
	"bytes"
	"fmt"

	"github.com/yuin/goldmark/util"

	"github.com/policysite/policysite/generator/diag"
)

// The limits a body must keep for goldmark to parse it in time linear in
// its size. Each bounds a construct whose parse cost grows faster than its
// length (measured by BenchmarkConstruct, cost_test.go); real policies stay
// far inside them. docs/limits.md lists them with what a user sees.
const (
	// MaxDepth is how deeply block quotes, list items, footnote bodies and
	// definitions may nest. Goldmark's cost per line grows with the depth and
	// the line's length with it: 2,800 levels took 55 s.
	MaxDepth = 32
	// MaxFootnotes is how many footnote references and definitions ([^...]) a
	// policy may hold: goldmark matches every reference against every
	// definition.
	MaxFootnotes = 1000
	// MaxTableCells is how many cells a policy's tables may hold, counted as
	// rows times columns: goldmark gives every row as many cells as the
	// header has, so a wide header over short rows multiplies the output.
	MaxTableCells = 100_000
	// MaxLinksPerLine is how many link destinations ("](") a line may hold:
	// goldmark reads each to the next space, or to the end of the line.
	MaxLinksPerLine = 100
	// MaxBackticks is the longest run of backticks: goldmark reads to the
	// end of the paragraph for each length of run that is never closed.
	MaxBackticks = 32
)

// Rule ids of the problems Limits reports.
const (
	RuleNesting = "nesting-too-deep"
	RuleLimit   = "over-limit"
)

// bounds are the limits a scan enforces: the constants above, or smaller
// ones for tests that explore the edge.
type bounds struct {
	depth, footnotes, cells, links, backticks int
}

var defaultBounds = bounds{MaxDepth, MaxFootnotes, MaxTableCells, MaxLinksPerLine, MaxBackticks}

// Limits reports where body goes beyond a limit, in one pass over its bytes
// before goldmark sees it. Each problem is an Error at the byte where its
// limit is crossed, and each limit is reported once. It is conservative:
// it may count more nesting than goldmark would build (a line of 33 '>' in
// fenced code is refused), never less, so a body it accepts parses within
// the limits.
func Limits(body []byte) []Problem {
	return scan(body, defaultBounds)
}

// scan is Limits with the given bounds.
//
// Depth is bounded line by line, without modelling CommonMark's block
// structure. Let D be a bound on the containers goldmark holds open after a
// line, and k the container markers ('>', list markers, [^label]:, ':') at
// the start of the next line, among w columns of indentation (a tab counted
// as 4). A container stays open on a non-blank line only by a '>' or by
// indentation of at least 2 columns (list item, definition) or 4
// (footnote), so after the line at most min(D+k, k+w/2) are open; a blank
// line opens nothing; and a line right after a non-blank one may be a lazy
// continuation of a paragraph, which keeps all D open. Indentation alone
// never raises the bound, so deeply indented code is accepted.
func scan(body []byte, b bounds) []Problem {
	var probs []Problem
	report := func(off int, rule, format string, args ...any) {
		probs = append(probs, Problem{Offset: off, Severity: diag.Error, Rule: rule, Message: fmt.Sprintf(format, args...)})
	}
	deepDone, linksDone, ticksDone := false, false, false
	depth := 0     // bound on the containers open after the previous line
	lazy := false  // the previous line was not blank
	tableCols := 0 // columns of the table the paragraph may be, 0 for none
	cells := 0     // table cells so far, rows times columns
	cellsDone := false
	for start := 0; start < len(body); {
		end := bytes.IndexByte(body[start:], '\n')
		if end < 0 {
			end = len(body)
		} else {
			end += start
		}
		line := body[start:end]
		next := end + 1

		if isBlankLine(line) {
			lazy, tableCols = false, 0
			start = next
			continue
		}

		// Container markers at the start of the line. cross is the
		// marker that takes the bound over the limit, if one does.
		k, cols, i, cross, last := 0, 0, 0, -1, 0
		for i < len(line) {
			switch line[i] {
			case ' ':
				cols++
				i++
				continue
			case '\t':
				cols += 4
				i++
				continue
			}
			n := marker(line[i:])
			if n == 0 {
				break
			}
			k++
			if d := min(depth+k, k+cols/2); d > b.depth && cross < 0 {
				cross = start + i
			}
			last = start + i
			i += n
		}
		// Containers matched on this line come before those it opens, and
		// may use all its indentation.
		d := min(depth+k, k+cols/2)
		if lazy {
			d = max(d, depth)
		}
		if d > b.depth {
			if cross < 0 { // indentation after the last marker counts too
				cross = last
			}
			if !deepDone {
				deepDone = true
				report(cross, RuleNesting, "lists, block quotes, footnotes and definitions nested more than %d deep: nest less, or split the text", b.depth)
			}
			d = b.depth // reported; go on as if at the limit
		}
		depth = d
		lazy = true
		rest := line[i:]

		// Tables: a delimiter row makes the paragraph a table of as many
		// columns as it has cells, one row more for the header; every line
		// up to the next blank one may be a row.
		if tableCols > 0 {
			cells += tableCols
		}
		if isDelimiterRow(rest) {
			n := bytes.Count(line, []byte("|")) + 1
			cells += n
			tableCols = max(tableCols, n)
		}
		if cells > b.cells && !cellsDone {
			cellsDone = true
			report(start, RuleLimit, "tables hold more than %d cells (rows times columns): split the table, or give every row its cells", b.cells)
		}

		// Inline constructs, counted over the whole line.
		if !linksDone {
			if n := bytes.Count(line, []byte("](")); n > b.links {
				linksDone = true
				report(start+nthIndex(line, []byte("]("), b.links), RuleLimit, "a line holds more than %d links: break the line", b.links)
			}
		}
		if !ticksDone {
			if at := longRun(line, '`', b.backticks); at >= 0 {
				ticksDone = true
				report(start+at, RuleLimit, "a run of more than %d backticks", b.backticks)
			}
		}
		start = next
	}
	if n := bytes.Count(body, []byte("[^")); n > b.footnotes {
		report(nthIndex(body, []byte("[^"), b.footnotes), RuleLimit, "more than %d footnotes ([^...]) in one policy", b.footnotes)
	}
	return probs
}

// marker returns the length of the container marker line starts with, or
// 0. It takes every marker goldmark might: a block quote '>'; a list
// marker -, + or * or digits and . or ) followed by a space or the end of
// the line; a footnote label [^label]:; a definition ':' followed by a
// space.
func marker(line []byte) int {
	end := func(i int) bool { return i >= len(line) || line[i] <= ' ' }
	switch c := line[0]; {
	case c == '>':
		return 1
	case c == '-' || c == '+' || c == '*' || c == ':':
		if end(1) {
			return 1
		}
	case c >= '0' && c <= '9':
		i := 1
		for i < len(line) && line[i] >= '0' && line[i] <= '9' {
			i++
		}
		if i < len(line) && (line[i] == '.' || line[i] == ')') && end(i+1) {
			return i + 1
		}
	case c == '[':
		if len(line) < 3 || line[1] != '^' {
			return 0
		}
		// As goldmark's footnote parser finds the label's end.
		label := line[2:min(len(line), 2+999)]
		cl := util.FindClosure(label, '[', ']', false, false) //nolint:staticcheck // goldmark's own use
		if cl < 0 || 2+cl+1 >= len(line) || line[2+cl+1] != ':' {
			return 0
		}
		return 2 + cl + 2
	}
	return 0
}

// isBlankLine reports whether line holds only spaces and tabs (and the
// '\r' of a CRLF), blank to goldmark too.
func isBlankLine(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// isDelimiterRow reports whether s could be a table's delimiter row
// (|---|:--:|): it holds only pipes, hyphens, colons and spaces, and a pipe
// or a colon. A line of hyphens alone ends the paragraph before it as a
// setext heading's underline or a thematic break, so it starts no table.
func isDelimiterRow(s []byte) bool {
	if !bytes.ContainsAny(s, "|:") {
		return false
	}
	for _, c := range s {
		switch c {
		case '|', '-', ':', ' ', '\t', '\r', '\v', '\f':
		default:
			return false
		}
	}
	return true
}

// nthIndex returns the offset of the (n+1)th occurrence of sep in s.
func nthIndex(s, sep []byte, n int) int {
	off := 0
	for ; n >= 0; n-- {
		i := bytes.Index(s[off:], sep)
		if i < 0 {
			return 0
		}
		if n == 0 {
			return off + i
		}
		off += i + len(sep)
	}
	return 0
}

// longRun returns the offset of the first run of more than max bytes c in
// line, or -1.
func longRun(line []byte, c byte, max int) int {
	run := 0
	for i, x := range line {
		if x != c {
			run = 0
			continue
		}
		if run++; run > max {
			return i - max
		}
	}
	return -1
}
