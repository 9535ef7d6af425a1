package docx

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/policysite/policysite/generator/date"
)

// A Day is a date as a document wrote it: a day, or a month alone.
type Day struct {
	date.Date
	// Month is set for a month without a day ("October 2024").
	Month bool
}

// String writes the date as front matter holds it: 2024-10-31, or 2024-10
// for a month alone.
func (d Day) String() string {
	if d.Month {
		return fmt.Sprintf("%04d-%02d", d.Year, int(d.Date.Month))
	}
	return d.Date.String()
}

// addMonths moves a day on by n months; a month alone stays a month.
func (d Day) addMonths(n int) Day {
	if d.Month {
		return Day{date.New(d.Year, d.Date.Month+time.Month(n), 1), true}
	}
	return Day{d.AddMonths(n), false}
}

// first is the day a date means as an effective date: the first of a month
// alone; last its meaning as a review date, the last day.
func (d Day) first() date.Date {
	if d.Month {
		return date.New(d.Year, d.Date.Month, 1)
	}
	return d.Date
}

func (d Day) last() date.Date {
	if d.Month {
		return date.New(d.Year, d.Date.Month+1, 0)
	}
	return d.Date
}

var (
	ordinalRE = compiled(`(?i)\b(\d{1,2})(st|nd|rd|th)\b`)
	numDateRE = compiled(`^(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})$`)
	dateInRE  = compiled(`(?i)\b(\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[a-z]{3,9}\.?,?\s+\d{4}|[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|[a-z]{3,9}\.?\s+\d{4}|\d{4}-\d{2}(?:-\d{2})?|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})\b`)
)

// parseDay reads a date as policies write them: "October 2024", "1st
// September 2024", "2024-09-01", "01/09/2024" (day first, as in the UK).
func parseDay(s string) (Day, bool) {
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), ".,;()"))
	s = ordinalRE().ReplaceAllString(s, "$1")
	s = strings.Join(strings.Fields(strings.ReplaceAll(strings.ReplaceAll(s, " of ", " "), ",", " ")), " ")
	if m := numDateRE().FindStringSubmatch(s); m != nil {
		d, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		y, _ := strconv.Atoi(m[3])
		if len(m[3]) == 2 {
			y += 2000
		}
		if mo < 1 || mo > 12 || d < 1 || d > date.DaysIn(y, time.Month(mo)) {
			return Day{}, false
		}
		return Day{date.New(y, time.Month(mo), d), false}, true
	}
	d, err := date.Parse(s)
	if err != nil || d.Year < 1990 || d.Year > 2200 {
		return Day{}, false
	}
	return Day{d, date.MonthOnly(s)}, true
}

// findDay finds the last date written in s.
func findDay(s string) (Day, bool) {
	all := dateInRE().FindAllString(s, -1)
	for i := len(all) - 1; i >= 0; i-- {
		if d, ok := parseDay(all[i]); ok {
			return d, true
		}
	}
	return Day{}, false
}

// A field is what a title-block line says.
const (
	fVersion = "version"
	fEffect  = "effective"
	fNext    = "next_review"
	fOwner   = "owner"
)

var (
	versionRE = compiled(`(?i)^(?:dated\s*:?\s*)?(?:document\s+|policy\s+)?(?:version|issue)(?:\s+(?:no\.?|number))?\s*[:.#]?\s*v?(\d{1,4}(?:\.\d{1,4}){0,3}[a-z]?)(?:\s*[,;:–—-]\s*|\s+|$)(.*)$`)
	vShortRE  = compiled(`(?i)^v(\d{1,4}(?:\.\d{1,4}){0,3})(?:\s+|$)(.*)$`)
	labelRE   = compiled(`(?i)^(` +
		`next\s+review(?:\s+date)?(?:\s+due)?|to\s+be\s+reviewed(?:\s+(?:by|on|in))?|review\s+date|date\s+of\s+(?:next\s+)?review|review\s+due(?:\s+date)?|due\s+for\s+review|review\s+by|renewal\s+date|next\s+due` +
		`|date\s+approved|approved\s+on|date\s+of\s+approval|approval\s+date|date\s+adopted|adopted(?:\s+on)?|effective(?:\s+date|\s+from)?|date\s+effective|date\s+ratified|ratified\s+on|issue\s+date|date\s+(?:of\s+)?issue|date\s+issued|issued|dated?|last\s+(?:reviewed|updated|revised)|published|implementation\s+date|date\s+implemented` +
		`|(?:policy\s+|document\s+)?owner|responsible\s+(?:officer|person|lead)|policy\s+lead` +
		`)\s*(?::|-|–|—|\s)\s*(.+)$`)
)

// titleLine reads one line of a title block ("Version 1.08 October 2024",
// "Next review: October 2025", "August 2023"); it returns what it says, or
// nothing for a line that is not a title-block line.
func titleLine(line string) map[string]string {
	l := strings.TrimSpace(strings.Trim(strings.TrimSpace(line), "*_"))
	if l == "" || len([]rune(l)) > 120 {
		return nil
	}
	if m := versionRE().FindStringSubmatch(l); m != nil {
		out := map[string]string{fVersion: m[1]}
		if rest := strings.TrimSpace(m[2]); rest != "" {
			if d, ok := parseDay(rest); ok {
				out[fEffect] = d.String()
			} else if sub := titleLine(rest); sub != nil {
				for k, v := range sub {
					out[k] = v
				}
			} else if d, ok := findDay(rest); ok && len(rest) < 60 {
				out[fEffect] = d.String()
			} else {
				return nil
			}
		}
		return out
	}
	if m := vShortRE().FindStringSubmatch(l); m != nil {
		out := map[string]string{fVersion: m[1]}
		if rest := strings.TrimSpace(m[2]); rest != "" {
			d, ok := parseDay(rest)
			if !ok {
				return nil
			}
			out[fEffect] = d.String()
		}
		return out
	}
	if m := labelRE().FindStringSubmatch(l); m != nil {
		label := strings.ToLower(strings.Join(strings.Fields(m[1]), " "))
		val := strings.TrimSpace(m[2])
		switch {
		case strings.Contains(label, "owner") || strings.HasPrefix(label, "responsible") || label == "policy lead":
			return map[string]string{fOwner: strings.Trim(val, " .")}
		case strings.Contains(label, "review") && !strings.HasPrefix(label, "last") || strings.Contains(label, "renewal") || strings.Contains(label, "due"):
			if d, ok := parseDay(val); ok {
				return map[string]string{fNext: d.String()}
			}
		default:
			if d, ok := parseDay(val); ok {
				return map[string]string{fEffect: d.String()}
			}
			if sub := titleLine(val); sub != nil && sub[fVersion] != "" {
				return sub
			}
		}
		return nil
	}
	if d, ok := parseDay(l); ok {
		return map[string]string{"date": d.String()}
	}
	return nil
}

// compareVersions orders "1.9" before "1.10".
func compareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) || i < len(pb); i++ {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(strings.TrimRight(pa[i], "abcdefghijklmnopqrstuvwxyz"))
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(strings.TrimRight(pb[i], "abcdefghijklmnopqrstuvwxyz"))
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return strings.Compare(a, b)
}
