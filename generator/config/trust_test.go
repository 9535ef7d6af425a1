package config

import (
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/date"
)

func TestTrustDecoded(t *testing.T) {
	in := `certifications:
  - id: cyber-essentials
    name: Cyber Essentials Plus
    body: Example Assessors Ltd
    number: CE-0001
    issued: 2026-03-01
    expires: 2027-02-28
    url: https://certs.example/CE-0001
processors:
  - name: Mailhost
    purpose: Hosts our email
    data: [names, email addresses]
    location: Ireland
    safeguard: UK adequacy regulations
    since: 2024-09-01
    until: 2026-08-31
  - name: Cloudnotes
    purpose: Keeps pupil records
    data: pupil records
    since: September 2026
`
	s, l := Parse([]byte(in))
	if len(l) != 0 {
		t.Fatal(l)
	}
	c := s.Certification("cyber-essentials")
	if c == nil || c.Expires != date.New(2027, 2, 28) || c.Pos.Line != 2 || c.ExpiresPos.Line != 7 || c.ExpiresPos.Col != 14 {
		t.Errorf("certification %+v", c)
	}
	if s.Certification("iso27001") != nil {
		t.Error("found a certification not declared")
	}
	p := s.Processors
	if len(p) != 2 || p[0].Until == nil || *p[0].Until != date.New(2026, 8, 31) || p[1].Until != nil ||
		len(p[1].Data) != 1 || p[1].Since != date.New(2026, 9, 30) || p[1].Pos.Line != 17 {
		t.Fatalf("processors %+v", p)
	}
	if p[0].Current(date.New(2026, 8, 31)) || !p[0].Current(date.New(2026, 8, 30)) || !p[1].Current(date.New(2030, 1, 1)) {
		t.Error("Current is wrong about until")
	}
}

func TestTrustErrors(t *testing.T) {
	cert := "certifications:\n  - {id: ce, name: CE, issued: 2026-01-01, expires: 2027-01-01"
	proc := "processors:\n  - {name: Mailhost, purpose: email, since: 2026-01-01"
	tests := []struct{ in, want string }{
		{cert + ", expirse: 2027-01-01}\n", `site.yaml:2:65: unknown field "certifications[0].expirse" (did you mean "expires"?)`},
		{cert + ", url: http://x.example/}\n", `site.yaml:2:70: certifications[0].url: "http://x.example/" is not an https URL`},
		{"certifications:\n  - {id: ce, name: CE, issued: 2026-01-01, expires: 2026-13-01}\n", `site.yaml:2:53: certifications[0].expires: "2026-13-01" is not a date`},
		{"certifications:\n  - {id: ce, name: CE, issued: 2026-01-01, expires: 2025-01-01}\n", `site.yaml:2:53: certifications[0].expires: 2025-01-01 is not after issued (2026-01-01)`},
		{"certifications:\n  - {id: ce, name: CE, issued: 2026-01-01}\n", `site.yaml:2:5: certifications[0].expires: missing`},
		{"certifications:\n  - {id: CE!, name: CE, issued: 2026-01-01, expires: 2027-01-01}\n", `site.yaml:2:10: certifications[0].id: "CE!" is not an id`},
		{cert + "}\n" + "  - {id: ce, name: CE2, issued: 2026-01-01, expires: 2027-01-01}\n", `site.yaml:3:10: certifications[1].id: certification "ce" is declared twice`},
		{"certifications:\n  - {id: ce, issued: 2026-01-01, expires: 2027-01-01}\n", `site.yaml:2:5: certifications[0].name: missing`},
		{proc + ", until: 2025-01-01}\n", `site.yaml:2:64: processors[0].until: 2025-01-01 is before since (2026-01-01)`},
		{proc + ", terms: ftp://x.example/}\n", `site.yaml:2:64: processors[0].terms: "ftp://x.example/" is not an https URL`},
		{proc + ", locaton: Ireland}\n", `site.yaml:2:57: unknown field "processors[0].locaton" (did you mean "location"?)`},
		{proc + ", data: {a: b}}\n", `site.yaml:2:63: processors[0].data: expected a list, found a mapping`},
		{"processors:\n  - {name: Mailhost, since: 2026-01-01}\n", `site.yaml:2:5: processors[0].purpose: missing`},
		{"processors:\n  - {name: Mailhost, purpose: email}\n", `site.yaml:2:5: processors[0].since: missing`},
		{proc + "}\n  - {name: mailhost, purpose: x, since: 2026-01-01}\n", `site.yaml:3:12: processors[1].name: processor "mailhost" is declared twice`},
		{"processors: Mailhost\n", `site.yaml:1:13: processors: expected a list, found "Mailhost"`},
	}
	for _, tt := range tests {
		_, l := Parse([]byte(tt.in))
		if got := l.Error(); !strings.HasPrefix(got, tt.want) {
			t.Errorf("Parse(%q):\ngot  %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

// FuzzParse: site.yaml is untrusted input. Parse never panics, and every
// finding is inside the file.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"title: x\n",
		"certifications:\n  - {id: ce, name: CE, issued: 2026-01-01, expires: 2027-01-01, url: https://x.example/}\n",
		"processors:\n  - {name: M, purpose: p, data: [a, b], location: UK, safeguard: none, since: 2026-01, until: 2027-01}\n",
		"cookies:\n  policy: c\n  categories:\n    - id: necessary\n      cookies: [{name: a, provider: b, purpose: c, duration: d}]\n",
		"requests:\n  relay_url: https://r.example/\n  fields: [{name: email, label: E, kind: email}]\n",
		"categories: [{name: A, weight: 1}]\nreview: {warn_days: 3, review_period: 2 years}\n",
		"processors: &a [*a]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, l := Parse(data)
		if s == nil {
			t.Fatal("nil Site")
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, d := range l {
			if d.Pos.File != File || d.Pos.Line < 1 || d.Pos.Line > lines+1 {
				t.Fatalf("finding outside the file: %v", d)
			}
		}
	})
}
