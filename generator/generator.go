// Package generator builds a policy centre: it reads a site folder (site.yaml,
// content/, themes/) and produces the pages of the site, then writes them to
// the destination folder in one atomic swap.
//
// Build runs every stage and writes; Render runs every stage but the write,
// and is what check uses. A Builder renders the same site again and again,
// redoing only what changed: serve uses one. A build with any error writes
// nothing.
package generator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/policysite/policysite/generator/check"
	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/frontmatter"
	"github.com/policysite/policysite/generator/history"
	"github.com/policysite/policysite/generator/markdown"
	"github.com/policysite/policysite/generator/output"
	"github.com/policysite/policysite/generator/publish"
	"github.com/policysite/policysite/generator/site"
	"github.com/policysite/policysite/generator/source"
	"github.com/policysite/policysite/generator/theme"
	"github.com/policysite/policysite/themes"
)

// Options say what to build and how.
type Options struct {
	// Source is the site folder, holding site.yaml and content/.
	Source string
	// Destination is where the site is written; relative paths are taken
	// from the current folder. Default: public/ inside Source.
	Destination string
	// Now is the day review status is computed for. Default: Today().
	Now date.Date
	// BaseURL overrides site.yaml's base_url.
	BaseURL string
	// Drafts includes policies marked draft.
	Drafts bool
	// DefaultTheme replaces the embedded default theme (serve uses the files
	// on disk so theme edits show at once).
	DefaultTheme fs.FS
	// HeapBudget, when positive, is how large Build lets the heap grow
	// before collecting garbage while it streams policies, in bytes: it
	// sets the runtime's memory limit to it and turns proportional
	// collection (GOGC) off, until the live heap passes half of it or the
	// policies are written, then puts both back. The settings are the
	// process's: for a command that builds once, not a server. The
	// whole-site path (a theme whose pages read every policy) ignores it:
	// it holds the whole site, and under the limit would collect without
	// end.
	HeapBudget int64
}

// Today returns today's date, or the date of SOURCE_DATE_EPOCH when set, so
// reproducible builds need no flag.
func Today() (date.Date, error) {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return date.Date{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds", s)
		}
		return date.Of(time.Unix(n, 0).UTC()), nil
	}
	return date.Of(time.Now()), nil
}

// A Result is a rendered site, not yet written.
type Result struct {
	Site        *site.Site
	Outputs     []output.File
	Diagnostics diag.List
	// Changed are the paths of outputs that are new, differ or are gone
	// since the Builder's last good render (every path, for the first).
	Changed []string
}

// Build renders the site and, when there are no errors, writes it to the
// destination. The returned error is the diagnostics when they hold errors.
//
// It streams: one worker reads, parses, renders, minifies and writes each
// policy, then keeps only what the pages listing every policy and the link
// checks read (its front matter, headings and links), so a build holds one
// policy's text per core rather than every policy's. Pages are written
// into a folder beside the destination that replaces it only when the
// whole site built without errors. The Result has no Outputs.
//
// A theme whose policy pages read other policies, or whose pages listing
// every policy read their text, needs every policy before those pages:
// then Build renders as Render does, and writes after.
func Build(opts Options) (*Result, error) {
	if _, err := publish.CheckDestination(DestinationOf(opts), Guards(opts)...); err != nil {
		return nil, err
	}
	b := NewBuilder(opts)
	fsys, done, err := b.open()
	if err != nil {
		return nil, err
	}
	defer done()
	opts = b.opts
	cfg, l := b.loadConfig(fsys)
	basePath := basePathOf(cfg)
	te, tl := b.loadTheme(fsys, cfg, basePath)
	if l = append(l, tl...); len(check.Stops(l)) > 0 || te.readsSite || te.readsText {
		// Render finds site.yaml and the theme loaded already.
		res, err := b.render(fsys)
		if err == nil {
			err = output.MinifyAll(res.Outputs)
		}
		if err == nil {
			err = publish.Write(DestinationOf(opts), res.Outputs, Guards(opts)...)
		}
		return res, err
	}
	res := &Result{Diagnostics: l}
	files, l := source.List(fsys)
	res.Diagnostics = append(res.Diagnostics, l...)

	tree, err := publish.Create(DestinationOf(opts), Guards(opts)...)
	if err != nil {
		return res, err
	}
	st := &stream{opts: opts, fsys: fsys, cfg: cfg, basePath: basePath, tree: tree, results: make([]streamed, len(files))}
	// Every page names the cookie policy and its notice: it comes first.
	cookie := -1
	if c := cfg.Cookies; c != nil {
		cookie = slices.IndexFunc(files, func(f source.File) bool { return f.Slug == c.Policy })
	}
	var published []*site.Policy
	if cookie >= 0 {
		if p := st.parse(cookie, files[cookie]); p != nil {
			published = []*site.Policy{p}
		}
	}
	st.ps = newPageSet(te.theme, &site.Site{Config: cfg, Now: opts.Now, Policies: published})
	heap := startHeapBudget(opts.HeapBudget)
	parallel(len(files), func(i int) {
		if i != cookie {
			st.parse(i, files[i])
		}
		st.write(i)
		heap.check()
	})
	heap.stop()

	var policies []*site.Policy
	ids := make(map[string]site.Anchors, len(files))
	for _, r := range st.results {
		res.Diagnostics = append(res.Diagnostics, r.l...)
		if r.p != nil {
			policies = append(policies, r.p)
			ids[r.p.Slug] = r.ids
		}
	}
	s := site.New(cfg, opts.Now, policies)
	res.Site = s
	siteFindings(&res.Diagnostics, s, checkLinks(s, files, ids), check.Site(s, cfg.Review.WarnDays))
	res.Diagnostics.Sort()
	if stop := check.Stops(res.Diagnostics); len(stop) > 0 || st.err != nil {
		tree.Abort()
		if st.err != nil {
			return res, st.err
		}
		return res, stop
	}
	// The pages listing every policy are written a few at a time, each
	// dropped once written: at 10,000 policies they are tens of megabytes.
	write := func(outs []output.File) error {
		for i := range outs {
			if err := output.MinifyOne(&outs[i]); err != nil {
				return err
			}
			if err := tree.Add(outs[i]); err != nil {
				return err
			}
			outs[i].Body = nil
		}
		return nil
	}
	ps := newPageSet(te.theme, s)
	head, err := ps.sitePages()
	if err == nil {
		err = write(head)
	}
	if err == nil {
		err = ps.tail(s, te.theme, write)
	}
	if err != nil {
		tree.Abort()
		return res, err
	}
	return res, tree.Commit()
}

// A stream is a build in progress: the state its workers share.
type stream struct {
	opts     Options
	fsys     fs.FS
	cfg      *config.Site
	basePath string
	tree     *publish.Tree
	ps       *pageSet // for policy pages: the site's settings, the day and the cookie policy
	results  []streamed

	mu  sync.Mutex
	err error // the first failure to render or write
}

// streamed is what a build keeps of one policy file: the policy, when
// published, without its text; and the file's diagnostics.
type streamed struct {
	p   *site.Policy
	ids site.Anchors // p's heading ids and aliases, for link checks
	l   diag.List
}

// parse reads and parses files[i] with its earlier versions and keeps the
// result; it returns the policy when it is to be published.
func (st *stream) parse(i int, f source.File) *site.Policy {
	r := &st.results[i]
	if r.l = source.Load(st.fsys, &f); len(r.l) > 0 {
		return nil
	}
	p, l := parsePolicy(f, st.cfg, st.basePath)
	r.l = l
	if p == nil || p.Draft && !st.opts.Drafts {
		return nil
	}
	p.Prepare(st.opts.Now, st.cfg.Review.WarnDays)
	r.p = p
	return p
}

// write renders, minifies and writes the pages of results[i], then drops
// its text. Once anything has failed it does nothing: the build will not
// be published.
func (st *stream) write(i int) {
	p := st.results[i].p
	st.mu.Lock()
	failed := st.err != nil
	st.mu.Unlock()
	if p == nil || failed {
		return
	}
	outs, err := st.ps.policyPages(p, (&site.Site{Policies: []*site.Policy{p}}).Changes())
	for j := 0; err == nil && j < len(outs); j++ {
		err = output.MinifyOne(&outs[j])
	}
	if err == nil {
		err = st.tree.Add(outs...)
	}
	if err != nil {
		st.mu.Lock()
		if st.err == nil {
			st.err = err
		}
		st.mu.Unlock()
	}
	st.results[i].p, st.results[i].ids = withoutText(p), p.Anchors()
}

// textless stands for a comparison that was made but is no longer kept.
var textless = &history.Comparison{}

// withoutText returns a copy of p and its versions without what only its
// own pages show: its text, contents, headings and the comparisons of its
// versions. Pages that list every policy (when the
// theme's do not name the text) and link checks read only the rest.
func withoutText(p *site.Policy) *site.Policy {
	q := *p
	q.Body, q.Contents, q.Headings = "", nil, nil
	if q.Diff != nil {
		q.Diff = textless
	}
	q.History = make([]*site.Version, len(p.History))
	for i, v := range p.History {
		w := *v
		w.Body, w.Contents = "", nil
		if w.Diff != nil {
			w.Diff = textless
		}
		q.History[i] = &w
	}
	return &q
}

// parsePolicy parses a policy file with its earlier versions, as a
// Builder does without keeping anything.
func parsePolicy(f source.File, cfg *config.Site, basePath string) (*site.Policy, diag.List) {
	one := func(f source.File) *parsedFile {
		p, l := parseOne(f, cfg, basePath)
		return &parsedFile{data: f.Data, p: p, l: l}
	}
	cur := one(f)
	if cur.p == nil || len(f.History) == 0 {
		return cur.p, cur.l
	}
	hist := make([]*parsedFile, len(f.History))
	for j, h := range f.History {
		hist[j] = one(h)
	}
	l := append(cur.l, attachHistory(cur.p, cur, f, hist, func(prev, next *parsedFile) *history.Comparison {
		c := history.Compare(bodyOf(prev.data), bodyOf(next.data))
		return &c
	})...)
	return cur.p, l
}

// DestinationOf returns where Build writes.
func DestinationOf(opts Options) string {
	if opts.Destination != "" {
		return opts.Destination
	}
	return filepath.Join(opts.Source, "public")
}

// Guards are the folders of the site a destination must not be or hold:
// the site folder (which holds site.yaml and, by default, public/),
// content/ and themes/.
func Guards(opts Options) []publish.Guard {
	return []publish.Guard{
		{Path: opts.Source, Name: "the site folder", Inside: true},
		{Path: filepath.Join(opts.Source, source.Dir), Name: source.Dir + "/"},
		{Path: filepath.Join(opts.Source, "themes"), Name: "themes/"},
	}
}

// Render runs every stage but the write. Outputs are not minified. The error
// is non-nil when the site cannot be published: then it is the list of
// diagnostics (a diag.List), or a failure of the machine. It is a Builder
// used once.
func Render(opts Options) (*Result, error) {
	return NewBuilder(opts).Render()
}

func parseOne(f source.File, cfg *config.Site, basePath string) (*site.Policy, diag.List) {
	meta, body, bodyOff, l := frontmatter.Parse(f.Path, f.Data)
	tagRule(l, "front-matter")
	if l.HasErrors() && body == nil {
		return nil, l
	}
	data, body, cl := dropControls(f.Path, f.Data, bodyOff)
	l = append(l, cl...)
	opts := markdown.Options{Path: f.Path, UnsafeHTML: cfg.UnsafeHTML, Numbered: meta.Numbered, BasePath: basePath}
	if f.Version != "" {
		// An archived version is a copy of index.md: its links mean what
		// they meant there.
		opts.LinkBase = source.Dir + "/" + f.Slug + "/index.md"
	}
	r := markdown.Render(body, opts)
	lines := diag.NewLines(f.Path, data)
	if !strings.Contains(f.Path, "/history/") {
		// check adds front matter's and markdown's findings to its own,
		// so check_ignore applies to every rule.
		l = check.Policy(check.Input{Path: f.Path, Data: data, BodyOff: bodyOff, Meta: meta, Result: r, Parsed: l})
	} else { // superseded versions are not linted, but what would break them is reported
		for _, p := range r.Problems {
			sev := p.Severity
			if s, ok := check.SeverityOf(p.Rule); ok {
				sev = s
			}
			l = append(l, diag.Diagnostic{Pos: lines.Pos(bodyOff + p.Offset), Severity: sev, Message: p.Message, Rule: p.Rule})
		}
	}
	p := &site.Policy{Slug: f.Slug, File: f.Path, Meta: meta, Body: template.HTML(r.HTML), Headings: r.Headings, Contents: site.Contents(r.Headings)}
	p.Links = make([]site.Link, len(r.Links))
	for i, k := range r.Links {
		p.Links[i] = site.Link{Link: k, Pos: lines.Pos(bodyOff + k.Offset)}
	}
	return p, l
}

// tagRule names the lint rule of diagnostics that have none.
func tagRule(l diag.List, rule string) {
	for i := range l {
		if l[i].Rule == "" {
			l[i].Rule = rule
		}
	}
}

// checkLinks runs broken-link over every policy of s; anchors are the
// policies' anchors by slug, or nil to read their headings.
func checkLinks(s *site.Site, files []source.File, anchors map[string]site.Anchors) diag.List {
	t := check.NewLinks(s, slugsOf(files), anchors)
	var l diag.List
	for _, p := range s.Policies {
		l = append(l, t.Policy(p)...)
	}
	return l
}

func slugsOf(files []source.File) []string {
	slugs := make([]string, len(files))
	for i, f := range files {
		slugs[i] = f.Slug
	}
	return slugs
}

// siteFindings appends to l what is found about the site as a whole: the
// broken links, a missing cookie policy, and the findings of check.Site.
func siteFindings(l *diag.List, s *site.Site, links, lint diag.List) {
	*l = append(*l, links...)
	*l = append(*l, check.Cookies(s)...)
	*l = append(*l, lint...)
}

func themeLayers(fsys fs.FS, cfg *config.Site, opts Options) ([]theme.Layer, diag.List) {
	var l diag.List
	def := opts.DefaultTheme
	if def == nil {
		def = themes.Default()
	}
	var layers []theme.Layer
	dir := "themes/" + cfg.Theme
	if sub, err := fs.Sub(fsys, dir); err == nil {
		if _, err := fs.Stat(fsys, dir); err == nil {
			layers = append(layers, theme.Layer{Name: dir, FS: sub})
		} else if cfg.Theme != config.DefaultTheme {
			l.Errorf(cfg.At("theme"), "theme %q: no folder %s/", cfg.Theme, dir)
		}
	}
	layers = append(layers, theme.Layer{Name: "themes/default (built in)", FS: def})
	return layers, l
}

// basePathOf returns the URL path the site lives under: that of base_url, or "/".
func basePathOf(cfg *config.Site) string {
	if u, err := url.Parse(cfg.BaseURL); err == nil && u.Path != "" {
		return u.Path
	}
	return "/"
}

// A pageSet renders the pages of one site with one theme.
type pageSet struct {
	theme  *theme.Theme
	site   *site.Site
	cookie *site.Policy // the cookie policy with its table of cookies, if any
	con    *theme.Consent
	notice string
	feed   string // the Atom feed's URL, if the site has one
}

func newPageSet(th *theme.Theme, s *site.Site) *pageSet {
	ps := &pageSet{theme: th, site: s}
	ps.con, ps.cookie = consent(s, basePathOf(s.Config))
	ps.notice = "This site sets no cookies."
	if ps.con != nil && len(ps.con.Optional) > 0 {
		ps.notice = "This site sets optional cookies only with your consent."
	} else if ps.con != nil {
		ps.notice = "This site sets only the cookies it needs to work."
	}
	if s.Config.BaseURL != "" {
		ps.feed = s.Config.BaseURL + "feed.xml"
	}
	return ps
}

// page is what a layout is executed with: for p's page, or a page of the
// site when p is nil. canonicalPath "-" means the page has no canonical URL.
func (ps *pageSet) page(p *site.Policy, canonicalPath string) *theme.Page {
	cfg := ps.site.Config
	if ps.cookie != nil && p != nil && p.Slug == ps.cookie.Slug {
		p = ps.cookie
	}
	pg := &theme.Page{Site: ps.site, Policy: p, CookiePolicy: ps.cookie, CookieNotice: ps.notice, Consent: ps.con}
	if cfg.BaseURL != "" && canonicalPath != "-" {
		pg.Canonical = cfg.BaseURL + canonicalPath
	}
	if p != nil {
		pg.Description = p.Summary
	} else {
		pg.Description = cfg.Description
	}
	return pg
}

// sitePages renders the pages that are no one policy's: the index, 404 and
// the request form.
func (ps *pageSet) sitePages() ([]output.File, error) {
	var outs []output.File
	add := func(path, layout string, pg *theme.Page) error {
		b, err := ps.theme.Render(layout, pg)
		if err != nil {
			return err
		}
		outs = append(outs, output.File{Path: path, Body: b})
		return nil
	}
	if err := add("index.html", "index.html", ps.page(nil, "")); err != nil {
		return nil, err
	}
	nf := ps.page(nil, "-")
	nf.NoIndex = true
	if err := add("404.html", "404.html", nf); err != nil {
		return nil, err
	}
	if rqs := ps.site.Config.Requests; rqs != nil {
		rq := ps.page(nil, "requests/")
		rq.Data = rqs
		rq.Description = "Ask us to act on your data protection rights."
		if err := add("requests/index.html", "requests.html", rq); err != nil {
			return nil, err
		}
		th := ps.page(nil, "-")
		th.NoIndex = true
		if err := add("requests/thanks/index.html", "thanks.html", th); err != nil {
			return nil, err
		}
	}
	return outs, nil
}

// policyPages renders p's page, then its history pages; mine are p's
// changes, newest first.
func (ps *pageSet) policyPages(p *site.Policy, mine []site.Change) ([]output.File, error) {
	b, err := ps.theme.Render("policy.html", ps.page(p, p.Slug+"/"))
	if err != nil {
		return nil, err
	}
	hs, err := ps.historyPages(p, mine)
	if err != nil {
		return nil, err
	}
	return append([]output.File{{Path: p.Slug + "/index.html", Body: b}}, hs...), nil
}

// dataFiles are the outputs for machines: policies.json, sitemap.xml, robots.txt.
func dataFiles(s *site.Site) ([]output.File, error) {
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
		outs = append(outs, output.File{Path: "reviews.ics", Body: check.Calendar(s)})
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
			writeURL(cfg.BaseURL+p.Slug+"/history/", p.Effective)
			if p.Diff != nil {
				writeURL(cfg.BaseURL+p.Slug+"/compare/"+p.Version+"/", p.Effective)
			}
			for _, v := range p.History {
				if v.Diff != nil {
					writeURL(cfg.BaseURL+p.Slug+"/compare/"+v.Version+"/", v.Effective)
				}
			}
		}
		b.WriteString("</urlset>\n")
		outs = append(outs, output.File{Path: "sitemap.xml", Body: b.Bytes()})
	}
	outs = append(outs, output.File{Path: "robots.txt", Body: []byte(robots), Raw: true})
	outs = append(outs, headersFile(cfg))
	outs = append(outs, securityTxt(s)...)
	return outs, nil
}
