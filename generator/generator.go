// Package generator builds a policy centre: it reads a site folder
// (site.yaml, content/, themes/) and produces the pages and files of the
// site. It runs one pipeline, each stage a package taking the one before's
// output, and hands what it makes to a sink:
//
//	source      content/ -> []source.File (Cache: the files kept between renders)
//	config      site.yaml -> *config.Site
//	frontmatter the --- block of a file -> *frontmatter.Meta
//	markdown    a file's text -> HTML, headings, links
//	history     two versions' texts -> their comparison
//	site        policies -> the model: *site.Site (review status, versions)
//	check       the lint rules and their registry, check.Rules
//	parse       one file -> *site.Policy with its findings (the stages above)
//	machine     the model -> policies.json, feed, sitemap, robots, _headers, ...
//	pages       the model -> []pages.Spec: every page, its path, layout and data
//	theme       templates and assets -> HTML for each Spec
//	output      output.File, what every stage after the model makes; the minifier
//	publish     []output.File -> the destination, in one atomic swap
//
// Leaves used by every stage: diag (positions, sorted lists), strictyaml
// (strict YAML with positions) and date (civil dates).
//
// Build runs the pipeline into a publish.Tree on disk: each policy's pages
// are written as the policy is parsed. Render runs it into memory, as
// check and reviews use it. A Builder is the same pipeline run again and
// again, keeping what each stage made for inputs that did not change:
// serve uses one. A build with any error that stops it writes nothing.
package generator

import (
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
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
	// RelayURL overrides site.yaml's requests.relay_url (serve's preview
	// posting to a relay on this machine).
	RelayURL string
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

// A Result is a rendered site.
type Result struct {
	Site *site.Site
	// Outputs are the site's files, sorted by path, not minified: a
	// Render's, none for a Build.
	Outputs []output.File
	// Diagnostics are every finding, each at its rule's severity
	// (check.ForBuild says how build shows them).
	Diagnostics diag.List
	// Changed are the paths of outputs that are new, differ or are gone
	// since the Builder's last good render (every path, for the first).
	Changed []string
}

// Build renders the site and, when nothing stops it (check.Stops), writes
// it to the destination. The returned error is the findings that stop it,
// as a diag.List, or a failure of the machine. The Result has no Outputs.
//
// Pages are written into a folder beside the destination as they are
// made, which replaces it only when the whole site built; each policy's
// pages are written as soon as the policy is parsed, and only what the
// pages listing every policy and the link checks read is kept of it, so a
// build holds one policy's text per core rather than every policy's.
func Build(opts Options) (*Result, error) {
	if _, err := publish.CheckDestination(DestinationOf(opts), Guards(opts)...); err != nil {
		return nil, err
	}
	b := &Builder{opts: opts}
	fsys, done, err := b.open()
	if err != nil {
		return nil, err
	}
	defer done()
	tree, err := publish.Create(DestinationOf(b.opts), Guards(b.opts)...)
	if err != nil {
		return nil, err
	}
	heap := startHeapBudget(b.opts.HeapBudget)
	res, err := b.run(fsys, treeSink{tree}, heap.check)
	heap.stop()
	if err != nil {
		tree.Abort()
		return res, err
	}
	return res, tree.Commit()
}

// A treeSink minifies each output and writes it into a build's tree, then
// drops its body: at 10,000 policies the pages listing them are tens of
// megabytes.
type treeSink struct{ tree *publish.Tree }

func (s treeSink) Add(outs ...output.File) error {
	for i := range outs {
		if err := output.MinifyOne(&outs[i]); err != nil {
			return err
		}
		if err := s.tree.Add(outs[i]); err != nil {
			return err
		}
		outs[i].Body = nil
	}
	return nil
}

// Render runs every stage but the write. Outputs are not minified. The error
// is non-nil when the site cannot be published: then it is the findings
// that stop it (a diag.List), or a failure of the machine. It is a Builder
// used once.
func Render(opts Options) (*Result, error) {
	return NewBuilder(opts).Render()
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
