package textdist

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"next_review", "next_review", 0},
		{"next_reveiw", "next_review", 2},
		{"reviewd_by", "reviewed_by", 1},
		{"kitten", "sitting", 3},
		{"scotalnd", "scotland", 2},
		{"individuals-rights", "individualsrsquo-rights", 5},
		{"café", "cafe", 1}, // runes, not bytes
		{"ysgol", "ysgôl", 1},
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := Distance(c.b, c.a); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d (not symmetric)", c.b, c.a, got, c.want)
		}
	}
}
