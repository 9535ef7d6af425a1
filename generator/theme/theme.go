// Package theme turns the site model into pages with html/template.
//
// A theme is a stack of file systems, the site's own themes/<name>/ over the
// embedded default, looked up file by file. Templates are layouts/base.html
// plus one layout per page kind; assets/* are fingerprinted by content and
// minified. Output is deterministic: the same model gives the same bytes.
package theme

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/form"
	"github.com/policysite/policysite/generator/output"
	"github.com/policysite/policysite/generator/pages"
	"github.com/policysite/policysite/generator/site"
)

// A Layer is one file system of a theme stack, named for messages.
type Layer struct {
	// Name is where the files live, as a user would find them: "themes/acme".
	Name string
	FS   fs.FS
}

// A Theme is a parsed theme, ready to render any number of sites.
type Theme struct {
	layers []Layer
	pages  map[string]*template.Template // by layout name: "index.html"
	// chrome is, by layout name, the most a page of that layout has
	// been longer than its policy's text: with the text's length, what
	// to size the next page's buffer to.
	chrome map[string]*atomic.Int64
	assets map[string]output.File // by logical name: "site.css"
	opts   Options
}

// Options are the site settings templates need while parsing.
type Options struct {
	// BasePath is the URL path the site lives under, "/" by default.
	BasePath string
	// AssetBase is the URL path of the folder the assets are under,
	// BasePath by default: a school's centre uses the trust's.
	AssetBase string
	// Language is the site's language tag; dates are written in it.
	Language string
	// WarnDays is how long before its review a policy is due soon.
	WarnDays int
}

// Stack returns the layers of the site's theme: the site's own
// themes/<cfg.Theme>/ in fsys, when it has one, over def, the built-in
// default. A theme other than the default must have its folder.
func Stack(fsys fs.FS, cfg *config.Site, def fs.FS) ([]Layer, diag.List) {
	var l diag.List
	var layers []Layer
	dir := "themes/" + cfg.Theme
	if sub, err := fs.Sub(fsys, dir); err == nil {
		if _, err := fs.Stat(fsys, dir); err == nil {
			layers = append(layers, Layer{Name: dir, FS: sub})
		} else if cfg.Theme != config.DefaultTheme {
			l.Errorf(cfg.At("theme"), "theme %q: no folder %s/", cfg.Theme, dir)
		}
	}
	layers = append(layers, Layer{Name: "themes/default (built in)", FS: def})
	return layers, l
}

// Pages are the page layouts a theme must have, besides layouts/base.html.
var Pages = []string{"index.html", "policy.html", "404.html", "requests.html", "thanks.html", "history.html", "version.html", "compare.html", "changes.html", "processors.html"}

// Load parses the theme from layers, the first layer winning for each file.
func Load(layers []Layer, opts Options) (*Theme, diag.List) {
	if opts.BasePath == "" {
		opts.BasePath = "/"
	}
	if opts.AssetBase == "" {
		opts.AssetBase = opts.BasePath
	}
	t := &Theme{layers: layers, pages: map[string]*template.Template{}, chrome: map[string]*atomic.Int64{}, assets: map[string]output.File{}, opts: opts}
	var l diag.List
	if err := t.loadAssets(); err != nil {
		l.Errorf(diag.Pos{File: "themes"}, "%v", err)
	}
	base, baseName, err := t.read("layouts/base.html")
	if err != nil {
		l.Errorf(diag.Pos{File: baseName}, "%v", err)
		return t, l
	}
	for _, page := range Pages {
		text, name, err := t.read("layouts/" + page)
		if err != nil {
			l.Errorf(diag.Pos{File: name}, "%v", err)
			continue
		}
		tpl := template.New(baseName).Funcs(t.funcs())
		if _, err := tpl.Parse(string(base)); err != nil {
			l = append(l, templateError(baseName, err))
			return t, l
		}
		if _, err := tpl.New(name).Parse(string(text)); err != nil {
			l = append(l, templateError(name, err))
			continue
		}
		// A policy's page holds that policy alone, a listing page the
		// policies' summaries: a layout that reads more fails now, not on
		// the first page.
		if err := sample(tpl, page); err != nil {
			l = append(l, templateError(name, err, baseName))
			continue
		}
		t.pages[page] = tpl
		t.chrome[page] = new(atomic.Int64)
	}
	return t, l
}

// sample executes tpl, the layout page, with each of its samples
// (pages.Samples).
func sample(tpl *template.Template, page string) error {
	for _, pg := range pages.Samples(page) {
		if err := tpl.ExecuteTemplate(io.Discard, "base", pg); err != nil {
			return err
		}
	}
	return nil
}

// read returns a file from the first layer that has it, and that file's display name.
func (t *Theme) read(p string) ([]byte, string, error) {
	for _, layer := range t.layers {
		b, err := fs.ReadFile(layer.FS, p)
		if err == nil {
			return b, layer.Name + "/" + p, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, layer.Name + "/" + p, err
		}
	}
	name := p
	if len(t.layers) > 0 {
		name = t.layers[len(t.layers)-1].Name + "/" + p
	}
	return nil, name, fmt.Errorf("theme file missing")
}

// templateError positions an error parsing or executing the template
// name, or one of others it uses. html/template reports "template:
// NAME:LINE: message" or "template: NAME:LINE:COL: executing ..."; the
// names are ours, so the line is reliable.
func templateError(name string, err error, others ...string) diag.Diagnostic {
	msg := err.Error()
	pos := diag.Pos{File: name}
	for _, n := range append([]string{name}, others...) {
		rest, ok := strings.CutPrefix(msg, "template: "+n+":")
		if !ok {
			continue
		}
		var line, col int
		if k, _ := fmt.Sscanf(rest, "%d:%d:", &line, &col); k >= 1 {
			pos = diag.Pos{File: n, Line: line, Col: col}
			_, msg, _ = strings.Cut(rest, ": ")
		}
		break
	}
	return diag.Diagnostic{Pos: pos, Message: msg}
}

// loadAssets reads every file under assets/ of every layer, minifies it and
// names it by a hash of its content.
func (t *Theme) loadAssets() error {
	seen := map[string]bool{}
	for _, layer := range t.layers {
		entries, err := fs.ReadDir(layer.FS, "assets")
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.IsDir() || seen[e.Name()] || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			seen[e.Name()] = true
			b, err := fs.ReadFile(layer.FS, "assets/"+e.Name())
			if err != nil {
				return fmt.Errorf("%s/assets/%s: %w", layer.Name, e.Name(), err)
			}
			ext := path.Ext(e.Name())
			min, err := output.Minify(ext, b)
			if err != nil {
				return fmt.Errorf("%s/assets/%s: %w", layer.Name, e.Name(), err)
			}
			sum := sha256.Sum256(min)
			name := strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:5]) + ext
			t.assets[e.Name()] = output.File{Path: "assets/" + name, Body: min, Raw: true}
		}
	}
	return nil
}

// Assets returns the fingerprinted assets, sorted by path.
func (t *Theme) Assets() []output.File {
	out := make([]output.File, 0, len(t.assets))
	for _, a := range t.assets {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// AssetURL returns the URL of a fingerprinted asset by its logical name.
func (t *Theme) AssetURL(name string) (string, error) {
	a, ok := t.assets[name]
	if !ok {
		return "", fmt.Errorf("no asset %q in the theme", name)
	}
	return t.opts.AssetBase + a.Path, nil
}

// StatusView is what the status and notice templates show for one policy:
// the text for its status at build time, and the text for every status, for
// the script that re-evaluates the status when the page is viewed.
type StatusView struct {
	Policy site.Summary
	Status string
	Class  string
	Warn   int
	Text   string
	// Current, DueSoon and Overdue are the texts for each status.
	Current, DueSoon, Overdue string
}

func (t *Theme) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": t.AssetURL,
		"url":   func(p string) string { return t.opts.BasePath + p },
		"date":  func(d date.Date) string { return d.Format(t.opts.Language) },
		"tel":   Tel,
		// mailto is a prefilled email asking for request type ty: its
		// address is a checked email address (config), the rest encoded.
		"mailto": func(address, org string, ty form.Type) template.URL {
			return template.URL(form.Mailto(address, org, ty))
		},
		"summary":    Summary,
		"statusData": t.statusView,
		"certStatus": t.certView,
		"join":       strings.Join,
		"cookieNames": func(c config.CookieCategory) string {
			names := make([]string, len(c.Cookies))
			for i, k := range c.Cookies {
				names[i] = k.Name
			}
			return strings.Join(names, " ")
		},
	}
}

// statusView says what a status badge or a review notice shows for a
// policy (on its page) or its summary (on the index).
func (t *Theme) statusView(of any, kind string) (StatusView, error) {
	var p site.Summary
	switch of := of.(type) {
	case *site.Summary:
		p = *of
	case *site.Policy:
		p = of.Summarize()
	default:
		return StatusView{}, fmt.Errorf("statusData: want a policy or its summary, got %T", of)
	}
	v := StatusView{Policy: p, Status: p.Status.String(), Class: kind, Warn: t.opts.WarnDays}
	if kind == "badge" {
		v.Current, v.DueSoon, v.Overdue = site.Current.Label(), site.DueSoon.Label(), site.Overdue.Label()
	} else {
		due := p.NextReview.Format(t.opts.Language)
		v.DueSoon = "Review due soon: this policy is due for review by " + due + "."
		v.Overdue = "Review overdue: this policy was due for review by " + due + " and may be out of date."
	}
	v.Text = [...]string{v.Current, v.DueSoon, v.Overdue}[p.Status]
	return v, nil
}

// A CertView is what the cert-status template shows for a
// certification: its status in words on the day of the build, and the
// words for each status, for the script that says it again on the day
// the page is read. An expired certificate reads as expired, never as
// held.
type CertView struct {
	pages.Certificate
	Text                      string
	Current, DueSoon, Overdue string
}

// certView says what a certification's status line shows.
func (t *Theme) certView(c pages.Certificate) CertView {
	until := c.Expires.Format(t.opts.Language)
	v := CertView{Certificate: c,
		Current: "Held: valid until " + until + ".",
		DueSoon: "Held, expires soon: valid until " + until + ".",
		Overdue: "Expired on " + until + ": we do not hold this certification at present.",
	}
	v.Text = [...]string{v.Current, v.DueSoon, v.Overdue}[c.Status]
	return v
}

// Render executes layout (one of Pages) for data and returns the HTML.
func (t *Theme) Render(layout string, data *pages.Page) ([]byte, error) {
	tpl, ok := t.pages[layout]
	if !ok {
		return nil, fmt.Errorf("theme has no layouts/%s", layout)
	}
	// A buffer grown from nothing copies a page of 20 to 60 KB about ten
	// times; it is sized once instead, leaving a byte to spare for the
	// minifier (publish.Minify).
	text := 0
	if data.Policy != nil {
		text = len(data.Policy.Body)
	}
	chrome := t.chrome[layout]
	var buf bytes.Buffer
	buf.Grow(text + int(chrome.Load()) + 1)
	if err := tpl.ExecuteTemplate(&buf, "base", data); err != nil {
		return nil, err
	}
	for n := int64(buf.Len() - text); ; {
		old := chrome.Load()
		if n <= old || chrome.CompareAndSwap(old, n) {
			break
		}
	}
	return buf.Bytes(), nil
}

// RenderAll renders each page with its layout.
func (t *Theme) RenderAll(specs []pages.Spec) ([]output.File, error) {
	outs := make([]output.File, 0, len(specs))
	if err := t.RenderEach(specs, func(f output.File) error { outs = append(outs, f); return nil }); err != nil {
		return nil, err
	}
	return outs, nil
}

// RenderEach renders specs in order, handing each page to emit as it is
// made; it stops at the first failure to render or emit.
func (t *Theme) RenderEach(specs []pages.Spec, emit func(output.File) error) error {
	for _, sp := range specs {
		body, err := t.Render(sp.Layout, sp.Page)
		if err != nil {
			return err
		}
		if err := emit(output.File{Path: sp.Path, Body: body}); err != nil {
			return err
		}
	}
	return nil
}

// Tel turns a phone number as written into a tel: URI body.
func Tel(s string) string {
	var b strings.Builder
	for i, r := range s {
		if (r >= '0' && r <= '9') || (r == '+' && i == 0) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Summary is the index's summary line: "7 policies · 1 overdue · 1 due soon".
func Summary(s *site.Listing) string {
	n := len(s.Policies)
	parts := []string{fmt.Sprintf("%d %s", n, plural(n, "policy", "policies"))}
	if s.Overdue > 0 {
		parts = append(parts, fmt.Sprintf("%d overdue", s.Overdue))
	}
	if s.DueSoon > 0 {
		parts = append(parts, fmt.Sprintf("%d due soon", s.DueSoon))
	}
	return strings.Join(parts, " · ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
