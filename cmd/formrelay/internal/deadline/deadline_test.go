package deadline

import (
	"strings"
	"testing"
	"time"

	"github.com/policysite/policysite/generator/date"
)

func d(s string) date.Date {
	v, err := date.Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestDue(t *testing.T) {
	c := EnglandAndWales()
	for _, tc := range []struct {
		received, due, extended string
		why                     string
	}{
		{"2025-09-03", "2025-10-03", "2025-12-03", "same date next month (a Friday); Wednesday three months on"},
		{"2025-01-31", "2025-02-28", "2025-04-30", "no 31 February: last day of February"},
		{"2024-01-31", "2024-02-29", "2024-04-30", "leap year: 29 February"},
		{"2024-02-29", "2024-04-02", "2024-05-29", "29 March 2024 is Good Friday, then a weekend, then Easter Monday"},
		{"2024-03-29", "2024-04-29", "2024-07-01", "received on Good Friday; 29 June 2024 is a Saturday: Monday 1 July"},
		{"2025-03-31", "2025-04-30", "2025-06-30", "30-day month clamps"},
		{"2025-03-26", "2025-04-28", "2025-06-26", "26 April 2025 is a Saturday: Monday 28th"},
		{"2025-03-21", "2025-04-22", "2025-06-23", "21 April 2025 is Easter Monday: Tuesday; 21 June a Saturday: Monday 23rd"},
		{"2025-04-26", "2025-05-27", "2025-07-28", "26 May 2025 is the spring bank holiday: Tuesday"},
		{"2025-11-25", "2025-12-29", "2026-02-25", "Christmas: 25 December, Boxing Day, weekend, then Monday 29th"},
		{"2025-11-26", "2025-12-29", "2026-02-26", "26 December is Boxing Day"},
		{"2025-11-30", "2025-12-30", "2026-03-02", "28 February 2026 is a Saturday: Monday 2 March"},
		{"2025-12-01", "2026-01-02", "2026-03-02", "1 January is New Year's Day; 1 March 2026 is a Sunday"},
		{"2026-07-31", "2026-09-01", "2026-11-02", "31 August 2026 is the summer bank holiday"},
		{"2026-11-28", "2026-12-29", "2027-03-01", "28 December 2026 is the substitute Boxing Day"},
		{"2027-11-25", "2027-12-29", "2028-02-25", "Christmas 2027 on a Saturday: substitute days 27 and 28 December"},
		{"2027-12-01", "2028-01-04", "2028-03-01", "1 January 2028 a Saturday, 3 January the substitute day"},
		{"2028-01-31", "2028-02-29", "2028-05-02", "leap 2028; 30 April a Sunday, 1 May a bank holiday"},
	} {
		r := d(tc.received)
		if got := c.Due(r); got != d(tc.due) {
			t.Errorf("Due(%s) = %s %s, want %s (%s)", r, got, got.Time().Weekday(), tc.due, tc.why)
		}
		if got := c.Extended(r); got != d(tc.extended) {
			t.Errorf("Extended(%s) = %s %s, want %s (%s)", r, got, got.Time().Weekday(), tc.extended, tc.why)
		}
	}
}

func TestExtendedIsNotDuePlusTwoMonths(t *testing.T) {
	// Received 31 January 2025: due 28 February; that plus two months is
	// 28 April, but three months from receipt is 30 April.
	c := EnglandAndWales()
	r := d("2025-01-31")
	if got, naive := c.Extended(r), c.NextWorkingDay(c.Due(r).AddMonths(2)); got == naive {
		t.Errorf("Extended(%s) = %s, the same as due plus two months", r, got)
	}
}

// TestBuiltInFollowsTheRules recomputes the England and Wales bank holidays
// from the rules (New Year's Day, Good Friday, Easter Monday, first and last
// Mondays of May, last Monday of August, Christmas and Boxing Day with
// substitute days) and compares them with the shipped list.
func TestBuiltInFollowsTheRules(t *testing.T) {
	c := EnglandAndWales()
	var want []date.Date
	for y := 2024; y <= 2028; y++ {
		want = append(want, rules(y)...)
	}
	got := c.Holidays()
	if len(got) != len(want) {
		t.Fatalf("%d holidays listed, rules give %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("holiday %d = %s, rules give %s", i, got[i], want[i])
		}
	}
	if c.First != d("2024-01-01") || c.Last != d("2028-12-26") {
		t.Errorf("range %s to %s", c.First, c.Last)
	}
}

func rules(y int) []date.Date {
	wd := func(x date.Date) time.Weekday { return x.Time().Weekday() }
	monday := func(x date.Date, step int) date.Date {
		for wd(x) != time.Monday {
			x = x.AddDays(step)
		}
		return x
	}
	// Anonymous Gregorian algorithm for Easter Sunday.
	a, b, cc := y%19, y/100, y%100
	dd, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - dd - g + 15) % 30
	i, k := cc/4, cc%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	easter := date.New(y, time.Month(month), day)

	ny := date.New(y, time.January, 1)
	for wd(ny) == time.Saturday || wd(ny) == time.Sunday {
		ny = ny.AddDays(1)
	}
	xmas, boxing := date.New(y, time.December, 25), date.New(y, time.December, 26)
	switch wd(xmas) {
	case time.Saturday:
		xmas, boxing = xmas.AddDays(2), boxing.AddDays(2)
	case time.Sunday:
		xmas, boxing = xmas.AddDays(2), boxing.AddDays(0)
	case time.Friday:
		boxing = boxing.AddDays(2)
	}
	return []date.Date{
		ny, easter.AddDays(-2), easter.AddDays(1),
		monday(date.New(y, time.May, 1), 1), monday(date.New(y, time.May, 31), -1),
		monday(date.New(y, time.August, 31), -1), xmas, boxing,
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct{ in, err string }{
		{"# comment\n\n2030-01-01 New Year's Day\n2030-12-25\n", ""},
		{"2030-13-01\n", `line 1: "2030-13-01" is not a date such as 2025-12-25`},
		{"2030-01\n", `line 1: "2030-01" is not a date such as 2025-12-25`},
		{"# nothing\n", "no dates listed"},
	} {
		c, err := Parse(strings.NewReader(tc.in))
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("Parse(%q) error = %v, want %s", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if name, ok := c.Holiday(d("2030-01-01")); !ok || name != "New Year's Day" {
			t.Errorf("Holiday = %q %v", name, ok)
		}
		if !c.Covers(d("2030-06-01")) || c.Covers(d("2031-01-01")) {
			t.Error("Covers wrong")
		}
	}
}
