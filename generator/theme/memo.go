package theme

import (
	"sync"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/output"
	"github.com/policysite/policysite/generator/site"
)

// A Memo keeps a centre's rendered pages from one render to the next:
// each policy's while what they are rendered from (a Key) stays the
// same, and the pages listing every policy while their Key and every
// policy's record (site.Record: all they read of it) do. A nil
// Memo keeps nothing, as a Build needs nothing kept.
type Memo struct {
	mu     sync.Mutex
	pages  map[string]bundle // by slug: the last good render's
	next   map[string]bundle // this render's, Next makes them the last
	listed *listEntry
}

// A Key is everything a policy's pages are rendered from besides the
// policy: its files, and what every page reads of the site. The pages
// listing every policy read all but Files and Cookie.
type Key struct {
	Files string // the ids of the policy's parsed files
	Theme *Theme
	Cfg   *config.Site
	Now   date.Date
	// Cookie is the ids of the cookie policy's files: every page links to
	// it and the cookie notice names it.
	Cookie string
}

// A bundle is one policy's pages, with what they were rendered from.
type bundle struct {
	key  Key
	outs []output.File
}

// A listEntry is the outputs that list every policy, with what they were
// rendered from.
type listEntry struct {
	key     Key
	records []*site.Record
	outs    []output.File
}

// Policy returns the pages of the policy slug: the last good render's
// when they were rendered from key, or else those render makes. It is
// safe for concurrent use within a render.
func (m *Memo) Policy(slug string, key Key, render func() ([]output.File, error)) ([]output.File, error) {
	if m == nil {
		return render()
	}
	var outs []output.File
	if b, ok := m.pages[slug]; ok && b.key == key {
		outs = b.outs
	} else {
		var err error
		if outs, err = render(); err != nil {
			return nil, err
		}
	}
	m.mu.Lock()
	if m.next == nil {
		m.next = make(map[string]bundle, len(m.pages)) // most often the same policies
	}
	m.next[slug] = bundle{key: key, outs: outs}
	m.mu.Unlock()
	return outs, nil
}

// Next makes the pages of this render's Policy calls the ones the next
// render may keep, once it has succeeded.
func (m *Memo) Next() {
	if m != nil {
		m.pages, m.next = m.next, nil
	}
}

// Lists hands the pages listing every policy to emit: the last render's
// when they were rendered from key and records (site.SameRecords), or
// else those render makes. A nil Memo keeps none of them and hands each
// to emit as render makes it: at 10,000 policies they are tens of
// megabytes. A Memo hands them over once render has made them all.
func (m *Memo) Lists(key Key, records []*site.Record, render func(emit func(output.File) error) error, emit func(...output.File) error) error {
	if m == nil {
		return render(func(f output.File) error { return emit(f) })
	}
	if e := m.listed; e != nil && e.key == key && site.SameRecords(e.records, records) {
		return emit(e.outs...)
	}
	var outs []output.File
	if err := render(func(f output.File) error { outs = append(outs, f); return nil }); err != nil {
		return err
	}
	m.listed = &listEntry{key: key, records: records, outs: outs}
	return emit(outs...)
}
