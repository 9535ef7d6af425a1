package generator

import (
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/form"
	"github.com/policysite/policysite/generator/markdown"
	"github.com/policysite/policysite/generator/site"
)

func TestContentSecurityPolicy(t *testing.T) {
	tests := []struct {
		cfg  config.Site
		want string
	}{
		{config.Site{}, "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"},
		{config.Site{
			Scripts:  []config.Script{{Src: "https://stats.example.org/s.js"}, {Src: "/local.js"}, {Src: "https://stats.example.org/other.js"}},
			Requests: &form.Spec{RelayURL: "https://relay.example.org/requests"},
		}, "default-src 'self'; script-src 'self' https://stats.example.org; style-src 'self'; img-src 'self' https://stats.example.org; connect-src 'self' https://relay.example.org https://stats.example.org; form-action 'self' https://relay.example.org; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"},
	}
	for _, tt := range tests {
		if got := ContentSecurityPolicy(&tt.cfg); got != tt.want {
			t.Errorf("CSP:\ngot  %s\nwant %s", got, tt.want)
		}
	}
	h := string(headersFile(&config.Site{}).Body)
	for _, want := range []string{"/*\n  Content-Security-Policy: default-src 'self';", "  Referrer-Policy: strict-origin-when-cross-origin\n", "  X-Content-Type-Options: nosniff\n", "  Permissions-Policy: ", "/assets/*\n  Cache-Control: public, max-age=31536000, immutable\n"} {
		if !strings.Contains(h, want) {
			t.Errorf("_headers lacks %q:\n%s", want, h)
		}
	}
}

func TestSecurityTxt(t *testing.T) {
	s := &site.Site{Now: date.New(2028, 2, 29), Config: &config.Site{SecurityContact: "mailto:sec@example.org", Language: "en-GB", BaseURL: "https://p.example.org/x/"}}
	got := string(securityTxt(s)[0].Body)
	want := "Contact: mailto:sec@example.org\nExpires: 2029-02-27T00:00:00Z\nPreferred-Languages: en-GB\nCanonical: https://p.example.org/x/.well-known/security.txt\n"
	if got != want {
		t.Errorf("security.txt:\n%s\nwant\n%s", got, want)
	}
	s.Config.SecurityContact = ""
	if out := securityTxt(s); out != nil {
		t.Errorf("no contact, yet %v", out)
	}
}

func TestCookieTablePlacement(t *testing.T) {
	c := &config.Cookies{Categories: []config.CookieCategory{{ID: "necessary", Cookies: []config.Cookie{{Name: "a<b", Provider: "us", Purpose: "p", Duration: "d"}}}}}
	h := func(level int, text, id string) markdown.Heading {
		return markdown.Heading{Level: level, Text: text, ID: id}
	}
	tests := []struct {
		name, body string
		heads      []markdown.Heading
		want       string
	}{
		{"end of section", `<h2 id="cookies-we-use">Cookies we use</h2><p>x</p><h3 id="s">S</h3><p>y</p><h2 id="next">Next</h2>`,
			[]markdown.Heading{h(2, "Cookies we use", "cookies-we-use"), h(3, "S", "s"), h(2, "Next", "next")},
			`<p>y</p>TABLE<h2 id="next">Next</h2>`},
		{"last section", `<h2 id="cookies-we-use">Cookies We Use</h2><p>x</p>`,
			[]markdown.Heading{h(2, "Cookies We Use", "cookies-we-use")}, `<p>x</p>TABLE`},
		{"no section", `<h2 id="intro">Intro</h2>`, []markdown.Heading{h(2, "Intro", "intro")},
			`<h2 id="intro">Intro</h2><h2 id="cookies-we-use">Cookies we use</h2>` + "\nTABLE"},
	}
	table := cookieTable(c)
	if !strings.Contains(table, "<code>a&lt;b</code>") || !strings.Contains(table, "Strictly necessary (always on)") {
		t.Errorf("table does not escape or caption: %s", table)
	}
	for _, tt := range tests {
		p := &site.Policy{Body: "", Headings: tt.heads}
		p.Body = templateHTML(tt.body)
		got := strings.Replace(string(withCookieTable(p, c).Body), table, "TABLE", 1)
		if !strings.HasSuffix(got, tt.want) {
			t.Errorf("%s: %s\nwant suffix %s", tt.name, got, tt.want)
		}
		if string(p.Body) != tt.body {
			t.Errorf("%s: the parsed policy was changed", tt.name)
		}
	}
}

func templateHTML(s string) template.HTML { return template.HTML(s) }

func TestCookiePolicyMustExist(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "content"), 0o755)
	os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: T\ncookies:\n  policy: cookie-policy\n"), 0o644)
	_, err := Render(Options{Source: dir, Now: date.New(2026, 1, 1)})
	if err == nil || !strings.Contains(err.Error(), "site.yaml:3:3: cookies.policy: no policy content/cookie-policy.md") {
		t.Errorf("got %v", err)
	}
}

// TestHeadersFileBytes pins _headers byte for byte: it is written from
// HeaderRules, which deploy reads too, and must not change when they move.
func TestHeadersFileBytes(t *testing.T) {
	want := "/*\n" +
		"  Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'\n" +
		"  Referrer-Policy: strict-origin-when-cross-origin\n" +
		"  X-Content-Type-Options: nosniff\n" +
		"  X-Frame-Options: DENY\n" +
		"  Cross-Origin-Opener-Policy: same-origin\n" +
		"  Permissions-Policy: accelerometer=(), browsing-topics=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()\n" +
		"/assets/*\n" +
		"  Cache-Control: public, max-age=31536000, immutable\n"
	if got := string(headersFile(&config.Site{}).Body); got != want {
		t.Errorf("_headers:\n%s\nwant\n%s", got, want)
	}
	rules := HeaderRules(&config.Site{})
	if got := rules[len(rules)-1].Get("cache-control"); got != "public, max-age=31536000, immutable" || rules[0].Get("Cache-Control") != "" {
		t.Errorf("HeaderRules Cache-Control: %q", got)
	}
}
