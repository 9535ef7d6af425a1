package publish

import (
	"fmt"
	"os"
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

// BenchmarkKeepOld is what carrying over costs a rebuild (Tree.keepOld)
// of a 1,000-policy site (2,000 files its marker lists), alone and in a
// git checkout of 2,000 files: reading the old site's folders, and
// linking the checkout's files into the new tree.
func BenchmarkKeepOld(b *testing.B) {
	for _, git := range []int{0, 2000} {
		b.Run(fmt.Sprintf("checkout=%d", git), func(b *testing.B) {
			var outs []output.File
			for i := range 1000 {
				outs = append(outs, output.File{Path: fmt.Sprintf("policy-%05d/index.html", i), Body: []byte("p")},
					output.File{Path: fmt.Sprintf("policy-%05d/history/index.html", i), Body: []byte("h")})
			}
			var site []string
			for _, o := range outs {
				site = append(site, o.Path)
			}
			for i := range git {
				outs = append(outs, output.File{Path: fmt.Sprintf(".git/objects/%02x/%05d", i%256, i), Body: []byte("o")})
			}
			dest := filepath.Join(b.TempDir(), "public")
			if err := Write(dest, outs); err != nil {
				b.Fatal(err)
			}
			// The checkout is the user's: the marker lists the site's files.
			if err := os.WriteFile(filepath.Join(dest, Marker), markerBody(site), 0o644); err != nil {
				b.Fatal(err)
			}
			var cpu time.Duration
			for b.Loop() {
				t, err := Create(dest)
				if err != nil {
					b.Fatal(err)
				}
				before := testtools.CPUTime()
				if err := t.keepOld(); err != nil {
					b.Fatal(err)
				}
				cpu += testtools.CPUTime() - before
				t.Abort()
			}
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/build")
		})
	}
}
