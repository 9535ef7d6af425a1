package output

import (
	"slices"
	"strings"
	"sync"
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
