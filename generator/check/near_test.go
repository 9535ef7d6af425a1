package check

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/markdown"
	"github.com/policysite/policysite/internal/textdist"
)

// randomKey is a short string over a small alphabet, so that near keys
// are common.
func randomKey(r *rand.Rand) string {
	const alphabet = "abé "
	rs := []rune(alphabet)
	var b strings.Builder
	for range r.IntN(14) {
		b.WriteRune(rs[r.IntN(len(rs))])
	}
	return b.String()
}

// TestBounded: the banded distance agrees with the whole table up to k,
// and says k+1 beyond it.
func TestBounded(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var buf []int
	for range 20000 {
		a, b, k := randomKey(r), randomKey(r), r.IntN(4)
		want := min(textdist.Distance(a, b), k+1)
		if got := bounded([]rune(a), []rune(b), k, &buf); got != want {
			t.Fatalf("bounded(%q, %q, %d) = %d, want %d", a, b, k, got, want)
		}
	}
}

// TestNearIndex: the index finds what comparing with every key finds (the
// nearest within maxEdits, earliest among equals), while no bucket is full.
func TestNearIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := range 300 {
		x := newNearIndex()
		var keys []string
		for range 20 {
			k := randomKey(r)
			keys = append(keys, k)
			x.add(k, len(keys)-1)
		}
		for range 20 {
			q := randomKey(r)
			if round%2 == 0 && len(keys) > 0 {
				q = keys[r.IntN(len(keys))] + string("ab"[r.IntN(2)])
			}
			want, wd := -1, maxEdits+1
			for i, k := range keys {
				if d := textdist.Distance(q, k); d < wd {
					want, wd = i, d
				}
			}
			got, gd, ok := x.find(q, func(int) int { return maxEdits })
			if !ok {
				got, gd = -1, maxEdits+1
			}
			if got != want || gd != wd {
				t.Fatalf("find(%q) in %q = %d (distance %d), want %d (distance %d)", q, keys, got, gd, want, wd)
			}
		}
	}
}

// TestNearIndexBounded: keys made to share their segments cost a bounded
// number of comparisons each, not one per earlier key.
func TestNearIndexBounded(t *testing.T) {
	x := newNearIndex()
	for i := range 5000 {
		k := fmt.Sprintf("data retention %06d schedule", i)
		x.find(k, func(int) int { return maxEdits })
		x.add(k, i)
	}
	for s, b := range x.buckets {
		if len(b) > bucketCap {
			t.Fatalf("bucket %v holds %d keys", s, len(b))
		}
	}
}

// BenchmarkSiblingHeadings lints a policy of 8,000 sibling headings that
// are near one another (the case that took 8 s when every pair was
// compared): per heading, the cost must not grow with their number.
func BenchmarkSiblingHeadings(b *testing.B) {
	for _, n := range []int{1000, 8000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var md strings.Builder
			for i := range n {
				// A word of six letters unlike its neighbours': few pairs
				// are near, so comparing pairs would compare them all.
				w, v := make([]byte, 6), uint64(i)*2654435761%308915776
				for j := range w {
					w[j], v = 'a'+byte(v%26), v/26
				}
				fmt.Fprintf(&md, "## Retention of %s records\n\nText.\n\n", w)
			}
			src := []byte(md.String())
			r := markdown.Render(src, markdown.Options{Path: "content/a.md"})
			for b.Loop() {
				Policy(Input{Path: "content/a.md", Data: src, Result: r})
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/heading")
		})
	}
}

// applyPairs is Apply as it was: each finding against each ignore.
func applyPairs(l diag.List, ign []Ignore) (kept diag.List, used []bool) {
	used = make([]bool, len(ign))
outer:
	for _, d := range l {
		for i, g := range ign {
			if g.Rule == d.Rule && ignorable(g.Rule) && g.Pos.File == d.File && (g.To == 0 || d.Line >= g.From && d.Line <= g.To) {
				used[i] = true
				continue outer
			}
		}
		kept = append(kept, d)
	}
	return kept, used
}

// TestApplySweep: Apply's sweep keeps and uses what comparing every pair
// does, on random findings and ignores of a few rules, files and lines.
func TestApplySweep(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	rules := []string{"placeholder", "repeated-word", "broken-link"}
	files := []string{"content/a.md", "content/b.md"}
	for range 2000 {
		var l diag.List
		for range r.IntN(12) {
			l = append(l, diag.Diagnostic{Pos: diag.Pos{File: files[r.IntN(2)], Line: r.IntN(20)}, Rule: rules[r.IntN(3)], Message: fmt.Sprint(r.IntN(1000))})
		}
		var ign []Ignore
		for range r.IntN(6) {
			g := Ignore{Pos: diag.Pos{File: files[r.IntN(2)], Line: r.IntN(20)}, Rule: rules[r.IntN(3)]}
			if r.IntN(4) > 0 {
				g.From = r.IntN(20)
				g.To = g.From + r.IntN(5)
			}
			ign = append(ign, g)
		}
		kept, used := applyPairs(l, ign)
		got := Apply(l, ign, nil)
		var gotKept diag.List
		unused := map[diag.Pos]int{}
		for _, d := range got {
			if d.Rule == "unused-ignore" {
				unused[d.Pos]++
			} else {
				gotKept = append(gotKept, d)
			}
		}
		wantUnused := map[diag.Pos]int{}
		for i, u := range used {
			if !u {
				wantUnused[ign[i].Pos]++
			}
		}
		if !slices.Equal(gotKept, kept) || !maps.Equal(unused, wantUnused) {
			t.Fatalf("findings %v, ignores %v:\nkept %v, unused %v\nwant %v, %v", l, ign, gotKept, unused, kept, wantUnused)
		}
	}
}

// BenchmarkIgnores lints policies with an accepted placeholder on every
// paragraph: per paragraph, the cost must not grow with their number.
func BenchmarkIgnores(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			src := []byte(strings.Repeat("Ask the [office]. <!-- check: ignore placeholder -->\n\n", n))
			r := markdown.Render(src, markdown.Options{Path: "content/a.md"})
			for b.Loop() {
				if l := Policy(Input{Path: "content/a.md", Data: src, Result: r}); len(l) != 0 {
					b.Fatal(l[0].Lint())
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/paragraph")
		})
	}
}
