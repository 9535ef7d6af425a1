// Package deadline computes when a data-subject request must be answered, as
// the UK Information Commissioner counts it, and which days are bank
// holidays in each of the UK's nations.
//
// Input: the civil date of receipt (in the UK) and a Calendar: a Nation's
// standing rules (Rules) and the one-off Changes declared for it. Output:
// the due date and the extended due date. Invariants: the day of receipt
// is day one, so the time limit ends on the corresponding date of the
// following month, or on that month's last day when it has no such date;
// a limit ending on a weekend or bank holiday moves to the next working
// day. The extended date (two further months for complex requests) is
// three calendar months from receipt by the same rule, not the due date
// plus two months. Holidays are worked out by rule for any year, so the
// calendar never runs out; only one-off holidays (a jubilee, a state
// funeral, a moved early May holiday) need declaring, in the year they are
// proclaimed.
package deadline

import (
	"fmt"
	"slices"
	"sync"

	"github.com/policysite/policysite/generator/date"
)

// A Holiday is one bank holiday.
type Holiday struct {
	Date date.Date
	Name string
	// OneOff is set on a holiday a Change made (added or moved), not the
	// rules.
	OneOff bool
}

// A Change is a one-off change to a nation's rules, as proclaimed: either
// an extra holiday on Add, called Name, or the holiday the rules give on
// Move moved To another day (Name, if given, renames it). For 2020's VE
// Day: Move 2020-05-04, To 2020-05-08.
type Change struct {
	Add, Move, To date.Date
	Name          string
}

// A ChangeError says why Changes[Index] cannot be applied. Field is the
// part at fault: "add", "move" or "to", or "" for the change as a whole.
type ChangeError struct {
	Index int
	Field string
	Msg   string
}

func (e *ChangeError) Error() string { return fmt.Sprintf("change %d: %s", e.Index+1, e.Msg) }

// A Calendar knows which days are bank holidays in one nation, in any
// year. It is safe for concurrent use.
type Calendar struct {
	nation  Nation
	changes []Change
	moved   map[date.Date]bool // moved away from: no longer holidays
	extra   map[int][]Holiday  // by year: added, and moved to
	years   sync.Map           // int -> []Holiday, computed once
}

// New returns nation n's calendar with changes applied. Changes that
// cannot apply (a move of a day that is not a holiday, an extra holiday
// at a weekend or on a holiday) are reported and left out: the calendar
// is usable either way.
func New(n Nation, changes []Change) (*Calendar, []*ChangeError) {
	c := &Calendar{nation: n, moved: map[date.Date]bool{}, extra: map[int][]Holiday{}}
	var errs []*ChangeError
	for i, ch := range changes {
		fail := func(field, format string, args ...any) {
			errs = append(errs, &ChangeError{Index: i, Field: field, Msg: fmt.Sprintf(format, args...)})
		}
		switch {
		case ch.Add.IsZero() && ch.Move.IsZero():
			fail("", "give add: (an extra holiday, with its name:) or move: and to: (a holiday moved to another day)")
		case !ch.Add.IsZero() && !ch.Move.IsZero():
			fail("move", "give add: or move:, not both in one change")
		case !ch.Add.IsZero():
			switch {
			case !ch.To.IsZero():
				fail("to", "to: goes with move:; an extra holiday has add: and name: only")
			case ch.Name == "":
				fail("", "the extra holiday on %s needs a name: (as gov.uk gives it)", long(ch.Add))
			case weekend(ch.Add):
				fail("add", "%s is a %s: a holiday at a weekend changes no due date", ch.Add, ch.Add.Time().Weekday())
			default:
				if name, ok := c.Holiday(ch.Add); ok {
					fail("add", "%s is already a bank holiday in %s (%s)", ch.Add, n.Title(), name)
					break
				}
				c.put(Holiday{Date: ch.Add, Name: ch.Name, OneOff: true})
			}
		default: // a move
			h, ok := ruleHoliday(n, ch.Move)
			switch {
			case c.moved[ch.Move]:
				fail("move", "%s is moved twice", ch.Move)
			case !ok:
				fail("move", "%s is not a bank holiday in %s by the rules%s", ch.Move, n.Title(), nearest(n, ch.Move))
			case ch.To.IsZero():
				fail("", "the move of %s needs to: the day it moves to", ch.Move)
			case ch.To == ch.Move:
				fail("to", "%s is the day it moves from", ch.To)
			case weekend(ch.To):
				fail("to", "%s is a %s: move a holiday to a weekday", ch.To, ch.To.Time().Weekday())
			default:
				if name, ok := c.Holiday(ch.To); ok {
					fail("to", "%s is already a bank holiday in %s (%s)", ch.To, n.Title(), name)
					break
				}
				if ch.Name != "" {
					h.Name = ch.Name
				}
				h.Date, h.OneOff = ch.To, true
				c.moved[ch.Move] = true
				c.years.Delete(ch.Move.Year)
				c.put(h)
			}
		}
		c.changes = append(c.changes, ch)
	}
	return c, errs
}

// put adds a one-off holiday and forgets the year it is in, should it
// have been computed while checking the changes.
func (c *Calendar) put(h Holiday) {
	c.extra[h.Date.Year] = append(c.extra[h.Date.Year], h)
	c.years.Delete(h.Date.Year)
}

// ruleHoliday returns the holiday the rules give n on d.
func ruleHoliday(n Nation, d date.Date) (Holiday, bool) {
	for _, h := range Rules(n, d.Year) {
		if h.Date == d {
			return h, true
		}
	}
	return Holiday{}, false
}

// nearest names the rule holiday closest to d, for a move of a day that
// is not one: "; the nearest is Monday 4 May 2020 (Early May bank holiday)".
func nearest(n Nation, d date.Date) string {
	var best Holiday
	for _, h := range Rules(n, d.Year) {
		if best.Date.IsZero() || abs(h.Date.Sub(d)) < abs(best.Date.Sub(d)) {
			best = h
		}
	}
	if best.Date.IsZero() || abs(best.Date.Sub(d)) > 7 {
		return ""
	}
	return fmt.Sprintf("; the nearest is %s, %s (%s)", best.Date, long(best.Date), best.Name)
}

func abs(n int) int { return max(n, -n) }

// long writes d as a reader does: Monday 4 May 2020.
func long(d date.Date) string { return d.Time().Weekday().String() + " " + d.Format("en-GB") }

// Nation returns the nation whose holidays c knows.
func (c *Calendar) Nation() Nation { return c.nation }

// Changes returns the one-off changes applied, in the order given,
// including any New reported.
func (c *Calendar) Changes() []Change { return slices.Clone(c.changes) }

// Holidays returns the bank holidays of year y, in date order.
func (c *Calendar) Holidays(y int) []Holiday { return slices.Clone(c.year(y)) }

// Between returns the bank holidays from from to through, both included,
// in date order.
func (c *Calendar) Between(from, through date.Date) []Holiday {
	var out []Holiday
	for y := from.Year; y <= through.Year; y++ {
		for _, h := range c.year(y) {
			if !h.Date.Before(from) && !h.Date.After(through) {
				out = append(out, h)
			}
		}
	}
	return out
}

func (c *Calendar) year(y int) []Holiday {
	if hs, ok := c.years.Load(y); ok {
		return hs.([]Holiday)
	}
	hs := slices.DeleteFunc(Rules(c.nation, y), func(h Holiday) bool { return c.moved[h.Date] })
	hs = append(hs, c.extra[y]...)
	slices.SortFunc(hs, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	hs = slices.Clip(hs)
	c.years.Store(y, hs)
	return hs
}

// Holiday returns the name of the bank holiday on d, if it is one.
func (c *Calendar) Holiday(d date.Date) (string, bool) {
	for _, h := range c.year(d.Year) {
		if h.Date == d {
			return h.Name, true
		}
	}
	return "", false
}

// WorkingDay reports whether d is neither a weekend day nor a bank holiday.
func (c *Calendar) WorkingDay(d date.Date) bool {
	if weekend(d) {
		return false
	}
	_, hol := c.Holiday(d)
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
