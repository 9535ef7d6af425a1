package output

import (
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/source"
)

// A Sink is where a render's outputs go: a build's tree (publish.Tree),
// or memory (Memory). Emit is called from several goroutines at once.
type Sink interface {
	Emit(outs ...File) error
}

// A Memory is a Sink that keeps every output.
type Memory struct {
	mu   sync.Mutex
	outs []File
}

// Emit keeps outs.
func (m *Memory) Emit(outs ...File) error {
	m.mu.Lock()
	m.outs = append(m.outs, outs...)
	m.mu.Unlock()
	return nil
}

// Sorted returns the outputs kept, sorted by path.
func (m *Memory) Sorted() []File {
	slices.SortFunc(m.outs, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return m.outs
}

// Under returns a Sink that puts outputs into out under folder prefix
// ("school/"), as a school's centre is published under the trust's.
func Under(out Sink, prefix string) Sink {
	return &prefixed{out: out, prefix: prefix}
}

// prefixed is Under's Sink.
type prefixed struct {
	out    Sink
	prefix string
}

func (p *prefixed) Emit(outs ...File) error {
	cp := make([]File, len(outs))
	for i, o := range outs {
		o.Path = p.prefix + o.Path
		cp[i] = o
	}
	return p.out.Emit(cp...)
}

// Assets returns the files of f's folder (source.File.Assets), as they
// are, to publish beside its page. One that cannot be read (a symbolic
// link out of the site folder) is an error at its path.
func Assets(fsys fs.FS, f source.File) ([]File, diag.List) {
	var outs []File
	var l diag.List
	for _, a := range f.Assets {
		data, err := fs.ReadFile(fsys, a)
		if err != nil {
			l.Errorf(diag.Pos{File: a}, "%v", source.Explain(err))
			continue
		}
		outs = append(outs, File{Path: AssetPath(f, a), Body: data, Raw: true})
	}
	return outs, l
}

// LinkPath returns the path p, a file of f's folder or f itself, has to
// f's links and pictures: a school's file content/<school>/<rest> is
// content/<rest>, as a school's policy links as a trust's policy in
// content/ does. A trust's file is as it is.
func LinkPath(f source.File, p string) string {
	if f.School == "" {
		return p
	}
	if rest, ok := strings.CutPrefix(p, source.Dir+"/"+f.School+"/"); ok {
		return source.Dir + "/" + rest
	}
	return p
}

// AssetPath returns where a, a file of f's folder (source.File.Assets), is
// published, relative to the root of f's centre (source.AssetPath).
func AssetPath(f source.File, a string) string {
	return source.AssetPath(f.Slug, LinkPath(f, a))
}
