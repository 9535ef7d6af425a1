package generator

import (
	"fmt"
	"html/template"
	"net/url"
	"sort"
	"strings"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/markdown"
	"github.com/policysite/policysite/generator/output"
	"github.com/policysite/policysite/generator/site"
	"github.com/policysite/policysite/generator/theme"
)

// CookieTableHeading is the heading of the cookie policy's section the
// generated "Cookies we use" table ends. Without one, the table goes at the
// end of the policy under a heading of that name.
const CookieTableHeading = "Cookies we use"

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

// headersFile is _headers, the format Netlify and Cloudflare Pages read.
func headersFile(cfg *config.Site) output.File {
	h := "/*\n" +
		"  Content-Security-Policy: " + ContentSecurityPolicy(cfg) + "\n" +
		"  Referrer-Policy: strict-origin-when-cross-origin\n" +
		"  X-Content-Type-Options: nosniff\n" +
		"  X-Frame-Options: DENY\n" +
		"  Cross-Origin-Opener-Policy: same-origin\n" +
		"  Permissions-Policy: accelerometer=(), browsing-topics=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()\n" +
		"/assets/*\n" +
		"  Cache-Control: public, max-age=31536000, immutable\n"
	return output.File{Path: "_headers", Body: []byte(h), Raw: true}
}

// securityTxt is /.well-known/security.txt (RFC 9116), published when
// site.yaml names a security contact. It expires a year less a day after
// the build: the RFC asks for less than a year, and a site rebuilt on
// every policy change keeps it fresh.
func securityTxt(s *site.Site) []output.File {
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
	return []output.File{{Path: ".well-known/security.txt", Body: []byte(b.String()), Raw: true}}
}
