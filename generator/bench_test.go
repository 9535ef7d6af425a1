package generator

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/tdewolff/minify/v2"
	mhtml "github.com/tdewolff/minify/v2/html"
	"github.com/yuin/goldmark"
	"gopkg.in/yaml.v3"

	"github.com/policysite/policysite/generator/corpus"
	"github.com/policysite/policysite/generator/frontmatter"
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

// floor is the least any generator built on our libraries could do: read,
// split, decode YAML, render markdown, minify and write each policy, one
// worker per core, with no templates, index, checks or links. Benchmarks of
// the real build report their time as a ratio to it.
func floor(src, dst string) error {
	files, err := filepath.Glob(filepath.Join(src, "content", "*.md"))
	if err != nil {
		return err
	}
	m := minify.New()
	m.Add("text/html", &mhtml.Minifier{KeepEndTags: true, KeepQuotes: true, KeepDocumentTags: true})
	md := goldmark.New()
	os.MkdirAll(dst, 0o755)
	var wg sync.WaitGroup
	next := make(chan string)
	errs := make(chan error, 1)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var html, min bytes.Buffer
			for f := range next {
				data, err := os.ReadFile(f)
				if err == nil {
					var fm []byte
					var body []byte
					fm, _, body, _, err = frontmatter.Split(data)
					var meta map[string]any
					if err == nil {
						err = yaml.Unmarshal(fm, &meta)
					}
					html.Reset()
					min.Reset()
					if err == nil {
						err = md.Convert(body, &html)
					}
					if err == nil {
						err = m.Minify("text/html", &min, &html)
					}
					if err == nil {
						err = os.WriteFile(filepath.Join(dst, filepath.Base(f)+".html"), min.Bytes(), 0o644)
					}
				}
				if err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		})
	}
	for _, f := range files {
		next <- f
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

func benchFloor(b *testing.B, n int) {
	src := corpusDir(b, n)
	dst := b.TempDir()
	b.ResetTimer()
	for b.Loop() {
		if err := floor(src, dst); err != nil {
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
