package publish

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/policysite/policysite/generator/output"
	"github.com/policysite/policysite/internal/testtools"
)

// BenchmarkTreeAdd writes the files of a 1,000-policy site (a page and a
// history page in a folder each, 30 KB and 2 KB, not to be minified)
// into a Tree, emitted from two goroutines as a build does and written
// by the tree's writers, and aborts it: the cost per file of the system
// calls that make folders and files, without the sync. CPU time
// (user and system, the process's) is steadier than wall time on a
// shared machine.
func BenchmarkTreeAdd(b *testing.B) {
	page, history := make([]byte, 30<<10), make([]byte, 2<<10)
	var outs []output.File
	for i := range 1000 {
		outs = append(outs, output.File{Path: fmt.Sprintf("policy-%05d/index.html", i), Body: page, Raw: true},
			output.File{Path: fmt.Sprintf("policy-%05d/history/index.html", i), Body: history, Raw: true})
	}
	dest := filepath.Join(b.TempDir(), "public")
	var cpu time.Duration
	for b.Loop() {
		before := testtools.CPUTime()
		t, err := Create(dest)
		if err != nil {
			b.Fatal(err)
		}
		var wg sync.WaitGroup
		for w := range 2 {
			wg.Go(func() {
				for i := w; i < len(outs); i += 2 {
					if err := t.Emit(outs[i]); err != nil {
						b.Error(err)
					}
				}
			})
		}
		wg.Wait()
		if err := t.drain(); err != nil {
			b.Fatal(err)
		}
		cpu += testtools.CPUTime() - before
		t.Abort()
	}
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N)/float64(len(outs)), "cpu-µs/file")
}
