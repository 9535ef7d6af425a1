package generator

import (
	"fmt"
	"html/template"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/markdown"
	"github.com/policysite/policysite/generator/publish"
	"github.com/policysite/policysite/generator/site"
	"github.com/policysite/policysite/generator/theme"
)

// CookieTableHeading is the heading of the cookie policy's section the
// generated "Cookies we use" table ends. Without one, the table goes at the
// end of the policy under a heading of that name.
const CookieTableHeading = "Cookies we use"

// checkCookies reports a cookie declaration that names no published policy.
func checkCookies(s *site.Site, l *diag.List) {
	c := s.Config.Cookies
	if c == nil || c.Policy == "" {
		return
	}
	for _, p := range s.Policies {
		if p.Slug == c.Policy {
			return
		}
	}
	l.Errorf(s.Config.At("cookies"), "cookies.policy: no policy content/%s.md (the cookie notice links to it)", c.Policy)
}

// consent builds the cookie notice and the cookie policy page with its
// generated table. Both are nil when site.yaml declares no cookies.
func consent(s *site.Site, basePath string) (*theme.Consent, *site.Policy) {
	c := s.Config.Cookies
	if c == nil {
		return nil, nil
	}
	var policy *site.Policy
	for _, p := range s.Policies {
		if p.Slug == c.Policy {
			policy = withCookieTable(p, c)
		}
	}
	con := &theme.Consent{Policy: basePath + c.Policy + "/", Revision: c.Revision, Optional: c.Optional(), Scripts: s.Config.Scripts}
	for _, cat := range c.Categories {
		if cat.ID == config.Necessary {
			con.Necessary = cat
		}
	}
	if c.Declares(config.ConsentCookie) {
		con.Cookie = config.ConsentCookie
	}
	return con, policy
}

// withCookieTable returns a copy of the cookie policy with the table of
// declared cookies at the end of its "Cookies we use" section (before the
// next heading of the same or a higher level), or at the end of the page
// under a new heading when the policy has no such section. The parsed
// policy is left alone: it may be cached between builds.
func withCookieTable(p *site.Policy, c *config.Cookies) *site.Policy {
	cp := *p
	table := cookieTable(c)
	body := string(p.Body)
	for i, h := range p.Headings {
		if !strings.EqualFold(strings.TrimSpace(h.Text), CookieTableHeading) {
			continue
		}
		at := len(body)
		for _, next := range p.Headings[i+1:] {
			if next.Level <= h.Level {
				if k := strings.Index(body, fmt.Sprintf(`<h%d id="%s"`, next.Level, next.ID)); k >= 0 {
					at = k
				}
				break
			}
		}
		cp.Body = template.HTML(body[:at] + table + body[at:])
		return &cp
	}
	id := "cookies-we-use"
	for p.HasAnchor(id) {
		id += "-1"
	}
	cp.Body = template.HTML(body + `<h2 id="` + id + `">` + CookieTableHeading + "</h2>\n" + table)
	cp.Headings = append(append([]markdown.Heading(nil), p.Headings...), markdown.Heading{Level: 2, Text: CookieTableHeading, ID: id})
	cp.Contents = site.Contents(cp.Headings)
	return &cp
}

// cookieTable is one table per category: name, who sets it, why, how long.
func cookieTable(c *config.Cookies) string {
	var b strings.Builder
	esc := template.HTMLEscapeString
	b.WriteString(`<div class="cookie-tables">` + "\n")
	for _, cat := range c.Categories {
		title := cat.Title
		if title == "" && cat.ID == config.Necessary {
			title = "Strictly necessary"
		}
		b.WriteString("<table>\n<caption>" + esc(title))
		if cat.ID == config.Necessary {
			b.WriteString(" (always on)")
		} else {
			b.WriteString(" (only with your consent)")
		}
		b.WriteString("</caption>\n<thead><tr><th scope=\"col\">Cookie</th><th scope=\"col\">Set by</th><th scope=\"col\">Purpose</th><th scope=\"col\">Duration</th></tr></thead>\n<tbody>\n")
		for _, k := range cat.Cookies {
			fmt.Fprintf(&b, "<tr><td><code>%s</code></td><td>%s</td><td>%s</td><td>%s</td></tr>\n", esc(k.Name), esc(k.Provider), esc(k.Purpose), esc(k.Duration))
		}
		if len(cat.Cookies) == 0 {
			b.WriteString("<tr><td colspan=\"4\">None.</td></tr>\n")
		}
		b.WriteString("</tbody>\n</table>\n")
		if cat.Description != "" {
			b.WriteString("<p>" + esc(cat.Description) + "</p>\n")
		}
	}
	b.WriteString("</div>\n")
	return b.String()
}

// origin returns the scheme and host of an absolute URL, or "".
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// ContentSecurityPolicy is the site's policy: its own origin only, widened
// for scripts, their beacons and images by the origins of declared scripts,
// and for forms (and the form's script) by the request relay.
func ContentSecurityPolicy(cfg *config.Site) string {
	set := func(extra ...string) string {
		seen := map[string]bool{}
		out := []string{"'self'"}
		for _, o := range extra {
			if o != "" && !seen[o] {
				seen[o] = true
				out = append(out, o)
			}
		}
		sort.Strings(out[1:])
		return strings.Join(out, " ")
	}
	var scripts []string
	for _, sc := range cfg.Scripts {
		scripts = append(scripts, origin(sc.Src))
	}
	relay := ""
	if cfg.Requests != nil {
		relay = origin(cfg.Requests.RelayURL)
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src " + set(scripts...),
		"style-src 'self'",
		"img-src " + set(scripts...),
		"connect-src " + set(append(scripts, relay)...),
		"form-action " + set(relay),
		"frame-ancestors 'none'",
		"base-uri 'none'",
		"object-src 'none'",
	}, "; ")
}

// A HeaderRule is one block of the _headers file: the headers a host sends
// for the paths that match Path ("/*" every path, "/assets/*" those under
// /assets/).
type HeaderRule struct {
	Path    string
	Headers []Header
}

// A Header is one response header.
type Header struct{ Name, Value string }

// Get returns the value of the header name in r, or "".
func (r HeaderRule) Get(name string) string {
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// HeaderRules are the response headers the site asks its host for, in the
// order _headers lists them: headersFile writes them for Netlify and
// Cloudflare Pages, htaccess for Apache, and `policysite deploy` sets the
// Cache-Control they give on each object it uploads.
func HeaderRules(cfg *config.Site) []HeaderRule {
	return []HeaderRule{
		{Path: "/*", Headers: []Header{
			{"Content-Security-Policy", ContentSecurityPolicy(cfg)},
			{"Referrer-Policy", "strict-origin-when-cross-origin"},
			{"X-Content-Type-Options", "nosniff"},
			{"X-Frame-Options", "DENY"},
			{"Cross-Origin-Opener-Policy", "same-origin"},
			{"Permissions-Policy", "accelerometer=(), browsing-topics=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"},
		}},
		// Assets are named by a hash of their content: a changed file is a new name.
		{Path: "/assets/*", Headers: []Header{
			{"Cache-Control", "public, max-age=31536000, immutable"},
		}},
	}
}

// headersFile is _headers, the format Netlify and Cloudflare Pages read.
func headersFile(cfg *config.Site) publish.Output {
	var b strings.Builder
	for _, r := range HeaderRules(cfg) {
		b.WriteString(r.Path + "\n")
		for _, h := range r.Headers {
			b.WriteString("  " + h.Name + ": " + h.Value + "\n")
		}
	}
	return publish.Output{Path: "_headers", Body: []byte(b.String()), Raw: true}
}

// htaccess is .htaccess, the headers of HeaderRules for Apache (with
// mod_headers; AllowOverride All, or FileInfo Indexes), and 404.html for
// a missing page. Paths are under the site's base path.
func htaccess(cfg *config.Site) publish.Output {
	base := basePathOf(cfg)
	var b strings.Builder
	b.WriteString("# Written by policysite build, from the rules _headers is written from.\n" +
		"# Needs mod_headers, and AllowOverride All (docs/publishing.md).\n" +
		"ErrorDocument 404 " + base + "404.html\n" +
		"DirectoryIndex index.html\n")
	for _, r := range HeaderRules(cfg) {
		indent := ""
		if r.Path != "/*" {
			prefix := strings.TrimSuffix(strings.TrimPrefix(r.Path, "/"), "*")
			b.WriteString(`<If "%{REQUEST_URI} =~ m#^` + regexp.QuoteMeta(base+prefix) + `#">` + "\n")
			indent = "  "
		}
		for _, h := range r.Headers {
			// always: on the 404 page and redirects too. The values hold
			// no double quote.
			b.WriteString(indent + `Header always set ` + h.Name + ` "` + strings.ReplaceAll(h.Value, `"`, `\"`) + `"` + "\n")
		}
		if indent != "" {
			b.WriteString("</If>\n")
		}
	}
	return publish.Output{Path: ".htaccess", Body: []byte(b.String()), Raw: true}
}

// noJekyll is .nojekyll: without it GitHub Pages runs Jekyll over the
// site, which drops .well-known/ (and every folder starting with _ or .).
// It is an empty file, harmless on every other host.
var noJekyll = publish.Output{Path: ".nojekyll", Body: []byte{}, Raw: true}

// MetaContentSecurityPolicy is ContentSecurityPolicy for a <meta
// http-equiv> element, on hosts that send no headers: without the
// directives browsers ignore there (frame-ancestors, report-uri, sandbox).
func MetaContentSecurityPolicy(cfg *config.Site) string {
	var out []string
	for _, d := range strings.Split(ContentSecurityPolicy(cfg), "; ") {
		switch strings.Fields(d)[0] {
		case "frame-ancestors", "report-uri", "sandbox":
			continue
		}
		out = append(out, d)
	}
	return strings.Join(out, "; ")
}

// securityTxt is /.well-known/security.txt (RFC 9116), published when
// site.yaml names a security contact. It expires a year less a day after
// the build: the RFC asks for less than a year, and a site rebuilt on
// every policy change keeps it fresh.
func securityTxt(s *site.Site) []publish.Output {
	cfg := s.Config
	if cfg.SecurityContact == "" {
		return nil
	}
	var b strings.Builder
	b.WriteString("Contact: " + cfg.SecurityContact + "\n")
	b.WriteString("Expires: " + s.Now.AddMonths(12).AddDays(-1).String() + "T00:00:00Z\n")
	b.WriteString("Preferred-Languages: " + cfg.Language + "\n")
	if cfg.BaseURL != "" {
		b.WriteString("Canonical: " + cfg.BaseURL + ".well-known/security.txt\n")
	}
	return []publish.Output{{Path: ".well-known/security.txt", Body: []byte(b.String()), Raw: true}}
}
