package deadline

import (
	"strings"
	"sync"
	"testing"

	"github.com/policysite/policysite/generator/date"
)

func d(s string) date.Date {
	v, err := date.Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// oneOffs are the changes proclaimed for 2020 to 2028, declared as a DPO
// declares them in relay.yaml.
var oneOffs = []Change{
	{Move: d("2020-05-04"), To: d("2020-05-08"), Name: "Early May bank holiday (VE day)"},
	{Move: d("2022-05-30"), To: d("2022-06-02")},
	{Add: d("2022-06-03"), Name: "Platinum Jubilee bank holiday"},
	{Add: d("2022-09-19"), Name: "Bank Holiday for the State Funeral of Queen Elizabeth II"},
	{Add: d("2023-05-08"), Name: "Bank holiday for the coronation of King Charles III"},
}

// scotlandOneOffs adds Scotland's own: 15 June 2026, proclaimed on 4
// February 2026 for the men's team's first World Cup match since 1998.
var scotlandOneOffs = append(oneOffs[:len(oneOffs):len(oneOffs)], Change{Add: d("2026-06-15"), Name: "World Cup bank holiday"})

func calendar(t *testing.T, n Nation) *Calendar {
	t.Helper()
	changes := oneOffs
	if n == Scotland {
		changes = scotlandOneOffs
	}
	c, errs := New(n, changes)
	for _, err := range errs {
		t.Errorf("%s: %v", n, err)
	}
	return c
}

// TestPublished compares the calendars with the bank holidays gov.uk
// publishes for 2020 to 2028 (https://www.gov.uk/bank-holidays), each
// year's list copied from it, not computed.
func TestPublished(t *testing.T) {
	for _, tc := range []struct {
		nation Nation
		year   int
		dates  string // month-day
	}{
		{EnglandAndWales, 2020, "01-01 04-10 04-13 05-08 05-25 08-31 12-25 12-28"},
		{EnglandAndWales, 2021, "01-01 04-02 04-05 05-03 05-31 08-30 12-27 12-28"},
		{EnglandAndWales, 2022, "01-03 04-15 04-18 05-02 06-02 06-03 08-29 09-19 12-26 12-27"},
		{EnglandAndWales, 2023, "01-02 04-07 04-10 05-01 05-08 05-29 08-28 12-25 12-26"},
		{EnglandAndWales, 2024, "01-01 03-29 04-01 05-06 05-27 08-26 12-25 12-26"},
		{EnglandAndWales, 2025, "01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26"},
		{EnglandAndWales, 2026, "01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-28"},
		{EnglandAndWales, 2027, "01-01 03-26 03-29 05-03 05-31 08-30 12-27 12-28"},
		{EnglandAndWales, 2028, "01-03 04-14 04-17 05-01 05-29 08-28 12-25 12-26"},
		{Scotland, 2020, "01-01 01-02 04-10 05-08 05-25 08-03 11-30 12-25 12-28"},
		{Scotland, 2021, "01-01 01-04 04-02 05-03 05-31 08-02 11-30 12-27 12-28"},
		{Scotland, 2022, "01-03 01-04 04-15 05-02 06-02 06-03 08-01 09-19 11-30 12-26 12-27"},
		{Scotland, 2023, "01-02 01-03 04-07 05-01 05-08 05-29 08-07 11-30 12-25 12-26"},
		{Scotland, 2024, "01-01 01-02 03-29 05-06 05-27 08-05 12-02 12-25 12-26"},
		{Scotland, 2025, "01-01 01-02 04-18 05-05 05-26 08-04 12-01 12-25 12-26"},
		{Scotland, 2026, "01-01 01-02 04-03 05-04 05-25 06-15 08-03 11-30 12-25 12-28"},
		{Scotland, 2027, "01-01 01-04 03-26 05-03 05-31 08-02 11-30 12-27 12-28"},
		{Scotland, 2028, "01-03 01-04 04-14 05-01 05-29 08-07 11-30 12-25 12-26"},
		{NorthernIreland, 2020, "01-01 03-17 04-10 04-13 05-08 05-25 07-13 08-31 12-25 12-28"},
		{NorthernIreland, 2021, "01-01 03-17 04-02 04-05 05-03 05-31 07-12 08-30 12-27 12-28"},
		{NorthernIreland, 2022, "01-03 03-17 04-15 04-18 05-02 06-02 06-03 07-12 08-29 09-19 12-26 12-27"},
		{NorthernIreland, 2023, "01-02 03-17 04-07 04-10 05-01 05-08 05-29 07-12 08-28 12-25 12-26"},
		{NorthernIreland, 2024, "01-01 03-18 03-29 04-01 05-06 05-27 07-12 08-26 12-25 12-26"},
		{NorthernIreland, 2025, "01-01 03-17 04-18 04-21 05-05 05-26 07-14 08-25 12-25 12-26"},
		{NorthernIreland, 2026, "01-01 03-17 04-03 04-06 05-04 05-25 07-13 08-31 12-25 12-28"},
		{NorthernIreland, 2027, "01-01 03-17 03-26 03-29 05-03 05-31 07-12 08-30 12-27 12-28"},
		{NorthernIreland, 2028, "01-03 03-17 04-14 04-17 05-01 05-29 07-12 08-28 12-25 12-26"},
	} {
		var got []string
		for _, h := range calendar(t, tc.nation).Holidays(tc.year) {
			got = append(got, h.Date.String()[5:])
		}
		if g := strings.Join(got, " "); g != tc.dates {
			t.Errorf("%s %d:\ngot  %s\nwant %s", tc.nation, tc.year, g, tc.dates)
		}
	}
}

// TestNames checks the names gov.uk gives substitute and one-off days.
func TestNames(t *testing.T) {
	for _, tc := range []struct {
		nation Nation
		day    string
		name   string
		oneOff bool
	}{
		{EnglandAndWales, "2020-05-08", "Early May bank holiday (VE day)", true},
		{EnglandAndWales, "2022-06-02", "Spring bank holiday", true},
		{EnglandAndWales, "2022-06-03", "Platinum Jubilee bank holiday", true},
		{EnglandAndWales, "2022-12-26", "Boxing Day", false},
		{EnglandAndWales, "2022-12-27", "Christmas Day (substitute day)", false},
		{EnglandAndWales, "2027-12-27", "Christmas Day (substitute day)", false},
		{EnglandAndWales, "2027-12-28", "Boxing Day (substitute day)", false},
		{EnglandAndWales, "2026-12-28", "Boxing Day (substitute day)", false},
		{EnglandAndWales, "2028-01-03", "New Year's Day (substitute day)", false},
		{Scotland, "2023-01-02", "New Year's Day (substitute day)", false},
		{Scotland, "2023-01-03", "2nd January (substitute day)", false},
		{Scotland, "2027-01-04", "2nd January (substitute day)", false},
		{Scotland, "2025-12-01", "St Andrew's Day (substitute day)", false},
		{Scotland, "2026-06-15", "World Cup bank holiday", true},
		{NorthernIreland, "2024-03-18", "St Patrick's Day (substitute day)", false},
		{NorthernIreland, "2023-07-12", "Battle of the Boyne (Orangemen's Day)", false},
	} {
		c := calendar(t, tc.nation)
		var got Holiday
		for _, h := range c.Holidays(d(tc.day).Year) {
			if h.Date == d(tc.day) {
				got = h
			}
		}
		if got.Name != tc.name || got.OneOff != tc.oneOff {
			t.Errorf("%s %s = %q (one-off %v), want %q (%v)", tc.nation, tc.day, got.Name, got.OneOff, tc.name, tc.oneOff)
		}
		if name, ok := c.Holiday(d(tc.day)); !ok || name != tc.name {
			t.Errorf("%s Holiday(%s) = %q %v", tc.nation, tc.day, name, ok)
		}
	}
}

// TestWithoutOneOffs: the rules alone give 2020's early May holiday on
// its Monday and no jubilee; declaring the changes is what moves them.
func TestWithoutOneOffs(t *testing.T) {
	c, errs := New(EnglandAndWales, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, tc := range []struct {
		day string
		ok  bool
	}{
		{"2020-05-04", true}, {"2020-05-08", false},
		{"2022-05-30", true}, {"2022-06-02", false}, {"2022-06-03", false}, {"2022-09-19", false},
		{"2023-05-08", false},
	} {
		if _, ok := c.Holiday(d(tc.day)); ok != tc.ok {
			t.Errorf("Holiday(%s) = %v, want %v", tc.day, ok, tc.ok)
		}
	}
}

func TestEaster(t *testing.T) {
	for _, tc := range []struct {
		year int
		want string
	}{
		{1900, "1900-04-15"}, {2000, "2000-04-23"}, {2008, "2008-03-23"}, {2011, "2011-04-24"},
		{2019, "2019-04-21"}, {2031, "2031-04-13"}, {2038, "2038-04-25"}, {2100, "2100-03-28"},
	} {
		if got := Easter(tc.year); got != d(tc.want) {
			t.Errorf("Easter(%d) = %s, want %s", tc.year, got, tc.want)
		}
	}
}

// TestEveryYear: far from the published years, each nation still has its
// holidays, each on a weekday and once.
func TestEveryYear(t *testing.T) {
	want := map[Nation]int{EnglandAndWales: 8, Scotland: 9, NorthernIreland: 10}
	for _, n := range Nations {
		c, _ := New(n, nil)
		for y := 2029; y <= 2200; y++ {
			hs := c.Holidays(y)
			if len(hs) != want[n] {
				t.Errorf("%s %d: %d holidays, want %d", n, y, len(hs), want[n])
			}
			for i, h := range hs {
				if weekend(h.Date) || h.Date.Year != y || (i > 0 && !hs[i-1].Date.Before(h.Date)) {
					t.Errorf("%s %d: %s %s (%s)", n, y, h.Date, h.Date.Time().Weekday(), h.Name)
				}
			}
		}
	}
}

func TestDue(t *testing.T) {
	ew, sc := calendar(t, EnglandAndWales), calendar(t, Scotland)
	for _, tc := range []struct {
		c                       *Calendar
		received, due, extended string
		why                     string
	}{
		{ew, "2025-09-03", "2025-10-03", "2025-12-03", "same date next month (a Friday); Wednesday three months on"},
		{ew, "2025-01-31", "2025-02-28", "2025-04-30", "no 31 February: last day of February"},
		{ew, "2024-01-31", "2024-02-29", "2024-04-30", "leap year: 29 February"},
		{ew, "2024-02-29", "2024-04-02", "2024-05-29", "29 March 2024 is Good Friday, then a weekend, then Easter Monday"},
		{ew, "2024-03-29", "2024-04-29", "2024-07-01", "received on Good Friday; 29 June 2024 is a Saturday: Monday 1 July"},
		{ew, "2025-03-31", "2025-04-30", "2025-06-30", "30-day month clamps"},
		{ew, "2025-03-21", "2025-04-22", "2025-06-23", "21 April 2025 is Easter Monday: Tuesday; 21 June a Saturday: Monday 23rd"},
		{ew, "2025-04-26", "2025-05-27", "2025-07-28", "26 May 2025 is the spring bank holiday: Tuesday"},
		{ew, "2025-11-25", "2025-12-29", "2026-02-25", "Christmas: 25 December, Boxing Day, weekend, then Monday 29th"},
		{ew, "2026-07-31", "2026-09-01", "2026-11-02", "31 August 2026 is the summer bank holiday"},
		{ew, "2026-11-28", "2026-12-29", "2027-03-01", "28 December 2026 is the substitute Boxing Day"},
		{ew, "2027-11-25", "2027-12-29", "2028-02-25", "Christmas 2027 on a Saturday: substitute days 27 and 28 December"},
		{ew, "2027-12-01", "2028-01-04", "2028-03-01", "1 January 2028 a Saturday, 3 January the substitute day"},
		{ew, "2028-01-31", "2028-02-29", "2028-05-02", "leap 2028; 30 April a Sunday, 1 May a bank holiday"},
		{ew, "2020-04-08", "2020-05-11", "2020-07-08", "8 May 2020 was the early May holiday, moved for VE day"},
		{ew, "2020-04-04", "2020-05-04", "2020-07-06", "4 May 2020 was a working day once the holiday moved; 4 July a Saturday"},
		{ew, "2022-05-02", "2022-06-06", "2022-08-02", "2 and 3 June 2022, then a weekend"},
		{ew, "2022-08-19", "2022-09-20", "2022-11-21", "19 September 2022, the state funeral; 19 November a Saturday"},
		{ew, "2023-04-08", "2023-05-09", "2023-07-10", "8 May 2023, the coronation; 8 July a Saturday"},
		// Beyond any list ever shipped: Easter 2031 is 13 April, Christmas
		// 2032 a Saturday and 1 January 2033 a Saturday.
		{ew, "2031-03-11", "2031-04-15", "2031-06-11", "11 April 2031 Good Friday, weekend, 14 April Easter Monday"},
		{ew, "2031-03-14", "2031-04-15", "2031-06-16", "14 April 2031 Easter Monday; 14 June a Saturday"},
		{sc, "2031-03-14", "2031-04-14", "2031-06-16", "no Easter Monday in Scotland"},
		{ew, "2032-11-25", "2032-12-29", "2033-02-25", "Christmas 2032 a Saturday: substitute days 27 and 28 December"},
		{ew, "2032-11-27", "2032-12-29", "2033-02-28", "27 December 2032 the substitute Christmas Day; 27 February 2033 a Sunday"},
		{ew, "2032-12-01", "2033-01-04", "2033-03-01", "1 January 2033 a Saturday, 3 January the substitute day"},
		{sc, "2032-12-01", "2033-01-05", "2033-03-01", "in Scotland 4 January 2033 is 2 January's substitute day"},
		{sc, "2032-10-30", "2032-12-01", "2033-01-31", "St Andrew's Day 2032 is a Tuesday; 30 January 2033 a Sunday"},
	} {
		r := d(tc.received)
		if got := tc.c.Due(r); got != d(tc.due) {
			t.Errorf("%s Due(%s) = %s %s, want %s (%s)", tc.c.Nation(), r, got, got.Time().Weekday(), tc.due, tc.why)
		}
		if got := tc.c.Extended(r); got != d(tc.extended) {
			t.Errorf("%s Extended(%s) = %s %s, want %s (%s)", tc.c.Nation(), r, got, got.Time().Weekday(), tc.extended, tc.why)
		}
	}
}

func TestExtendedIsNotDuePlusTwoMonths(t *testing.T) {
	// Received 31 January 2025: due 28 February; that plus two months is
	// 28 April, but three months from receipt is 30 April.
	c, _ := New(EnglandAndWales, nil)
	r := d("2025-01-31")
	if got, naive := c.Extended(r), c.NextWorkingDay(c.Due(r).AddMonths(2)); got == naive {
		t.Errorf("Extended(%s) = %s, the same as due plus two months", r, got)
	}
}

func TestChangeErrors(t *testing.T) {
	for _, tc := range []struct {
		change Change
		field  string
		msg    string
	}{
		{Change{}, "", "give add: (an extra holiday, with its name:) or move: and to:"},
		{Change{Add: d("2023-05-08"), Move: d("2023-05-01"), To: d("2023-05-02")}, "move", "give add: or move:, not both"},
		{Change{Add: d("2023-05-08"), To: d("2023-05-09"), Name: "x"}, "to", "to: goes with move:"},
		{Change{Add: d("2023-05-08")}, "", "the extra holiday on Monday 8 May 2023 needs a name:"},
		{Change{Add: d("2023-05-06"), Name: "x"}, "add", "2023-05-06 is a Saturday: a holiday at a weekend changes no due date"},
		{Change{Add: d("2023-05-01"), Name: "x"}, "add", "2023-05-01 is already a bank holiday in England and Wales (Early May bank holiday)"},
		{Change{Move: d("2020-05-05"), To: d("2020-05-08")}, "move", "2020-05-05 is not a bank holiday in England and Wales by the rules; the nearest is 2020-05-04, Monday 4 May 2020 (Early May bank holiday)"},
		{Change{Move: d("2020-06-15"), To: d("2020-06-16")}, "move", "2020-06-15 is not a bank holiday in England and Wales by the rules"},
		{Change{Move: d("2020-05-04")}, "", "the move of 2020-05-04 needs to:"},
		{Change{Move: d("2020-05-04"), To: d("2020-05-04")}, "to", "2020-05-04 is the day it moves from"},
		{Change{Move: d("2020-05-04"), To: d("2020-05-09")}, "to", "2020-05-09 is a Saturday: move a holiday to a weekday"},
		{Change{Move: d("2020-05-04"), To: d("2020-05-25")}, "to", "2020-05-25 is already a bank holiday in England and Wales (Spring bank holiday)"},
	} {
		c, errs := New(EnglandAndWales, []Change{tc.change})
		if len(errs) != 1 || errs[0].Index != 0 || errs[0].Field != tc.field || !strings.HasPrefix(errs[0].Msg, tc.msg) {
			t.Errorf("%+v: %v, want %s: %s", tc.change, errs, tc.field, tc.msg)
			continue
		}
		if len(c.Holidays(2020)) != 8 || len(c.Holidays(2023)) != 8 {
			t.Errorf("%+v: a change in error was applied", tc.change)
		}
	}
	// The second of two changes that collide is the one reported.
	_, errs := New(EnglandAndWales, []Change{
		{Move: d("2020-05-04"), To: d("2020-05-08")},
		{Add: d("2020-05-08"), Name: "VE day"},
		{Move: d("2020-05-04"), To: d("2020-05-07")},
	})
	if len(errs) != 2 || errs[0].Index != 1 || !strings.Contains(errs[0].Msg, "already a bank holiday in England and Wales (Early May bank holiday)") ||
		errs[1].Index != 2 || errs[1].Msg != "2020-05-04 is moved twice" {
		t.Errorf("colliding changes: %v", errs)
	}
}

func TestParseNation(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Nation
		err  string
	}{
		{"england-and-wales", EnglandAndWales, ""},
		{"Scotland", Scotland, ""},
		{"Northern Ireland", NorthernIreland, ""},
		{"northern_ireland", NorthernIreland, ""},
		{"scotalnd", "", `"scotalnd" is not a nation (did you mean scotland?); want england-and-wales (the default), scotland or northern-ireland`},
		{"England", "", "(did you mean england-and-wales?)"},
		{"wales", "", "(did you mean england-and-wales?)"},
		{"NI", "", "(did you mean northern-ireland?)"},
		{"france", "", `"france" is not a nation; want`},
		{"/etc/formrelay/bank-holidays.txt", "", `"/etc/formrelay/bank-holidays.txt" is a file: give a nation instead`},
	} {
		got, err := ParseNation(tc.in)
		if tc.err == "" {
			if err != nil || got != tc.want {
				t.Errorf("ParseNation(%q) = %q, %v", tc.in, got, err)
			}
		} else if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("ParseNation(%q) error = %v, want %s", tc.in, err, tc.err)
		}
	}
}

// TestConcurrent: handlers share one calendar; run with -race.
func TestConcurrent(t *testing.T) {
	c := calendar(t, EnglandAndWales)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for y := 2020; y < 2060; y++ {
				c.Due(date.New(y+i%3, 12, 1))
			}
		})
	}
	wg.Wait()
}

func TestBetween(t *testing.T) {
	c := calendar(t, EnglandAndWales)
	var got []string
	for _, h := range c.Between(d("2022-12-26"), d("2023-05-08")) {
		got = append(got, h.Date.String())
	}
	if g, want := strings.Join(got, " "), "2022-12-26 2022-12-27 2023-01-02 2023-04-07 2023-04-10 2023-05-01 2023-05-08"; g != want {
		t.Errorf("Between = %s, want %s", g, want)
	}
}

func BenchmarkDue(b *testing.B) {
	c, _ := New(EnglandAndWales, oneOffs)
	r := d("2027-11-25")
	for b.Loop() {
		c.Due(r)
		c.Extended(r)
	}
}
