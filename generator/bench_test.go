package generator

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/policysite/policysite/generator/corpus"
	"github.com/policysite/policysite/internal/testtools"
)

// corpusDir writes (once per process) a benchmark site of n policies.
var corpora sync.Map

// TestMain removes the corpora the benchmarks wrote: 10,000 policies are
// hundreds of MB, in /dev/shm when TMPDIR points there.
func TestMain(m *testing.M) {
	code := m.Run()
	corpora.Range(func(_, dir any) bool {
		os.RemoveAll(dir.(string))
		return true
	})
	os.Exit(code)
}

func corpusDir(b *testing.B, n int) string {
	b.Helper()
	if d, ok := corpora.Load(n); ok {
		return d.(string)
	}
	dir, err := os.MkdirTemp("", "policysite-corpus")
	if err != nil {
		b.Fatal(err)
	}
	if err := corpus.Write(dir, n, 1, exampleNow); err != nil {
		b.Fatal(err)
	}
	corpora.Store(n, dir)
	return dir
}

// benchFloor and benchBuild write each run into a folder that does not
// exist yet, as a build in CI does; removing the last run's is not timed.
func benchFloor(b *testing.B, n int) {
	benchWrite(b, n, func(src, dst string) error { return corpus.Floor(src, dst) })
}

func benchBuild(b *testing.B, n int) {
	benchWrite(b, n, func(src, dst string) error {
		_, err := buildTo(dst, Options{Source: os.DirFS(src), Now: exampleNow})
		return err
	})
}

func benchWrite(b *testing.B, n int, run func(src, dst string) error) {
	timeRuns(b, corpusDir(b, n), n, "policy", run)
}

// timeRuns runs run from src into a new folder again and again and
// reports the time per one of n units.
func timeRuns(b *testing.B, src string, n int, unit string, run func(src, dst string) error) {
	dst := filepath.Join(b.TempDir(), "public")
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		if err := os.RemoveAll(dst); err != nil {
			b.Fatal(err)
		}
		runtime.GC() // the last run's garbage is not this one's
		before := testtools.CPUTime()
		b.StartTimer()
		if err := run(src, dst); err != nil {
			b.Fatal(err)
		}
		cpu += testtools.CPUTime() - before
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n)/1e6, "ms/"+unit)
	// CPU time is steadier than wall time on a shared machine, and is
	// what the whole-process comparison (scripts/bench.sh) reports.
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(n)/1e6, "cpu-ms/"+unit)
}

func BenchmarkFloor100(b *testing.B)  { benchFloor(b, 100) }
func BenchmarkBuild100(b *testing.B)  { benchBuild(b, 100) }
func BenchmarkFloor1000(b *testing.B) { benchFloor(b, 1000) }
func BenchmarkBuild1000(b *testing.B) { benchBuild(b, 1000) }

// benchIncremental measures a watched Builder's render after one policy of
// n is saved: edit changes the policy's text for iteration i. The first
// render is not timed.
func benchIncremental(b *testing.B, n int, edit func(text string, i int) string) {
	src := b.TempDir()
	if err := corpus.Write(src, n, 1, exampleNow); err != nil {
		b.Fatal(err)
	}
	rel := "content/" + corpus.Slug(n/2) + ".md"
	orig, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(rel)))
	if err != nil {
		b.Fatal(err)
	}
	bd := NewBuilder(Options{Source: os.DirFS(src), Now: exampleNow})
	bd.Watched()
	if _, err := bd.Render(); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		i++
		if err := os.WriteFile(filepath.Join(src, filepath.FromSlash(rel)), []byte(edit(string(orig), i)), 0o644); err != nil {
			b.Fatal(err)
		}
		bd.Changed(rel)
		res, err := bd.Render()
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Changed) == 0 {
			b.Fatal("nothing changed")
		}
	}
}

// BenchmarkIncremental1000 is serve's rebuild after a save, at 1,000
// policies: of the text of a policy (its page alone is rendered again),
// and of its title (the index, the changes page and the feeds too).
func BenchmarkIncremental1000(b *testing.B) {
	b.Run("text", func(b *testing.B) {
		benchIncremental(b, 1000, func(text string, i int) string { return fmt.Sprintf("%s\nEdit number %d.\n", text, i) })
	})
	b.Run("title", func(b *testing.B) {
		benchIncremental(b, 1000, func(text string, i int) string {
			return strings.Replace(text, "title: ", fmt.Sprintf("title: Edit %d of ", i), 1)
		})
	})
}

// benchSchools builds the corpus of n policies for a trust of k schools,
// each policy naming the school ({{ school.name }}), and reports the time
// per centre's page of a policy (n for the trust, n for each school), to
// set beside BenchmarkBuild's per policy: a school's centre costs what a
// site of its own would.
func benchSchools(b *testing.B, n, k int) {
	src := filepath.Join(b.TempDir(), "site")
	if err := corpus.Write(src, n, 1, exampleNow); err != nil {
		b.Fatal(err)
	}
	cfg, err := os.ReadFile(filepath.Join(src, "site.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	cfg = append(cfg, "schools:\n"...)
	for i := range k {
		cfg = fmt.Appendf(cfg, "  - id: school-%d\n    name: School %d\n    headteacher: Head %d\n", i, i, i)
	}
	if err := os.WriteFile(filepath.Join(src, "site.yaml"), cfg, 0o644); err != nil {
		b.Fatal(err)
	}
	for i := range n {
		p := filepath.Join(src, "content", corpus.Slug(i)+".md")
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, append(data, "\n\nThis policy applies at {{ school.name }}, whose headteacher is {{ school.headteacher }}.\n"...), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	// The trust's pages of the policies only link to the schools'.
	timeRuns(b, src, n*k, "policy-page", func(src, dst string) error {
		_, err := buildTo(dst, Options{Source: os.DirFS(src), Now: exampleNow})
		return err
	})
}

func BenchmarkSchools100x10(b *testing.B)  { benchSchools(b, 100, 10) }
func BenchmarkSchools1000x10(b *testing.B) { benchSchools(b, 1000, 10) }
