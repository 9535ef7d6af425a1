package check

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestFindProcessorsIntro checks that trying processorsIntro only from
// just before the first "processors" finds what trying it everywhere finds:
// paragraphs of words that make up its matches and near misses, in mixed
// case, with ſ for s and text before the promise.
func TestFindProcessorsIntro(t *testing.T) {
	words := []string{"the", "The", "THE", "following", "list", "of", "our", "all", "data", "sub-", "sub", "processors", "Processors",
		"PROCESSORS", "proceſſors", "proceSSors", "processor", "subprocessors", "processing", "procedure", "are", "is", "listed",
		"set out", "named", "below", "here", "at", "in the table", "on our website", ".", ";", "ünïcode", "é", "x", "the following ",
		"list of the ", "data ", "sub-processors", "xprocessors", "processorsx", "\t", "  "}
	r := rand.New(rand.NewPCG(1, 2))
	found := 0
	for range 20000 {
		var b strings.Builder
		for range 1 + r.IntN(40) {
			b.WriteString(words[r.IntN(len(words))])
			if r.IntN(3) > 0 {
				b.WriteByte(' ')
			}
		}
		s := []byte(b.String())
		want := -1
		if m := processorsIntro.FindIndex(s); m != nil {
			want = m[0]
			found++
		}
		if got := findProcessorsIntro(s); got != want {
			t.Fatalf("findProcessorsIntro(%q) = %d, want %d", s, got, want)
		}
	}
	if found < 300 {
		t.Fatalf("only %d of the paragraphs promise a list: the test says little", found)
	}
}
