// Package frontmatter splits a policy file into its YAML front matter and its
// markdown body, and decodes the front matter into a Meta.
//
// Invariants: Split never reads past the data it is given, and every position
// it or Parse reports lies inside the file.
//
// Bounds: front matter of more than MaxSize bytes is an error (it is a few
// hundred bytes of fields, and decoding is costly: docs/performance.md), and so is
// a control character in it (C0 but tab and line endings, DEL, C1), raw
// or written as a YAML escape, at its line and column.
package frontmatter

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/strictyaml"
	"github.com/policysite/policysite/generator/versions"
)

// A Meta is a policy's front matter.
type Meta struct {
	Title      string    `yaml:"title"`
	Version    string    `yaml:"version"`
	Effective  date.Date `yaml:"effective"`
	NextReview date.Date `yaml:"next_review"`
	Owner      string    `yaml:"owner"`
	Summary    string    `yaml:"summary"`
	// Category groups the index (site.yaml categories: orders the groups);
	// policies without one go last, under "Other policies" (site.DefaultCategory).
	Category string `yaml:"category"`
	// Weight orders policies within a category, lightest first, then by title.
	Weight int `yaml:"weight"`
	// Draft policies are built only with --drafts.
	Draft bool `yaml:"draft"`
	// Numbered numbers the sections 1, 1.1, ... as formal policies do.
	Numbered bool `yaml:"numbered"`
	// Changes says what changed in this version (for the change history).
	Changes string `yaml:"changes"`
	// Reviews logs the reviews of this version that changed nothing,
	// newest last. A new version starts with none: each version's file
	// keeps its own.
	Reviews []ReviewEntry `yaml:"reviews"`
	// Approval is who approved this version, when, and the minute that
	// records it.
	Approval `yaml:",inline"`
	// Ignore lists lint rules accepted for this whole policy.
	Ignore []string `yaml:"check_ignore"`
	// Schools, on a trust's policy, are the ids of the schools it is
	// published for; empty, it is every school's.
	Schools []string `yaml:"schools"`
	// Slug, when set, is the policy's URL in place of its file's name
	// (source.List reads it).
	Slug string `yaml:"slug"`

	// What other generators write for the fields above (aliasKeys): each is
	// read when its field is not set.
	Date       looseDate `yaml:"date"`
	Categories names     `yaml:"categories"`
	Name       string    `yaml:"name"`
	Published  *bool     `yaml:"published"`

	// EffectiveFrom and NextReviewFrom say how a date the front matter
	// does not give was derived, for the page to say so ("derived: a
	// year after effective"); empty when the file gives it.
	EffectiveFrom  string `yaml:"-"`
	NextReviewFrom string `yaml:"-"`
	// EffectiveUnset is true when the file does not say effective: (it
	// came from the file's last commit, from date:, or from nowhere).
	EffectiveUnset bool `yaml:"-"`

	// Pos holds the position of each key's value, by key, for later stages'
	// diagnostics. Start is the position of the opening ---.
	Pos   Positions `yaml:"-"`
	Start diag.Pos  `yaml:"-"`
	// Key identifies the front matter as Parse read it: a hash of the
	// file's path and the block with its fences, all the Meta is made
	// from. Two Metas with one Key are alike, so a later stage keeps
	// what it made of one while the Key stays the same.
	Key [sha256.Size]byte `yaml:"-"`
}

// A ReviewEntry records one review of a policy, and its approval when
// the review was approved (a governing body re-adopting a policy).
type ReviewEntry struct {
	Date     date.Date `yaml:"date"`
	By       string    `yaml:"by"`
	Note     string    `yaml:"note"`
	Approval `yaml:",inline"`
}

// An Approval records who approved a version of a policy or a review of
// it (a body or a person: "the Board of Trustees"), on which day, and the
// reference of the minute that records it ("FGB 2026/14").
type Approval struct {
	ApprovedBy string    `yaml:"approved_by" json:"approved_by,omitempty"`
	ApprovedOn date.Date `yaml:"approved_on" json:"approved_on,omitzero"`
	Minute     string    `yaml:"minute" json:"minute,omitempty"`
}

// Approved reports whether an approval is recorded.
func (a Approval) Approved() bool { return a.ApprovedBy != "" || !a.ApprovedOn.IsZero() }

// Required lists the keys every policy must set (or site.yaml's
// defaults: or another generator's key for the field fill).
var Required = []string{"title", "version", "effective", "next_review", "owner"}

// aliasKeys are the keys other generators (Jekyll, Hugo, comply) write for
// a field of a policy, read when the field itself is not set: date: is
// when it took effect, categories: (its first) its category, name: its
// title; published: false makes it a draft, as draft: true does.
var aliasKeys = map[string]string{"date": "effective", "categories": "category", "name": "title", "published": "draft"}

// Defaults fill what a policy's front matter does not say: site.yaml's
// defaults:, its review period, and the day its file was last committed.
// Each field filled is a default-field warning, so an editor can make it
// explicit.
type Defaults struct {
	Owner, Version, Category string
	// ReviewMonths sets next_review that many months after effective;
	// ReviewFrom names the setting it comes from, for the warning
	// ("site.yaml's review.review_period (1 year)").
	ReviewMonths int
	ReviewFrom   string
	// Effective is the day the file was last committed, when the site is
	// a git repository; zero otherwise. It comes before date:.
	Effective date.Date
	// EffectiveFrom says where Effective came from, for the warning and
	// the page ("the day of the file's last commit").
	EffectiveFrom string
}

// A looseDate is a date as other generators write it: a date.Date, or a
// timestamp whose day is its first ten characters (2021-03-04 10:00:00 -0500).
type looseDate struct{ date.Date }

func (d *looseDate) UnmarshalStrictYAML(n *yaml.Node) error {
	if err := d.Date.UnmarshalStrictYAML(n); err == nil {
		return nil
	} else if len(n.Value) > 10 {
		if v, err2 := date.Parse(n.Value[:10]); err2 == nil {
			d.Date = v
			return nil
		}
		return err
	} else {
		return err
	}
}

// names is a list of names, or one written alone.
type names []string

func (ns *names) UnmarshalStrictYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*ns = names{n.Value}
		return nil
	case yaml.SequenceNode:
		var out names
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return errors.New("expected a list of names")
			}
			out = append(out, c.Value)
		}
		*ns = out
		return nil
	}
	return errors.New("expected a name or a list of names")
}

var (
	// ErrNoFrontMatter is returned by Split for a file that does not start with ---.
	ErrNoFrontMatter = errors.New("no front matter: a policy starts with a --- line, then title, version, effective, next_review and owner, then ---")
	// ErrUnclosed is returned by Split when the closing --- is missing.
	ErrUnclosed = errors.New("front matter has no closing --- line")
)

// Split separates front matter from body. fm is the YAML between the fences;
// fmLine is the 1-based line on which it starts; bodyOffset is the byte offset
// of the body in data. A UTF-8 byte order mark is skipped and CRLF line
// endings are accepted.
func Split(data []byte) (fm []byte, fmLine int, body []byte, bodyOffset int, err error) {
	start := 0
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		start = 3
	}
	line, next := lineAt(data, start)
	if !isFence(line) {
		return nil, 0, data, 0, ErrNoFrontMatter
	}
	fmStart := next
	for off, n := next, 2; off < len(data); n++ {
		line, next = lineAt(data, off)
		if isFence(line) {
			return data[fmStart:off], 2, data[next:], next, nil
		}
		off = next
	}
	return nil, 0, nil, 0, ErrUnclosed
}

// lineAt returns the line starting at off (without its newline) and the offset of the next line.
func lineAt(data []byte, off int) ([]byte, int) {
	i := bytes.IndexByte(data[off:], '\n')
	if i < 0 {
		return data[off:], len(data)
	}
	return data[off : off+i], off + i + 1
}

func isFence(line []byte) bool {
	return string(bytes.TrimRight(line, " \t\r")) == "---"
}

// MaxSize is the most front matter a policy may have, in bytes, between its
// --- lines: far more than its fields and a long review log need. Long text
// belongs in the body.
const MaxSize = 64 << 10

// maxControls is how many control characters are reported one by one.
const maxControls = 20

// ParseWith splits and decodes a policy file at path (relative to the
// site root), d filling in fields the front matter does not set, each a
// default-field warning. It returns the Meta, the body, the body's byte
// offset and diagnostics: errors for what makes the policy unpublishable,
// warnings for unknown keys.
func ParseWith(path string, data []byte, d Defaults) (*Meta, []byte, int, diag.List) {
	var l diag.List
	m := &Meta{Start: diag.Pos{File: path, Line: 1, Col: 1}}
	if !utf8.Valid(data) {
		lines := diag.NewLines(path, data)
		off := invalidUTF8(data)
		l.Errorf(lines.Pos(off), "invalid UTF-8: save the file as UTF-8")
		return m, nil, 0, tag(l)
	}
	fm, fmLine, body, bodyOff, err := Split(data)
	if err != nil {
		l.Errorf(m.Start, "%v", err)
		return m, nil, 0, tag(l)
	}
	if len(fm) > MaxSize {
		l.Errorf(m.Start, "front matter is %d bytes, more than the limit of %d (%d KiB): keep long text in the body", len(fm), MaxSize, MaxSize>>10)
		return m, body, bodyOff, tag(l)
	}
	if controls(&l, path, data, bodyOff) {
		// yaml.v3 would refuse them without saying where.
		return m, body, bodyOff, tag(l)
	}
	offset := fmLine - 1
	var doc yaml.Node
	if err := yaml.Unmarshal(fm, &doc); err != nil {
		d := strictyaml.SyntaxError(path, offset, fm, err)
		l = append(l, d)
		return m, body, bodyOff, tag(l)
	}
	if len(doc.Content) == 0 {
		l.Errorf(m.Start, "front matter is empty: set %s", strings.Join(Required, ", "))
		return m, body, bodyOff, tag(l)
	}
	root := doc.Content[0]
	for _, p := range strictyaml.Decode(&doc, m) {
		pos := strictyaml.NodePos(path, offset, p.Node)
		if p.Unknown {
			l.Warnf(pos, "%s: ignored", p.Message)
			continue
		}
		l.Errorf(pos, "%s", p.Message)
	}
	if root.Kind != yaml.MappingNode {
		return m, body, bodyOff, tag(l)
	}
	// Decode has refused a key given twice, so each is appended once.
	m.Pos = newPositions(path, len(root.Content)/2) // defaults filled in are few
	for i := 0; i+1 < len(root.Content); i += 2 {
		m.Pos.add(root.Content[i].Value, strictyaml.NodePos(path, offset, root.Content[i+1]))
	}
	// A month alone means its last day for a review ("by October 2025") but
	// its first day for when a policy took effect ("from October 2025").
	if v := strictyaml.Lookup(root, "effective"); v != root && date.MonthOnly(v.Value) && !m.Effective.IsZero() {
		m.Effective.Day = 1
	}
	set := func(k string) bool {
		v := strictyaml.Lookup(root, k)
		return v != root && !isEmpty(v)
	}
	m.aliases(set)
	var filled []string // default-field warnings, after the errors
	fill := func(k, v, from string) bool {
		if set(k) || set(aliasOf(k)) || v == "" {
			return false
		}
		filled = append(filled, fmt.Sprintf("%s %s from %s", k, v, from))
		m.Pos.Set(k, m.Start)
		return true
	}
	if fill("owner", d.Owner, "site.yaml defaults") {
		m.Owner = d.Owner
	}
	if fill("version", d.Version, "site.yaml defaults") {
		m.Version = d.Version
	}
	if fill("category", d.Category, "site.yaml defaults") {
		m.Category = d.Category
	}
	// effective: the file's; else the day of its last commit (in a git
	// repository); else date:, which aliases has read.
	if m.EffectiveUnset = !set("effective"); m.EffectiveUnset {
		switch {
		case !d.Effective.IsZero():
			m.Effective, m.EffectiveFrom = d.Effective, "derived: "+d.EffectiveFrom
			m.Pos.Set("effective", m.Start)
			from := d.EffectiveFrom
			if set("date") {
				from += fmt.Sprintf(", not date: %s", m.Date.Date)
			}
			filled = append(filled, fmt.Sprintf("effective %s from %s", d.Effective, from))
		case set("date") && !m.Effective.IsZero():
			filled = append(filled, fmt.Sprintf("effective %s from date:", m.Effective))
		}
	}
	if d.ReviewMonths > 0 && !m.Effective.IsZero() && fill("next_review", m.Effective.AddMonths(d.ReviewMonths).String(), fmt.Sprintf("effective plus %s", d.ReviewFrom)) {
		m.NextReview = m.Effective.AddMonths(d.ReviewMonths)
		m.NextReviewFrom = fmt.Sprintf("derived: %d months after effective", d.ReviewMonths)
		if d.ReviewMonths%12 == 0 {
			m.NextReviewFrom = fmt.Sprintf("derived: %d years after effective", d.ReviewMonths/12)
			if d.ReviewMonths == 12 {
				m.NextReviewFrom = "derived: a year after effective"
			}
		}
	}
	for _, k := range Required {
		if k == "next_review" && d.ReviewMonths > 0 && m.Effective.IsZero() {
			continue // effective's error says it: next_review follows from it
		}
		if !set(k) && !set(aliasOf(k)) && m.Pos.At(k) != m.Start {
			l.Errorf(m.Start, "missing required field %q%s", k, hint(k))
		}
	}
	if m.Version != "" {
		if err := versions.Check(m.Version); err != nil {
			l.Errorf(m.Pos.At("version"), "version: %v", err)
		}
	}
	if !m.Effective.IsZero() && !m.NextReview.IsZero() && !m.NextReview.After(m.Effective) {
		l.Errorf(m.Pos.At("next_review"), "next_review: %s is not after the effective date %s", m.NextReview, m.Effective)
	}
	for i, r := range m.Reviews {
		if r.Date.IsZero() {
			l.Errorf(m.Pos.At("reviews"), "reviews[%d]: missing date", i)
		}
	}
	m.Title = strings.TrimSpace(m.Title)
	// The Meta depends on the defaults it was given as much as on the
	// front matter's bytes.
	h := sha256.New()
	h.Write([]byte(path))
	h.Write([]byte{0})
	h.Write(data[:bodyOff])
	fmt.Fprintf(h, "\x00%q\x00%q\x00%q\x00%d\x00%q\x00%s\x00%q", d.Owner, d.Version, d.Category, d.ReviewMonths, d.ReviewFrom, d.Effective, d.EffectiveFrom)
	h.Sum(m.Key[:0])
	l = tag(l)
	if len(filled) > 0 {
		// One warning a file, naming every field filled: a folder made for
		// another generator has the same few fields missing in every file.
		advice := ": write it in the front matter to make it explicit"
		if len(filled) > 1 {
			advice = ": write them in the front matter to make them explicit"
		}
		l = append(l, diag.Diagnostic{Pos: m.Start, Severity: diag.Warning, Message: strings.Join(filled, "; ") + advice, Rule: "default-field"})
	}
	return m, body, bodyOff, l
}

// aliases fills each field from its alias (aliasKeys) when the field is not
// set, and points the field's position at the alias.
func (m *Meta) aliases(set func(string) bool) {
	for alias, k := range aliasKeys {
		if !set(alias) || set(k) {
			continue
		}
		switch alias {
		case "date":
			m.Effective = m.Date.Date
		case "categories":
			if len(m.Categories) > 0 {
				m.Category = m.Categories[0]
			}
		case "name":
			m.Title = m.Name
		case "published":
			m.Draft = !*m.Published
		}
		m.Pos.Set(k, m.Pos.At(alias))
	}
}

// aliasOf returns the alias of field k, or "".
func aliasOf(k string) string {
	for a, f := range aliasKeys {
		if f == k {
			return a
		}
	}
	return ""
}

// hint says how a missing field may be filled for a whole site.
func hint(k string) string {
	switch k {
	case "owner", "version":
		return " (or set it for every policy under defaults: in site.yaml)"
	case "next_review":
		return " (or leave it out, for effective plus site.yaml's review period)"
	case "effective":
		return " (in a git repository, the day of the file's last commit is read as effective, then date:)"
	}
	return ""
}

// controls reports every control character in data[:bodyOff], the front
// matter with its fences, and whether there was one. Carriage returns are
// line endings to YAML, and tabs and newlines text.
func controls(l *diag.List, path string, data []byte, bodyOff int) bool {
	var lines *diag.Lines
	n, first := 0, 0
	for i, r := range string(data[:bodyOff]) {
		if r == '\r' || !strictyaml.IsControl(r) {
			continue
		}
		if lines == nil {
			lines = diag.NewLines(path, data)
		}
		if n++; n <= maxControls {
			l.Errorf(lines.Pos(i), "control character %U in front matter: remove it", r)
		} else if n == maxControls+1 {
			first = i
		}
	}
	if n > maxControls {
		l.Errorf(lines.Pos(first), "%d more control characters in front matter: remove them", n-maxControls)
	}
	return n > 0
}

// tag files front-matter problems under their lint rules.
func tag(l diag.List) diag.List {
	for i := range l {
		if l[i].Severity == diag.Warning {
			l[i].Rule = "unknown-field"
		} else {
			l[i].Rule = "front-matter"
		}
	}
	return l
}

func isEmpty(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || strings.TrimSpace(n.Value) == "")
}

func invalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return 0
}

// Positions holds where the value of each key is. A front matter has a
// handful of keys, so a search costs no more than a map's; a position in
// the front matter's own file is kept as a line and column, as a build
// keeps every policy's positions to the end: a map of diag.Pos was a
// fifth of a 10,000-policy build's live heap.
type Positions struct {
	file  string
	own   []keyPos
	other []KeyPos // in another file than file: a newer version's next_review
}

// A KeyPos is where the value of Key is.
type KeyPos struct {
	Key string
	diag.Pos
}

// A keyPos is where, in the front matter's own file, the value of key is.
// Lines and columns fit: front matter is at most MaxSize bytes.
type keyPos struct {
	key       string
	line, col int32
}

// newPositions returns Positions of file with room for n keys.
func newPositions(file string, n int) Positions {
	return Positions{file: file, own: make([]keyPos, 0, n)}
}

// Lookup returns the position of key's value and whether there is one.
func (ps Positions) Lookup(key string) (diag.Pos, bool) {
	for _, p := range ps.other {
		if p.Key == key {
			return p.Pos, true
		}
	}
	for _, p := range ps.own {
		if p.key == key {
			return diag.Pos{File: ps.file, Line: int(p.line), Col: int(p.col)}, true
		}
	}
	return diag.Pos{}, false
}

// At returns the position of key's value, the zero Pos when there is none.
func (ps Positions) At(key string) diag.Pos {
	p, _ := ps.Lookup(key)
	return p
}

// Clone returns a copy of ps that Set does not share.
func (ps Positions) Clone() Positions {
	return Positions{file: ps.file, own: slices.Clone(ps.own), other: slices.Clone(ps.other)}
}

// Set sets the position of key's value.
func (ps *Positions) Set(key string, pos diag.Pos) {
	ps.own = slices.DeleteFunc(ps.own, func(p keyPos) bool { return p.key == key })
	ps.other = slices.DeleteFunc(ps.other, func(p KeyPos) bool { return p.Key == key })
	ps.add(key, pos)
}

// add adds the position of key's value, which has none yet.
func (ps *Positions) add(key string, pos diag.Pos) {
	if ps.file == "" && ps.own == nil && ps.other == nil {
		ps.file = pos.File
	}
	if pos.File == ps.file && pos.Line == int(int32(pos.Line)) && pos.Col == int(int32(pos.Col)) {
		ps.own = append(ps.own, keyPos{key, int32(pos.Line), int32(pos.Col)})
		return
	}
	ps.other = append(ps.other, KeyPos{key, pos})
}
