// Package versions reads a policy's version labels: whether a label can
// name a version (Check), which of two is later (Compare, Comparable) and
// the label after one (Next). A leaf: site.yaml's defaults, front matter
// and the site model all check and order versions with it.
package versions

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Parse splits a version such as "1.08" into its numeric components.
// Components compare as numbers, so "1.08" < "1.10" < "2".
func Parse(v string) ([]int, error) {
	if v == "" {
		return nil, fmt.Errorf("empty version")
	}
	parts := strings.Split(v, ".")
	out := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || p == "" || p[0] == '+' || p[0] == '-' || n < 0 {
			return nil, fmt.Errorf("version %q: write numbers separated by dots, such as 1.08 or 2", v)
		}
		out[i] = n
	}
	return out, nil
}

// Compare returns -1, 0 or +1 as a is before, equal to or after b.
// Missing components count as zero: "2" equals "2.0". Labels that do not
// compare (Comparable) sort as strings, after numbered versions.
func Compare(a, b string) int {
	c, ok := Comparable(a, b)
	if ok {
		return c
	}
	_, errA := Parse(a)
	_, errB := Parse(b)
	switch {
	case errA == nil && errB != nil:
		return -1
	case errA != nil && errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}

// Comparable compares two version labels by their numbers when their
// numbers say which is later, and reports whether they do: both are
// numbers with dots ("1.08", "2"), or both are the same words around
// their numbers ("V1.2" and "V1.10", "Issue 3" and "Issue 12", "2024-25"
// and "2025-26"). Other pairs ("Issue 3" and "2024") are ordered by their
// effective dates, not here.
func Comparable(a, b string) (int, bool) {
	x, errA := Parse(a)
	y, errB := Parse(b)
	if errA != nil || errB != nil {
		sa, na := skeleton(a)
		sb, nb := skeleton(b)
		if errA == nil && errB == nil || len(na) == 0 || !strings.EqualFold(sa, sb) {
			return 0, false
		}
		x, y = na, nb
	}
	for i := 0; i < len(x) || i < len(y); i++ {
		var p, q int
		if i < len(x) {
			p = x[i]
		}
		if i < len(y) {
			q = y[i]
		}
		if p != q {
			if p < q {
				return -1, true
			}
			return 1, true
		}
	}
	return 0, true
}

// skeleton returns a label with each run of digits written #, and the
// runs' numbers.
func skeleton(v string) (string, []int) {
	var b strings.Builder
	var ns []int
	for i := 0; i < len(v); {
		j := i
		for j < len(v) && v[j] >= '0' && v[j] <= '9' {
			j++
		}
		if j > i {
			n, err := strconv.Atoi(v[i:j])
			if err != nil {
				n = 1 << 62 // beyond int: later than anything shorter
			}
			ns = append(ns, n)
			b.WriteByte('#')
			i = j
			continue
		}
		b.WriteByte(v[i])
		i++
	}
	return b.String(), ns
}

// Next returns the version after v in its own style: its last
// number plus one, keeping its zero padding (1.08 → 1.09, 1.9 → 1.10,
// 2 → 3, V1.2 → V1.3, Issue 3 → Issue 4, 2024-25 → 2024-26). A label
// without a number has no next version: it is an error.
func Next(v string) (string, error) {
	end := len(v)
	for end > 0 && (v[end-1] < '0' || v[end-1] > '9') {
		end--
	}
	if end == 0 {
		return "", fmt.Errorf("version %q has no number to count on from", v)
	}
	start := end
	for start > 0 && v[start-1] >= '0' && v[start-1] <= '9' {
		start--
	}
	last := v[start:end]
	n, err := strconv.Atoi(last)
	if err != nil {
		return "", fmt.Errorf("version %q: its last number is too large", v)
	}
	next := strconv.Itoa(n + 1)
	if len(next) < len(last) {
		next = strings.Repeat("0", len(last)-len(next)) + next
	}
	return v[:start] + next + v[end:], nil
}

// MaxLen is the longest version label, in bytes.
const MaxLen = 40

// Check reports whether v can be a version's label. Any short
// label is kept as written ("1.08", "V1.2", "2024-25", "Issue 3"), as
// long as it can name its archived file (history/<version>.md): no
// slashes, no characters Windows refuses in a name, no control
// characters, not starting with a dot.
func Check(v string) error {
	switch {
	case strings.TrimSpace(v) != v || v == "":
		return fmt.Errorf("%q: write a label such as 1.08, V1.2 or Issue 3, without spaces around it", v)
	case len(v) > MaxLen:
		return fmt.Errorf("%q is longer than %d bytes: a version is a short label such as 1.08", v, MaxLen)
	case strings.HasPrefix(v, "."):
		return fmt.Errorf("%q cannot start with a dot: it names the archived file history/<version>.md", v)
	case strings.ContainsAny(v, `/\<>:"|?*#%`):
		return fmt.Errorf("%q: a version cannot hold / \\ < > : \" | ? * # or %%, as it names the archived file history/<version>.md and a URL", v)
	}
	for _, r := range v {
		if unicode.IsControl(r) || r == '\t' {
			return fmt.Errorf("%q holds a control character", v)
		}
	}
	return nil
}
