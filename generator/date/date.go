// Package date is the civil date used for effective and review dates: a day in
// the calendar with no time of day and no zone, parsed from the forms people
// write in policies and formatted as they read them.
package date

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// A Date is a calendar day. The zero Date is invalid.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Of returns the calendar day of t in t's location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// New returns the Date y-m-d, normalising out-of-range values as time.Date does.
func New(y int, m time.Month, d int) Date {
	return Of(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// AddDays returns d moved n days.
func (d Date) AddDays(n int) Date { return New(d.Year, d.Month, d.Day+n) }

// AddMonths returns the same day n months on, or that month's last day when it
// has no such day (31 January + 1 month = 28 or 29 February).
func (d Date) AddMonths(n int) Date {
	first := New(d.Year, d.Month+time.Month(n), 1)
	day := d.Day
	if last := DaysIn(first.Year, first.Month); day > last {
		day = last
	}
	return Date{first.Year, first.Month, day}
}

// DaysIn returns the number of days in month m of year y.
func DaysIn(y int, m time.Month) int { return New(y, m+1, 0).Day }

// Sub returns the number of days from e to d (d - e).
func (d Date) Sub(e Date) int { return int(d.Time().Sub(e.Time()).Hours() / 24) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmp(d.Year, e.Year)
	case d.Month != e.Month:
		return cmp(int(d.Month), int(e.Month))
	}
	return cmp(d.Day, e.Day)
}

func cmp(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// String returns the ISO 8601 form, 2025-10-31.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// MarshalText writes the ISO form, so JSON output carries dates as 2025-10-31.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads any form Parse accepts.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Format writes d as people read it in language lang (a BCP 47 tag):
// "31 October 2025", or "October 31, 2025" for en-US.
func (d Date) Format(lang string) string {
	if d.IsZero() {
		return ""
	}
	if strings.EqualFold(lang, "en-US") {
		return fmt.Sprintf("%s %d, %d", d.Month, d.Day, d.Year)
	}
	return fmt.Sprintf("%d %s %d", d.Day, d.Month, d.Year)
}

// Parse reads a date written as 2025-10-31, 2025-10 or October 2025 (also
// "Oct 2025" and "31 October 2025"). A month alone means the last day of that
// month: "review by October 2025" is met on 31 October.
func Parse(s string) (Date, error) {
	s = strings.TrimSpace(s)
	bad := func() (Date, error) {
		return Date{}, fmt.Errorf("%q is not a date (want 2025-10-31, 2025-10 or October 2025)", s)
	}
	if s == "" {
		return Date{}, fmt.Errorf("date is empty")
	}
	if s[0] >= '0' && s[0] <= '9' && strings.Count(s, "-") > 0 && !strings.ContainsAny(s, " ") {
		parts := strings.Split(s, "-")
		if len(parts) > 3 || len(parts[0]) != 4 {
			return bad()
		}
		nums := make([]int, len(parts))
		for i, p := range parts {
			if len(p) == 0 || len(p) > 4 || (i > 0 && len(p) != 2) {
				return bad()
			}
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 {
				return bad()
			}
			nums[i] = n
		}
		if len(nums) == 1 {
			return bad()
		}
		y, m := nums[0], time.Month(nums[1])
		if y < 1 || m < 1 || m > 12 {
			return bad()
		}
		if len(nums) == 2 {
			return Date{y, m, DaysIn(y, m)}, nil
		}
		if nums[2] < 1 || nums[2] > DaysIn(y, m) {
			return bad()
		}
		return Date{y, m, nums[2]}, nil
	}
	f := strings.Fields(strings.ReplaceAll(s, ",", " "))
	switch len(f) {
	case 2: // October 2025
		m, ok := month(f[0])
		y, err := strconv.Atoi(f[1])
		if !ok || err != nil || y < 1 || y > 9999 || len(f[1]) != 4 {
			return bad()
		}
		return Date{y, m, DaysIn(y, m)}, nil
	case 3: // 31 October 2025 or October 31 2025
		dayStr, monStr := f[0], f[1]
		if _, ok := month(f[0]); ok {
			dayStr, monStr = f[1], f[0]
		}
		dayStr = strings.TrimRight(dayStr, "stndrh") // 1st, 2nd, 3rd, 4th
		m, ok := month(monStr)
		d, err1 := strconv.Atoi(dayStr)
		y, err2 := strconv.Atoi(f[2])
		if !ok || err1 != nil || err2 != nil || y < 1 || y > 9999 || len(f[2]) != 4 || d < 1 || d > DaysIn(y, m) {
			return bad()
		}
		return Date{y, m, d}, nil
	}
	return bad()
}

// MonthOnly reports whether s names a month without a day: 2025-10 or October 2025.
func MonthOnly(s string) bool {
	s = strings.TrimSpace(s)
	if strings.Count(s, "-") == 1 && !strings.Contains(s, " ") {
		return true
	}
	return len(strings.Fields(strings.ReplaceAll(s, ",", " "))) == 2
}

func month(s string) (time.Month, bool) {
	s = strings.ToLower(strings.TrimSuffix(s, "."))
	if len(s) < 3 {
		return 0, false
	}
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		if s == name || s == name[:3] || (m == time.September && s == "sept") {
			return m, true
		}
	}
	return 0, false
}

// UnmarshalStrictYAML reads a date from a YAML scalar (see strictyaml).
func (d *Date) UnmarshalStrictYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("expected a date such as 2025-10-31")
	}
	v, err := Parse(n.Value)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
