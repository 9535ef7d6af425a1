package config

import (
	"strings"
	"testing"
)

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in     string
		months int
	}{
		{"12 months", 12}, {"1 year", 12}, {"2 years", 24}, {"18", 18}, {"6 Months", 6}, {"1 month", 1},
		{"0 months", 0}, {"fortnightly", 0}, {"-1 year", 0}, {"11 years", 0}, {"", 0},
	}
	for _, tt := range tests {
		p, err := ParsePeriod(tt.in)
		if (err == nil) != (tt.months > 0) || p.Months != tt.months {
			t.Errorf("ParsePeriod(%q) = %v, %v; want %d months", tt.in, p, err, tt.months)
		}
	}
}

func TestDefaults(t *testing.T) {
	s, l := Parse([]byte("organisation:\n  name: Acme\nbase_url: https://example.org/p\n"))
	if len(l) != 0 {
		t.Fatal(l)
	}
	if s.Title != "Acme policies" || s.Language != "en-GB" || s.Review.WarnDays != 30 || s.Review.Period.Months != 12 ||
		s.Theme != "default" || s.BaseURL != "https://example.org/p/" || s.UnsafeHTML {
		t.Errorf("defaults: %+v", s)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"titel: x\n", `site.yaml:1:1: unknown field "titel" (did you mean "title"?)`},
		{"title: [\n", `site.yaml:1:1: invalid YAML: did not find expected node content`},
		{"dpo: Jo\n", `site.yaml:1:6: dpo: expected a mapping of keys to values, found "Jo"`},
		{"theme: ../../etc\n", `site.yaml:1:8: theme: "../../etc" is not a theme folder name`},
		{"security_contact: security@example.org\n", `site.yaml:1:19: security_contact: "security@example.org" must be a mailto:, https: or tel: URI`},
		{"review:\n  warn_days: -3\n", `site.yaml:2:14: review.warn_days: must not be negative`},
		{"unsafe_html: maybe\n", `site.yaml:1:14: unsafe_html: expected true or false, found "maybe"`},
		{"title: a\ntitle: b\n", `site.yaml:2:1: title is set twice`},
	}
	for _, tt := range tests {
		_, l := Parse([]byte(tt.in))
		if got := l.Error(); !strings.HasPrefix(got, tt.want) {
			t.Errorf("Parse(%q):\ngot  %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

func TestRequestsChecked(t *testing.T) {
	in := "requests:\n  relay_url: https://relay.example.org/requests\n  fields:\n    - name: email\n      label: Email\n      kind: email\n    - name: Bad Name\n      label: x\n      kind: colour\n"
	_, l := Parse([]byte(in))
	got := l.Error()
	for _, want := range []string{"site.yaml:7:13: requests.fields[1].name", "site.yaml:9:13: requests.fields[1].kind"} {
		if !strings.Contains(got, want) {
			t.Errorf("want %q in:\n%s", want, got)
		}
	}
}
