package generator

import (
	"bytes"
	"crypto/sha256"
	"errors"
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
	"text/template/parse"

	"github.com/policysite/policysite/generator/check"
	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/frontmatter"
	"github.com/policysite/policysite/generator/history"
	"github.com/policysite/policysite/generator/markdown"
	"github.com/policysite/policysite/generator/output"
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
	opts  Options
	files *fileCache // nil unless Watched
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
	site      *siteEntry
	checked   *siteCheck
	links     map[string]*linkCheck
	linkState map[string]string
	order     []string          // the slugs of the last render's policies, in index order
	last      map[string][]byte // the last good render's outputs, for Result.Changed
}

// NewBuilder returns a Builder of the site opts describe.
func NewBuilder(opts Options) *Builder {
	if opts.Source == "" {
		opts.Source = "."
	}
	return &Builder{opts: opts}
}

// Watched tells the builder that every later change to site.yaml, content/
// and themes/ will be reported with Changed before the next Render, as
// serve's watcher does. A render then reads only the files reported since
// the last one and keeps its copy of every other.
func (b *Builder) Watched() {
	if b.files == nil {
		b.files = newFileCache()
	}
}

// Changed reports paths of a Watched builder's site that changed, appeared
// or went away: slash-separated and relative to the site folder, such as
// content/privacy.md. A folder stands for everything in it; "." for the
// whole site, when changes may have been missed.
func (b *Builder) Changed(paths ...string) {
	if b.files != nil {
		b.files.forget(paths...)
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
	return b.render(fsys)
}

// open settles the day and opens the site folder for one render: through
// the Builder's copies of its files when Watched. done closes it.
func (b *Builder) open() (fsys fs.FS, done func(), err error) {
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
	fsys = root.FS()
	if b.files == nil {
		return fsys, func() { root.Close() }, nil
	}
	b.files.fsys = fsys
	return b.files, func() { b.files.fsys = nil; root.Close() }, nil
}

func (b *Builder) render(fsys fs.FS) (*Result, error) {
	opts := b.opts
	res := &Result{}
	cfg, l := b.loadConfig(fsys)
	res.Diagnostics = append(res.Diagnostics, l...)
	basePath := basePathOf(cfg)

	files, l := source.Read(fsys)
	res.Diagnostics = append(res.Diagnostics, l...)
	policies, ids := b.parse(files, cfg, basePath, opts.Drafts, &res.Diagnostics)
	s := site.New(cfg, opts.Now, policies)
	res.Site = s
	sums := summarize(s.Policies)
	links := b.checkLinks(s, files, ids)
	// The site's rules read only summaries.
	if c := b.checked; c == nil || c.cfg != cfg || c.now != s.Now || !sameSummaries(c.sums, sums) {
		b.checked = &siteCheck{cfg, s.Now, sums, check.Site(s, cfg.Review.WarnDays)}
	}
	siteFindings(&res.Diagnostics, s, links, b.checked.l)

	th, l := b.loadTheme(fsys, cfg, basePath)
	res.Diagnostics = append(res.Diagnostics, l...)
	res.Diagnostics.Sort()
	if stop := check.Stops(res.Diagnostics); len(stop) > 0 {
		return res, stop
	}
	outs, err := b.pages(th, s, ids, sums)
	if err != nil {
		return res, err
	}
	res.Outputs = outs
	res.Changed = b.changed(outs)
	return res, nil
}

// loadConfig decodes site.yaml, or returns it as decoded last time when its
// bytes are the same. A site.yaml that cannot be read is not kept.
func (b *Builder) loadConfig(fsys fs.FS) (*config.Site, diag.List) {
	data, err := fs.ReadFile(fsys, config.File)
	if err != nil {
		b.config.cfg = nil
		cfg, l := config.Load(fsys)
		b.overrideBaseURL(cfg)
		return cfg, l
	}
	if b.config.cfg == nil || !bytes.Equal(data, b.config.data) {
		cfg, l := config.Parse(data)
		b.overrideBaseURL(cfg)
		b.config.data, b.config.cfg, b.config.l = data, cfg, l
	}
	return b.config.cfg, b.config.l
}

func (b *Builder) overrideBaseURL(cfg *config.Site) {
	if b.opts.BaseURL != "" {
		cfg.BaseURL = strings.TrimSuffix(b.opts.BaseURL, "/") + "/"
	}
}

// A parsedFile is a policy file after parseOne, kept while its content and
// the settings parsing reads stay the same. Its id is new whenever they
// change, so later caches key on ids in place of content.
type parsedFile struct {
	id       uint64
	data     []byte
	unsafe   bool
	basePath string
	p        *site.Policy // nil when the front matter could not be read
	l        diag.List
}

// parse returns the policies of files, in file order, each with its earlier
// versions, leaving out drafts unless drafts is set. Files whose content is
// unchanged since the last render are not parsed again, nor are their
// comparisons made again; the rest are parsed in parallel. ids names each
// policy's files (current and earlier versions) by their parsedFile ids.
func (b *Builder) parse(files []source.File, cfg *config.Site, basePath string, drafts bool, out *diag.List) (policies []*site.Policy, ids map[*site.Policy]string) {
	parsed := make(map[string]*parsedFile, len(b.parsed))
	diffs := make(map[[2]uint64]*history.Comparison, len(b.diffs))
	get := func(f source.File) *parsedFile {
		b.mu.Lock()
		e := b.parsed[f.Path]
		b.mu.Unlock()
		// bytes.Equal returns at once when the data is the kept copy itself.
		if e == nil || e.unsafe != cfg.UnsafeHTML || e.basePath != basePath || !bytes.Equal(e.data, f.Data) {
			p, l := parseOne(f, cfg, basePath)
			e = &parsedFile{id: b.ids.Add(1), data: f.Data, unsafe: cfg.UnsafeHTML, basePath: basePath, p: p, l: l}
		}
		b.mu.Lock()
		parsed[f.Path] = e
		b.mu.Unlock()
		return e
	}
	compare := func(prev, next *parsedFile) *history.Comparison {
		k := [2]uint64{prev.id, next.id}
		b.mu.Lock()
		d := b.diffs[k]
		b.mu.Unlock()
		if d == nil {
			c := history.Compare(bodyOf(prev.data), bodyOf(next.data))
			d = &c
		}
		b.mu.Lock()
		diffs[k] = d
		b.mu.Unlock()
		return d
	}
	type result struct {
		p  *site.Policy
		l  diag.List
		id string
	}
	results := make([]result, len(files))
	one := func(i int) {
		f := files[i]
		cur := get(f)
		r := result{l: cur.l, id: strconv.FormatUint(cur.id, 10)} // read only
		if cur.p != nil {
			p := *cur.p // the kept policy stays as parsed; this render's copy gains its history
			r.p = &p
		}
		if r.p != nil && len(f.History) > 0 {
			hist := make([]*parsedFile, len(f.History))
			for j, h := range f.History {
				hist[j] = get(h)
				r.id += "," + strconv.FormatUint(hist[j].id, 10)
			}
			r.l = append(slices.Clip(r.l), attachHistory(r.p, cur, f, hist, compare)...)
		}
		results[i] = r
	}
	parallel(len(files), one)
	b.parsed, b.diffs = parsed, diffs

	ids = make(map[*site.Policy]string, len(files))
	n := 0
	for _, r := range results {
		n += len(r.l)
	}
	*out = slices.Grow(*out, n)
	for _, r := range results {
		*out = append(*out, r.l...)
		if r.p != nil && (drafts || !r.p.Draft) {
			policies = append(policies, r.p)
			ids[r.p] = r.id
		}
	}
	b.sortPolicies(policies)
	return policies, ids
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
	digest, layouts := themeDigest(layers, opts)
	if b.theme == nil || b.theme.digest != digest {
		th, tl := theme.Load(layers, opts)
		b.theme = &themeEntry{digest: digest, theme: th, l: tl, readsSite: readsSite(layouts), readsText: readsText(layouts)}
	}
	return b.theme, append(l, b.theme.l...)
}

// themeDigest hashes every file theme.Load reads from layers, and the
// options, and returns the layouts it would use by name.
func themeDigest(layers []theme.Layer, opts theme.Options) ([sha256.Size]byte, map[string]string) {
	h := sha256.New()
	fmt.Fprintf(h, "%q %q %d\n", opts.BasePath, opts.Language, opts.WarnDays)
	layouts := map[string]string{}
	read := func(layer theme.Layer, name string) ([]byte, error) {
		data, err := fs.ReadFile(layer.FS, name)
		fmt.Fprintf(h, "%q %q %d %v\n", layer.Name, name, len(data), err)
		h.Write(data)
		return data, err
	}
	for _, layer := range layers {
		for _, page := range append([]string{"base.html"}, theme.Pages...) {
			data, err := read(layer, "layouts/"+page)
			if _, seen := layouts[page]; err == nil && !seen {
				layouts[page] = string(data)
			}
		}
		entries, err := fs.ReadDir(layer.FS, "assets")
		fmt.Fprintf(h, "%q assets %v\n", layer.Name, err)
		for _, e := range entries {
			if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
				read(layer, "assets/"+e.Name())
			}
		}
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum, layouts
}

// policyLayouts are the layouts a policy's pages are rendered with;
// siteLayouts those of the pages that list every policy.
var (
	policyLayouts = []string{"base.html", "policy.html", "history.html", "version.html", "compare.html"}
	siteLayouts   = []string{"base.html", "index.html", "404.html", "requests.html", "thanks.html", "changes.html"}
)

// readsSite reports whether any of the layouts of a policy's pages reads
// more of .Site than .Site.Config and .Site.Now, or might: the check is by
// names in the templates, so it errs towards yes (and a layout that does
// not parse counts as yes). Policy pages are kept only when it says no.
func readsSite(layouts map[string]string) bool {
	return anyChain(layouts, policyLayouts, func(ids []string) bool {
		for i, id := range ids {
			if id == "Site" && (i+1 == len(ids) || ids[i+1] != "Config" && ids[i+1] != "Now") {
				return true
			}
		}
		return false
	})
}

// textNames are the fields and methods that lead to the text of a policy or
// version (its body, headings, links and comparisons): all a summary leaves out.
var textNames = map[string]bool{"Body": true, "Headings": true, "Contents": true, "Links": true, "Diff": true, "HasAnchor": true, "NearestAnchor": true}

// readsText reports whether any of the layouts of the pages that list
// every policy names a field leading to a policy's text, or might. When it
// says no, those pages read only policies' summaries.
func readsText(layouts map[string]string) bool {
	return anyChain(layouts, siteLayouts, func(ids []string) bool {
		return slices.ContainsFunc(ids, func(id string) bool { return textNames[id] })
	})
}

// anyChain reports whether f holds for a chain of field names (.A.B,
// $x.A.B, (pipeline).A.B) in the named layouts, or a layout does not parse.
func anyChain(layouts map[string]string, names []string, f func(ids []string) bool) bool {
	for _, name := range names {
		text, ok := layouts[name]
		if !ok {
			continue // theme.Load reports it
		}
		t := parse.New(name)
		t.Mode = parse.SkipFuncCheck
		trees := map[string]*parse.Tree{}
		if _, err := t.Parse(text, "", "", trees); err != nil {
			return true
		}
		for _, tr := range trees {
			if tr.Root != nil && chainIn(tr.Root, f) {
				return true
			}
		}
	}
	return false
}

func chainIn(n parse.Node, f func(ids []string) bool) bool {
	branch := func(b *parse.BranchNode) bool {
		return chainIn(b.Pipe, f) || chainIn(b.List, f) || (b.ElseList != nil && chainIn(b.ElseList, f))
	}
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return false
		}
		for _, c := range n.Nodes {
			if chainIn(c, f) {
				return true
			}
		}
	case *parse.ActionNode:
		return chainIn(n.Pipe, f)
	case *parse.PipeNode:
		if n == nil {
			return false
		}
		for _, c := range n.Cmds {
			if chainIn(c, f) {
				return true
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			if chainIn(a, f) {
				return true
			}
		}
	case *parse.FieldNode:
		return f(n.Ident)
	case *parse.VariableNode:
		return f(n.Ident[1:]) // Ident[0] is the variable
	case *parse.ChainNode:
		return chainIn(n.Node, f) || f(n.Field)
	case *parse.IfNode:
		return branch(&n.BranchNode)
	case *parse.RangeNode:
		return branch(&n.BranchNode)
	case *parse.WithNode:
		return branch(&n.BranchNode)
	case *parse.TemplateNode:
		return chainIn(n.Pipe, f)
	}
	return false
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

// pages renders every output of the site, reusing each policy's pages
// from the last render when nothing they are rendered from changed, and
// the pages that list every policy when no policy's summary changed.
func (b *Builder) pages(te *themeEntry, s *site.Site, ids map[*site.Policy]string, sums []summary) ([]output.File, error) {
	ps := newPageSet(te.theme, s)
	sk := siteKey{theme: te.theme, cfg: s.Config, now: s.Now}
	keep := b.site
	if keep != nil && (te.readsText || keep.key != sk || !sameSummaries(keep.sums, sums)) {
		keep = nil
	}
	// The lists are rendered beside the rest: at 1,000 policies the index
	// and the changes page take tens of milliseconds each.
	var (
		head, tail []output.File
		tailErr    error
		tailDone   = make(chan struct{})
	)
	if keep != nil {
		head, tail = keep.head, keep.tail
		close(tailDone)
	} else {
		go func() {
			defer close(tailDone)
			tailErr = ps.tail(s, te.theme, func(outs []output.File) error {
				tail = append(tail, outs...)
				return nil
			})
		}()
		var err error
		if head, err = ps.sitePages(); err != nil {
			<-tailDone
			return nil, err
		}
	}

	shared := pageKey{theme: te.theme, cfg: s.Config, now: s.Now}
	if ps.cookie != nil {
		for _, p := range s.Policies {
			if p.Slug == ps.cookie.Slug {
				shared.cookie = ids[p]
			}
		}
	}
	if te.readsSite {
		shared.render = b.n
	}
	bundles := make(map[string]*bundle, len(s.Policies))
	pouts := make([][]output.File, len(s.Policies))
	var todo []int
	for i, p := range s.Policies {
		key := shared
		key.files = ids[p]
		if bd := b.bundles[p.Slug]; bd != nil && bd.key == key {
			pouts[i] = bd.outs
			bundles[p.Slug] = bd
		} else {
			todo = append(todo, i)
			bundles[p.Slug] = &bundle{key: key}
		}
	}
	// Policy pages are the bulk of the work: render them in parallel.
	errs := make([]error, len(s.Policies))
	parallel(len(todo), func(j int) {
		i := todo[j]
		p := s.Policies[i]
		// A policy's changes, alone, are in the order they have among
		// every policy's.
		mine := (&site.Site{Policies: []*site.Policy{p}}).Changes()
		pouts[i], errs[i] = ps.policyPages(p, mine)
		slices.SortFunc(pouts[i], byPath)
	})
	<-tailDone
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for _, i := range todo {
		bundles[s.Policies[i].Slug].outs = pouts[i]
	}
	b.bundles = bundles

	if keep == nil {
		if tailErr != nil {
			return nil, tailErr
		}
		b.site = &siteEntry{key: sk, sums: sums, head: head, tail: tail}
	}
	return sortedOutputs(head, tail, s.Policies, pouts), nil
}

// tail renders the outputs that list every policy and come after the
// policies' pages: the changes page and feed, the theme's assets,
// policies.json, sitemap.xml and the other files for machines.
// They are handed to emit a few at a time, so a build can write each
// before the next is made.
func (ps *pageSet) tail(s *site.Site, th *theme.Theme, emit func([]output.File) error) error {
	outs, err := ps.changesPages(s.Changes())
	if err == nil {
		err = emit(outs)
	}
	if err == nil {
		err = emit(th.Assets())
	}
	if err == nil {
		outs, err = dataFiles(s)
	}
	if err == nil {
		err = emit(outs)
	}
	return err
}

// sortedOutputs returns the site's outputs sorted by path: the pages of
// each policy (each sorted already, and all under slug/), and the rest.
// It sorts a thousand policies rather than every page of each: the pages
// of a policy keep together in path order, as no other output's path is
// under slug/ or a prefix of it (reserved slugs, and slugs have no dots).
func sortedOutputs(head, tail []output.File, policies []*site.Policy, pouts [][]output.File) []output.File {
	type block struct {
		key  string
		outs []output.File
	}
	blocks := make([]block, 0, len(head)+len(policies)+len(tail))
	n := len(head) + len(tail)
	for i := range head {
		blocks = append(blocks, block{head[i].Path, head[i : i+1]})
	}
	for i := range tail {
		blocks = append(blocks, block{tail[i].Path, tail[i : i+1]})
	}
	for i, p := range policies {
		blocks = append(blocks, block{p.Slug + "/", pouts[i]})
		n += len(pouts[i])
	}
	slices.SortFunc(blocks, func(a, b block) int { return strings.Compare(a.key, b.key) })
	outs := make([]output.File, 0, n)
	for _, bl := range blocks {
		outs = append(outs, bl.outs...)
	}
	if !slices.IsSortedFunc(outs, byPath) {
		slices.SortFunc(outs, byPath) // never, while the above holds
	}
	return outs
}

func byPath(a, b output.File) int { return strings.Compare(a.Path, b.Path) }

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

// checkLinks runs broken-link as checkLinks does, checking again only the
// policies whose files changed or that link to a policy that changed,
// appeared or went.
func (b *Builder) checkLinks(s *site.Site, files []source.File, ids map[*site.Policy]string) diag.List {
	t := check.NewLinks(s, slugsOf(files), nil)
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
	var l diag.List
	for _, p := range s.Policies {
		c := b.links[p.Slug]
		if c == nil || c.id != ids[p] || slices.ContainsFunc(c.targets, func(slug string) bool { return moved[slug] }) {
			c = &linkCheck{id: ids[p], l: t.Policy(p)}
			for _, k := range p.Links {
				if k.Target != "" {
					c.targets = append(c.targets, markdown.SlugOf(k.Target))
				}
			}
		}
		links[p.Slug] = c
		l = append(l, c.l...)
	}
	b.links, b.linkState = links, state
	return l
}

// A siteEntry is the pages that list every policy, with what they were
// rendered from: head before the policies' pages, tail after, in the order
// they are rendered (so a failure is reported as a full render would).
type siteEntry struct {
	key        siteKey
	sums       []summary
	head, tail []output.File
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
