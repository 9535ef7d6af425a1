package history

import "testing"

func TestCompareVersions(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"1.08", "1.10", -1},
		{"1.10", "2", -1},
		{"1.9", "1.10", -1},
		{"2", "2.0", 0},
		{"1.08", "1.8", 0},
		{"3", "2.99", 1},
		{"1.2.3", "1.2", 1},
	} {
		if got := CompareVersions(tc.a, tc.b); got != tc.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestNextVersion(t *testing.T) {
	for in, want := range map[string]string{"1.08": "1.09", "1.09": "1.10", "1.9": "1.10", "2": "3", "1.99": "1.100", "0.009": "0.010", "1.2.3": "1.2.4"} {
		got, err := NextVersion(in)
		if err != nil || got != want {
			t.Errorf("NextVersion(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "v1", "1..2", "1.-2", "1.x"} {
		if _, err := NextVersion(bad); err == nil {
			t.Errorf("NextVersion(%q): no error", bad)
		}
	}
}
