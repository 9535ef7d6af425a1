// Package textdist measures how far apart two strings are, for the
// "did you mean" of every error that names something unknown: a front
// matter field, a heading id, a nation of bank holidays.
package textdist

import "strings"

// Distance is the Levenshtein edit distance between a and b, in runes.
// It fills the whole table, so it costs len(a)*len(b): callers compare
// short names, or bound how many they compare.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := prev[j-1]
			if ra[i-1] != rb[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Nearest returns the word of words nearest to w, ignoring case, or ""
// when none is within a third of its letters (or two edits, a swap of two
// letters): the did-you-mean of a name that is not declared.
func Nearest(w string, words []string) string {
	lw := strings.ToLower(w)
	best, bestD := "", max(2, len(w)/3)+1
	for _, x := range words {
		if d := Distance(lw, strings.ToLower(x)); d < bestD {
			best, bestD = x, d
		}
	}
	return best
}
