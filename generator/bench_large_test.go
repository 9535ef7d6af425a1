package generator

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/policysite/policysite/generator/corpus"
	"github.com/policysite/policysite/internal/testtools"
)

// largeSite writes a site of one policy of about size bytes.
func largeSite(tb testing.TB, size int) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := corpus.WriteLarge(dir, size); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// BenchmarkLargePolicy builds a site of ONE policy of each size through
// Build, to disk. Cost per MB should be flat across sizes: a rule or a
// stage that compares every pair of headings, or rescans the text for each
// block, shows as ns/MB growing with the size.
func BenchmarkLargePolicy(b *testing.B) {
	for _, size := range []int{512 << 10, 1 << 20, 2 << 20, 5 << 20} {
		b.Run(fmt.Sprintf("%.1fMB", float64(size)/(1<<20)), func(b *testing.B) {
			src := largeSite(b, size)
			dst := filepath.Join(b.TempDir(), "public")
			b.SetBytes(int64(size))
			var cpu time.Duration
			for b.Loop() {
				before := testtools.CPUTime()
				if _, err := buildTo(dst, Options{Source: os.DirFS(src), Now: exampleNow}); err != nil {
					b.Fatal(err)
				}
				cpu += testtools.CPUTime() - before
			}
			mb := float64(size) / (1 << 20)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/mb, "ns/MB")
			// CPU time is steadier than wall time on a shared machine.
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/mb, "cpu-ns/MB")
		})
	}
}

// hostilePolicy is a policy of n sections made of what once cost time
// quadratic in its size: sibling headings that are all different words, a
// hand-written contents list naming each (and one that no heading has),
// links to each heading and to a missing one, and a placeholder with an
// ignore comment in every section.
func hostilePolicy(n int) []byte {
	var b strings.Builder
	b.WriteString("---\ntitle: Hostile\nversion: \"1\"\neffective: 2026-01-01\nnext_review: 2027-01-01\nowner: Office\n---\n## Contents\n\n")
	word := func(i int) string {
		w, v := make([]byte, 7), uint64(i)*2654435761%8031810176
		for j := range w {
			w[j], v = 'a'+byte(v%26), v/26
		}
		return string(w)
	}
	for i := range n {
		fmt.Fprintf(&b, "- Retention of %s records\n- Retention of %s recrods\n", word(i), word(i))
	}
	b.WriteString("\n")
	for i := range n {
		fmt.Fprintf(&b, "## Retention of %s records\n\nSee [the clause](#retention-of-%s-records), not [this](#retention-of-%s). Ask the [office]. <!-- check: ignore placeholder -->\n\n", word(i), word(i), word(i))
	}
	return []byte(b.String())
}

// TestBuildLinear builds hostile policies of n and 4n sections: the CPU
// time must grow about 4 times, not the 16 of a stage comparing pairs.
func TestBuildLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("builds policies of thousands of sections")
	}
	cost := func(n int) time.Duration {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "content"), 0o755); err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{"site.yaml": []byte("title: T\norganisation:\n  name: T\n"), "content/hostile.md": hostilePolicy(n)}
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		best := time.Duration(1 << 62)
		for range 2 { // the faster of two: another process may take the CPU's cache
			before := testtools.CPUTime()
			res, err := Render(Options{Source: os.DirFS(dir), Now: exampleNow})
			if res == nil {
				t.Fatal(err)
			}
			best = min(best, testtools.CPUTime()-before)
		}
		return best
	}
	small, large := cost(2000), cost(8000)
	if ratio := float64(large) / float64(small); ratio > 8 {
		t.Errorf("4 times the sections cost %.1f times the CPU (%v, then %v): a stage is not linear", ratio, small, large)
	} else {
		t.Logf("4 times the sections cost %.1f times the CPU (%v, then %v)", ratio, small, large)
	}
}
