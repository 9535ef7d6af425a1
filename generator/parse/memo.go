package parse

import (
	"bytes"
	"io/fs"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/history"
	"github.com/policysite/policysite/generator/site"
	"github.com/policysite/policysite/generator/source"
)

// A Memo keeps, from one render to the next, each policy file parsed
// while its content and the settings stay the same, and each comparison
// of two versions' files. Each file parsed anew gets a new id, so later
// stages key what they keep by ids in place of content. A nil *Memo keeps
// nothing: a build, which must not hold every policy's text.
//
// Policy is safe for concurrent use; Next is called between renders.
type Memo struct {
	ids       atomic.Uint64
	mu        sync.Mutex
	last      map[string]*Parsed // by path
	next      map[string]*Parsed
	diffs     map[[2]uint64]*history.Comparison // by the two files' ids
	nextDiffs map[[2]uint64]*history.Comparison
}

// A Parsed is one policy file parsed (File).
type Parsed struct {
	ID        uint64 // new whenever the file's content or the settings change
	data      []byte
	settings  Settings
	committed date.Date
	assets    []string
	Policy    *site.Policy // nil when the front matter could not be read
	L         diag.List
}

// Next ends a render: what it parsed and compared is kept for the next,
// and what it did not use is dropped.
func (m *Memo) Next() {
	if m == nil {
		return
	}
	m.last, m.next = m.next, nil
	m.diffs, m.nextDiffs = m.nextDiffs, nil
}

// Policy parses f with its earlier versions, attached and compared
// (site.Policy.AttachHistory), through m. The policy is a copy of the one
// kept, nil when f's front matter could not be read; ids names the files
// it was parsed from, for the keys of later stages.
func (m *Memo) Policy(f source.File, s Settings) (p *site.Policy, ids string, l diag.List) {
	cur := m.file(f, s)
	l, ids = cur.L, strconv.FormatUint(cur.ID, 10)
	if cur.Policy == nil {
		return nil, ids, l
	}
	q := *cur.Policy // the kept policy stays as parsed; this copy gains its history
	if len(f.History) == 0 {
		return &q, ids, l
	}
	hist := make([]*Parsed, len(f.History)+1)
	earlier := make([]site.Earlier, len(f.History))
	l = slices.Clip(l)
	for j, h := range f.History {
		hist[j] = m.file(h, s)
		l = append(l, hist[j].L...)
		ids += "," + strconv.FormatUint(hist[j].ID, 10)
		earlier[j] = site.Earlier{Path: h.Path, Version: h.Version, Policy: hist[j].Policy}
	}
	hist[len(f.History)] = cur
	l = append(l, q.AttachHistory(earlier, func(prev, next int) *history.Comparison {
		return m.compare(hist[prev], hist[next])
	})...)
	return &q, ids, l
}

// Publish reads f (source.Load) and parses it through m (Policy) for the
// centre of school ("" for the trust's). It returns the policy when that
// centre publishes it, and all, the policy published there or not (a
// trust policy a school has a copy of, or not the trust centre's), as
// the rules comparing centres read it (site.Front). A school's draft
// copy of a trust policy gives the trust's, published until the copy is
// ready, unless drafts are published. A trust policy the centre does not
// publish has no findings: the centres that publish it report them.
func (m *Memo) Publish(fsys fs.FS, f source.File, s Settings, school string, drafts bool) (p *site.Policy, all *site.Front, ids string, l diag.List) {
	if l = source.Load(fsys, &f); len(l) > 0 {
		return nil, nil, "", l
	}
	p, ids, l = m.Policy(f, s)
	if p != nil && p.Draft && !drafts && f.Trust != nil {
		t := *f.Trust
		if l = source.Load(fsys, &t); len(l) > 0 {
			return nil, nil, ids, l
		}
		p, ids, l = m.Policy(t, s)
	}
	if p != nil {
		all = p.Front()
	}
	if p == nil || p.Draft && !drafts {
		return nil, all, ids, l
	}
	if p.School == "" && !p.PublishedIn(school) {
		return nil, all, ids, nil
	}
	return p, all, ids, l
}

// file parses f, or returns it as parsed last time when its content and
// the settings are the same.
func (m *Memo) file(f source.File, s Settings) *Parsed {
	var e *Parsed
	if m != nil {
		m.mu.Lock()
		e = m.last[f.Path]
		m.mu.Unlock()
	}
	// bytes.Equal returns at once when the data is the kept copy itself.
	if e == nil || !e.settings.equal(s) || !bytes.Equal(e.data, f.Data) || e.committed != f.Committed || !slices.Equal(e.assets, f.Assets) {
		p, l := File(f, s)
		e = &Parsed{data: f.Data, settings: s, committed: f.Committed, assets: f.Assets, Policy: p, L: l}
		if m != nil {
			e.ID = m.ids.Add(1)
		}
	}
	if m != nil {
		m.mu.Lock()
		if m.next == nil {
			m.next = make(map[string]*Parsed, len(m.last))
		}
		m.next[f.Path] = e
		m.mu.Unlock()
	}
	return e
}

// compare compares two versions' files, or returns the comparison made
// last time of the same two.
func (m *Memo) compare(prev, next *Parsed) *history.Comparison {
	k := [2]uint64{prev.ID, next.ID}
	var d *history.Comparison
	if m != nil {
		m.mu.Lock()
		d = m.diffs[k]
		m.mu.Unlock()
	}
	if d == nil {
		// What readers see is compared, never the markdown.
		c := history.Compare(string(prev.Policy.Body), string(next.Policy.Body))
		d = &c
	}
	if m != nil {
		m.mu.Lock()
		if m.nextDiffs == nil {
			m.nextDiffs = make(map[[2]uint64]*history.Comparison, len(m.diffs))
		}
		m.nextDiffs[k] = d
		m.mu.Unlock()
	}
	return d
}
