// Package vars fills in the variables of a policy's text: {{ school.name }},
// {{ dpo.email }}, {{ organisation.name }} and the keys of site.yaml's
// params:, so that a policy written once names each school's people
// rightly and stays right when they change.
//
// A Set is the values of one policy centre (the trust's or a school's).
// Expand replaces each variable of a markdown body with its value,
// escaped so that it reads as text (a * or < in a value stays one), before
// the markdown is parsed, so a variable may sit in a heading, a link or a
// table cell. In a code span or a fenced code block, and after a
// backslash (\{{), the braces are text. Between an autolink's < and >,
// where markdown reads no escape, a value is written as it is, and so is
// an address markdown links by itself (bareLink). A name the Set does not hold is a
// Problem at its offset, with the nearest name held. Expand reads the body
// once, left to right: its cost is linear in the body's length.
//
// A value holds no line break (New joins its lines), so line numbers
// found after expansion are the source's, and Offsets turns an offset
// found after it into the source's, for columns.
package vars

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/policysite/policysite/internal/textdist"
)

// A Set is the variables one policy centre's policies may use.
type Set struct {
	vals  map[string]string
	names []string // sorted, for suggestions
	all   []string // names and the notes' names, sorted
	// notes are names this Set lacks but site.yaml declares, with what
	// to say when a policy uses one.
	notes map[string]Note
	// plain are values Text uses for names Expand lacks: a title's words
	// for another centre's variable.
	plain map[string]string
}

// WithPlain returns s that, in Text alone, gives the names of plain
// their values: the trust's centre titles a school's policy "our
// schools" where each school's centre names the school.
func (s *Set) WithPlain(plain map[string]string) *Set {
	t := *s
	t.plain = plain
	return &t
}

// A Note is what to say of a name a Set lacks but site.yaml declares.
type Note struct {
	// Message follows the name: "is not set for Birch Academy: ...".
	Message string
	// Elsewhere is set for a name another centre holds and this one
	// never does (a school's, in the trust's centre): not a mistake.
	Elsewhere bool
}

// New returns the Set of vals, by name (school.name, funding_body).
// notes are names site.yaml declares that this centre has no value for,
// with what to say when a policy uses one; it may be nil.
func New(vals map[string]string, notes map[string]Note) *Set {
	s := &Set{vals: make(map[string]string, len(vals)), notes: notes}
	for k, v := range vals {
		s.vals[k] = strings.Join(strings.Fields(v), " ")
		s.names = append(s.names, k)
	}
	slices.Sort(s.names)
	s.all = slices.Clone(s.names)
	for k := range notes {
		s.all = append(s.all, k)
	}
	slices.Sort(s.all)
	s.all = slices.Compact(s.all)
	return s
}

// lookup returns the value of name.
func (s *Set) lookup(name string) (string, bool) {
	if s == nil {
		return "", false
	}
	v, ok := s.vals[name]
	return v, ok
}

// A Problem is a variable Expand could not fill in.
type Problem struct {
	// Offset is the byte offset of its {{ in the text given to Expand.
	Offset  int
	Message string
	// Elsewhere is set when the name is another centre's (a school's
	// variable in the trust's centre), not a mistake.
	Elsewhere bool
}

// nameRE is what a variable's name is: words of lower-case letters,
// digits and _ joined by dots.
var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)

// maxName is the longest text between {{ and }} read as one variable:
// past it the braces are not a variable, and the search for }} stops, so
// a line of lone {{ costs no more than its length.
const maxName = 100

// maxProblems is how many problems Expand reports one by one; one more
// counts the rest.
const maxProblems = 20

// Expand returns src with every variable replaced by its value escaped
// as markdown text, where each offset of it was in src, and a Problem for
// each variable it cannot fill in, left as it was. When src has no
// variable it is returned as is.
func (s *Set) Expand(src []byte) ([]byte, Offsets, []Problem) {
	if bytes.Index(src, []byte("{{")) < 0 {
		return src, nil, nil
	}
	e := &expander{s: s, src: src}
	e.body()
	e.finish()
	if e.out == nil {
		return src, nil, e.problems
	}
	e.out = append(e.out, src[e.kept:]...)
	return e.out, e.offsets, e.problems
}

// Offsets say where each offset of Expand's output was in its source: a
// value's bytes were its variable's {{.
type Offsets []shift

// A shift is where the output from out on came from: src on, or, for a
// value, src itself.
type shift struct {
	out, src int
	value    bool
}

// Source returns the offset in Expand's source of off in its output. A
// nil Offsets is the same text.
func (o Offsets) Source(off int) int {
	i := sort.Search(len(o), func(i int) bool { return o[i].out > off }) - 1
	if i < 0 {
		return off
	}
	if o[i].value {
		return o[i].src
	}
	return o[i].src + off - o[i].out
}

// Text returns the plain text str (a title, a summary) with its
// variables replaced by their values, unescaped: it is not markdown.
func (s *Set) Text(str string) (string, []Problem) {
	if !strings.Contains(str, "{{") {
		return str, nil
	}
	e := &expander{s: s, src: []byte(str), plain: true}
	e.inline(0, len(str), nil)
	e.finish()
	if e.out == nil {
		return str, e.problems
	}
	e.out = append(e.out, e.src[e.kept:]...)
	return string(e.out), e.problems
}

type expander struct {
	s        *Set
	src      []byte
	plain    bool   // Text's: no code spans, no escapes, values unescaped
	raw      bool   // Words': values unescaped
	out      []byte // nil until a variable is replaced
	kept     int    // src[:kept] is in out
	offsets  Offsets
	problems []Problem
	more     int // problems past maxProblems
	moreAt   int // the offset of the first of them
}

// problem keeps p, or counts it past maxProblems; mk makes it only when
// it is kept, as a did-you-mean costs a comparison with every name.
func (e *expander) problem(off int, mk func() Problem) {
	if len(e.problems) < maxProblems {
		e.problems = append(e.problems, mk())
		return
	}
	if e.more == 0 {
		e.moreAt = off
	}
	e.more++
}

// finish adds the count of the problems past maxProblems.
func (e *expander) finish() {
	if e.more > 0 {
		e.problems = append(e.problems, Problem{Offset: e.moreAt, Message: fmt.Sprintf("%d more variables that cannot be filled in", e.more)})
	}
}

// body walks src a line at a time: a fenced code block's lines are kept
// as they are; every other run of lines up to a blank line, a block's
// inline text, is expanded outside its code spans.
func (e *expander) body() {
	src := e.src
	var fence []byte // the open fence's marker, nil outside a fenced block
	start := -1      // the start of the inline run being gathered
	for off := 0; off < len(src); {
		end := bytes.IndexByte(src[off:], '\n')
		next := len(src)
		if end < 0 {
			end = len(src)
		} else {
			end += off
			next = end + 1
		}
		line := src[off:end]
		if fence != nil {
			if closes(line, fence) {
				fence = nil
			}
			off = next
			continue
		}
		f := opens(line)
		blank := len(bytes.TrimSpace(line)) == 0
		if (f != nil || blank) && start >= 0 {
			e.region(start, off)
			start = -1
		}
		switch {
		case f != nil:
			fence = f
		case !blank && start < 0:
			start = off
		}
		off = next
	}
	if start >= 0 {
		e.region(start, len(src))
	}
}

// fenceLine reads a line's opening of a fenced code block: up to three
// spaces (after any block-quote markers and list markers' indent, which
// it does not track), then three or more ` or ~.
func fenceOf(line []byte) (byte, int, []byte) {
	i := 0
	for i < len(line) && i < 3 && line[i] == ' ' {
		i++
	}
	// block quotes: > markers before the fence
	for i < len(line) && line[i] == '>' {
		i++
		for i < len(line) && line[i] == ' ' {
			i++
		}
	}
	if i >= len(line) || (line[i] != '`' && line[i] != '~') {
		return 0, 0, nil
	}
	c := line[i]
	n := 0
	for i+n < len(line) && line[i+n] == c {
		n++
	}
	return c, n, line[i+n:]
}

// opens returns the fence marker a line opens a fenced block with, or nil.
func opens(line []byte) []byte {
	c, n, rest := fenceOf(line)
	if n < 3 || (c == '`' && bytes.IndexByte(rest, '`') >= 0) {
		return nil
	}
	return bytes.Repeat([]byte{c}, n)
}

// closes reports whether line closes the block fence opened.
func closes(line, fence []byte) bool {
	c, n, rest := fenceOf(line)
	return c == fence[0] && n >= len(fence) && len(bytes.TrimSpace(rest)) == 0
}

// A run is a run of backticks: at src[at:at+n].
type run struct{ at, n int }

// region expands src[from:to], a block's inline text, outside its code
// spans. A code span opens at a run of backticks (one after a backslash
// less its first) and closes at the next run of the same length; each
// length's runs are kept in order and a pointer moves along them, so
// pairing is linear however many runs go unmatched.
func (e *expander) region(from, to int) {
	src := e.src
	if bytes.Index(src[from:to], []byte("{{")) < 0 {
		return
	}
	var runs []run
	byLen := map[int][]int{}
	for i := from; i < to; {
		if src[i] != '`' {
			i++
			continue
		}
		j := i
		for j < to && src[j] == '`' {
			j++
		}
		byLen[j-i] = append(byLen[j-i], len(runs))
		runs = append(runs, run{i, j - i})
		i = j
	}
	ptr := map[int]int{}
	var spans [][2]int // code spans, in order: [open, close end)
	for r := 0; r < len(runs); r++ {
		o := runs[r]
		at, n := o.at, o.n
		if escaped(src, from, at) {
			at, n = at+1, n-1
			if n == 0 {
				continue
			}
		}
		list := byLen[n]
		p := ptr[n]
		for p < len(list) && list[p] <= r {
			p++
		}
		ptr[n] = p
		if p == len(list) {
			continue
		}
		c := runs[list[p]]
		spans = append(spans, [2]int{at, c.at + c.n})
		r = list[p]
	}
	e.inline(from, to, spans)
}

// escaped reports whether src[at] follows an odd number of backslashes
// since from.
func escaped(src []byte, from, at int) bool {
	k := 0
	for i := at - 1; i >= from && src[i] == '\\'; i-- {
		k++
	}
	return k%2 == 1
}

// inline replaces the variables of src[from:to] outside spans.
func (e *expander) inline(from, to int, spans [][2]int) {
	src := e.src
	sp := 0
	for i := from; i+1 < to; i++ {
		c := src[i]
		if c == '\\' && !e.plain {
			i++ // \{ is a brace; \\ a backslash
			continue
		}
		if c != '{' || src[i+1] != '{' {
			continue
		}
		for sp < len(spans) && spans[sp][1] <= i {
			sp++
		}
		if sp < len(spans) && spans[sp][0] <= i {
			i = spans[sp][1] - 1
			continue
		}
		limit := min(to, i+2+maxName+2)
		end := bytes.Index(src[i+2:limit], []byte("}}"))
		if nl := bytes.IndexByte(src[i+2:limit], '\n'); nl >= 0 && (end < 0 || nl < end) {
			end = -1
		}
		if end < 0 {
			e.problem(i, func() Problem {
				return Problem{Offset: i, Message: "{{ without }} on its line: write a variable as {{ school.name }}, or \\{{ for the braces themselves"}
			})
			i++
			continue
		}
		name := strings.TrimSpace(string(src[i+2 : i+2+end]))
		stop := i + 2 + end + 2
		v, ok := e.s.lookup(name)
		if !ok && e.plain && e.s != nil {
			v, ok = e.s.plain[name]
		}
		if !ok {
			e.problem(i, func() Problem { return e.unknown(i, name) })
			i = stop - 1
			continue
		}
		if e.out == nil {
			e.out = make([]byte, 0, len(src)+len(v))
		}
		e.out = append(e.out, src[e.kept:i]...)
		e.offsets = append(e.offsets, shift{out: len(e.out), src: i, value: true})
		if e.plain || e.raw || e.inAutolink(from, to, i, stop) || bareLink(src, from, i, v) {
			e.out = append(e.out, v...)
		} else {
			e.out = appendEscaped(e.out, v, atLineStart(src, i))
		}
		e.offsets = append(e.offsets, shift{out: len(e.out), src: stop})
		e.kept = stop
		i = stop - 1
	}
}

// maxAutolink bounds how far inAutolink looks either side of a variable
// for the < and > of an autolink, so that its cost stays constant.
const maxAutolink = 512

// inAutolink reports whether the variable at src[at:stop] lies between
// the < and > of an autolink (<{{ dpo.email }}>,
// <https://{{ school.domain }}/join>) that is one once its variables are
// filled in as they are. Markdown reads no backslash escape in an
// autolink, so there a value is written unescaped: \_ would stay in the
// address, or stop it being an address at all.
func (e *expander) inAutolink(from, to, at, stop int) bool {
	src := e.src
	open := -1
	for j, lo := at-1, max(from, at-maxAutolink); j >= lo; j-- {
		c := src[j]
		if c == '}' && j > from && src[j-1] == '}' {
			k := bytes.LastIndex(src[max(lo, 0):j-1], []byte("{{"))
			if k < 0 {
				return false
			}
			j = max(lo, 0) + k
			continue
		}
		if c == '<' {
			if !escaped(src, from, j) {
				open = j
			}
			break
		}
		if c <= ' ' || c == '>' {
			return false
		}
	}
	if open < 0 {
		return false
	}
	end := -1
	for j, hi := stop, min(to, stop+maxAutolink); j < hi; j++ {
		c := src[j]
		if c == '{' && j+1 < hi && src[j+1] == '{' {
			k := bytes.Index(src[j+2:hi], []byte("}}"))
			if k < 0 {
				return false
			}
			j += 2 + k + 1
			continue
		}
		if c == '>' {
			end = j
			break
		}
		if c <= ' ' || c == '<' {
			return false
		}
	}
	if end < 0 {
		return false
	}
	// The text between, its variables filled in as they are.
	var b []byte
	for j := open + 1; j < end; {
		if src[j] == '{' && j+1 < end && src[j+1] == '{' {
			k := bytes.Index(src[j+2:end], []byte("}}"))
			if k < 0 {
				return false
			}
			v, ok := e.s.lookup(strings.TrimSpace(string(src[j+2 : j+2+k])))
			if !ok {
				return false
			}
			b = append(b, v...)
			j += 2 + k + 2
			continue
		}
		b = append(b, src[j])
		j++
	}
	return uriAutolink.Match(b) || emailAutolink.Match(b)
}

// bareLink reports whether v, a variable's value at src[at], is an
// address markdown links by itself (an http, https or ftp URL, one
// starting www., an e-mail address) where it starts one (after a space,
// at a line's start or after *, _, ~ or a parenthesis), of characters
// the link takes whole: written as it is, it is linked as if typed,
// where escaped its \_ would end the link.
func bareLink(src []byte, from, at int, v string) bool {
	if at > from {
		switch src[at-1] {
		case ' ', '\t', '\n', '*', '_', '~', '(':
		default:
			return false
		}
	}
	return linkableURL.MatchString(v) || linkableEmail.MatchString(v)
}

var (
	linkableURL   = regexp.MustCompile(`^(?:https?://|ftp://|www\.)[A-Za-z0-9\-._~:/?#@!$&'()+,;=%]+$`)
	linkableEmail = regexp.MustCompile(`^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$`)
)

// uriAutolink and emailAutolink are what CommonMark takes between < and
// > as an autolink (spec 6.5).
var (
	uriAutolink   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9.+-]{1,31}:[^\x00-\x20<>]*$`)
	emailAutolink = regexp.MustCompile("^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$")
)

// unknown is the Problem of a name the Set does not hold at off.
func (e *expander) unknown(off int, name string) Problem {
	if !nameRE.MatchString(name) {
		return Problem{Offset: off, Message: fmt.Sprintf("{{ %s }} is not a variable: a name is words of a-z, 0-9 and _ joined by dots, such as school.name (\\{{ writes the braces themselves)", name)}
	}
	if n, ok := e.s.note(name); ok {
		return Problem{Offset: off, Message: fmt.Sprintf("variable %s %s", name, n.Message), Elsewhere: n.Elsewhere}
	}
	msg := fmt.Sprintf("unknown variable %s", name)
	if near := e.s.nearest(name); near != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", near)
	}
	return Problem{Offset: off, Message: msg + "; variables are organisation.*, dpo.*, school.* and the keys of site.yaml's params:"}
}

// note returns what to say of name, a name the Set lacks but site.yaml
// declares.
func (s *Set) note(name string) (Note, bool) {
	if s == nil {
		return Note{}, false
	}
	n, ok := s.notes[name]
	return n, ok
}

// nearest returns the name held nearest to name, or "" when none is
// near: at most a third of its letters apart (or two, a swap).
func (s *Set) nearest(name string) string {
	if s == nil {
		return ""
	}
	return textdist.Nearest(name, s.names)
}

// atLineStart reports whether only spaces come before src[i] on its line.
func atLineStart(src []byte, i int) bool {
	for j := i - 1; j >= 0; j-- {
		switch src[j] {
		case '\n':
			return true
		case ' ', '\t', '>':
		default:
			return false
		}
	}
	return true
}

// special are the characters that can start or end markdown's inline
// constructs or HTML: each is written after a backslash.
var special = [128]bool{'\\': true, '`': true, '*': true, '_': true, '[': true, ']': true, '<': true, '>': true, '#': true, '|': true, '!': true, '~': true, '&': true, '{': true, '}': true, '(': true, ')': true, '$': true}

// appendEscaped appends v written so that markdown reads it as text: its
// special characters after a backslash, and, at the start of a line, what
// would begin a list, a heading's underline or a numbered item.
func appendEscaped(out []byte, v string, lineStart bool) []byte {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 128 && special[c] {
			out = append(out, '\\')
		} else if lineStart && i == 0 && (c == '-' || c == '+' || c == '=') {
			out = append(out, '\\')
		} else if lineStart && (c == '.' || c == ')') && i > 0 && allDigits(v[:i]) {
			out = append(out, '\\')
		}
		out = append(out, c)
	}
	return out
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// ForBracket returns the variable a bracketed placeholder's text names,
// or "": "[school name]" and "[insert the school's name]" name
// school.name, "[headteacher]" school.headteacher, "[DPO email]"
// dpo.email.
func (s *Set) ForBracket(text string) string {
	words := bracketWords(text)
	if len(words) == 0 {
		return ""
	}
	joined := strings.Join(words, " ")
	var tail []string // names whose words after the first are the text's
	for _, n := range s.declared() {
		parts := strings.FieldsFunc(n, func(r rune) bool { return r == '.' || r == '_' })
		if strings.Join(parts, " ") == joined {
			return n
		}
		if len(parts) > 1 && !generic[joined] && strings.Join(parts[1:], " ") == joined {
			tail = append(tail, n)
		}
	}
	if len(tail) == 1 {
		return tail[0] // "[headteacher]", but not "[name]": whose?
	}
	return ""
}

// declared returns the names the Set holds and those site.yaml declares
// for other centres (its notes), sorted: a placeholder names the same
// variable in every centre.
func (s *Set) declared() []string {
	if s == nil {
		return nil
	}
	return s.all
}

// generic are the fields several of site.yaml's people and places have:
// "[name]" alone does not say whose.
var generic = map[string]bool{"id": true, "name": true, "email": true, "phone": true, "address": true, "website": true}

// fillers are words a placeholder's text carries besides what it names.
var fillers = map[string]bool{"insert": true, "the": true, "a": true, "an": true, "enter": true, "add": true, "of": true, "s": true, "our": true, "your": true}

// bracketWords returns the lower-case words of a placeholder's text
// without fillers, a possessive's 's dropped.
func bracketWords(text string) []string {
	f := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	out := f[:0]
	for _, w := range f {
		if !fillers[w] {
			out = append(out, w)
		}
	}
	return out
}
