// Package generator builds a policy centre: it reads a site folder
// (site.yaml, content/, themes/) and produces the pages and files of the
// site. It runs one pipeline, each stage a package taking the one before's
// output, and hands what it makes to a sink:
//
//	source      content/ -> []source.File (Cache: the files kept between renders)
//	config      site.yaml -> *config.Site; config.Centre, as one centre reads it
//	frontmatter the --- block of a file -> *frontmatter.Meta
//	markdown    a file's text -> HTML, headings, links
//	history     two versions' texts -> their comparison
//	output      output.File, what every stage after the model makes; the
//	            minifier; the sinks (output.Sink: memory, a school's folder);
//	            where a file's pictures are published (AssetPath)
//	site        policies -> the model: *site.Site (review status, versions)
//	check       the lint rules and their registry, check.Rules
//	parse       one file -> *site.Policy with its findings (the stages above)
//	machine     each policy's site.Record (no text) -> policies.json, feed,
//	            sitemap, robots, _headers, ...
//	pages       the model -> []pages.Spec: every page, its path, layout and data
//	theme       templates and assets -> HTML for each Spec
//	publish     []output.File -> the destination, in one atomic swap
//
// Leaves used by every stage: diag (positions, sorted lists), strictyaml
// (strict YAML with positions), date (civil dates), versions (version
// labels: checked, ordered, counted on) and vars ({{ school.name }} filled
// in before markdown is read).
//
// A site.yaml with schools: has a centre for the trust and one for each
// school: Builder.run renders the trust's (Builder.centre), then each
// school's through a Builder of its own, the same centre function, with
// site.yaml as the school reads it (config.Centre), into the same sink
// under the school's path (output.Under), and check.Schools compares them.
// The root holds no stage's logic: only Options, Build, Render and the
// Builder that runs the stages.
//
// Options name the site folder as an fs.FS and the day: the library reads
// no clock and no path of its own. Build runs the pipeline into a
// publish.Tree the command created: each policy's pages are written as
// the policy is parsed. Render runs it into memory, as check and reviews
// use it. A Builder is the same pipeline (Builder.run) run again and
// again, each stage keeping what it made for inputs that did not change
// (config.Cache, parse.Memo, check.Memo, machine.Memo, theme.Cache and
// theme.Memo): serve uses one. A build with any error that stops it
// writes nothing.
package generator

import (
	"errors"
	"io/fs"

	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/output"
	"github.com/policysite/policysite/generator/publish"
	"github.com/policysite/policysite/generator/site"
)

// Options say what to build and how.
type Options struct {
	// Source is the site folder: site.yaml, content/ and themes/. The
	// commands open it with os.OpenRoot, so that nothing outside it is
	// read; tests build one in memory (internal/sitetest).
	Source fs.FS
	// Now is the day review status is computed for. Required: the
	// commands resolve today once (--now, SOURCE_DATE_EPOCH, the clock).
	Now date.Date
	// BaseURL overrides site.yaml's base_url.
	BaseURL string
	// RelayURL overrides site.yaml's requests.relay_url (serve's preview
	// posting to a relay on this machine).
	RelayURL string
	// Drafts includes policies marked draft.
	Drafts bool
	// Committed returns the day each file was last committed, by path,
	// which dates a policy without effective:. The command asks git (the
	// library runs no program) when HEAD has moved; each render calls it
	// once. When it cannot (a shallow clone) it returns nil and why, for
	// check.Undated. Nil dates nothing.
	Committed func() (map[string]date.Date, string)
	// DefaultTheme replaces the embedded default theme (serve uses the files
	// on disk so theme edits show at once).
	DefaultTheme fs.FS
}

// check reports what opts lack.
func (opts Options) check() error {
	switch {
	case opts.Source == nil:
		return errors.New("generator: Options.Source is nil: give the site folder")
	case opts.Now.IsZero():
		return errors.New("generator: Options.Now is zero: give the day to build for")
	}
	return nil
}

// A Result is a rendered site.
type Result struct {
	// Site is the trust's centre; Schools each school's, in site.yaml's
	// order. A Build's policies hold no text (site.Policy.DropText).
	Site    *site.Site
	Schools []*site.Site
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

// Build renders the site into tree and commits it when nothing stops the
// build (check.Stops); otherwise it aborts the tree, and nothing is
// written. The returned error is the findings that stop it, as a
// diag.List, or a failure of the machine. The Result has no Outputs.
//
// Each policy's pages are added to the tree as soon as the policy is
// parsed, and only what the pages listing every policy and the link
// checks read is kept of it, so a build holds one policy's text per core
// rather than every policy's.
func Build(opts Options, tree *publish.Tree) (*Result, error) {
	b := newBuilder(opts, false, "")
	res, err := b.run(tree)
	if err != nil {
		tree.Abort()
		return res, err
	}
	return res, tree.Commit()
}

// Render runs every stage but the write. Outputs are not minified. The error
// is non-nil when the site cannot be published: then it is the findings
// that stop it (a diag.List), or a failure of the machine. It is a Builder
// used once.
func Render(opts Options) (*Result, error) {
	return NewBuilder(opts).Render()
}
