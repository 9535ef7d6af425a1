package check

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxEdits is the most edits a near repeat may be away from what it
// repeats: the rules that look for typos (duplicate-heading,
// stale-contents) accept one or two.
const maxEdits = 2

// nearMaxLen is the longest key, in bytes, that a nearIndex looks for near
// repeats of; longer ones are compared exactly only. No real heading is
// that long, and it bounds the cost of one look-up.
const nearMaxLen = 200

// bucketCap bounds a bucket of a nearIndex, and candidatesCap the keys one
// look-up compares. Real headings share few segments once each sequence
// family is one key, so neither binds; text made to collide (thousands of
// headings with one segment in common) makes each look-up cost at most
// candidatesCap bounded comparisons rather than one per earlier heading.
// The trade-off: past the caps a typo whose only unchanged segment sits in
// a full bucket is missed. A missed warning is better than a build that
// takes minutes.
const (
	bucketCap     = 32
	candidatesCap = 64
)

// A nearIndex finds, among the keys added to it, one at most maxEdits
// edits (Levenshtein, in runes) from a query, in time linear in the
// query's length rather than in the number of keys.
//
// It is Pass-Join's pigeonhole: a key of n runes is cut into maxEdits+1
// segments, and each segment is filed under (n, segment number, text).
// Edits that are at most maxEdits leave at least one segment of the key
// whole, shifted in the query by at most maxEdits runes; so a look-up
// tries, for each length n within maxEdits of the query's, each segment's
// place shifted by -maxEdits..maxEdits, and compares only the keys found
// there.
type nearIndex struct {
	keys    [][]rune
	vals    []int
	buckets map[segment][]int32
	seen    []uint32 // keys[i] was a candidate of look-up seen[i]
	query   uint32
	buf     []int // rows for bounded
}

type segment struct {
	n, i int
	s    string
}

func newNearIndex() *nearIndex { return &nearIndex{buckets: map[segment][]int32{}} }

// segments returns where the maxEdits+1 segments of a key of n runes start
// and end: the first ones are n/(maxEdits+1) long, the last n%(maxEdits+1)
// one rune longer.
func segments(n int) (at [maxEdits + 2]int) {
	const parts = maxEdits + 1
	short := n / parts
	for i := 1; i <= parts; i++ {
		at[i] = at[i-1] + short
		if parts-i < n%parts {
			at[i]++
		}
	}
	return at
}

// add files key with val, which find returns for it.
func (x *nearIndex) add(key string, val int) {
	if len(key) > nearMaxLen {
		return
	}
	rs := []rune(key)
	id := int32(len(x.keys))
	x.keys = append(x.keys, rs)
	x.vals = append(x.vals, val)
	x.seen = append(x.seen, 0)
	at := segments(len(rs))
	for i := 0; i <= maxEdits; i++ {
		s := segment{len(rs), i, string(rs[at[i]:at[i+1]])}
		if b := x.buckets[s]; len(b) < bucketCap {
			x.buckets[s] = append(b, id)
		}
	}
}

// find returns the value of the key nearest to q, at most maxEdits edits
// and at most within(len) for a query of len runes, preferring the
// earliest added among the nearest; and its distance. ok is false when
// there is none.
func (x *nearIndex) find(q string, within func(runes int) int) (val, dist int, ok bool) {
	if len(q) > nearMaxLen+maxEdits*utf8.UTFMax {
		return 0, 0, false
	}
	// offs[i] is where rune i of q starts: segments of q are looked up as
	// substrings, without copying.
	offs := make([]int, 0, len(q)+1)
	for i := range q {
		offs = append(offs, i)
	}
	m := len(offs)
	offs = append(offs, len(q))
	rs := []rune(q)
	limit := min(maxEdits, within(m))
	if limit < 0 {
		return 0, 0, false
	}
	x.query++
	best, bestID, compared := limit+1, int32(-1), 0
	for n := max(0, m-limit); n <= m+limit; n++ {
		at := segments(n)
		for i := 0; i <= maxEdits; i++ {
			l := at[i+1] - at[i]
			for d := -limit; d <= limit; d++ {
				p := at[i] + d
				if p < 0 || p+l > m {
					continue
				}
				for _, id := range x.buckets[segment{n, i, q[offs[p]:offs[p+l]]}] {
					if x.seen[id] == x.query || compared == candidatesCap {
						continue
					}
					x.seen[id] = x.query
					compared++
					// Among keys as near, the earliest: an earlier one
					// than the best so far need only tie it.
					k := best - 1
					if bestID >= 0 && id < bestID {
						k = best
					}
					if dist := bounded(rs, x.keys[id], k, &x.buf); dist < best || dist == best && bestID >= 0 && id < bestID {
						best, bestID = dist, id
					}
				}
			}
		}
	}
	if bestID < 0 {
		return 0, 0, false
	}
	return x.vals[bestID], best, true
}

// bounded returns the Levenshtein distance between a and b when it is at
// most k, and k+1 otherwise. It fills only the band of the table within k
// of its diagonal, O(len(a)·k), in rows from buf (grown if short).
func bounded(a, b []rune, k int, buf *[]int) int {
	big := k + 1
	if k < 0 || abs(len(a)-len(b)) > k {
		return max(big, 0)
	}
	if cap(*buf) < 2*(len(b)+1) {
		*buf = make([]int, 2*(len(b)+1))
	}
	prev, cur := (*buf)[:len(b)+1], (*buf)[len(b)+1:2*(len(b)+1)]
	for j := range prev {
		prev[j], cur[j] = min(j, big), big
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-k), min(len(b), i+k)
		// The cells either side of the band read as more than k.
		cur[lo-1] = big
		if lo == 1 {
			cur[0] = min(i, big)
		}
		if hi < len(b) {
			cur[hi+1] = big
		}
		rowMin := cur[lo-1]
		for j := lo; j <= hi; j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			c = min(c, prev[j]+1, cur[j-1]+1, big)
			cur[j] = c
			rowMin = min(rowMin, c)
		}
		if rowMin > k {
			return big
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// family is a heading's key for near repeats: its normalised text with
// each sequence token (a number, a single letter, a roman numeral up to
// xxxix, or a number and a letter: 7a) replaced by #. Headings of one
// family ("Appendix A", "Appendix B"; "Key Stage 1", "Key Stage 2";
// "Section 1991", "Section 511977") are a sequence, not typos of one
// another.
func family(title string) string {
	var b strings.Builder
	for i := 0; i < len(title); {
		r, n := utf8.DecodeRuneInString(title[i:])
		if !isWordRune(r) {
			b.WriteRune(r)
			i += n
			continue
		}
		j := i
		for j < len(title) {
			r, n := utf8.DecodeRuneInString(title[j:])
			if !isWordRune(r) {
				break
			}
			j += n
		}
		if w := title[i:j]; sequenceToken(w) {
			b.WriteByte('#')
		} else {
			b.WriteString(w)
		}
		i = j
	}
	return b.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// sequenceToken reports whether w (lower case) numbers one of a sequence.
func sequenceToken(w string) bool {
	if utf8.RuneCountInString(w) == 1 {
		return true
	}
	digits := 0
	for digits < len(w) && w[digits] >= '0' && w[digits] <= '9' {
		digits++
	}
	switch {
	case digits == len(w):
		return true
	case digits > 0:
		return digits == len(w)-1 && w[digits] >= 'a' && w[digits] <= 'z'
	}
	return isRoman(w)
}

// isRoman reports whether w is a roman numeral from i to xxxix.
func isRoman(w string) bool {
	i := 0
	for i < len(w) && i < 3 && w[i] == 'x' {
		i++
	}
	rest := w[i:]
	switch rest {
	case "", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix":
		return len(w) > 0
	}
	return false
}
