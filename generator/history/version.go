// Package history orders a policy's versions and compares one version's text
// with the one before: which sections were added, removed, moved or renamed,
// and inside each changed section the words added and removed.
package history

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseVersion splits a version such as "1.08" into its numeric components.
// Components compare as numbers, so "1.08" < "1.10" < "2".
func ParseVersion(v string) ([]int, error) {
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

// CompareVersions returns -1, 0 or +1 as a is before, equal to or after b.
// Missing components count as zero: "2" equals "2.0". Unparsable versions
// sort before parsable ones, then as strings.
func CompareVersions(a, b string) int {
	x, errA := ParseVersion(a)
	y, errB := ParseVersion(b)
	switch {
	case errA != nil && errB != nil:
		return strings.Compare(a, b)
	case errA != nil:
		return -1
	case errB != nil:
		return 1
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
				return -1
			}
			return 1
		}
	}
	return 0
}

// NextVersion returns the next minor version in the style of v: 1.08 → 1.09,
// 1.9 → 1.10, 1.99 → 1.100, 2 → 3. The last component keeps its zero padding.
func NextVersion(v string) (string, error) {
	if _, err := ParseVersion(v); err != nil {
		return "", err
	}
	i := strings.LastIndex(v, ".")
	last := v[i+1:]
	n, _ := strconv.Atoi(last)
	next := strconv.Itoa(n + 1)
	if len(next) < len(last) {
		next = strings.Repeat("0", len(last)-len(next)) + next
	}
	return v[:i+1] + next, nil
}
