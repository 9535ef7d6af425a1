package main

import (
	"fmt"
	"io/fs"
	"math"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/policysite/policysite/generator"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/publish"
	"github.com/policysite/policysite/internal/sitetest"
	"github.com/policysite/policysite/internal/testtools"
)

// A heap budget puts the runtime's settings back when stopped, and a nil
// one does nothing.
func TestHeapBudget(t *testing.T) {
	percent := debug.SetGCPercent(100)
	defer debug.SetGCPercent(percent)
	h := startHeapBudget(1 << 30)
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Errorf("memory limit %d while on, want %d", got, 1<<30)
	}
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Errorf("GOGC %d while on, want off", got)
	}
	h.stop()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC %d after, want 100", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("memory limit %d after, want none", got)
	}
	h.stop() // a second stop is harmless
	none := startHeapBudget(0)
	none.stop()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("no budget: GOGC %d, want 100", got)
	}
}

// One policy that alone outgrows the budget puts the runtime's settings
// back at the end of the next collection, without a call to check: a build
// of one huge policy calls it once.
func TestHeapBudgetOutgrownByOne(t *testing.T) {
	percent := debug.SetGCPercent(100)
	defer debug.SetGCPercent(percent)
	h := startHeapBudget(16 << 20)
	defer h.stop()
	held := make([][]byte, 0, 32)
	for range 32 { // 32 MiB live: twice the budget
		held = append(held, make([]byte, 1<<20))
	}
	deadline := time.Now().Add(10 * time.Second)
	for h.on.Load() && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond) // cleanups run on their own goroutine
	}
	runtime.KeepAlive(held)
	if h.on.Load() {
		t.Fatal("the budget is still on with the live heap at twice it")
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC %d after, want 100", got)
	}
}

// hugeFrontMatter returns a site of one policy whose front matter is about
// 10 MB of 450,000 unknown keys.
func hugeFrontMatter() fs.FS {
	var b strings.Builder
	b.WriteString(hugeHead)
	for i := range 450_000 {
		fmt.Fprintf(&b, "k%06d: unknown value x\n", i)
	}
	b.WriteString("---\n\nThe hall may be let to community groups.\n")
	return onePolicySite(b.String())
}

// hugeText returns a site of one policy of about 12 MB of text: its
// markdown tree alone outgrows the budget.
func hugeText() fs.FS {
	var b strings.Builder
	b.WriteString(hugeHead + "---\n")
	for i := 0; b.Len() < 12<<20; i++ {
		fmt.Fprintf(&b, "\n## Booking %d\n\nA group that books the hall *leaves it* as it found it, and [tells the office](#booking-0) of any damage.\n", i)
	}
	return onePolicySite(b.String())
}

const hugeHead = "---\ntitle: Lettings of the school hall\nversion: \"1.0\"\neffective: 2026-01-01\nnext_review: 2027-01-01\nowner: Business manager\n"

func onePolicySite(policy string) fs.FS {
	return sitetest.Files(map[string]string{"site.yaml": "title: Hall lettings\n", "content/lettings.md": policy})
}

// BenchmarkHugeFrontMatter and BenchmarkHugeText build one policy that
// alone outgrows the heap budget, with the budget build uses (96 MiB) and
// with the runtime's default (GOGC=100): the budget must not be slower.
// The front matter is refused by its size (frontmatter.MaxSize) before it
// is decoded; before that bound, it was decoded into some 500 MB of nodes.
func BenchmarkHugeFrontMatter(b *testing.B) { benchHuge(b, hugeFrontMatter(), true) }
func BenchmarkHugeText(b *testing.B)        { benchHuge(b, hugeText(), false) }

func benchHuge(b *testing.B, src fs.FS, refused bool) {
	for _, budget := range []int64{96 << 20, 0} {
		name := "budget"
		if budget == 0 {
			name = "GOGC=100"
		}
		b.Run(name, func(b *testing.B) {
			dst := filepath.Join(b.TempDir(), "public")
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			before, gcs, n := testtools.CPUTime(), ms.NumGC, 0
			for b.Loop() {
				h := startHeapBudget(budget)
				tree, err := publish.Create(dst)
				if err == nil {
					_, err = generator.Build(generator.Options{Source: src, Now: date.New(2026, 11, 23)}, tree)
				}
				h.stop()
				if (err != nil) != refused {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric((testtools.CPUTime()-before).Seconds()/float64(n), "cpu-s/op")
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(ms.NumGC-gcs)/float64(n), "gc/op")
		})
	}
}
