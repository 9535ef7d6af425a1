package generator

import (
	"unicode/utf8"

	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/strictyaml"
)

// maxControlWarnings is how many control characters of one policy's text
// are reported one by one; one more warning counts the rest.
const maxControlWarnings = 20

// dropControls returns data with the control characters of its body
// (data[bodyOff:]) dropped, the body alone, and a warning for each,
// showing it as U+001B at its line and column. Nothing a reader sees is
// written with one (tab and line endings aside), and they break what they
// reach: ESC and BS the pages, any of them feeds and calendars. Carriage
// returns are line endings to markdown and are kept.
//
// It runs before markdown parsing, so no stage after sees one. Positions
// found later in the returned data are right but for columns after a
// dropped character on its own line, which count without it.
func dropControls(path string, data []byte, bodyOff int) ([]byte, []byte, diag.List) {
	body := data[bodyOff:]
	first := firstControl(body)
	if first < 0 {
		return data, body, nil
	}
	lines := diag.NewLines(path, data)
	var l diag.List
	out := make([]byte, 0, len(data))
	n, more, kept := 0, 0, 0 // kept: data[:kept] is in out
	for i, r := range string(body[first:]) {
		off := bodyOff + first + i
		if r == '\r' || !strictyaml.IsControl(r) {
			continue
		}
		out = append(out, data[kept:off]...)
		kept = off + utf8.RuneLen(r)
		if n++; n <= maxControlWarnings {
			l.Warnf(lines.Pos(off), "control character %U: dropped", r)
		} else if n == maxControlWarnings+1 {
			more = off
		}
	}
	out = append(out, data[kept:]...)
	if n > maxControlWarnings {
		l.Warnf(lines.Pos(more), "%d more control characters: dropped", n-maxControlWarnings)
	}
	for i := range l {
		l[i].Rule = "control-character"
	}
	return out, out[bodyOff:], l
}

// firstControl returns the offset of the first control character in b but
// tab and line endings, or -1: a byte scan, as every policy's text goes
// through it.
func firstControl(b []byte) int {
	for i, c := range b {
		switch {
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r', c == 0x7f:
			return i
		case c == 0xc2 && i+1 < len(b) && 0x80 <= b[i+1] && b[i+1] <= 0x9f: // U+0080-U+009F
			return i
		}
	}
	return -1
}
