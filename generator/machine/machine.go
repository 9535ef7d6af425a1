// Package machine makes the outputs of a site read by programs rather than
// people: policies.json, the Atom feed of changes, sitemap.xml, robots.txt,
// _headers (and the Content-Security-Policy in it), security.txt and the
// review calendar reviews.ics.
//
// Input: site.yaml's settings, the day and each policy's record
// (site.Record: its summary and versions, never its text). Output:
// output.File values, deterministic for those.
package machine

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/frontmatter"
	"github.com/policysite/policysite/generator/output"
	"github.com/policysite/policysite/generator/site"
)

// perCentre are the files each school's centre has of its own, under its
// path; the rest are the host's, at the site's root.
var perCentre = map[string]bool{"policies.json": true, "reviews.ics": true, "sitemap.xml": true, "feed.xml": true, "policies.schema.json": true}

// Own returns those of files a school's centre has of its own
// (perCentre), in a new slice: a school's centre shares the trust's
// assets and host files, and Memo keeps files.
func Own(files []output.File) []output.File {
	return slices.DeleteFunc(slices.Clone(files), func(f output.File) bool { return !perCentre[f.Path] })
}

// Schema is the JSON Schema policies.json follows (docs/trust.md),
// published beside it as policies.schema.json, which policies.json names
// as its $schema when the site has a base_url.
//
//go:embed policies.schema.json
var Schema []byte

// Files returns the outputs for machines of the policies of s, in
// index order, in this order: policies.json (Policies), its schema,
// reviews.ics (when site.yaml asks for it), sitemap.xml and the Atom feed
// (Feed; both with a base_url), robots.txt, _headers, .nojekyll,
// .htaccess (for Apache) and .well-known/security.txt (with a security
// contact).
func Files(s *site.Site) ([]output.File, error) {
	js, err := Policies(s.Config, s.Now, s.Records)
	if err != nil {
		return nil, err
	}
	rest, err := others(s)
	return append([]output.File{js}, rest...), err
}

// Policies returns policies.json: every policy's summary and versions,
// each with its text's SHA-256, and site.yaml's certifications and
// processors.
func Policies(cfg *config.Site, now date.Date, records []*site.Record) (output.File, error) {
	js, _, err := policies(cfg, now, records, nil)
	return js, err
}

// policies returns policies.json and each policy's entry in it, taking
// kept[i], when it is not nil, as records[i]'s: a Memo keeps the entries
// of policies whose versions' hashes did not change.
func policies(cfg *config.Site, now date.Date, records []*site.Record, kept []json.RawMessage) (output.File, []json.RawMessage, error) {
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
		SHA256     string      `json:"sha256"`
		frontmatter.Approval
		// Versions are every version, newest first: upcoming, in
		// force, superseded.
		Versions []version `json:"versions"`
	}
	type certificate struct {
		config.Certification
		// Status is "valid", "expiring" (within warn_days) or "expired",
		// as of status_as_of.
		Status   site.CertStatus `json:"status"`
		DaysLeft int             `json:"days_left"`
	}
	type processor struct {
		config.Processor
		Current bool `json:"current"`
	}
	doc := struct {
		Schema         string              `json:"$schema,omitempty"`
		Title          string              `json:"title"`
		Organisation   config.Organisation `json:"organisation"`
		BaseURL        string              `json:"base_url,omitempty"`
		Generated      date.Date           `json:"status_as_of"`
		Policies       []json.RawMessage   `json:"policies"`
		Certifications []certificate       `json:"certifications"`
		Processors     []processor         `json:"processors"`
	}{Title: cfg.Title, Organisation: cfg.Organisation, BaseURL: cfg.BaseURL, Generated: now, Policies: []json.RawMessage{}, Certifications: []certificate{}, Processors: []processor{}}
	entries := make([]json.RawMessage, len(records))
	size := 0
	for i, r := range records {
		if i < len(kept) && kept[i] != nil {
			entries[i], size = kept[i], size+len(kept[i])+1
			continue
		}
		e, err := json.Marshal(entry{r.Slug, r.Title, r.Version, r.Effective, r.NextReview, r.Owner, r.Summary.Summary, r.Category, r.Status, r.DaysLeft,
			cfg.BaseURL + r.Slug + "/", r.Current.SHA256, r.Current.Approval, versions(cfg.BaseURL, r)})
		if err != nil {
			return output.File{}, nil, err
		}
		entries[i], size = e, size+len(e)+1
	}
	if cfg.BaseURL != "" {
		doc.Schema = cfg.BaseURL + "policies.schema.json"
	}
	for _, c := range cfg.Certifications {
		doc.Certifications = append(doc.Certifications, certificate{c, site.CertStatusOf(c, now, cfg.Review.WarnDays), c.Expires.Sub(now)})
	}
	for _, p := range cfg.Processors {
		if p.Data == nil {
			p.Data = []string{}
		}
		doc.Processors = append(doc.Processors, processor{p, p.Current(now)})
	}
	js, err := json.Marshal(doc)
	if err != nil {
		return output.File{}, nil, err
	}
	// The entries go between the brackets of "policies":[], a key no
	// other object has, and any such text in a value has its quotes
	// escaped. Given to json.Marshal, each would be scanned and compacted
	// again, which cost a save in serve more than making the changed
	// one; nor is the file indented, as a build minifies it.
	at := bytes.Index(js, []byte(`"policies":[]`)) + len(`"policies":[`)
	body := make([]byte, 0, len(js)+size+1)
	body = append(body, js[:at]...)
	for i, e := range entries {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, e...)
	}
	body = append(append(body, js[at:]...), '\n')
	return output.File{Path: "policies.json", Body: body}, entries, nil
}

// others returns Files' outputs after policies.json, which read no
// version's hash.
func others(s *site.Site) ([]output.File, error) {
	cfg, now, records := s.Config, s.Now, s.Records
	outs := []output.File{{Path: "policies.schema.json", Body: Schema, Raw: true}}
	if cfg.ReviewCalendar {
		outs = append(outs, output.File{Path: "reviews.ics", Body: Calendar(cfg, now, records)})
	}
	robots := "User-agent: *\nAllow: /\n"
	if cfg.BaseURL != "" {
		robots += "Sitemap: " + cfg.BaseURL + "sitemap.xml\n"
		for _, sc := range cfg.Schools {
			robots += "Sitemap: " + cfg.BaseURL + sc.ID + "/sitemap.xml\n"
		}
		outs = append(outs, output.File{Path: "sitemap.xml", Body: sitemap(cfg.BaseURL, len(cfg.Processors) > 0, records)})
		feed, err := Feed(cfg, now, s.Changes())
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
	outs = append(outs, securityTxt(cfg, now)...)
	return outs, nil
}

// urlPath is the folder dir (site.VersionDir) as a URL path.
func urlPath(dir string) string { return (&url.URL{Path: dir}).EscapedPath() }

// sitemap is sitemap.xml of the site at base: its index, list of changes,
// list of processors (when it has one) and every policy's pages.
func sitemap(base string, processors bool, records []*site.Record) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	latest := date.Date{}
	for _, r := range records {
		if r.Effective.After(latest) {
			latest = r.Effective
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
	writeURL(base, latest)
	writeURL(base+"changes/", latest)
	if processors {
		writeURL(base+"processors/", date.Date{})
	}
	for _, r := range records {
		writeURL(base+r.Slug+"/", r.Effective)
		for _, pg := range r.Pages() {
			if pg.NoIndex || pg.InForce {
				continue // search engines are asked to skip it, or it is the policy's page
			}
			mod := r.Effective
			if pg.Kind == site.ComparePage && !pg.Upcoming && pg.I >= 0 {
				mod = r.History[pg.I].Effective
			}
			writeURL(base+urlPath(pg.Dir), mod)
		}
	}
	b.WriteString("</urlset>\n")
	return b.Bytes()
}

// A version is one version of a policy in policies.json.
type version struct {
	Version   string    `json:"version"`
	State     string    `json:"state"` // upcoming, in-force or superseded
	Effective date.Date `json:"effective"`
	Until     date.Date `json:"until,omitzero"`
	URL       string    `json:"url"`
	SHA256    string    `json:"sha256"`
	frontmatter.Approval
	Changes string `json:"changes,omitempty"`
}

// versions lists r's versions, newest first.
func versions(base string, r *site.Record) []version {
	var out []version
	for i := len(r.Upcoming) - 1; i >= 0; i-- {
		v := r.Upcoming[i]
		out = append(out, version{v.Version, "upcoming", v.Effective, v.Until, base + urlPath(site.VersionDir(r.Slug, v.Version)), v.SHA256, v.Approval, v.Note})
	}
	c := r.Current
	out = append(out, version{c.Version, "in-force", c.Effective, c.Until, base + r.Slug + "/", c.SHA256, c.Approval, c.Note})
	for _, v := range r.History {
		out = append(out, version{v.Version, "superseded", v.Effective, v.Until, base + urlPath(site.VersionDir(r.Slug, v.Version)), v.SHA256, v.Approval, v.Note})
	}
	return out
}

// A Memo keeps the files Files made while the settings, the day and every
// policy's record stay the same (site.SameRecords): they read no more.
// An edit of a policy's text changes its hash alone, which policies.json
// alone shows: that is made again, and the other files kept. Each entry
// of policies.json is kept while its policy's record is the same. A nil
// *Memo keeps nothing.
type Memo struct {
	cfg     *config.Site
	now     date.Date
	records []*site.Record
	json    output.File
	entries map[*site.Record]json.RawMessage // each record's in json
	others  []output.File
}

// Files returns Files(s) through m.
func (m *Memo) Files(s *site.Site) ([]output.File, error) {
	if m == nil {
		return Files(s)
	}
	cfg, now, records := s.Config, s.Now, s.Records
	same := m.cfg == cfg && m.now == now && site.SameRecords(m.records, records)
	if same && site.SameHashes(m.records, records) {
		return append([]output.File{m.json}, m.others...), nil
	}
	// An entry of policies.json is kept while its record is the same one
	// (site.RecordMemo), wherever the policy now is in the list.
	var kept []json.RawMessage
	if m.cfg == cfg && m.now == now {
		kept = make([]json.RawMessage, len(records))
		for i, r := range records {
			kept[i] = m.entries[r]
		}
	}
	js, entries, err := policies(cfg, now, records, kept)
	if err != nil {
		return nil, err
	}
	// A file made again the same is the kept one: serve sends no change.
	if bytes.Equal(js.Body, m.json.Body) {
		js = m.json
	}
	rest := m.others
	if !same {
		if rest, err = others(s); err != nil {
			return nil, err
		}
		for i := range rest {
			if j := slices.IndexFunc(m.others, func(o output.File) bool { return o.Path == rest[i].Path }); j >= 0 && bytes.Equal(m.others[j].Body, rest[i].Body) {
				rest[i].Body = m.others[j].Body
			}
		}
	}
	byRecord := make(map[*site.Record]json.RawMessage, len(records))
	for i, r := range records {
		byRecord[r] = entries[i]
	}
	*m = Memo{cfg, now, records, js, byRecord, rest}
	return append([]output.File{js}, rest...), nil
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

// Feed returns the Atom feed of changes, newest first: the policies'
// versions, and the processors added and removed. Ids are URLs under
// base_url that never change once a version exists, and every time comes
// from an effective date, so the same site gives the same bytes.
func Feed(cfg *config.Site, now date.Date, changes []site.Change) ([]byte, error) {
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
	f.Updated = "1970-01-01T00:00:00Z" // the newest entry's, below
	for _, c := range changes {
		link := base + urlPath(site.VersionDir(c.Policy.Slug, c.Version))
		if c.Current {
			link = base + c.Policy.Slug + "/"
		}
		if c.Compare {
			link = base + urlPath(site.CompareDir(c.Policy.Slug, c.Version))
		}
		note := c.Note
		if note == "" {
			note = fmt.Sprintf("Version %s takes effect on %s.", c.Version, c.Effective.Format(cfg.Language))
		}
		title := fmt.Sprintf("%s: version %s", c.Policy.Title, c.Version)
		if c.Upcoming {
			title += ", in force from " + c.Effective.Format(cfg.Language)
			if c.Note != "" {
				note += fmt.Sprintf(" It comes into force on %s.", c.Effective.Format(cfg.Language))
			}
		}
		if a := approval(c.Approval, cfg.Language); a != "" {
			note += " " + a
		}
		f.Entries = append(f.Entries, atomEntry{
			ID:      base + urlPath(site.VersionDir(c.Policy.Slug, c.Version)),
			Title:   title,
			Updated: stamp(c),
			Link:    atomLink{Rel: "alternate", Href: link},
			Summary: note,
		})
	}
	// Processors added and removed, dated by site.yaml, among the
	// versions by day; on a day with both, the versions come first.
	for _, c := range site.ProcessorChanges(cfg, now) {
		p := c.Processor
		e := atomEntry{
			ID:      base + "processors/#" + c.ID(),
			Updated: c.Date.String() + "T00:00:00Z",
			Link:    atomLink{Rel: "alternate", Href: base + "processors/"},
		}
		when := "From " + c.Date.Format(cfg.Language)
		if c.Added {
			e.Title = "Processor added: " + p.Name
			e.Summary = fmt.Sprintf("%s, %s handles personal data for us: %s.", when, p.Name, p.Purpose)
			if len(p.Data) > 0 {
				e.Summary += " Data: " + strings.Join(p.Data, ", ") + "."
			}
			if p.Location != "" {
				e.Summary += " Where: " + p.Location + "."
			}
			if p.Safeguard != "" {
				e.Summary += " Safeguard: " + p.Safeguard + "."
			}
		} else {
			e.Title = "Processor removed: " + p.Name
			e.Summary = fmt.Sprintf("%s, %s no longer handles personal data for us (%s).", when, p.Name, p.Purpose)
		}
		f.Entries = append(f.Entries, e)
	}
	sort.SliceStable(f.Entries, func(i, j int) bool { return f.Entries[i].Updated > f.Entries[j].Updated })
	if len(f.Entries) > 0 {
		f.Updated = f.Entries[0].Updated
	}
	b, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}

// approval says who approved a version, when, and the minute, as a
// sentence: "Approved by the Board on 1 December 2026 (minute FGB 14)."
func approval(a frontmatter.Approval, lang string) string {
	if !a.Approved() {
		return ""
	}
	s := "Approved"
	if a.ApprovedBy != "" {
		s += " by " + a.ApprovedBy
	}
	if !a.ApprovedOn.IsZero() {
		s += " on " + a.ApprovedOn.Format(lang)
	}
	if a.Minute != "" {
		s += " (minute " + a.Minute + ")"
	}
	return s + "."
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
func securityTxt(cfg *config.Site, now date.Date) []output.File {
	if cfg.SecurityContact == "" {
		return nil
	}
	var b strings.Builder
	b.WriteString("Contact: " + cfg.SecurityContact + "\n")
	b.WriteString("Expires: " + now.AddMonths(12).AddDays(-1).String() + "T00:00:00Z\n")
	b.WriteString("Preferred-Languages: " + cfg.Language + "\n")
	if cfg.BaseURL != "" {
		b.WriteString("Canonical: " + cfg.BaseURL + ".well-known/security.txt\n")
	}
	return []output.File{{Path: ".well-known/security.txt", Body: []byte(b.String()), Raw: true}}
}
