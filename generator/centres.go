package generator

import (
	"fmt"
	"html/template"
	"slices"
	"strings"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/output"
	"github.com/policysite/policysite/generator/site"
	"github.com/policysite/policysite/generator/vars"
)

// This file holds what the centres of a trust's schools (site.yaml's
// schools:) add to the pipeline of builder.go: each school's reading of
// site.yaml and its variables, the sink that puts its outputs under its
// path, and the trust centre's page of a policy each school words its own
// way.

// usedSomewhere drops the unused-category findings that fewer than all
// n centres made: a category is used when any centre's policy has it.
func usedSomewhere(l diag.List, n int) diag.List {
	if n == 1 {
		return l
	}
	count := map[diag.Pos]int{}
	for _, d := range l {
		if d.Rule == "unused-category" {
			count[d.Pos]++
		}
	}
	if len(count) == 0 {
		return l
	}
	return slices.DeleteFunc(l, func(d diag.Diagnostic) bool { return d.Rule == "unused-category" && count[d.Pos] < n })
}

// centreConfig returns site.yaml as the centre b renders reads it, the
// variables of its policies and its school (nil for the trust's). A
// school's centre is published under the trust's base_url at its id,
// titled with its name, and takes requests for its own DPO when it has
// one. What it derives is kept while site.yaml stays the same, so that
// the memos keyed by it hold.
func (b *Builder) centreConfig(cfg *config.Site) (*config.Site, *vars.Set, *config.School) {
	if b.derived.from == cfg {
		return b.derived.cfg, b.derived.vars, b.derived.cfg.School(b.school)
	}
	d := derived{from: cfg, cfg: cfg}
	if b.school == "" {
		var notes map[string]vars.Note
		if len(cfg.Schools) > 0 {
			notes = map[string]vars.Note{}
			for _, f := range config.SchoolFields {
				notes["school."+f] = vars.Note{Message: "is each school's: the policy is published in every school's centre, not the trust's", Elsewhere: true}
			}
			for _, sc := range cfg.Schools {
				for k := range sc.Params {
					if _, ok := cfg.Params[k]; !ok {
						notes[k] = vars.Note{Message: "is a school's (params: of " + sc.ID + ")", Elsewhere: true}
					}
				}
			}
		}
		d.vars = vars.New(cfg.Values(nil), notes).WithPlain(trustWords(notes))
	} else {
		sc := cfg.School(b.school)
		c := *cfg
		b.rootPath = cfg.BasePath()
		if c.BaseURL != "" {
			c.BaseURL += sc.ID + "/"
		}
		c.Title = sc.Name + " policies"
		c.Description = "The policies of " + sc.Name
		if cfg.Organisation.Name != "" {
			c.Description += ", a school of " + cfg.Organisation.Name
		}
		c.Description += ", with when each was last agreed and when it is next reviewed."
		if sc.DPO != nil {
			c.DPO = *sc.DPO
		}
		d.cfg = &c
		d.vars = vars.New(cfg.Values(sc), unset(cfg, sc))
	}
	b.derived = d
	return d.cfg, d.vars, d.cfg.School(b.school)
}

// schoolWords are the words the trust centre's titles and summaries show
// for a school's variable: its pages list the schools, so no one school's
// value is right there.
var schoolWords = map[string]string{"school.name": "our schools", "school.dsl": "each school's designated safeguarding lead",
	"school.phone": "each school's phone number", "school.email": "each school's email address"}

// trustWords returns what the trust centre's titles and summaries show
// for each name of notes: a school's.
func trustWords(notes map[string]vars.Note) map[string]string {
	w := make(map[string]string, len(notes))
	for k := range notes {
		if v, ok := schoolWords[k]; ok {
			w[k] = v
		} else {
			w[k] = "each school's " + strings.ReplaceAll(strings.TrimPrefix(k, "school."), "_", " ")
		}
	}
	return w
}

// unset returns the names site.yaml declares that school sc has no value
// for (a field it leaves out, another school's params key), with where to
// set each.
func unset(cfg *config.Site, sc *config.School) map[string]vars.Note {
	have := cfg.Values(sc)
	notes := map[string]vars.Note{}
	note := func(name, fix string) {
		if _, ok := have[name]; !ok {
			notes[name] = vars.Note{Message: "is not set for " + sc.Name + ": " + fix}
		}
	}
	for _, f := range config.SchoolFields {
		note("school."+f, "set "+f+": in its entry under site.yaml's schools:")
	}
	for _, other := range cfg.Schools {
		for k := range other.Params {
			note(k, "add "+k+" to its params: in site.yaml's schools:, or to params: for every school")
		}
	}
	return notes
}

// derived is what a centre's Builder derives from site.yaml.
type derived struct {
	from, cfg *config.Site
	vars      *vars.Set
}

// prefixed is a sink that puts outputs under a school's folder.
type prefixed struct {
	out    sink
	prefix string
}

func (p *prefixed) Emit(outs ...output.File) error {
	cp := make([]output.File, len(outs))
	for i, o := range outs {
		o.Path = p.prefix + o.Path
		cp[i] = o
	}
	return p.out.Emit(cp...)
}

// publishes reports whether the centre publishes the trust policy p: a
// school's, unless p's schools: leaves it out; the trust's, always.
func (r *running) publishes(p *site.Policy) bool {
	return r.b.school == "" || len(p.Schools) == 0 || slices.Contains(p.Schools, r.b.school)
}

// chooser returns the trust centre's page of a policy each school
// publishes in its own words (it names a school's variables) or that is
// some schools' only: in place of its text, a link to each school's. Its
// findings are reported by the schools' centres.
func (r *running) chooser(p *site.Policy) *site.Policy {
	q := *p
	var b strings.Builder
	b.WriteString("<p>Each school publishes this policy with its own names and contacts:</p>\n<ul>\n")
	for _, sc := range r.schools {
		if len(p.Schools) > 0 && !slices.Contains(p.Schools, sc.ID) {
			continue
		}
		fmt.Fprintf(&b, "<li><a href=\"%s%s/%s/\">%s</a></li>\n", r.root, sc.ID, p.Slug, template.HTMLEscapeString(sc.Name))
	}
	b.WriteString("</ul>\n")
	q.Body = template.HTML(b.String())
	// Its headings stay, so links to its sections are checked as before.
	q.Contents, q.Links, q.History, q.Diff = nil, nil, nil, nil
	return &q
}
