package generator

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/policysite/policysite/internal/testtools"
)

// largePolicy returns one policy of about size bytes, as a trust's
// handbook merged into a single file grows: thousands of headings of a
// few sequence families (Part 12, Appendix C, Key Stage 2, Section 1991)
// that differ from one another by a number or a letter, some real typos
// and exact repeats among them, long lists and long paragraphs. The same
// size always gives the same text.
func largePolicy(size int) []byte {
	var b strings.Builder
	b.Grow(size + 4096)
	b.WriteString("---\ntitle: Staff handbook\nversion: \"4.2\"\neffective: 2026-09-01\nnext_review: 2027-09-01\nowner: Trust board\n---\n")
	b.WriteString("The handbook gathers every procedure the trust's academies follow in one place.\n\n")
	topics := []string{"Data retention", "Attendance and absence", "Behaviour and rewards", "Curriculum planning",
		"Safer recruitment", "Educational visits", "Premises and security", "Staff wellbeing"}
	letters := "ABCDEFGHJKLMNPQRSTUVWXYZ"
	roman := []string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"}
	para := strings.Repeat("Each academy keeps a written record of the decision, the reasons for it and the people who took it, and the head of the academy reviews that record with the governing body at the end of every term. ", 4)
	for i := 0; b.Len() < size; i++ {
		topic := topics[i%len(topics)]
		intro := para // a long paragraph now and then
		if i%5 != 0 {
			intro = para[:200]
		}
		fmt.Fprintf(&b, "## Part %d: %s\n\n%s\n\n", i+1, topic, intro)
		for j := 0; j < 6; j++ {
			r := i % 3
			switch j % 6 {
			case 0:
				fmt.Fprintf(&b, "### Key Stage %d arrangements\n\n", r+i%2+1)
			case 1:
				fmt.Fprintf(&b, "### Appendix %c: %s forms\n\n", letters[(i+r)%len(letters)], topic)
			case 2:
				fmt.Fprintf(&b, "### Section %d of the %s procedure\n\n", 1990+i*7+r, strings.ToLower(topic))
			case 3:
				fmt.Fprintf(&b, "### Schedule %s for year %d\n\n", roman[(i+r)%len(roman)], 7+r)
			case 4:
				fmt.Fprintf(&b, "### %s in practice, part %d\n\n", topic, r+1)
			case 5:
				// A typo of the part's topic now and then, which the rule
				// must still find.
				if i%50 == 0 {
					fmt.Fprintf(&b, "### %s review\n\n", strings.Replace(topic, "e", "ee", 1))
				} else {
					fmt.Fprintf(&b, "### %s review %d\n\n", topic, r+1)
				}
			}
			b.WriteString(para[:80+(i*31+j*17)%200])
			b.WriteString("\n\n")
			if j == 0 && i%2 == 0 {
				b.WriteString("The steps are:\n\n")
				for k := 0; k < 12; k++ {
					fmt.Fprintf(&b, "- step %d: the member of staff named in the schedule records the outcome and informs the lead\n", k+1)
				}
				b.WriteString("\n")
			}
		}
	}
	return []byte(b.String())
}

// largeSite writes a site of one policy of about size bytes.
func largeSite(tb testing.TB, size int) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "content"), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: Handbook\norganisation:\n  name: Benchmark Trust\n"), 0o644); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "content", "handbook.md"), largePolicy(size), 0o644); err != nil {
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
