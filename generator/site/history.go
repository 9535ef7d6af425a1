package site

import (
	"fmt"
	"sort"

	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/history"
	"github.com/policysite/policysite/generator/versions"
)

// An Earlier is a file of an earlier version of a policy, parsed:
// content/<slug>/history/<Version>.md.
type Earlier struct {
	Path, Version string
	// Policy is the file parsed; nil when its front matter could not be read.
	Policy *Policy
}

// AttachHistory gives p its earlier versions. It checks that versions
// increase with their effective dates and compares each version with the
// one before through compare, which takes the indexes in earlier of the
// two (len(earlier) standing for p itself).
func (p *Policy) AttachHistory(earlier []Earlier, compare func(prev, next int) *history.Comparison) diag.List {
	var l diag.List
	if len(earlier) == 0 {
		return l
	}
	type parsed struct {
		v    *Version
		file int
	}
	var vs []parsed
	for i, h := range earlier {
		hp := h.Policy
		if hp == nil {
			continue
		}
		at := hp.Meta.Pos.At("version")
		if at.File == "" {
			at = hp.Meta.Start
		}
		if err := versions.Check(h.Version); err != nil {
			l.Errorf(diag.Pos{File: h.Path}, "file name: %v", err)
			continue
		}
		if hp.Version == "" || versions.Check(hp.Version) != nil {
			continue // frontmatter reports the missing key or bad label
		}
		if hp.Version != h.Version {
			l.Errorf(at, "version %q disagrees with the file name %s.md: rename the file or fix the version", hp.Version, h.Version)
			continue
		}
		vs = append(vs, parsed{&Version{File: h.Path, Meta: hp.Meta, Body: hp.Body, Headings: hp.Headings, Contents: hp.Contents, Links: hp.Links, SHA256: hp.SHA256}, i})
	}
	// Versions whose labels all compare are in their numbers' order;
	// others ("Issue 3" beside "2024-25") in their effective dates'.
	byNumber := true
	for _, h := range vs {
		if _, ok := versions.Comparable(h.v.Version, p.Version); !ok {
			byNumber = false
		}
	}
	if byNumber {
		sort.SliceStable(vs, func(i, j int) bool { return versions.Compare(vs[i].v.Version, vs[j].v.Version) < 0 })
	} else {
		sort.SliceStable(vs, func(i, j int) bool { return vs[i].v.Effective.Before(vs[j].v.Effective) })
	}
	// The current version comes last; check the whole chain in order.
	last := parsed{&Version{File: p.File, Meta: p.Meta}, len(earlier)}
	if versions.Check(p.Version) != nil {
		return l // frontmatter reports a malformed version
	}
	ok := true
	for _, h := range vs {
		c, comparable := versions.Comparable(h.v.Version, p.Version)
		switch {
		case h.v.Version == p.Version || comparable && c == 0:
			l.Errorf(p.Meta.Pos.At("version"), "version %s is also %s: each version needs its own number", p.Version, pos(h.v.Meta.Pos.At("version")))
			ok = false
		case comparable && c > 0:
			l.Errorf(p.Meta.Pos.At("version"), "the current version %s is older than %s in %s: the current version must be the newest", p.Version, h.v.Version, h.v.File)
			ok = false
		}
	}
	if !ok {
		return l
	}
	chain := append(vs, last)
	for i := 1; i < len(chain); i++ {
		prev, next := chain[i-1].v, chain[i].v
		if c, comparable := versions.Comparable(prev.Version, next.Version); prev.Version == next.Version || comparable && c == 0 {
			l.Errorf(next.Meta.Pos.At("version"), "version %s is also %s: each version needs its own number", next.Version, pos(prev.Meta.Pos.At("version")))
			ok = false
			continue
		}
		if !next.Effective.After(prev.Effective) {
			l.Errorf(next.Meta.Pos.At("effective"), "version %s takes effect %s, not after version %s (%s, %s): versions must take effect in order",
				next.Version, next.Effective, prev.Version, prev.Effective, pos(prev.Meta.Pos.At("effective")))
			ok = false
		}
	}
	if !ok {
		return l
	}
	for i := 1; i < len(chain); i++ {
		chain[i].v.Diff = compare(chain[i-1].file, chain[i].file)
		chain[i].v.Previous = chain[i-1].v.Version
		chain[i-1].v.Until = chain[i].v.Effective.AddDays(-1)
	}
	p.Diff = last.v.Diff
	for i := len(vs) - 1; i >= 0; i-- {
		p.History = append(p.History, vs[i].v)
	}
	return l
}

func pos(p diag.Pos) string {
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}
