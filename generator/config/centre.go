package config

import (
	"strings"

	"github.com/policysite/policysite/generator/vars"
)

// A Centre is site.yaml as one policy centre reads it: the trust's, or
// one of its schools' (site.yaml's schools:).
type Centre struct {
	// Site is site.yaml as the centre reads it. A school's centre is
	// published under the trust's base_url at its id, titled with its
	// name, and takes requests for its own DPO when it has one.
	Site *Site
	// Vars are the variables of the centre's policies.
	Vars *vars.Set
	// School is the centre's school, nil for the trust's.
	School *School
	// Root is the trust centre's path, Base this centre's: Root, or
	// Root followed by the school's id.
	Root, Base string
}

// A CentreCache keeps one centre's view of site.yaml (Site.Centre) while
// the Site stays the same.
type CentreCache struct {
	of     *Site
	centre *Centre
}

// Centre returns s.Centre(school), or the one made last time of s.
func (c *CentreCache) Centre(s *Site, school string) *Centre {
	if c.of != s {
		c.of, c.centre = s, s.Centre(school)
	}
	return c.centre
}

// Centre returns site.yaml as the centre of school reads it ("" for the
// trust's). The caller keeps it while site.yaml stays the same, so that
// the memos keyed by its Site hold (CentreCache).
func (cfg *Site) Centre(school string) *Centre {
	root := cfg.BasePath()
	if school == "" {
		var notes map[string]vars.Note
		if len(cfg.Schools) > 0 {
			notes = map[string]vars.Note{}
			for _, f := range SchoolFields {
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
		return &Centre{Site: cfg, Vars: vars.New(cfg.Values(nil), notes).WithPlain(trustWords(notes)), Root: root, Base: root}
	}
	sc := cfg.School(school)
	c := *cfg
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
	return &Centre{Site: &c, Vars: vars.New(cfg.Values(sc), unset(cfg, sc)), School: c.School(school), Root: root, Base: root + sc.ID + "/"}
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
func unset(cfg *Site, sc *School) map[string]vars.Note {
	have := cfg.Values(sc)
	notes := map[string]vars.Note{}
	note := func(name, fix string) {
		if _, ok := have[name]; !ok {
			notes[name] = vars.Note{Message: "is not set for " + sc.Name + ": " + fix}
		}
	}
	for _, f := range SchoolFields {
		note("school."+f, "set "+f+": in its entry under site.yaml's schools:")
	}
	for _, other := range cfg.Schools {
		for k := range other.Params {
			note(k, "add "+k+" to its params: in site.yaml's schools:, or to params: for every school")
		}
	}
	return notes
}

// SchoolIDs returns the ids of site.yaml's schools, in its order.
func (cfg *Site) SchoolIDs() []string {
	ids := make([]string, len(cfg.Schools))
	for i, sc := range cfg.Schools {
		ids[i] = sc.ID
	}
	return ids
}
