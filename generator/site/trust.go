package site

import (
	"slices"
	"strings"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
)

// A ProcessorChange is a processor site.yaml declares starting work for
// the site (on its since: day) or stopping (on its until: day): what the
// changes page and the feed list, dated by site.yaml alone, so no record
// outside the source is needed. Upcoming is set for a day after Now,
// given as notice.
type ProcessorChange struct {
	Date      date.Date
	Processor config.Processor
	Added     bool
	Upcoming  bool
}

// ID names the change for ever, as the feed's entry ids: the processor's
// name made a slug, whether it was added or removed, and the day.
func (c ProcessorChange) ID() string {
	kind := "removed"
	if c.Added {
		kind = "added"
	}
	var b strings.Builder
	for _, r := range strings.ToLower(c.Processor.Name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return kind + "-" + c.Date.String() + "-" + strings.TrimSuffix(b.String(), "-")
}

// ProcessorChanges returns every processor's start and, once it has an
// until:, its end, newest first, then by name (an end before a start on
// the same day, as a replacement reads).
func ProcessorChanges(cfg *config.Site, now date.Date) []ProcessorChange {
	var out []ProcessorChange
	for _, p := range cfg.Processors {
		if !p.Since.IsZero() {
			out = append(out, ProcessorChange{Date: p.Since, Processor: p, Added: true, Upcoming: p.Since.After(now)})
		}
		if p.Until != nil {
			out = append(out, ProcessorChange{Date: *p.Until, Processor: p, Upcoming: p.Until.After(now)})
		}
	}
	slices.SortStableFunc(out, func(a, b ProcessorChange) int {
		if c := b.Date.Compare(a.Date); c != 0 {
			return c
		}
		if a.Added != b.Added {
			if a.Added {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Processor.Name, b.Processor.Name)
	})
	return out
}
