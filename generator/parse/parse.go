// Package parse turns a policy file into the model's policy: front matter
// (frontmatter), text (markdown), the findings of the rules that read one
// policy (check), and earlier versions attached and compared (site,
// history).
//
// Input: a source.File and the settings parsing reads. Output: a
// *site.Policy, not yet given its review status (site.New does that), and
// the file's diagnostics. Pure: parsing the same bytes gives the same
// policy, so a Memo keeps each by content from one render to the next.
package parse

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/policysite/policysite/generator/check"
	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/frontmatter"
	"github.com/policysite/policysite/generator/markdown"
	"github.com/policysite/policysite/generator/output"
	"github.com/policysite/policysite/generator/site"
	"github.com/policysite/policysite/generator/source"
	"github.com/policysite/policysite/generator/strictyaml"
	"github.com/policysite/policysite/generator/vars"
)

// Settings are what of site.yaml parsing reads, and the slugs of the
// site's policy files that their front matter renames.
type Settings struct {
	UnsafeHTML bool
	// BasePath is the URL path the site lives under, "/" by default.
	BasePath string
	// Vars are the variables of the centre the policy is parsed for:
	// the trust's or a school's. Nil holds none.
	Vars *vars.Set
	// Defaults fill what front matter does not say (site.yaml defaults:
	// and review period); a file's Committed day is its effective date
	// when it says none.
	Defaults frontmatter.Defaults
	// Renamed are the slugs of files whose slug: is not their name's, by
	// path (Renamed).
	Renamed map[string]string
}

// NewSettings returns the settings of site.yaml, as build and the
// commands that edit policies (revise, review) read them. A policy
// without next_review is due a review period after it took effect:
// defaults.next_review's, else review.review_period's (12 months unless
// site.yaml says otherwise).
func NewSettings(cfg *config.Site) Settings {
	d := cfg.Defaults
	fd := frontmatter.Defaults{Owner: d.Owner, Version: d.Version, Category: d.Category, ReviewMonths: cfg.Review.Period.Months}
	switch _, ok := cfg.Pos["review"]; {
	case d.NextReview.Months > 0:
		fd.ReviewMonths, fd.ReviewFrom = d.NextReview.Months, "site.yaml defaults.next_review ("+d.NextReview.String()+")"
	case ok:
		fd.ReviewFrom = "site.yaml review.review_period (" + cfg.Review.Period.String() + ")"
	default:
		fd.ReviewFrom = "a review period of " + cfg.Review.Period.String() + " (site.yaml sets none)"
	}
	return Settings{UnsafeHTML: cfg.UnsafeHTML, BasePath: cfg.BasePath(), Defaults: fd}
}

// For returns the defaults front matter of f is parsed with: s's, and
// f's last commit as its effective date when the command found it.
func (s Settings) For(f source.File) frontmatter.Defaults {
	d := s.Defaults
	if !f.Committed.IsZero() {
		d.Effective, d.EffectiveFrom = f.Committed, "the day of the file's last commit"
	}
	return d
}

// Renamed returns the slugs of files whose front matter's slug: differs
// from the one their name gives them, by path, or nil.
func Renamed(files []source.File) map[string]string {
	var m map[string]string
	for _, f := range files {
		if f.Slug != source.SlugOf(f.Path) {
			if m == nil {
				m = map[string]string{}
			}
			m[f.Path] = f.Slug
		}
	}
	return m
}

func (s Settings) equal(t Settings) bool {
	return s.UnsafeHTML == t.UnsafeHTML && s.BasePath == t.BasePath && s.Vars == t.Vars && s.Defaults == t.Defaults && maps.Equal(s.Renamed, t.Renamed)
}

// File parses one policy file: its front matter, its text (control
// characters dropped) and, for a current version, the lint rules that
// read one policy (check.Policy), whose findings it returns with the
// parsing's. An earlier version is not linted; what would break it is
// reported. The policy is nil when the front matter could not be read.
func File(f source.File, s Settings) (*site.Policy, diag.List) {
	meta, body, bodyOff, l := frontmatter.ParseWith(f.Path, f.Data, s.For(f))
	for i := range l {
		if l[i].Rule == "" {
			l[i].Rule = "front-matter"
		}
	}
	if l.HasErrors() && body == nil {
		return nil, l
	}
	data, body, cl := dropControls(f.Path, f.Data, bodyOff)
	l = append(l, cl...)
	if meta.Slug != "" && meta.Slug != f.Slug && f.Version == "" {
		// source.List reads slug: from its line; one YAML reads otherwise
		// (a folded or multi-line value) would publish at the wrong URL.
		l.Errorf(meta.Pos.At("slug"), "slug: write it on one line of its own, as slug: %s", source.Slug(meta.Slug))
		l[len(l)-1].Rule = "front-matter"
	}
	src := data // positions are the source's
	data, body, offs, vl, elsewhere := expand(f.Path, data, bodyOff, meta, s.Vars)
	l = append(l, vl...)
	opts := markdown.Options{Path: f.Path, UnsafeHTML: s.UnsafeHTML, Numbered: meta.Numbered, BasePath: s.BasePath, Slug: f.Slug, Renamed: s.Renamed}
	switch {
	case f.Version != "":
		// An archived version is a copy of index.md: its links mean what
		// they meant there.
		opts.LinkBase = source.Dir + "/" + f.Slug + "/index.md"
	case f.School != "":
		opts.LinkBase = output.LinkPath(f, f.Path)
	}
	r := markdown.Render(body, opts)
	lines := diag.NewLines(f.Path, src)
	pos := func(off int) diag.Pos { return lines.Pos(bodyOff + offs.Source(off)) }
	if f.Version == "" {
		for _, im := range r.Images {
			switch {
			case im.Path == "":
				l = append(l, diag.Diagnostic{Pos: pos(int(im.Offset)), Severity: diag.Error, Rule: "broken-image", Message: fmt.Sprintf("picture %s is not in the policy's folder, so it is not published: put it in %s/%s/", im.Target, source.Dir, folderHint(f))})
			case !slices.ContainsFunc(f.Assets, func(a string) bool { return output.LinkPath(f, a) == im.Target }):
				l = append(l, diag.Diagnostic{Pos: pos(int(im.Offset)), Severity: diag.Error, Rule: "broken-image", Message: fmt.Sprintf("picture %s does not exist", im.Target)})
			}
		}
	}
	if !strings.Contains(f.Path, "/history/") {
		// check adds front matter's and markdown's findings to its own,
		// so check_ignore applies to every rule.
		l = check.Policy(check.Input{Path: f.Path, Data: src, BodyOff: bodyOff, Meta: meta, Result: r, Offsets: offs, Vars: s.Vars, Parsed: l})
	} else { // superseded versions are not linted, but what would break them is reported
		for _, p := range r.Problems {
			sev := p.Severity
			if rs, ok := check.SeverityOf(p.Rule); ok {
				sev = rs
			}
			l = append(l, diag.Diagnostic{Pos: pos(p.Offset), Severity: sev, Message: p.Message, Rule: p.Rule})
		}
	}
	// The text alone: recording a review or an approval changes the
	// front matter, not what a printed copy shows.
	// A school's copy with variables filled in is another text than the
	// trust's file, and its printed copies must tell it apart: its hash
	// is of the text with the school's values. A policy written in each
	// school's words has, in the trust's centre, no text of its own (its
	// page links to the schools'): what it names there is the file.
	text := f.Data[bodyOff:]
	if offs != nil && !elsewhere {
		text = body
	}
	sum := sha256.Sum256(text)
	p := &site.Policy{Slug: f.Slug, File: f.Path, Meta: meta, Body: template.HTML(r.HTML), Headings: r.Headings, Contents: site.Contents(r.Headings), SHA256: hex.EncodeToString(sum[:]),
		School: f.School, PerSchool: elsewhere}
	p.Links = make([]site.Link, len(r.Links))
	for i, k := range r.Links {
		p.Links[i] = site.NewLink(k, pos(int(k.Offset)))
	}
	return p, l
}

// folderHint names the folder a policy file keeps its files in.
func folderHint(f source.File) string {
	if d := source.FolderOf(f.Path); d != "" {
		return d
	}
	return f.Slug
}

// expand fills in the variables of data's body (data[bodyOff:]) and of
// its title and summary, returning data and the body with them filled
// in, where each offset of the body was in data's, a finding of rule
// variable for each that cannot be, and whether one is another centre's
// (a school's, in the trust's centre): then the policy is published in
// each school's centre alone.
func expand(path string, data []byte, bodyOff int, meta *frontmatter.Meta, v *vars.Set) ([]byte, []byte, vars.Offsets, diag.List, bool) {
	var l diag.List
	elsewhere := false
	var lines *diag.Lines
	report := func(pos func(off int) diag.Pos, ps []vars.Problem) {
		for _, p := range ps {
			if p.Elsewhere {
				elsewhere = true
				continue
			}
			l = append(l, diag.Diagnostic{Pos: pos(p.Offset), Severity: diag.Error, Message: p.Message, Rule: "variable"})
		}
	}
	at := func(off int) diag.Pos {
		if lines == nil {
			lines = diag.NewLines(path, data)
		}
		return lines.Pos(off)
	}
	if meta != nil {
		for _, f := range []struct {
			key string
			s   *string
		}{{"title", &meta.Title}, {"summary", &meta.Summary}} {
			var ps []vars.Problem
			*f.s, ps = v.Text(*f.s)
			report(func(int) diag.Pos {
				if p, ok := meta.Pos.Lookup(f.key); ok {
					return p
				}
				return meta.Start
			}, ps)
		}
	}
	body, offs, ps := v.Expand(data[bodyOff:])
	report(func(off int) diag.Pos { return at(bodyOff + off) }, ps)
	if offs == nil {
		return data, body, nil, l, elsewhere
	}
	out := make([]byte, 0, bodyOff+len(body))
	out = append(append(out, data[:bodyOff]...), body...)
	return out, out[bodyOff:], offs, l, elsewhere
}

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
