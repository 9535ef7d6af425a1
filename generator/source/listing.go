package source

import (
	"io/fs"
	"slices"
	"strings"

	"github.com/policysite/policysite/generator/diag"
)

// A Listing keeps what List and ListSchool found from one render to the
// next, for a site folder every change to which is reported (Changed), as
// serve's watcher reports them. A listing is found again only when a
// change could alter it: a path that appeared or went, a folder, a file
// that could not be read, one that is no longer a regular file or is too
// large, or a policy whose slug: line reads differently. A save of a
// policy's text, a picture beside it or an earlier version reuses it. A
// site with a symbolic link in content/ is listed every time, as the
// watcher does not follow links. A nil *Listing keeps nothing.
//
// Each render calls List first, then ListSchool for each school.
type Listing struct {
	changed []string // reported since the last List
	seen    *seen    // what the kept listings read; nil when there are none
	schools []string // List's
	trust   listed
	school  map[string]listed
}

type listed struct {
	files []File
	l     diag.List
}

// Changed reports paths of the site folder, as for Builder.Changed: slash
// paths relative to it, a folder standing for all in it, "." for all.
func (m *Listing) Changed(paths ...string) {
	if m != nil {
		m.changed = append(m.changed, paths...)
	}
}

// List returns List(fsys, schools...), the kept listing when nothing
// reported since changes it.
func (m *Listing) List(fsys fs.FS, schools ...string) ([]File, diag.List) {
	if m == nil {
		return List(fsys, schools...)
	}
	if !m.holds(fsys) || !slices.Equal(m.schools, schools) {
		m.seen, m.schools, m.school = &seen{found: &found{files: map[string]bool{}, peeks: map[string]peek{}}}, slices.Clone(schools), map[string]listed{}
		files, l := list(fsys, m.seen, schools)
		m.trust = listed{files, l}
	}
	return m.trust.clone()
}

// ListSchool returns ListSchool(fsys, school, trust), where trust is what
// List returned in this render, the kept listing when List's was kept.
func (m *Listing) ListSchool(fsys fs.FS, school string, trust []File) ([]File, diag.List) {
	if m == nil || m.seen == nil {
		return ListSchool(fsys, school, trust)
	}
	k, ok := m.school[school]
	if !ok {
		files, l := listSchool(fsys, m.seen, school, trust)
		k.files, k.l = listed{files, l}.clone() // its trust policies' History is this render's
		m.school[school] = k
	}
	return k.clone()
}

// holds reports whether the kept listings are still right, given the
// changes reported since they were made, and forgets the changes.
func (m *Listing) holds(fsys fs.FS) bool {
	changed := m.changed
	m.changed = nil
	if m.seen == nil || m.seen.links {
		return false
	}
	for _, p := range changed {
		rel, ok := strings.CutPrefix(p, Dir+"/")
		if !ok {
			if p == "." || p == Dir {
				return false
			}
			continue // not in content/: List reads nothing there
		}
		if slices.ContainsFunc(strings.Split(rel, "/"), ignored) {
			continue
		}
		if !m.seen.files[p] {
			return false // new, a folder, or one that had an error
		}
		info, err := fs.Stat(fsys, p)
		if err != nil || !info.Mode().IsRegular() || info.Size() > MaxSize {
			return false
		}
		if was, ok := m.seen.peeks[p]; ok {
			slug, pos, has := frontSlug(fsys, p)
			if (peek{slug, pos.Line, pos.Col, has}) != was {
				return false
			}
		}
	}
	return true
}

// clone returns k's files and findings in slices of their own: a render
// sets fields of its files (SetCommitted).
func (k listed) clone() ([]File, diag.List) {
	files := slices.Clone(k.files)
	for i := range files {
		files[i].History = slices.Clone(files[i].History)
	}
	return files, slices.Clone(k.l)
}

// A seen is what listings read: each file read without an error, what
// each policy file's slug: peek gave, and whether any entry was a
// symbolic link. A nil *seen records nothing.
type seen struct {
	*found
	real func(string) string // the path in the site folder of a path the listing read
}

type found struct {
	files map[string]bool // by path in the site folder
	peeks map[string]peek
	links bool
}

// A peek is what frontSlug gave: the slug, where, and whether there is one.
type peek struct {
	slug      string
	line, col int
	ok        bool
}

func (s *seen) path(p string) string {
	if s.real != nil {
		return s.real(p)
	}
	return p
}

func (s *seen) file(p string) {
	if s != nil {
		s.files[s.path(p)] = true
	}
}

func (s *seen) peeked(p string, k peek) {
	if s != nil {
		s.peeks[s.path(p)] = k
	}
}

func (s *seen) symlink() {
	if s != nil {
		s.links = true
	}
}

// under returns s recording the paths of u's listing as they are in the
// site folder.
func (s *seen) under(u *under) *seen {
	if s == nil {
		return nil
	}
	return &seen{s.found, u.path}
}
