package versions

import "testing"

func TestCompare(t *testing.T) {
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
		{"V1.2", "V1.10", -1},
		{"Issue 12", "Issue 3", 1},
		{"issue 3", "Issue 3", 0},
		{"2024-25", "2025-26", -1},
		{"1.5", "Issue 3", -1}, // numbered before labels that do not compare
	} {
		if got := Compare(tc.a, tc.b); got != tc.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestNext(t *testing.T) {
	for in, want := range map[string]string{"1.08": "1.09", "1.09": "1.10", "1.9": "1.10", "2": "3", "1.99": "1.100", "0.009": "0.010", "1.2.3": "1.2.4",
		"v1": "v2", "V1.2": "V1.3", "Issue 3": "Issue 4", "2024-25": "2024-26", "Rev 9 (final)": "Rev 10 (final)"} {
		got, err := Next(in)
		if err != nil || got != want {
			t.Errorf("Next(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "draft", "final version", "99999999999999999999"} {
		if _, err := Next(bad); err == nil {
			t.Errorf("Next(%q): no error", bad)
		}
	}
}

func TestComparable(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		ok   bool
	}{
		{"1.08", "2", true},
		{"V1.2", "V2", false}, // V#.# and V#: the words around the numbers differ
		{"Issue 3", "2024-25", false},
		{"draft", "final", false},
		{"2024-25", "2025-26", true},
	} {
		if _, ok := Comparable(tc.a, tc.b); ok != tc.ok {
			t.Errorf("Comparable(%q, %q) ok = %v, want %v", tc.a, tc.b, ok, tc.ok)
		}
	}
}
