// Package deadline computes when a data-subject request must be answered, as
// the UK Information Commissioner counts it.
//
// Input: the civil date of receipt (in the UK) and a Calendar of bank
// holidays. Output: the due date and the extended due date. Invariants: the
// day of receipt is day one, so the time limit ends on the corresponding
// date of the following month, or on that month's last day when it has no
// such date; a limit ending on a weekend or bank holiday moves to the next
// working day. The extended date (two further months for complex requests)
// is three calendar months from receipt by the same rule, not the due date
// plus two months.
package deadline

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/policysite/policysite/generator/date"
)

//go:embed bank-holidays-england-and-wales.txt
var englandAndWales []byte

// A Calendar knows which days are bank holidays, between First and Last.
type Calendar struct {
	holidays map[date.Date]string
	// First and Last are the earliest and latest holidays listed.
	First, Last date.Date
}

// EnglandAndWales returns the built-in calendar, 2024 to 2028.
func EnglandAndWales() *Calendar {
	c, err := Parse(bytes.NewReader(englandAndWales))
	if err != nil {
		panic("deadline: built-in bank holidays: " + err.Error())
	}
	return c
}

// Parse reads a list of bank holidays: one ISO date per line, optionally
// followed by its name; blank lines and lines starting with # are ignored.
func Parse(r io.Reader) (*Calendar, error) {
	c := &Calendar{holidays: map[date.Date]string{}}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		iso, name, _ := strings.Cut(line, " ")
		d, err := date.Parse(iso)
		if err != nil || date.MonthOnly(iso) || len(iso) != 10 {
			return nil, fmt.Errorf("line %d: %q is not a date such as 2025-12-25", n, iso)
		}
		c.holidays[d] = strings.TrimSpace(name)
		if c.First.IsZero() || d.Before(c.First) {
			c.First = d
		}
		if d.After(c.Last) {
			c.Last = d
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(c.holidays) == 0 {
		return nil, fmt.Errorf("no dates listed")
	}
	return c, nil
}

// Holiday returns the name of the bank holiday on d, if it is one.
func (c *Calendar) Holiday(d date.Date) (string, bool) {
	name, ok := c.holidays[d]
	return name, ok
}

// Holidays returns every listed holiday in order.
func (c *Calendar) Holidays() []date.Date {
	out := make([]date.Date, 0, len(c.holidays))
	for d := range c.holidays {
		out = append(out, d)
	}
	slices.SortFunc(out, date.Date.Compare)
	return out
}

// Covers reports whether d falls within the years the calendar lists.
func (c *Calendar) Covers(d date.Date) bool {
	return d.Year >= c.First.Year && d.Year <= c.Last.Year
}

// WorkingDay reports whether d is neither a weekend day nor a bank holiday.
func (c *Calendar) WorkingDay(d date.Date) bool {
	switch d.Time().Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	_, hol := c.holidays[d]
	return !hol
}

// NextWorkingDay returns d, or the first working day after it.
func (c *Calendar) NextWorkingDay(d date.Date) date.Date {
	for !c.WorkingDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// Due returns the date by which a request received on received must be
// answered: one calendar month, day of receipt counted as day one.
func (c *Calendar) Due(received date.Date) date.Date {
	return c.NextWorkingDay(received.AddMonths(1))
}

// Extended returns the latest date when the time limit is extended by two
// further months: three calendar months from receipt.
func (c *Calendar) Extended(received date.Date) date.Date {
	return c.NextWorkingDay(received.AddMonths(3))
}
