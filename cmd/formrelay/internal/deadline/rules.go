package deadline

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/internal/textdist"
)

// A Nation is one of the UK's three bank holiday calendars. Its value is
// the name relay.yaml uses, as gov.uk does: england-and-wales, scotland or
// northern-ireland.
type Nation string

// The nations.
const (
	EnglandAndWales Nation = "england-and-wales"
	Scotland        Nation = "scotland"
	NorthernIreland Nation = "northern-ireland"
)

// Nations lists every Nation, England and Wales (the default) first.
var Nations = []Nation{EnglandAndWales, Scotland, NorthernIreland}

// Title returns the nation's name as a reader writes it: "England and Wales".
func (n Nation) Title() string {
	switch n {
	case EnglandAndWales:
		return "England and Wales"
	case Scotland:
		return "Scotland"
	case NorthernIreland:
		return "Northern Ireland"
	}
	return string(n)
}

// ParseNation reads a nation's name. Case, spaces and underscores are
// forgiven ("Northern Ireland" is northern-ireland); anything else is an
// error that suggests the nation probably meant.
func ParseNation(s string) (Nation, error) {
	norm := strings.ToLower(strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '_' || r == '-'
	}), "-"))
	for _, n := range Nations {
		if norm == string(n) {
			return n, nil
		}
	}
	names := fmt.Sprintf("%s (the default), %s or %s", EnglandAndWales, Scotland, NorthernIreland)
	if strings.ContainsAny(s, `/\`) || strings.HasSuffix(norm, ".txt") {
		// relay.yaml used to name a file of dates here.
		return "", fmt.Errorf("%q is a file: give a nation instead, %s. formrelay works the holidays out by rule; declare one-off changes in bank_holiday_changes", s, names)
	}
	if m := suggestNation(norm); m != "" {
		return "", fmt.Errorf("%q is not a nation (did you mean %s?); want %s", s, m, names)
	}
	return "", fmt.Errorf("%q is not a nation; want %s", s, names)
}

// suggestNation returns the nation s is probably a misspelling or a part
// of (england, wales, ni), or "".
func suggestNation(s string) Nation {
	switch s {
	case "england", "wales", "england-wales", "ew", "e-w", "eaw":
		return EnglandAndWales
	case "scot", "scots", "scottish":
		return Scotland
	case "ni", "n-ireland", "ireland", "northern-irish", "ulster":
		return NorthernIreland
	}
	best, bestD := Nation(""), 4
	for _, n := range Nations {
		if d := textdist.Distance(s, string(n)); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// Rules returns the bank holidays that the standing rules give nation n
// in year y, in date order, without one-off changes:
//
//   - New Year's Day (1 January), and in Scotland 2 January;
//   - in Northern Ireland St Patrick's Day (17 March) and the Battle of
//     the Boyne (12 July);
//   - Good Friday, and Easter Monday except in Scotland (Easter by the
//     Gregorian computus);
//   - the first Monday of May (early May) and the last (spring);
//   - the last Monday of August (summer), in Scotland the first;
//   - in Scotland St Andrew's Day (30 November);
//   - Christmas Day and Boxing Day.
//
// A fixed date at a weekend is replaced by the next weekday that is not
// already a holiday, named "(substitute day)": Christmas on a Saturday
// gives Monday 27 and Tuesday 28 December; on a Sunday, Boxing Day keeps
// Monday 26 and Christmas is Tuesday 27, as gov.uk lists them.
func Rules(n Nation, y int) []Holiday {
	hs := make([]Holiday, 0, 12)
	add := func(d date.Date, name string) { hs = append(hs, Holiday{Date: d, Name: name}) }
	easter := Easter(y)
	add(easter.AddDays(-2), "Good Friday")
	if n != Scotland {
		add(easter.AddDays(1), "Easter Monday")
	}
	add(monday(date.New(y, time.May, 1), 1), "Early May bank holiday")
	add(monday(date.New(y, time.May, 31), -1), "Spring bank holiday")
	if n == Scotland {
		add(monday(date.New(y, time.August, 1), 1), "Summer bank holiday")
	} else {
		add(monday(date.New(y, time.August, 31), -1), "Summer bank holiday")
	}

	hs = fixed(hs, Holiday{Date: date.New(y, time.January, 1), Name: "New Year's Day"})
	switch n {
	case Scotland:
		// Placed after New Year's Day, as gov.uk names them: with 1
		// January a Sunday, Monday 2 is New Year's Day (substitute day)
		// and Tuesday 3 is 2nd January (substitute day).
		hs = fixed(hs, Holiday{Date: date.New(y, time.January, 2), Name: "2nd January"})
		hs = fixed(hs, Holiday{Date: date.New(y, time.November, 30), Name: "St Andrew's Day"})
	case NorthernIreland:
		hs = fixed(hs, Holiday{Date: date.New(y, time.March, 17), Name: "St Patrick's Day"})
		hs = fixed(hs, Holiday{Date: date.New(y, time.July, 12), Name: "Battle of the Boyne (Orangemen's Day)"})
	}
	hs = fixed(hs, Holiday{Date: date.New(y, time.December, 25), Name: "Christmas Day"}, Holiday{Date: date.New(y, time.December, 26), Name: "Boxing Day"})
	slices.SortFunc(hs, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return hs
}

// fixed adds fixed-date holidays to hs: those on a weekday that is free
// keep their date, then each of the others, in order, takes the next
// weekday that is not already a holiday.
func fixed(hs []Holiday, days ...Holiday) []Holiday {
	taken := func(d date.Date) bool {
		return slices.ContainsFunc(hs, func(h Holiday) bool { return h.Date == d })
	}
	var moved []Holiday
	for _, h := range days {
		if weekend(h.Date) || taken(h.Date) {
			moved = append(moved, h)
		} else {
			hs = append(hs, h)
		}
	}
	for _, h := range moved {
		d := h.Date
		for weekend(d) || taken(d) {
			d = d.AddDays(1)
		}
		hs = append(hs, Holiday{Date: d, Name: h.Name + " (substitute day)"})
	}
	return hs
}

func weekend(d date.Date) bool {
	wd := d.Time().Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// monday returns d if it is a Monday, else the nearest Monday after it
// (step 1) or before it (step -1).
func monday(d date.Date, step int) date.Date {
	for d.Time().Weekday() != time.Monday {
		d = d.AddDays(step)
	}
	return d
}

// Easter returns Easter Sunday of year y in the Gregorian calendar (the
// anonymous algorithm of Meeus, Jones and Butcher).
func Easter(y int) date.Date {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return date.New(y, time.Month(month), day)
}
