package serve

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/policysite/policysite/generator/corpus"
	"github.com/policysite/policysite/generator/date"
)

// BenchmarkSaveToServed measures, at 1,000 policies, the time from writing a
// policy to the changed page being served over HTTP: write, wait for the
// reload event, GET the page (again after each reload event, until it shows
// the edit). It reports the distribution: least, median, 90th and 95th
// percentile (nearest rank) and most.
//
//	go test -run '^$' -bench SaveToServed -benchtime 40x ./generator/serve/
func BenchmarkSaveToServed(b *testing.B) {
	dir := b.TempDir()
	write(b, dir, "site.yaml", "title: Bench School\nbase_url: https://example.org/\n")
	for i := range 1000 {
		write(b, dir, fmt.Sprintf("content/policy-%04d.md", i), policy(fmt.Sprintf("Policy %d", i), strings.Repeat("Some words about the policy. ", 40)))
	}
	benchSaveToServed(b, dir, "content/policy-0500.md", "/policy-0500/", func(i int) (string, string) {
		want := fmt.Sprintf("Edit number %d.", i)
		return policy("Policy 500", want), want
	})
}

// BenchmarkSaveToServedCorpus is BenchmarkSaveToServed on the benchmark
// corpus: 1,000 policies of 1,500 to 3,000 words, with lists, tables and
// links between them, one of which gains a sentence at each save.
func BenchmarkSaveToServedCorpus(b *testing.B) {
	dir := b.TempDir()
	if err := corpus.Write(dir, 1000, 1, date.New(2026, 3, 1)); err != nil {
		b.Fatal(err)
	}
	rel := "content/" + corpus.Slug(500) + ".md"
	orig, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		b.Fatal(err)
	}
	benchSaveToServed(b, dir, rel, "/"+corpus.Slug(500)+"/", func(i int) (string, string) {
		want := fmt.Sprintf("Edit number %d.", i)
		return string(orig) + "\n" + want + "\n", want
	})
}

// benchSaveToServed saves rel with edit(i) at each iteration i, and times
// it until page shows the text edit says it wants.
func benchSaveToServed(b *testing.B, dir, rel, page string, edit func(i int) (text, want string)) {
	s := start(b, dir)
	var took []time.Duration
	i := 0
	for b.Loop() {
		i++
		text, want := edit(i)
		t0 := time.Now()
		write(b, dir, rel, text)
		for {
			s.next()
			resp, err := http.Get(s.base + page)
			if err != nil {
				b.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(body), want) {
				break
			}
		}
		took = append(took, time.Since(t0))
	}
	slices.Sort(took)
	at := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1)+0.5)].Microseconds()) / 1000 }
	b.ReportMetric(at(0), "min-ms")
	b.ReportMetric(at(0.5), "median-ms")
	b.ReportMetric(at(0.9), "p90-ms")
	b.ReportMetric(at(0.95), "p95-ms")
	b.ReportMetric(at(1), "max-ms")
}
