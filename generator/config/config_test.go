package config

import (
	"slices"
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
		{"categories:\n  - weight: 2\n", `site.yaml:2:5: categories[0].name: missing`},
		{"categories:\n  - {name: Data, weight: 1}\n  - {name: Data}\n", `site.yaml:3:5: categories[1]: "Data" is listed twice`},
		{"categories:\n  - {name: Data, wieght: 1}\n", `site.yaml:2:18: unknown field "categories[0].wieght" (did you mean "weight"?)`},
		{"defaults:\n  effective: last-commit\n", `site.yaml:2:14: warning: defaults.effective: not needed, remove it: in a git repository a policy without effective: took effect on its file's last commit, else on its date:`},
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

const consentOK = "cookies:\n  policy: cookies\n  revision: \"2\"\n  categories:\n    - id: necessary\n      cookies:\n        - {name: policysite_consent, provider: us, purpose: choice, duration: 6 months}\n    - id: analytics\n      title: Analytics\n      cookies:\n        - {name: _pk_id.*, provider: Matomo, purpose: counts visits, duration: 13 months}\n"

func TestCookies(t *testing.T) {
	s, l := Parse([]byte(consentOK + "scripts:\n  - src: https://stats.example.org/a.js\n    category: analytics\n    data: {domain: example.org}\n"))
	if len(l) != 0 {
		t.Fatal(l)
	}
	if got := s.Cookies.Optional(); len(got) != 1 || got[0].ID != "analytics" || s.Scripts[0].Data["domain"] != "example.org" {
		t.Errorf("optional categories %+v, scripts %+v", got, s.Scripts)
	}
	if o := ScriptOrigin(s.Scripts[0].Src); o != "https://stats.example.org" {
		t.Errorf("origin %q", o)
	}
}

func TestCookieErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"cookies:\n  policy: c\n  categories:\n    - id: stats\n      title: Stats\n", `site.yaml:2:3: cookies.revision: set a revision`},
		{"cookies:\n  policy: c\n  revision: \"1\"\n  categories:\n    - id: stats\n      title: Stats\n", `site.yaml:5:5: cookies: the visitor's choice is stored in the cookie policysite_consent`},
		{"cookies:\n  policy: c\n  categories:\n    - id: Bad Id\n      title: B\n      cookies: [{name: policysite_consent}]\n", `site.yaml:4:11: cookies.categories[0].id: "Bad Id" is not an id`},
		{"cookies:\n  policy: c\n  categories:\n    - id: necessary\n    - id: necessary\n", `site.yaml:5:11: cookies.categories[1].id: category "necessary" is declared twice`},
		{"cookies:\n  policy: c\n  categories:\n    - id: necessary\n      cookies:\n        - name: a b\n          provider: x\n          purpose: y\n          duration: z\n", `site.yaml:6:17: cookies.categories[0].cookies[0].name: "a b" is not a cookie name`},
		{"cookies:\n  policy: c\n  categories:\n    - id: necessary\n      cookies:\n        - name: ab\n", `site.yaml:6:11: cookies.categories[0].cookies[0].provider: missing`},
		{"cookies:\n  categories: []\n", `site.yaml:2:3: cookies.policy: name the slug`},
		{"scripts:\n  - src: https://x.org/a.js\n    category: analytics\n", `site.yaml:3:15: scripts[0].category: declare cookies: with the category "analytics" first`},
		{consentOK + "scripts:\n  - src: http://x.org/a.js\n    category: analytics\n", `site.yaml:13:10: scripts[0].src: "http://x.org/a.js": scripts from other sites must use https`},
		{consentOK + "scripts:\n  - src: /a.js\n    category: marketing\n", `site.yaml:14:15: scripts[0].category: "marketing" is not a category declared`},
		{consentOK + "scripts:\n  - src: /a.js\n    category: analytics\n    integrity: md5-x\n", `site.yaml:15:16: scripts[0].integrity: "md5-x" is not a hash`},
		{consentOK + "scripts:\n  - src: /a.js\n    category: analytics\n    data: {Bad: x}\n", `site.yaml:15:17: scripts[0].data: "Bad" is not a data attribute name`},
	}
	for _, tt := range tests {
		_, l := Parse([]byte(tt.in))
		if got := l.Error(); !strings.Contains("\n"+got, "\n"+tt.want) {
			t.Errorf("Parse(%q):\ngot  %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

func TestSchoolValues(t *testing.T) {
	s, l := Parse([]byte(`organisation:
  name: Trust
dpo:
  name: Trust DPO
  email: dpo@trust.example
params:
  funding: Agency
  region: North
schools:
  - id: a
    name: School A
    dsl: Ms Lead
    params:
      funding: A's funder
    dpo:
      email: dpo@a.example
  - id: b
    name: School B
`))
	if len(l) != 0 {
		t.Fatal(l)
	}
	for _, c := range []struct {
		school string
		want   string
	}{
		{"", "dpo.email=dpo@trust.example dpo.name=Trust DPO funding=Agency organisation.name=Trust region=North"},
		{"a", "dpo.email=dpo@a.example funding=A's funder organisation.name=Trust region=North school.dsl=Ms Lead school.id=a school.name=School A"},
		{"b", "dpo.email=dpo@trust.example dpo.name=Trust DPO funding=Agency organisation.name=Trust region=North school.id=b school.name=School B"},
	} {
		var sc *School
		if c.school != "" {
			sc = s.School(c.school)
		}
		var got []string
		for k, v := range s.Values(sc) {
			got = append(got, k+"="+v)
		}
		slices.Sort(got)
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("Values(%q) = %s\nwant %s", c.school, g, c.want)
		}
	}
}

func TestSchoolErrors(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"schools:\n  - id: Bad\n    name: X\n", `site.yaml:2:9: schools[0].id: "Bad" is not a folder name`},
		{"schools:\n  - id: a\n    name: X\n  - id: a\n    name: Y\n", `site.yaml:4:9: schools[1].id: "a" is listed twice`},
		{"schools:\n  - id: requests\n    name: X\n", `site.yaml:2:9: schools[0].id: "requests" is a path of the site's own pages`},
		{"schools:\n  - id: a\n", `site.yaml:2:5: schools[0].name: missing`},
		{"schools:\n  - id: a\n    name: X\n    email: nope\n", `site.yaml:4:12: schools[0].email: "nope" is not an email address`},
		{"schools:\n  - id: a\n    name: X\n    dpo:\n      email: nope\n", `site.yaml:5:14: schools[0].dpo.email: "nope" is not an email address`},
		{"params:\n  dpo: x\n", `site.yaml:2:8: params: "dpo" is the name of site.yaml's own variables`},
		{"params:\n  a.b: x\n", `site.yaml:2:8: params: "a.b" is not a variable name`},
		{"required: [a]\n", `site.yaml:1:11: required: names the policies every school must have, but schools: lists none`},
		{"schools:\n  - id: a\n    name: X\n    colour: red\n", `site.yaml:4:5: unknown field "schools[0].colour"`},
	} {
		s, l := Parse([]byte("organisation:\n  name: T\n" + c.yaml))
		var got []string
		for _, d := range l {
			d.Line -= 2
			got = append(got, d.Error())
		}
		if g := strings.Join(got, "\n"); !strings.Contains(g, c.want) {
			t.Errorf("%q:\n%s\nwant %s", c.yaml, g, c.want)
		}
		for _, sc := range s.Schools {
			if sc.ID == "Bad" || sc.ID == "requests" {
				t.Errorf("%q: school %q kept", c.yaml, sc.ID)
			}
		}
	}
}
