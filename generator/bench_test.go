package generator

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/policysite/policysite/generator/corpus"
)

// corpusDir writes (once per process) a benchmark site of n policies.
var corpora sync.Map

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

func benchFloor(b *testing.B, n int) {
	src := corpusDir(b, n)
	dst := b.TempDir()
	b.ResetTimer()
	for b.Loop() {
		if err := corpus.Floor(src, dst); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n)/1e6, "ms/policy")
}

func benchBuild(b *testing.B, n int) {
	src := corpusDir(b, n)
	dst := filepath.Join(b.TempDir(), "public")
	b.ResetTimer()
	for b.Loop() {
		if _, err := Build(Options{Source: src, Destination: dst, Now: exampleNow}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n)/1e6, "ms/policy")
}

func BenchmarkFloor100(b *testing.B)  { benchFloor(b, 100) }
func BenchmarkBuild100(b *testing.B)  { benchBuild(b, 100) }
func BenchmarkFloor1000(b *testing.B) { benchFloor(b, 1000) }
func BenchmarkBuild1000(b *testing.B) { benchBuild(b, 1000) }
