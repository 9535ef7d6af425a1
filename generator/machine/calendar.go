package machine

import (
	"bytes"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/site"
)

// Calendar returns reviews.ics: an iCalendar feed (RFC 5545) with one
// all-day event per policy on its review due date, for owners to subscribe
// to. It is deterministic: UIDs come from slug and date, DTSTAMP from now
// (the build's --now), policies in slug order. Lines end in CRLF and fold at
// 75 octets.
func Calendar(cfg *config.Site, now date.Date, records []*site.Record) []byte {
	host := "policysite.invalid"
	if u, err := url.Parse(cfg.BaseURL); err == nil && u.Host != "" {
		host = u.Host
	}
	var b bytes.Buffer
	line := func(name, value string) { fold(&b, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//policysite//policysite//EN")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	line("X-WR-CALNAME", escapeText("Policy reviews: "+cfg.Title))
	stamp := now.Time().Format("20060102T150405Z")
	ps := append([]*site.Record(nil), records...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].Slug < ps[j].Slug })
	for _, p := range ps {
		if p.NextReview.IsZero() {
			continue
		}
		day := p.NextReview.Time().Format("20060102")
		line("BEGIN", "VEVENT")
		line("UID", p.Slug+"-"+day+"@"+host)
		line("DTSTAMP", stamp)
		fold(&b, "DTSTART;VALUE=DATE:"+day)
		fold(&b, "DTEND;VALUE=DATE:"+p.NextReview.AddDays(1).Time().Format("20060102"))
		line("SUMMARY", escapeText("Review due: "+p.Title+" ("+p.Version+")"))
		desc := "Owner: " + p.Owner + "\nVersion " + p.Version + ", effective " + p.Effective.Format("en-GB") + "."
		if cfg.BaseURL != "" {
			line("URL", cfg.BaseURL+p.Slug+"/")
			desc += "\n" + cfg.BaseURL + p.Slug + "/"
		}
		line("DESCRIPTION", escapeText(desc))
		line("TRANSP", "TRANSPARENT")
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return b.Bytes()
}

// escapeText escapes an iCalendar TEXT value (RFC 5545 3.3.11).
func escapeText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// fold writes a content line, folded so no line exceeds 75 octets (RFC 5545
// 3.1), never inside a UTF-8 sequence, each ending in CRLF.
func fold(b *bytes.Buffer, s string) {
	limit := 75
	for len(s) > limit {
		n := limit
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		b.WriteString(s[:n])
		b.WriteString("\r\n ")
		s = s[n:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
