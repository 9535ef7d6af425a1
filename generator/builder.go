package generator

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/policysite/policysite/generator/check"
	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/frontmatter"
	"github.com/policysite/policysite/generator/history"
	"github.com/policysite/policysite/generator/machine"
	"github.com/policysite/policysite/generator/output"
	"github.com/policysite/policysite/generator/pages"
	"github.com/policysite/policysite/generator/parse"
	"github.com/policysite/policysite/generator/site"
	"github.com/policysite/policysite/generator/source"
	"github.com/policysite/policysite/generator/theme"
)

// A Builder renders one site again and again, redoing only the work whose
// inputs changed since its last render. Between renders it keeps:
//
//   - site.yaml, decoded, while its bytes stay the same;
//   - each policy file parsed (front matter, markdown, lint findings), while
//     its content and the settings parsing reads (unsafe_html, the base
//     path) stay the same;
//   - the comparison of each two consecutive versions of a policy;
//   - each policy's broken links, while its files and what the slugs it
//     links to lead to stay the same;
//   - the theme, loaded, while its files and options stay the same;
//   - each policy's pages (its page, history, earlier versions and
//     comparisons), while the files of that policy, site.yaml, the theme,
//     the day and the cookie policy stay the same. That is all those pages
//     read as long as the theme's templates read nothing of .Site but
//     .Site.Config and .Site.Now (the built-in theme's do not); when they
//     read more, every page depends on every policy and is rendered again;
//   - the pages and files that list every policy (the index, what's
//     changed, the feed, sitemap.xml, policies.json, reviews.ics) and the
//     site-wide lint findings, while every policy's summary (its front
//     matter, file, review status and versions, not its text), site.yaml,
//     the theme and the day stay the same. When the theme's templates for
//     those pages name a policy's text (Body, Headings, Contents, Links,
//     Diff), they are rendered every time.
//
// So a save that changes a policy's text renders that policy's page alone;
// one that changes its title renders its pages and the lists; a template,
// stylesheet or site.yaml change renders everything that shows it, which
// is every page. Unless Watched, a render still reads every file.
//
// A Builder is not safe for concurrent use.
type Builder struct {
	opts Options
	// keep is set for a Builder made to render again: a Build keeps
	// nothing of a policy's text once its pages are written.
	keep  bool
	files *source.Cache // nil unless Watched
	ids   atomic.Uint64
	n     uint64 // renders so far

	config struct {
		data []byte
		cfg  *config.Site
		l    diag.List
	}
	mu        sync.Mutex // guards parsed and diffs while policies are parsed in parallel
	parsed    map[string]*parsedFile
	diffs     map[[2]uint64]*history.Comparison
	theme     *themeEntry
	bundles   map[string]*bundle
	listed    *listEntry
	checked   *siteCheck
	links     map[string]*linkCheck
	linkState map[string]string
	linkPages string            // the site's other pages when links were checked
	order     []string          // the slugs of the last render's policies, in index order
	last      map[string][]byte // the last good render's outputs, for Result.Changed
}

// NewBuilder returns a Builder of the site opts describe.
func NewBuilder(opts Options) *Builder {
	return &Builder{opts: opts, keep: true}
}

// Watched tells the builder that every later change to site.yaml, content/
// and themes/ will be reported with Changed before the next Render, as
// serve's watcher does. A render then reads only the files reported since
// the last one and keeps its copy of every other.
func (b *Builder) Watched() {
	if b.files == nil {
		b.files = source.NewCache()
	}
}

// Changed reports paths of a Watched builder's site that changed, appeared
// or went away: slash-separated and relative to the site folder, such as
// content/privacy.md. A folder stands for everything in it; "." for the
// whole site, when changes may have been missed.
func (b *Builder) Changed(paths ...string) {
	if b.files != nil {
		b.files.Forget(paths...)
	}
}

// Render renders the site as Render(opts) would, and says in
// Result.Changed which outputs differ from the last render that succeeded.
func (b *Builder) Render() (*Result, error) {
	fsys, done, err := b.open()
	if err != nil {
		return nil, err
	}
	defer done()
	b.n++
	mem := &memorySink{}
	res, err := b.run(fsys, mem, nil)
	if err != nil {
		return res, err
	}
	slices.SortFunc(mem.outs, func(a, b output.File) int { return strings.Compare(a.Path, b.Path) })
	res.Outputs = mem.outs
	res.Changed = b.changed(mem.outs)
	return res, nil
}

// A sink is where a render's outputs go: a build's tree, or memory.
// Add is called from several goroutines at once.
type sink interface {
	Add(outs ...output.File) error
}

// A memorySink keeps every output, for Render.
type memorySink struct {
	mu   sync.Mutex
	outs []output.File
}

func (m *memorySink) Add(outs ...output.File) error {
	m.mu.Lock()
	m.outs = append(m.outs, outs...)
	m.mu.Unlock()
	return nil
}

// open settles the day and opens the site folder for one render: through
// the Builder's copies of its files when Watched. done closes it.
func (b *Builder) open() (fsys fs.FS, done func(), err error) {
	if b.opts.Source == "" {
		b.opts.Source = "."
	}
	if b.opts.Now.IsZero() {
		now, err := Today()
		if err != nil {
			return nil, nil, err
		}
		b.opts.Now = now
	}
	root, err := os.OpenRoot(b.opts.Source)
	if err != nil {
		return nil, nil, fmt.Errorf("site folder: %w", err)
	}
	if b.files == nil {
		return root.FS(), func() { root.Close() }, nil
	}
	return b.files.Over(root.FS()), func() { b.files.Over(nil); root.Close() }, nil
}

// run is the pipeline: it loads site.yaml, the theme and the list of
// policy files; parses each policy (with its earlier versions) and, when
// the theme's policy pages read no other policy, renders its pages and
// hands them to out at once; builds the model and runs the rules on the
// whole site; then, unless a finding stops the build, renders the pages
// that remain and the files for machines into out. tick is called after
// each policy. Every stage goes through the Builder's memo when it keeps
// one.
func (b *Builder) run(fsys fs.FS, out sink, tick func()) (*Result, error) {
	opts := b.opts
	res := &Result{}
	cfg, l := b.loadConfig(fsys)
	res.Diagnostics = append(res.Diagnostics, l...)
	ps := parse.Settings{UnsafeHTML: cfg.UnsafeHTML, BasePath: basePathOf(cfg)}
	te, l := b.loadTheme(fsys, cfg, ps.BasePath)
	res.Diagnostics = append(res.Diagnostics, l...)
	files, l := source.List(fsys)
	res.Diagnostics = append(res.Diagnostics, l...)
	// Pages are rendered only with a good site.yaml and theme; a policy's
	// as it is parsed, unless the theme's policy pages read every policy.
	render := len(check.Stops(res.Diagnostics)) == 0
	early := render && !te.readsSite

	r := &running{b: b, fsys: fsys, settings: ps, warnDays: cfg.Review.WarnDays, files: files, out: out, results: make([]parsed, len(files))}
	shared := pageKey{theme: te.theme, cfg: cfg, now: opts.Now}
	if early {
		// Every page names the cookie policy and its notice: it comes first.
		cookie := -1
		if c := cfg.Cookies; c != nil {
			cookie = slices.IndexFunc(files, func(f source.File) bool { return f.Slug == c.Policy })
		}
		var first []*site.Policy
		if cookie >= 0 {
			if p := r.parse(cookie); p != nil {
				first = []*site.Policy{p}
				shared.cookie = r.results[cookie].ids
			}
		}
		r.pages = pages.New(&site.Site{Config: cfg, Now: opts.Now, Policies: first}, ps.BasePath)
		r.theme, r.key = te.theme, shared
		parallel(len(files), func(i int) {
			if i != cookie {
				r.parse(i)
			}
			r.write(i)
			if tick != nil {
				tick()
			}
		})
	} else {
		parallel(len(files), func(i int) { r.parse(i) })
	}
	if b.keep {
		b.parsed, b.diffs = r.parsedNext, r.diffsNext
	}

	var policies []*site.Policy
	ids := make(map[*site.Policy]string, len(files))
	var anchors map[string]site.Anchors
	for _, pr := range r.results {
		res.Diagnostics = append(res.Diagnostics, pr.l...)
		if pr.p != nil {
			policies = append(policies, pr.p)
			ids[pr.p] = pr.ids
			if pr.anchors != nil {
				if anchors == nil {
					anchors = make(map[string]site.Anchors, len(files))
				}
				anchors[pr.p.Slug] = *pr.anchors
			}
		}
	}
	b.sortPolicies(policies)
	s := site.New(cfg, opts.Now, policies)
	res.Site = s
	sums := summarize(s.Policies)
	res.Diagnostics = append(res.Diagnostics, b.checkLinks(s, files, ids, anchors)...)
	res.Diagnostics = append(res.Diagnostics, check.Cookies(s)...)
	// The site's rules read only summaries.
	if c := b.checked; !b.keep || c == nil || c.cfg != cfg || c.now != s.Now || !sameSummaries(c.sums, sums) {
		b.checked = &siteCheck{cfg, s.Now, sums, check.Site(s, cfg.Review.WarnDays)}
	}
	res.Diagnostics = append(res.Diagnostics, b.checked.l...)
	res.Diagnostics.Sort()
	if stop := check.Stops(res.Diagnostics); len(stop) > 0 {
		return res, stop
	}
	if r.err != nil {
		return res, r.err
	}

	set := pages.New(s, ps.BasePath)
	if !early {
		shared.cookie = ""
		for _, p := range s.Policies {
			if p.Slug == set.CookiePolicy() {
				shared.cookie = ids[p]
			}
		}
		if te.readsSite {
			shared.render = b.n
		}
		r.pages, r.theme, r.key = set, te.theme, shared
		parallel(len(s.Policies), func(i int) { r.writePolicy(s.Policies[i], ids[s.Policies[i]]) })
		if r.err != nil {
			return res, r.err
		}
	}
	if b.keep {
		b.bundles = r.bundlesNext
	}
	return res, b.lists(te, s, set, sums, out)
}

// A parsed is what a render keeps of one policy file: the policy, when
// published, and the file's diagnostics. A Build keeps the policy without
// its text once its pages are written, with its anchors for link checks.
type parsed struct {
	p       *site.Policy
	ids     string // the ids of the policy's parsed files, for the memo's keys
	anchors *site.Anchors
	l       diag.List
}

// running is one render's state, shared by the workers parsing policies.
type running struct {
	b        *Builder
	fsys     fs.FS
	settings parse.Settings
	warnDays int
	files    []source.File
	out      sink
	results  []parsed

	pages *pages.Set // for policy pages: the settings, the day and the cookie policy
	theme *theme.Theme
	key   pageKey

	mu          sync.Mutex
	parsedNext  map[string]*parsedFile
	diffsNext   map[[2]uint64]*history.Comparison
	bundlesNext map[string]*bundle
	err         error // the first failure to render or write
}

// parse reads and parses files[i] with its earlier versions and keeps the
// result; it returns the policy when it is to be published.
func (r *running) parse(i int) *site.Policy {
	f := r.files[i]
	pr := &r.results[i]
	if pr.l = source.Load(r.fsys, &f); len(pr.l) > 0 {
		return nil
	}
	cur := r.file(f)
	pr.l, pr.ids = cur.l, strconv.FormatUint(cur.id, 10)
	if cur.p == nil {
		return nil
	}
	p := *cur.p // the kept policy stays as parsed; this render's copy gains its history
	if len(f.History) > 0 {
		hist := make([]*parsedFile, len(f.History))
		earlier := make([]site.Earlier, len(f.History))
		pr.l = slices.Clip(pr.l)
		for j, h := range f.History {
			hist[j] = r.file(h)
			pr.l = append(pr.l, hist[j].l...)
			pr.ids += "," + strconv.FormatUint(hist[j].id, 10)
			earlier[j] = site.Earlier{Path: h.Path, Version: h.Version, Policy: hist[j].p}
		}
		pr.l = append(pr.l, p.AttachHistory(earlier, func(prev, next int) *history.Comparison {
			at := func(k int) *parsedFile {
				if k == len(hist) {
					return cur
				}
				return hist[k]
			}
			return r.compare(at(prev), at(next))
		})...)
	}
	if p.Draft && !r.b.opts.Drafts {
		return nil
	}
	p.Prepare(r.b.opts.Now, r.warnDays)
	pr.p = &p
	return &p
}

// A parsedFile is a policy file parsed (parse.File), kept while its content
// and the settings parsing reads stay the same. Its id is new whenever
// they change, so later keys name ids in place of content.
type parsedFile struct {
	id       uint64
	data     []byte
	settings parse.Settings
	p        *site.Policy // nil when the front matter could not be read
	l        diag.List
}

// file parses f, or returns it as parsed last time when its content and
// the settings are the same.
func (r *running) file(f source.File) *parsedFile {
	b := r.b
	var e *parsedFile
	if b.keep {
		b.mu.Lock()
		e = b.parsed[f.Path]
		b.mu.Unlock()
	}
	// bytes.Equal returns at once when the data is the kept copy itself.
	if e == nil || e.settings != r.settings || !bytes.Equal(e.data, f.Data) {
		p, l := parse.File(f, r.settings)
		e = &parsedFile{id: b.ids.Add(1), data: f.Data, settings: r.settings, p: p, l: l}
	}
	if b.keep {
		r.mu.Lock()
		if r.parsedNext == nil {
			r.parsedNext = map[string]*parsedFile{}
		}
		r.parsedNext[f.Path] = e
		r.mu.Unlock()
	}
	return e
}

// compare compares two versions' files, or returns the comparison made
// last time of the same two.
func (r *running) compare(prev, next *parsedFile) *history.Comparison {
	b := r.b
	k := [2]uint64{prev.id, next.id}
	var d *history.Comparison
	if b.keep {
		b.mu.Lock()
		d = b.diffs[k]
		b.mu.Unlock()
	}
	if d == nil {
		c := history.Compare(parse.Body(prev.data), parse.Body(next.data))
		d = &c
	}
	if b.keep {
		r.mu.Lock()
		if r.diffsNext == nil {
			r.diffsNext = map[[2]uint64]*history.Comparison{}
		}
		r.diffsNext[k] = d
		r.mu.Unlock()
	}
	return d
}

// write renders and hands on the pages of results[i]; a Build then drops
// the policy's text. Once anything has failed it does nothing.
func (r *running) write(i int) {
	pr := &r.results[i]
	if pr.p == nil {
		return
	}
	r.writePolicy(pr.p, pr.ids)
	if !r.b.keep {
		a := pr.p.Anchors()
		pr.p, pr.anchors = withoutText(pr.p), &a
	}
}

// writePolicy renders p's pages, or takes them from the memo when nothing
// they are rendered from changed, and hands them to the sink.
func (r *running) writePolicy(p *site.Policy, ids string) {
	r.mu.Lock()
	failed := r.err != nil
	r.mu.Unlock()
	if failed {
		return
	}
	key := r.key
	key.files = ids
	var outs []output.File
	var err error
	if bd := r.b.bundles[p.Slug]; r.b.keep && bd != nil && bd.key == key {
		outs = bd.outs
	} else {
		// A policy's changes, alone, are in the order they have among
		// every policy's.
		mine := (&site.Site{Policies: []*site.Policy{p}}).Changes()
		outs, err = renderSpecs(r.theme, r.pages.Policy(p, mine))
	}
	if err == nil && r.b.keep {
		r.mu.Lock()
		if r.bundlesNext == nil {
			r.bundlesNext = map[string]*bundle{}
		}
		r.bundlesNext[p.Slug] = &bundle{key: key, outs: outs}
		r.mu.Unlock()
	}
	if err == nil {
		err = r.out.Add(outs...)
	}
	if err != nil {
		r.mu.Lock()
		if r.err == nil {
			r.err = err
		}
		r.mu.Unlock()
	}
}

// renderSpecs executes each page's layout.
func renderSpecs(th *theme.Theme, specs []pages.Spec) ([]output.File, error) {
	outs := make([]output.File, len(specs))
	for i, sp := range specs {
		body, err := th.Render(sp.Layout, sp.Page)
		if err != nil {
			return nil, err
		}
		outs[i] = output.File{Path: sp.Path, Body: body}
	}
	return outs, nil
}

// textless stands for a comparison that was made but is no longer kept.
var textless = &history.Comparison{}

// withoutText returns a copy of p and its versions without what only its
// own pages show: its text, contents, headings and the comparisons of its
// versions. Pages that list every policy (when the theme's do not name the
// text) and link checks read only the rest.
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

// lists renders the outputs that list every policy, or hands on those of
// the last render when no policy's summary changed: the index, 404, the
// request form, the changes page and feed, the theme's assets and the
// files for machines.
func (b *Builder) lists(te *themeEntry, s *site.Site, set *pages.Set, sums []summary, out sink) error {
	key := siteKey{theme: te.theme, cfg: s.Config, now: s.Now}
	if e := b.listed; b.keep && e != nil && !te.readsText && e.key == key && sameSummaries(e.sums, sums) {
		return out.Add(e.outs...)
	}
	specs := append(set.Site(), set.Changes(s.Changes()))
	outs, err := renderSpecs(te.theme, specs)
	if err != nil {
		return err
	}
	if set.Feed != "" {
		feed, err := machine.Feed(s, s.Changes())
		if err != nil {
			return err
		}
		outs = append(outs, output.File{Path: "feed.xml", Body: feed, Raw: true})
	}
	outs = append(outs, te.theme.Assets()...)
	files, err := machine.Files(s)
	if err != nil {
		return err
	}
	outs = append(outs, files...)
	if b.keep {
		b.listed = &listEntry{key: key, sums: sums, outs: outs}
	}
	return out.Add(outs...)
}

// loadConfig decodes site.yaml, or returns it as decoded last time when its
// bytes are the same. A site.yaml that cannot be read is not kept.
func (b *Builder) loadConfig(fsys fs.FS) (*config.Site, diag.List) {
	data, err := fs.ReadFile(fsys, config.File)
	if err != nil {
		b.config.cfg = nil
		cfg, l := config.Load(fsys)
		b.overrideBaseURL(cfg)
		return cfg, append(l, cfg.CheckRelay()...)
	}
	if b.config.cfg == nil || !bytes.Equal(data, b.config.data) {
		cfg, l := config.Parse(data)
		b.overrideBaseURL(cfg)
		l = append(l, cfg.CheckRelay()...) // after the override: serve's preview is local
		b.config.data, b.config.cfg, b.config.l = data, cfg, l
	}
	return b.config.cfg, b.config.l
}

func (b *Builder) overrideBaseURL(cfg *config.Site) {
	if b.opts.BaseURL != "" {
		cfg.BaseURL = strings.TrimSuffix(b.opts.BaseURL, "/") + "/"
	}
	if b.opts.RelayURL != "" && cfg.Requests != nil && !cfg.Requests.Email() {
		cfg.Requests.RelayURL = b.opts.RelayURL
	}
}

// A themeEntry is a loaded theme with the digest of what it was loaded from.
type themeEntry struct {
	digest [sha256.Size]byte
	theme  *theme.Theme
	l      diag.List
	// readsSite is set when the templates of policy pages read more of
	// .Site than .Site.Config and .Site.Now, so every page depends on every
	// policy; readsText when those of the pages listing every policy read
	// more of a policy than its summary.
	readsSite, readsText bool
}

// loadTheme loads the site's theme, or returns the one loaded last time
// when its files and options are the same.
func (b *Builder) loadTheme(fsys fs.FS, cfg *config.Site, basePath string) (*themeEntry, diag.List) {
	layers, l := themeLayers(fsys, cfg, b.opts)
	opts := theme.Options{BasePath: basePath, Language: cfg.Language, WarnDays: cfg.Review.WarnDays}
	digest, layouts := theme.Digest(layers, opts)
	if b.theme == nil || b.theme.digest != digest {
		th, tl := theme.Load(layers, opts)
		b.theme = &themeEntry{digest: digest, theme: th, l: tl, readsSite: theme.ReadsSite(layouts), readsText: theme.ReadsText(layouts)}
	}
	return b.theme, append(l, b.theme.l...)
}

// A bundle is one policy's pages, with what they were rendered from.
type bundle struct {
	key  pageKey
	outs []output.File
}

// A pageKey is everything a policy's pages are rendered from: the
// policy's files, and what every page reads of the site.
type pageKey struct {
	files string // the ids of the policy's parsed files
	theme *theme.Theme
	cfg   *config.Site
	now   date.Date
	// cookie is the ids of the cookie policy's files: every page links to
	// it and the cookie notice names it.
	cookie string
	// render is the render's number when the theme reads the whole site:
	// then no pages are kept.
	render uint64
}

// A listEntry is the outputs that list every policy, with what they were
// rendered from.
type listEntry struct {
	key  siteKey
	sums []summary
	outs []output.File
}

// sortPolicies sorts policies in index order, as site.New does, so that
// site.New finds them sorted. Most renders change no policy's place, so it
// tries the last render's order first.
func (b *Builder) sortPolicies(policies []*site.Policy) {
	last := make(map[string]int, len(b.order))
	for i, slug := range b.order {
		last[slug] = i
	}
	placed := make([]*site.Policy, len(b.order))
	var rest []*site.Policy
	for _, p := range policies {
		if i, ok := last[p.Slug]; ok {
			placed[i] = p
		} else {
			rest = append(rest, p)
		}
	}
	k := 0
	for _, p := range placed {
		if p != nil {
			policies[k] = p
			k++
		}
	}
	copy(policies[k:], rest)
	// site.Less orders any two policies (their slugs differ), so every
	// sort gives the one order.
	less := func(a, b *site.Policy) int {
		switch {
		case site.Less(a, b):
			return -1
		case site.Less(b, a):
			return 1
		}
		return 0
	}
	if !slices.IsSortedFunc(policies, less) {
		slices.SortFunc(policies, less)
	}
	b.order = b.order[:0]
	for _, p := range policies {
		b.order = append(b.order, p.Slug)
	}
}

// parallel calls f(0) to f(n-1), one worker per core. Workers take the
// next index from a counter: handing each over a channel costs more than
// most calls, which find their result kept.
func parallel(n int, f func(i int)) {
	var next atomic.Int64
	work := func() {
		for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
			f(i)
		}
	}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
}

// A siteCheck is the findings of check.Site, with what they came from.
type siteCheck struct {
	cfg  *config.Site
	now  date.Date
	sums []summary
	l    diag.List
}

// A linkCheck is the broken links of one policy, with the ids of the
// policy's files and the slugs it links to.
type linkCheck struct {
	id      string
	targets []string
	l       diag.List
}

// checkLinks runs broken-link over every policy of s, checking again only
// the policies whose files changed or that link to a policy that changed,
// appeared or went. anchors are the policies' anchors by slug when they no
// longer hold their headings.
func (b *Builder) checkLinks(s *site.Site, files []source.File, ids map[*site.Policy]string, anchors map[string]site.Anchors) diag.List {
	slugs := make([]string, len(files))
	for i, f := range files {
		slugs[i] = f.Slug
	}
	set := pages.New(s, "/")
	var others []string
	for _, sp := range append(set.Site(), set.Changes(nil)) {
		others = append(others, sp.Path)
	}
	t := check.NewLinks(s, slugs, others, anchors)
	pagesKey := strings.Join(others, "\n")
	var l diag.List
	if !b.keep {
		for _, p := range s.Policies {
			l = append(l, t.Policy(p)...)
		}
		return l
	}
	// What each slug is: a published policy's files, or a draft (or a
	// policy that failed to build).
	state := make(map[string]string, len(files))
	for _, f := range files {
		state[f.Slug] = "draft"
	}
	for _, p := range s.Policies {
		state[p.Slug] = ids[p]
	}
	moved := map[string]bool{}
	for slug, st := range state {
		if b.linkState[slug] != st {
			moved[slug] = true
		}
	}
	for slug := range b.linkState {
		if _, ok := state[slug]; !ok {
			moved[slug] = true
		}
	}
	links := make(map[string]*linkCheck, len(s.Policies))
	for _, p := range s.Policies {
		c := b.links[p.Slug]
		if c == nil || c.id != ids[p] || b.linkPages != pagesKey || slices.ContainsFunc(c.targets, func(slug string) bool { return moved[slug] }) {
			c = &linkCheck{id: ids[p], l: t.Policy(p)}
			for _, k := range p.Links {
				c.targets = append(c.targets, k.Slugs()...)
			}
		}
		links[p.Slug] = c
		l = append(l, c.l...)
	}
	b.links, b.linkState, b.linkPages = links, state, pagesKey
	return l
}

// A siteKey is what the pages listing every policy read besides the
// policies' summaries.
type siteKey struct {
	theme *theme.Theme
	cfg   *config.Site
	now   date.Date
}

// A summary is what the pages listing every policy read of one policy,
// when their layouts name nothing in textNames: everything but its text.
// The Go-written outputs (policies.json, sitemap.xml, feed.xml,
// reviews.ics) read no more either.
type summary struct {
	slug, file string
	meta       *frontmatter.Meta
	status     site.Status
	daysLeft   int
	diff       bool
	versions   []versionSummary
}

type versionSummary struct {
	file, previous string
	meta           *frontmatter.Meta
	diff           bool
}

func summarize(policies []*site.Policy) []summary {
	sums := make([]summary, len(policies))
	for i, p := range policies {
		sums[i] = summary{slug: p.Slug, file: p.File, meta: p.Meta, status: p.Status, daysLeft: p.DaysLeft, diff: p.Diff != nil}
		for _, v := range p.History {
			sums[i].versions = append(sums[i].versions, versionSummary{file: v.File, previous: v.Previous, meta: v.Meta, diff: v.Diff != nil})
		}
	}
	return sums
}

func sameSummaries(a, b []summary) bool {
	sameMeta := func(x, y *frontmatter.Meta) bool { return x == y || reflect.DeepEqual(x, y) }
	return slices.EqualFunc(a, b, func(x, y summary) bool {
		return x.slug == y.slug && x.file == y.file && x.status == y.status && x.daysLeft == y.daysLeft && x.diff == y.diff &&
			sameMeta(x.meta, y.meta) && slices.EqualFunc(x.versions, y.versions, func(v, w versionSummary) bool {
			return v.file == w.file && v.previous == w.previous && v.diff == w.diff && sameMeta(v.meta, w.meta)
		})
	})
}

// changed returns the paths of outputs that differ from the last good
// render's, or are new, or are gone, sorted.
func (b *Builder) changed(outs []output.File) []string {
	if b.last == nil {
		b.last = make(map[string][]byte, len(outs))
	}
	var changed []string
	kept, before := 0, len(b.last)
	for _, o := range outs {
		old, ok := b.last[o.Path]
		if ok {
			kept++
		}
		// bytes.Equal returns at once for a page kept from the last render.
		if !ok || !bytes.Equal(old, o.Body) {
			changed = append(changed, o.Path)
			b.last[o.Path] = o.Body
		}
	}
	if kept < before {
		// Some outputs went: find them.
		now := make(map[string]bool, len(outs))
		for _, o := range outs {
			now[o.Path] = true
		}
		for p := range b.last {
			if !now[p] {
				changed = append(changed, p)
				delete(b.last, p)
			}
		}
	}
	slices.Sort(changed)
	return changed
}
