package machine_test

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/policysite/policysite/generator"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/internal/sitetest"
)

// unfold parses an iCalendar stream into content lines, checking CRLF
// endings and the 75-octet limit on the way (RFC 5545 3.1).
func unfold(t *testing.T, b []byte) []string {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Fatal("stream does not end in CRLF")
	}
	var out []string
	for i, l := range strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n") {
		if strings.Contains(l, "\n") || strings.Contains(l, "\r") {
			t.Fatalf("line %d: bare LF or CR", i+1)
		}
		if len(l) > 75 {
			t.Errorf("line %d: %d octets, over 75", i+1, len(l))
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d: folded inside a UTF-8 sequence", i+1)
		}
		if strings.HasPrefix(l, " ") {
			out[len(out)-1] += l[1:]
			continue
		}
		out = append(out, l)
	}
	return out
}

// event is one VEVENT's properties, by name with parameters.
type event map[string]string

func events(t *testing.T, lines []string) []event {
	var evs []event
	var cur event
	depth := 0
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("no colon: %q", l)
		}
		switch {
		case l == "BEGIN:VCALENDAR":
			depth++
		case l == "END:VCALENDAR":
			depth--
		case l == "BEGIN:VEVENT":
			cur = event{}
		case l == "END:VEVENT":
			evs = append(evs, cur)
			cur = nil
		case cur != nil:
			if _, dup := cur[name]; dup {
				t.Errorf("property %s twice in one event", name)
			}
			cur[name] = value
		}
	}
	if depth != 0 || cur != nil || lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" {
		t.Error("unbalanced BEGIN/END")
	}
	return evs
}

func TestCalendar(t *testing.T) {
	long := strings.Repeat("Safeguarding, child protection; and “early help” ", 3)
	files := map[string]string{
		"site.yaml":    "title: Test School\nbase_url: https://policies.example.org/\nreview_calendar: true\norganisation:\n  name: Test School\n",
		"content/b.md": "---\ntitle: " + long + "\nversion: \"2.1\"\neffective: 2025-09-01\nnext_review: 2026-09-01\nowner: Designated safeguarding lead\n---\nText.\n",
		"content/a.md": "---\ntitle: Data protection\nversion: \"1.0\"\neffective: 2023-09-01\nnext_review: 2024-08-31\nowner: DPO\n---\nText.\n",
	}
	fsys := sitetest.Files(files)
	render := func() []byte {
		res, err := generator.Render(generator.Options{Source: fsys, Now: date.New(2026, 1, 15)})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range res.Outputs {
			if o.Path == "reviews.ics" {
				return o.Body
			}
		}
		t.Fatal("no reviews.ics with review_calendar: true")
		return nil
	}
	ics := render()
	if !bytes.Equal(ics, render()) {
		t.Error("two builds with the same --now differ")
	}
	evs := events(t, unfold(t, ics))
	if len(evs) != 2 {
		t.Fatalf("%d events, want 2", len(evs))
	}
	want := []event{
		{"UID": "a-20240831@policies.example.org", "DTSTAMP": "20260115T000000Z", "DTSTART;VALUE=DATE": "20240831", "DTEND;VALUE=DATE": "20240901",
			"SUMMARY": `Review due: Data protection (1.0)`, "URL": "https://policies.example.org/a/"},
		{"UID": "b-20260901@policies.example.org", "DTSTAMP": "20260115T000000Z", "DTSTART;VALUE=DATE": "20260901", "DTEND;VALUE=DATE": "20260902",
			"SUMMARY": `Review due: ` + strings.NewReplacer(",", `\,`, ";", `\;`).Replace(strings.TrimSpace(long)) + ` (2.1)`},
	}
	for i, w := range want {
		for k, v := range w {
			if evs[i][k] != v {
				t.Errorf("event %d %s = %q, want %q", i, k, evs[i][k], v)
			}
		}
	}
	if !strings.Contains(evs[1]["DESCRIPTION"], `Owner: Designated safeguarding lead\nVersion 2.1\, effective 1 September 2025.`) {
		t.Errorf("description: %q", evs[1]["DESCRIPTION"])
	}

	// Without review_calendar there is no feed.
	fsys["site.yaml"] = &fstest.MapFile{Data: []byte("title: Test School\norganisation:\n  name: Test School\n")}
	res, err := generator.Render(generator.Options{Source: fsys, Now: date.New(2026, 1, 15)})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range res.Outputs {
		if o.Path == "reviews.ics" {
			t.Error("reviews.ics published without review_calendar")
		}
	}
}
