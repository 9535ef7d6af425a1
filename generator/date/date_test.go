package date

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Date
		ok   bool
	}{
		{"2025-10-31", Date{2025, time.October, 31}, true},
		{"2025-10", Date{2025, time.October, 31}, true},
		{"2024-02", Date{2024, time.February, 29}, true},
		{"2025-02", Date{2025, time.February, 28}, true},
		{"October 2025", Date{2025, time.October, 31}, true},
		{"october 2025", Date{2025, time.October, 31}, true},
		{"Sept 2025", Date{2025, time.September, 30}, true},
		{"Oct. 2025", Date{2025, time.October, 31}, true},
		{"31 October 2025", Date{2025, time.October, 31}, true},
		{"1st March 2026", Date{2026, time.March, 1}, true},
		{"October 31, 2025", Date{2025, time.October, 31}, true},
		{" 2025-01-05 ", Date{2025, time.January, 5}, true},
		{"2025-13-45", Date{}, false},
		{"2025-02-29", Date{}, false},
		{"2024-02-30", Date{}, false},
		{"2025-00", Date{}, false},
		{"2025-1-5", Date{}, false},
		{"25-10-31", Date{}, false},
		{"2025", Date{}, false},
		{"", Date{}, false},
		{"Smarch 2025", Date{}, false},
		{"31 February 2025", Date{}, false},
		{"October 25", Date{}, false},
		{"next year", Date{}, false},
		{"2025-10-31T10:00:00Z", Date{}, false},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Parse(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestMonthOnly(t *testing.T) {
	for in, want := range map[string]bool{"2025-10": true, "October 2025": true, "2025-10-01": false, "1 October 2025": false} {
		if got := MonthOnly(in); got != want {
			t.Errorf("MonthOnly(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		d    Date
		n    int
		want Date
	}{
		{Date{2025, 1, 31}, 1, Date{2025, 2, 28}},
		{Date{2024, 1, 31}, 1, Date{2024, 2, 29}},
		{Date{2025, 3, 31}, 1, Date{2025, 4, 30}},
		{Date{2025, 10, 15}, 12, Date{2026, 10, 15}},
		{Date{2025, 12, 31}, 2, Date{2026, 2, 28}},
		{Date{2024, 2, 29}, 12, Date{2025, 2, 28}},
	}
	for _, tt := range tests {
		if got := tt.d.AddMonths(tt.n); got != tt.want {
			t.Errorf("%v.AddMonths(%d) = %v, want %v", tt.d, tt.n, got, tt.want)
		}
	}
}

func TestFormatAndSub(t *testing.T) {
	d := Date{2025, time.October, 31}
	if got := d.Format("en-GB"); got != "31 October 2025" {
		t.Errorf("en-GB: %q", got)
	}
	if got := d.Format("en-US"); got != "October 31, 2025" {
		t.Errorf("en-US: %q", got)
	}
	if got := (Date{2026, 1, 1}).Sub(Date{2025, 12, 31}); got != 1 {
		t.Errorf("Sub = %d", got)
	}
	// A day across a change of clocks is still one day: dates have no zone.
	if got := (Date{2026, 3, 30}).Sub(Date{2026, 3, 29}); got != 1 {
		t.Errorf("Sub across DST = %d", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"2025-10-31", "2025-10", "October 2025", "31 Oct 2025", "2025-13-45", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		if d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > DaysIn(d.Year, d.Month) {
			t.Fatalf("Parse(%q) = %v: not a real day", s, d)
		}
		if back, err := Parse(d.String()); err != nil || back != d {
			t.Fatalf("Parse(%q).String() = %q does not parse back: %v %v", s, d, back, err)
		}
	})
}
