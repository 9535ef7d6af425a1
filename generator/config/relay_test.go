package config

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// CheckRelay: an https site's form must post over https to an address
// visitors can reach; a site previewed on this machine may post to a relay
// on it.
func TestCheckRelay(t *testing.T) {
	for _, tc := range []struct {
		base, relay string
		want        string // "" for no finding, else a part of the message
	}{
		{"https://policies.example.org/", "https://relay.example.org/requests", ""},
		{"https://policies.example.org/", "https://policies.example.org/relay/requests", ""},
		{"https://policies.example.org/", "http://127.0.0.1:8025/requests", "on this machine or a private network"},
		{"https://policies.example.org/", "http://localhost:8025/requests", "on this machine"},
		{"https://policies.example.org/", "https://[::1]:8025/requests", "on this machine"},
		{"https://policies.example.org/", "https://192.168.1.20/requests", "private network"},
		{"https://policies.example.org/", "https://10.0.0.5/requests", "private network"},
		{"https://policies.example.org/", "https://relay/requests", "private network"},
		{"https://policies.example.org/", "http://relay.example.org/requests", "plain http"},
		{"http://policies.example.org/", "http://127.0.0.1:8025/requests", ""}, // not https: nothing to compare
		{"http://127.0.0.1:1313/", "http://127.0.0.1:8025/requests", ""},       // serve's preview
		{"https://localhost:8443/", "http://127.0.0.1:8025/requests", ""},      // a local https preview
		{"", "http://127.0.0.1:8025/requests", ""},                             // no base_url: unknown where it goes
	} {
		yml := "requests:\n  relay_url: " + tc.relay + "\n"
		if tc.base != "" {
			yml = "base_url: " + tc.base + "\n" + yml
		}
		s, l := Parse([]byte(yml))
		if l.HasErrors() {
			t.Fatalf("%s: %v", yml, l)
		}
		got := s.CheckRelay()
		switch {
		case tc.want == "" && len(got) != 0:
			t.Errorf("%s -> %s: %v, want no finding", tc.base, tc.relay, got)
		case tc.want != "" && (len(got) != 1 || !strings.Contains(got[0].Message, tc.want) || got[0].Rule != RelayRule || got[0].Line != strings.Count(yml[:strings.Index(yml, "relay_url")], "\n")+1 || got[0].Col != 14):
			t.Errorf("%s -> %s: %v, want one %s finding at relay_url's line, saying %q", tc.base, tc.relay, got, RelayRule, tc.want)
		}
	}
	// mode: email posts nowhere.
	if s, l := Parse([]byte("base_url: https://p.example.org/\ndpo: {email: dpo@example.org}\nrequests: {mode: email}\n")); l.HasErrors() || len(s.CheckRelay()) != 0 {
		t.Errorf("mode email: %v %v", l, s.CheckRelay())
	}
}

// A missing or empty site.yaml says how to start a site.
func TestMissingOrEmpty(t *testing.T) {
	_, l := Load(os.DirFS(t.TempDir()))
	if len(l) != 1 || l[0].Error() != "site.yaml: not found; run 'policysite init' to start a site (or --source to name the site folder)" {
		t.Errorf("missing: %v", l)
	}
	for _, data := range []string{"", "\n\n", "# only a comment\n"} {
		_, l := Parse([]byte(data))
		if len(l) != 1 || !strings.HasPrefix(l[0].Error(), "site.yaml:1:1: empty; run 'policysite init'") {
			t.Errorf("%q: %v", data, l)
		}
	}
}

// mode: email needs an address, and no relay_url; a mode must be known.
func TestRequestsMode(t *testing.T) {
	for _, tc := range []struct{ yml, want string }{
		{"dpo: {email: dpo@example.org}\nrequests: {mode: email}\n", ""},
		{"organisation: {name: X, email: office@example.org}\nrequests: {mode: email}\n", ""},
		{"requests: {mode: email}\n", "site.yaml:1:11: requests: mode email needs an address to write to"},
		{"dpo: {email: dpo@example.org}\nrequests: {mode: email, relay_url: https://r.example.org/requests}\n", "site.yaml:2:36: requests.relay_url: mode email sends no form"},
		{"requests: {mode: post}\n", "site.yaml:1:18: requests.mode: \"post\" is not a mode"},
		{"requests: {}\n", "requests.relay_url: is required: the form posts to it (or set mode: email"},
	} {
		_, l := Parse([]byte(tc.yml))
		got := ""
		for _, d := range l {
			got += d.Error() + "\n"
		}
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("%q:\n%s\nwant %q", tc.yml, got, tc.want)
		}
	}
}

// README's site.yaml example parses as written: every key in it is real
// and every value valid.
func TestREADMEExample(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)\n## site.yaml\n.*?```yaml\n(.*?)```").FindSubmatch(b)
	if m == nil {
		t.Fatal("README.md has no ```yaml block under ## site.yaml")
	}
	s, l := Parse(m[1])
	if len(l) > 0 {
		t.Errorf("README's site.yaml example:\n%s\ndoes not parse: %v", m[1], l)
	}
	if s.Cookies == nil || len(s.Cookies.Categories) == 0 || s.Requests == nil {
		t.Errorf("README's example lost its cookies or requests: %+v", s)
	}
}
