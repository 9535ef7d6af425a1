package serve

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkSaveToServed measures, at 1,000 policies, the time from writing a
// policy to the changed page being served over HTTP: write, wait for the
// reload event, GET the page. It reports the median and p95.
//
//	go test -run '^$' -bench SaveToServed -benchtime 40x ./generator/serve/
func BenchmarkSaveToServed(b *testing.B) {
	dir := b.TempDir()
	write(b, dir, "site.yaml", "title: Bench School\nbase_url: https://example.org/\n")
	for i := range 1000 {
		write(b, dir, fmt.Sprintf("content/policy-%04d.md", i), policy(fmt.Sprintf("Policy %d", i), strings.Repeat("Some words about the policy. ", 40)))
	}
	s := start(b, dir)
	var took []time.Duration
	b.ResetTimer()
	for i := range b.N {
		want := fmt.Sprintf("Edit number %d.", i)
		t0 := time.Now()
		write(b, dir, "content/policy-0500.md", policy("Policy 500", want))
		for {
			s.next()
			resp, err := http.Get(s.base + "/policy-0500/")
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
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "median-ms")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
}
