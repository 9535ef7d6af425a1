// Package machine makes the outputs of a site read by programs rather than
// people: policies.json, the Atom feed of changes, sitemap.xml, robots.txt,
// _headers (and the Content-Security-Policy in it), security.txt and the
// review calendar reviews.ics.
//
// Input: the site model (site.Site), which they read only the summaries
// of: front matter, review status, versions, never a policy's text.
// Output: output.File values, deterministic for a model and day.
package machine

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/output"
	"github.com/policysite/policysite/generator/site"
)

// Files returns the outputs for machines, in this order: policies.json,
// reviews.ics (when site.yaml asks for it), sitemap.xml and the Atom feed
// (Feed; both with a base_url), robots.txt, _headers, .nojekyll,
// .htaccess (for Apache) and .well-known/security.txt (with a security
// contact).
func Files(s *site.Site) ([]output.File, error) {
	cfg := s.Config
	type entry struct {
		Slug       string      `json:"slug"`
		Title      string      `json:"title"`
		Version    string      `json:"version"`
		Effective  date.Date   `json:"effective"`
		NextReview date.Date   `json:"next_review"`
		Owner      string      `json:"owner"`
		Summary    string      `json:"summary,omitempty"`
		Category   string      `json:"category,omitempty"`
		Status     site.Status `json:"status"`
		DaysLeft   int         `json:"days_left"`
		URL        string      `json:"url"`
	}
	doc := struct {
		Title        string              `json:"title"`
		Organisation config.Organisation `json:"organisation"`
		BaseURL      string              `json:"base_url,omitempty"`
		Generated    date.Date           `json:"status_as_of"`
		Policies     []entry             `json:"policies"`
	}{Title: cfg.Title, Organisation: cfg.Organisation, BaseURL: cfg.BaseURL, Generated: s.Now, Policies: []entry{}}
	for _, p := range s.Policies {
		doc.Policies = append(doc.Policies, entry{p.Slug, p.Title, p.Version, p.Effective, p.NextReview, p.Owner, p.Summary, p.Category, p.Status, p.DaysLeft, cfg.BaseURL + p.Slug + "/"})
	}
	js, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	outs := []output.File{{Path: "policies.json", Body: append(js, '\n')}}
	if cfg.ReviewCalendar {
		outs = append(outs, output.File{Path: "reviews.ics", Body: Calendar(s)})
	}
	robots := "User-agent: *\nAllow: /\n"
	if cfg.BaseURL != "" {
		robots += "Sitemap: " + cfg.BaseURL + "sitemap.xml\n"
		var b bytes.Buffer
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
		latest := date.Date{}
		for _, p := range s.Policies {
			if p.Effective.After(latest) {
				latest = p.Effective
			}
		}
		writeURL := func(loc string, mod date.Date) {
			b.WriteString("<url><loc>")
			template.HTMLEscape(&b, []byte(loc))
			b.WriteString("</loc>")
			if !mod.IsZero() {
				b.WriteString("<lastmod>" + mod.String() + "</lastmod>")
			}
			b.WriteString("</url>\n")
		}
		writeURL(cfg.BaseURL, latest)
		writeURL(cfg.BaseURL+"changes/", latest)
		for _, p := range s.Policies {
			writeURL(cfg.BaseURL+p.Slug+"/", p.Effective)
			if p.HasHistory() {
				writeURL(cfg.BaseURL+p.Slug+"/history/", p.Effective)
			}
			if p.Diff != nil {
				writeURL(cfg.BaseURL+p.Slug+"/compare/"+url.PathEscape(p.Version)+"/", p.Effective)
			}
			for _, v := range p.History {
				if v.Diff != nil {
					writeURL(cfg.BaseURL+p.Slug+"/compare/"+url.PathEscape(v.Version)+"/", v.Effective)
				}
			}
		}
		b.WriteString("</urlset>\n")
		outs = append(outs, output.File{Path: "sitemap.xml", Body: b.Bytes()})
		feed, err := Feed(s, s.Changes())
		if err != nil {
			return nil, err
		}
		outs = append(outs, output.File{Path: "feed.xml", Body: feed, Raw: true})
	}
	outs = append(outs, output.File{Path: "robots.txt", Body: []byte(robots), Raw: true})
	outs = append(outs, headersFile(cfg), noJekyll)
	if cfg.Host == "apache" {
		outs = append(outs, htaccess(cfg))
	}
	outs = append(outs, securityTxt(s)...)
	return outs, nil
}

// atomFeed and atomEntry are the parts of RFC 4287 the feed uses.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name  string `xml:"name"`
	Email string `xml:"email,omitempty"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Summary string   `xml:"summary"`
}

// Feed returns the Atom feed of changes, newest first. Ids are URLs under
// base_url that never change once a version exists, and every time comes
// from an effective date, so the same site gives the same bytes.
func Feed(s *site.Site, changes []site.Change) ([]byte, error) {
	cfg := s.Config
	base := cfg.BaseURL
	author := cfg.Organisation.Name
	if author == "" {
		author = cfg.Title
	}
	f := atomFeed{
		ID:     base + "feed.xml",
		Title:  "Policy changes: " + cfg.Title,
		Author: atomPerson{Name: author, Email: cfg.Organisation.Email},
		Links:  []atomLink{{Rel: "self", Href: base + "feed.xml"}, {Rel: "alternate", Href: base + "changes/"}},
	}
	stamp := func(c site.Change) string { return c.Effective.String() + "T00:00:00Z" }
	f.Updated = "1970-01-01T00:00:00Z"
	if len(changes) > 0 {
		f.Updated = stamp(changes[0])
	}
	for _, c := range changes {
		link := base + c.Policy.Slug + "/v/" + url.PathEscape(c.Version) + "/"
		if c.Current {
			link = base + c.Policy.Slug + "/"
		}
		if c.Compare {
			link = base + c.Policy.Slug + "/compare/" + url.PathEscape(c.Version) + "/"
		}
		note := c.Note
		if note == "" {
			note = fmt.Sprintf("Version %s takes effect on %s.", c.Version, c.Effective.Format(cfg.Language))
		}
		f.Entries = append(f.Entries, atomEntry{
			ID:      base + c.Policy.Slug + "/v/" + url.PathEscape(c.Version) + "/",
			Title:   fmt.Sprintf("%s: version %s", c.Policy.Title, c.Version),
			Updated: stamp(c),
			Link:    atomLink{Rel: "alternate", Href: link},
			Summary: note,
		})
	}
	b, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
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
func headersFile(cfg *config.Site) output.File {
	var b strings.Builder
	for _, r := range HeaderRules(cfg) {
		b.WriteString(r.Path + "\n")
		for _, h := range r.Headers {
			b.WriteString("  " + h.Name + ": " + h.Value + "\n")
		}
	}
	return output.File{Path: "_headers", Body: []byte(b.String()), Raw: true}
}

// htaccess is .htaccess, the headers of HeaderRules for Apache (with
// mod_headers; AllowOverride All, or FileInfo Indexes), and 404.html for
// a missing page. Paths are under the site's base path.
func htaccess(cfg *config.Site) output.File {
	base := "/"
	if u, err := url.Parse(cfg.BaseURL); err == nil && u.Path != "" {
		base = u.Path
	}
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
	return output.File{Path: ".htaccess", Body: []byte(b.String()), Raw: true}
}

// noJekyll is .nojekyll: without it GitHub Pages runs Jekyll over the
// site, which drops .well-known/ (and every folder starting with _ or .).
// It is an empty file, harmless on every other host.
var noJekyll = output.File{Path: ".nojekyll", Body: []byte{}, Raw: true}

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
