package generator

import (
	"io/fs"
	"maps"
	"slices"
	"sync/atomic"

	"github.com/policysite/policysite/generator/check"
	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/internal/parallel"
	"github.com/policysite/policysite/generator/machine"
	"github.com/policysite/policysite/generator/output"
	"github.com/policysite/policysite/generator/pages"
	"github.com/policysite/policysite/generator/parse"
	"github.com/policysite/policysite/generator/site"
	"github.com/policysite/policysite/generator/source"
	"github.com/policysite/policysite/generator/theme"
)

// A Builder renders one site again and again, redoing only the work whose
// inputs changed since its last render: each stage keeps what it made in
// a memo of its own (the package comment names them), keyed by what the
// stage reads. So a save that changes a policy's text renders that
// policy's pages and policies.json alone; one that changes its title
// renders its pages and the lists; a template, stylesheet or site.yaml
// change renders every page. Unless Watched, a render still reads every
// file.
//
// A Builder is not safe for concurrent use.
type Builder struct {
	opts Options
	// keep is set for a Builder made to render again: a Build keeps
	// nothing of a policy's text once its pages are written.
	keep    bool
	files   *source.Cache // nil unless Watched, as is listing
	listing *source.Listing

	config  config.Cache
	parsed  *parse.Memo // nil unless keep, as are records, checked, machine and pages
	records *site.RecordMemo
	checked *check.Memo
	machine *machine.Memo
	theme   theme.Cache
	pages   *theme.Memo
	order   site.Order
	last    output.Last // the last good render's outputs, for Result.Changed

	// school is the id of the school whose centre this Builder renders,
	// "" for the trust's, whose Builder keeps one for each school.
	school   string
	schools  map[string]*Builder
	centreOf config.CentreCache
}

// NewBuilder returns a Builder of the site opts describe.
func NewBuilder(opts Options) *Builder { return newBuilder(opts, true, "") }

// newBuilder returns a Builder of the centre of school ("" for the
// trust's) that keeps what it made for the next render when keep is set.
func newBuilder(opts Options, keep bool, school string) *Builder {
	b := &Builder{opts: opts, keep: keep, school: school, schools: map[string]*Builder{}}
	if keep {
		b.parsed, b.records, b.checked, b.machine, b.pages, b.last = &parse.Memo{}, &site.RecordMemo{}, &check.Memo{}, &machine.Memo{}, &theme.Memo{}, output.Last{}
	}
	return b
}

// Watched tells the builder that every later change to site.yaml, content/
// and themes/ will be reported with Changed before the next Render, as
// serve's watcher does. A render then reads only the files reported since
// the last one, keeps its copy of every other, and lists content/ again
// only when a change may alter the list (source.Listing).
func (b *Builder) Watched() {
	if b.files == nil {
		b.files, b.listing = source.NewCache(), &source.Listing{}
	}
}

// Changed reports paths of a Watched builder's site that changed, appeared
// or went away: slash-separated and relative to the site folder, such as
// content/privacy.md. A folder stands for everything in it; "." for the
// whole site, when changes may have been missed.
func (b *Builder) Changed(paths ...string) {
	if b.files != nil {
		b.files.Forget(paths...)
		b.listing.Changed(paths...)
	}
}

// Render renders the site as Render(opts) would, and says in
// Result.Changed which outputs differ from the last render that succeeded.
func (b *Builder) Render() (*Result, error) {
	mem := &output.Memory{}
	res, err := b.run(mem)
	if err != nil {
		return res, err
	}
	res.Outputs = mem.Sorted()
	res.Changed = b.last.Changed(res.Outputs)
	return res, nil
}

// run is the pipeline: it loads site.yaml and the list of policy files,
// renders the trust's centre (centre), then each school's with a Builder
// of its own into the same sink under the school's path, and runs the
// rules that compare the centres (check.Schools).
func (b *Builder) run(out output.Sink) (*Result, error) {
	opts := b.opts
	if err := opts.check(); err != nil {
		return nil, err
	}
	fsys := opts.Source
	if b.files != nil {
		fsys = b.files.Over(opts.Source)
	}
	res := &Result{}
	cfg, l := b.config.Load(fsys, opts.BaseURL, opts.RelayURL)
	res.Diagnostics = append(res.Diagnostics, l...)
	files, l := b.listing.List(fsys, cfg.SchoolIDs()...)
	res.Diagnostics = append(res.Diagnostics, l...)
	var committed map[string]date.Date
	var undated string // why no file is dated by its last commit
	if opts.Committed != nil {
		committed, undated = opts.Committed()
	}
	source.SetCommitted(files, committed)
	pre := res.Diagnostics
	c := b.centre(fsys, cfg, pre, files, out)
	res.Site = c.site
	res.Diagnostics = append(res.Diagnostics, c.l...)
	failed := c.err
	var schools []check.Centre
	for i := range cfg.Schools {
		sc := &cfg.Schools[i]
		sb := b.schools[sc.ID]
		if sb == nil {
			sb = newBuilder(opts, b.keep, sc.ID)
			b.schools[sc.ID] = sb
		}
		own, l := b.listing.ListSchool(fsys, sc.ID, files)
		res.Diagnostics = append(res.Diagnostics, l...)
		source.SetCommitted(own, committed)
		sr := sb.centre(fsys, cfg, pre, own, output.Under(out, sc.ID+"/"))
		res.Diagnostics = append(res.Diagnostics, sr.l...)
		res.Schools = append(res.Schools, sr.site) // centre always makes one
		schools = append(schools, check.Centre{School: sc, Site: sr.site, Files: sr.all})
		if failed == nil {
			failed = sr.err
		}
	}
	maps.DeleteFunc(b.schools, func(id string, _ *Builder) bool { return cfg.School(id) == nil })
	res.Diagnostics = append(res.Diagnostics, check.Undated(undated, c.all, schools)...)
	res.Diagnostics = append(res.Diagnostics, check.Schools(cfg, c.all, schools)...)
	res.Diagnostics = check.UsedSomewhere(res.Diagnostics, 1+len(schools))
	res.Diagnostics.Sort()
	if stop := check.Stops(res.Diagnostics); len(stop) > 0 {
		return res, stop
	}
	return res, failed
}

// A centreResult is what rendering one centre made: its model, its
// findings, every policy it parsed (those it does not publish too:
// site.Front), and the first failure to render or write, or its findings
// that stop the build.
type centreResult struct {
	site *site.Site
	all  []*site.Front
	l    diag.List
	err  error
}

// centre renders one policy centre, the trust's or b.school's, of the
// policy files given: it loads the theme; parses each policy (with its
// earlier versions), renders its pages and hands them to out at once (a
// policy's pages hold no other policy: pages.Page); builds the model and
// runs the rules on the whole centre; then, unless a finding stops the
// build (with pre, site.yaml's and the listing's), renders the pages
// listing every policy and the files for machines into out. Every stage
// goes through the Builder's memo when it keeps one.
func (b *Builder) centre(fsys fs.FS, cfg *config.Site, pre diag.List, files []source.File, out output.Sink) (c centreResult) {
	cc := b.centreOf.Centre(cfg, b.school)
	cfg, vs, school, root, base := cc.Site, cc.Vars, cc.School, cc.Root, cc.Base
	ps := parse.NewSettings(cfg)
	ps.BasePath, ps.Vars, ps.Renamed = base, vs, parse.Renamed(files)
	te, l := b.theme.Site(fsys, cfg, b.opts.DefaultTheme, theme.Options{BasePath: base, AssetBase: root})
	c.l = append(c.l, l...)
	// Pages are rendered only with a good site.yaml and theme.
	r := &running{b: b, fsys: fsys, centre: cc, settings: ps, files: files, out: out, results: make([]parsed, len(files)),
		render: len(check.Stops(pre)) == 0 && len(check.Stops(c.l)) == 0, theme: te.Theme, key: theme.Key{Theme: te.Theme, Cfg: cfg, Now: b.opts.Now}}
	// Every page names the cookie policy and its notice: it comes first.
	cookie := -1
	if ck := cfg.Cookies; ck != nil {
		cookie = slices.IndexFunc(files, func(f source.File) bool { return f.Slug == ck.Policy })
	}
	var first []*site.Policy
	if cookie >= 0 {
		if p := r.parse(cookie); p != nil {
			first = []*site.Policy{p}
			r.key.Cookie = r.results[cookie].ids
		}
	}
	r.pages = pages.NewCentre(&site.Site{Config: cfg, Now: b.opts.Now, Policies: first}, base, school, root)
	parallel.For(len(files), func(i int) {
		if i != cookie {
			r.parse(i)
		}
		r.write(i)
	})
	b.parsed.Next()
	b.records.Next()

	policies, records, published := make([]*site.Policy, 0, len(files)), make([]*site.Record, 0, len(files)), make([]source.File, 0, len(files))
	ids := make(map[*site.Policy]string, len(files))
	var anchors map[string]site.Anchors
	for i, pr := range r.results {
		c.l = append(c.l, pr.l...)
		if pr.all != nil {
			c.all = append(c.all, pr.all)
		}
		if pr.p != nil {
			published = append(published, files[i])
			policies, records = append(policies, pr.p), append(records, pr.rec)
			ids[pr.p] = pr.ids
			if pr.anchors != nil {
				if anchors == nil {
					anchors = make(map[string]site.Anchors, len(files))
				}
				anchors[pr.p.Slug] = *pr.anchors
			}
		}
	}
	s := b.order.New(cfg, b.opts.Now, policies, records)
	c.site = s
	set := pages.NewCentre(s, base, school, root)
	c.l = append(c.l, b.checked.Centre(check.Whole{Site: s, Files: files, Published: published, Pages: set.Paths(s.Records), IDs: ids, Anchors: anchors, Trust: school == nil})...)
	if stop := check.Stops(append(slices.Clip(pre), c.l...)); len(stop) > 0 {
		c.err = stop
		return c
	}
	if err := r.err.Load(); err != nil {
		c.err = *err
		return c
	}
	b.pages.Next()
	c.err = b.lists(te, s, set, out)
	return c
}

// A parsed is what a render keeps of one policy file: the policy, when
// published, with its record, and the file's diagnostics. A Build drops
// the policy's text once its pages are written (site.Policy.DropText),
// keeping its anchors for link checks.
type parsed struct {
	p   *site.Policy
	rec *site.Record
	// all is the policy, published here or not, for check.Schools.
	all     *site.Front
	ids     string // the ids of the policy's parsed files, for the memo's keys
	anchors *site.Anchors
	l       diag.List
}

// running is one render's state, shared by the workers parsing policies.
type running struct {
	b        *Builder
	fsys     fs.FS
	centre   *config.Centre
	settings parse.Settings
	files    []source.File
	out      output.Sink
	results  []parsed

	render bool       // false when site.yaml or the theme has an error
	pages  *pages.Set // for policy pages: the settings, the day and the cookie policy
	theme  *theme.Theme
	key    theme.Key

	err atomic.Pointer[error] // the first failure to render or write
}

// parse reads and parses files[i] with its earlier versions and keeps the
// result (parse.Memo.Publish); it returns the policy when it is to be
// published, as the centre publishes it (pages.Chooser).
func (r *running) parse(i int) *site.Policy {
	pr := &r.results[i]
	var p *site.Policy
	p, pr.all, pr.ids, pr.l = r.b.parsed.Publish(r.fsys, r.files[i], r.settings, r.b.school, r.b.opts.Drafts)
	if p == nil {
		return nil
	}
	if q := pages.Chooser(p, r.centre); q != p {
		pr.l, p = nil, q // the schools' centres report its findings
	}
	p.Prepare(r.b.opts.Now, r.centre.Site.Review.WarnDays)
	pr.p, pr.rec = p, r.b.records.Record(p, pr.ids, r.b.opts.Now, r.centre.Site.Review.WarnDays)
	return p
}

// write renders the pages of results[i], or takes them from the memo when
// nothing they are rendered from changed, and hands them to the sink; a
// Build then drops the policy's text. Once anything has failed it does
// nothing.
func (r *running) write(i int) {
	pr := &r.results[i]
	if pr.p == nil || !r.render || r.err.Load() != nil {
		return
	}
	p := pr.p
	key := r.key
	key.Files = pr.ids
	outs, err := r.b.pages.Policy(p.Slug, key, func() ([]output.File, error) {
		return r.theme.RenderAll(r.pages.Policy(p, pr.rec))
	})
	if !r.b.keep {
		a := p.Anchors()
		pr.anchors = &a
		p.DropText()
	}
	if err == nil {
		err = r.out.Emit(outs...)
	}
	if err == nil {
		// The files of the policy's folder go beside its page; one
		// that cannot be read is an error of the policy's.
		assets, l := output.Assets(r.fsys, r.files[i])
		pr.l = append(pr.l, l...)
		err = r.out.Emit(assets...)
	}
	if err != nil {
		failed := err // err itself stays on the stack
		r.err.CompareAndSwap(nil, &failed)
	}
}

// lists hands out the files for machines and the theme's assets, then
// renders the pages listing every policy, through their memos. A Build
// keeps none of them: each goes to out as it is made.
func (b *Builder) lists(te *theme.Loaded, s *site.Site, set *pages.Set, out output.Sink) error {
	files, err := b.machine.Files(s)
	if err != nil {
		return err
	}
	if b.school != "" {
		files = machine.Own(files) // the trust's centre has the host's, and the assets
	} else {
		files = slices.Concat(files, te.Theme.Assets())
	}
	if err := out.Emit(files...); err != nil {
		return err
	}
	key := theme.Key{Theme: te.Theme, Cfg: s.Config, Now: s.Now}
	return b.pages.Lists(key, s.Records, func(emit func(output.File) error) error {
		return te.Theme.RenderEach(set.Lists(s.Changes()), emit)
	}, out.Emit)
}
