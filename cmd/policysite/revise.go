package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/frontmatter"
	"github.com/policysite/policysite/generator/markdown"
	"github.com/policysite/policysite/generator/parse"
	"github.com/policysite/policysite/generator/source"
	"github.com/policysite/policysite/generator/versions"
)

func newRevise() *cobra.Command {
	var (
		sf                       siteFlags
		version, effective, note string
		af                       approvalFlags
	)
	cmd := &cobra.Command{
		Use:   "revise <slug>",
		Short: "Archive a policy's current text and start its next version",
		Long: `Revise copies content/<slug>/index.md, unchanged, to
content/<slug>/history/<version>.md, then sets the current file's version (the
next minor version by default: 1.08 -> 1.09, 2 -> 3), its effective date (today
by default; a later day announces the version before it comes into force), its
next review (one review period later), its change note and its approval. The
new version starts with no reviews: the archived file keeps its own.
A flat content/<slug>.md is first moved to content/<slug>/index.md.
Every check runs before the first file is touched: a refusal changes nothing.
Edit the text afterwards; the front matter keeps its comments and layout.`,
		Example: `  policysite revise data-protection --note "Retention periods updated for the new schedule"
  policysite revise data-protection --effective 2027-01-05 --approved-by "the Board" --approved-on 2026-12-01 --minute "FGB 2026/14"`,
		Args: slugArg("revise"),
		RunE: func(cmd *cobra.Command, args []string) error {
			now, err := sf.today()
			if err != nil {
				return err
			}
			eff := now
			if effective != "" {
				if eff, err = date.Parse(effective); err != nil {
					return usageError{fmt.Errorf("--effective: %v", err)}
				}
			}
			approval, err := af.fields()
			if err != nil {
				return err
			}
			cfg, err := siteConfig(cmd.ErrOrStderr(), sf.source)
			if err != nil {
				return err
			}
			rv, err := planRevision(cmd, cfg, sf.source, args[0], version, eff)
			if err != nil {
				return err
			}
			next := eff.AddMonths(reviewMonths(cfg))
			fm := rv.fm
			fm.set("version", yamlScalar(rv.version))
			fm.set("effective", eff.String())
			fm.set("next_review", next.String())
			if note != "" {
				fm.set("changes", yamlScalar(note))
			} else {
				fm.remove("changes") // the old note describes the old version
			}
			// The reviews and the approval were of the old version, which
			// keeps them in its archived copy.
			fm.remove("reviews")
			for _, kv := range approvalKeys {
				fm.remove(kv)
			}
			for _, kv := range approval {
				fm.set(kv[0], kv[1])
			}
			out := cmd.OutOrStdout()
			if err := rv.apply(sf.source); err != nil {
				return err
			}
			if rv.flat != "" {
				fmt.Fprintf(out, "Moved %s to %s, which keeps earlier versions\n", filepath.ToSlash(rv.flat), filepath.ToSlash(rv.rel))
			}
			fmt.Fprintf(out, "Archived version %s as %s\n", rv.meta.Version, filepath.ToSlash(rv.archive))
			when := "effective"
			if eff.After(now) {
				when = "coming into force"
			}
			fmt.Fprintf(out, "%s is now version %s, %s %s, next review %s: edit its text, then build\n",
				filepath.ToSlash(rv.rel), rv.version, when, eff.Format(cfg.Language), next.Format(cfg.Language))
			return nil
		},
	}
	sf.register(cmd)
	cmd.Flags().StringVar(&version, "version", "", "the new version (default: the next minor version, 1.08 -> 1.09)")
	cmd.Flags().StringVar(&effective, "effective", "", "when the new version takes effect, e.g. 2026-09-01 (default today, or --now); a later day announces it ahead")
	cmd.Flags().StringVar(&note, "note", "", "what changed, for the history page and the feed")
	af.register(cmd, "the new version")
	return cmd
}

// A revision is what revise will do, worked out and checked in full
// before anything is written (planRevision), so that a refusal leaves the
// site as it was.
type revision struct {
	rel      string // the policy's folder-form file, relative to the site root
	flat     string // the flat file it moves from, or ""
	archive  string // the archived copy of the current version
	archived []byte // the archived copy's text
	meta     *frontmatter.Meta
	fm       *frontText // the new version's front matter, to edit
	version  string
}

// planRevision reads the policy and checks everything revise needs: the
// new version number, the effective date, the move into folder form and
// the archive's name.
func planRevision(cmd *cobra.Command, cfg *config.Site, root, slug, version string, eff date.Date) (*revision, error) {
	rel, flat, err := policyFile(root, slug)
	if err != nil {
		return nil, err
	}
	meta, fm, err := readPolicy(cmd, cfg, root, rel)
	if err != nil {
		return nil, err
	}
	rv := &revision{rel: rel, meta: meta, fm: fm, version: version}
	if version == "" {
		if rv.version, err = versions.Next(meta.Version); err != nil {
			return nil, fmt.Errorf("%s: %v; give the new one with --version", pos(meta, "version"), err)
		}
	} else if err := versions.Check(version); err != nil {
		return nil, usageError{fmt.Errorf("--version: %v", err)}
	}
	if c, ok := versions.Comparable(rv.version, meta.Version); ok && c <= 0 || rv.version == meta.Version {
		return nil, usageError{fmt.Errorf("--version %s is not after the current version %s", rv.version, meta.Version)}
	}
	if !eff.After(meta.Effective) {
		return nil, usageError{fmt.Errorf("effective date %s is not after the current version's, %s: give a later one with --effective", eff, meta.Effective)}
	}
	if strings.ContainsAny(meta.Version, `/\`) {
		return nil, fmt.Errorf("%s: version %q cannot name a file", pos(meta, "version"), meta.Version)
	}
	if flat {
		rv.flat, rv.rel = rel, filepath.Join("content", slug, "index.md")
		// Links are relative to the file: one folder deeper, they need a
		// "../" to reach the same policies.
		if fm.body, err = relink(fm.body, filepath.ToSlash(rel), filepath.ToSlash(rv.rel)); err != nil {
			return nil, err
		}
	}
	rv.archive = filepath.Join(filepath.Dir(rv.rel), "history", meta.Version+".md")
	if _, err := os.Lstat(filepath.Join(root, rv.archive)); !errors.Is(err, fs.ErrNotExist) {
		if err == nil {
			err = errAlreadyArchived
		}
		return nil, fmt.Errorf("%s: %w", filepath.ToSlash(rv.archive), err)
	}
	// The archived copy says what defaults: or the last commit filled,
	// which would not hold for it once archived, and its effective date
	// when it came from date:, which the archive's own commit would
	// otherwise come before.
	arch := fm.clone()
	for _, k := range frontmatter.Required {
		if meta.Pos.At(k) == meta.Start || k == "effective" && meta.EffectiveUnset && !meta.Effective.IsZero() {
			arch.set(k, defaultedValue(meta, k))
		}
	}
	rv.archived = arch.bytes()
	return rv, nil
}

// apply writes the revision: the archived copy, then the new version, then
// removes the flat file it moved from. A failure to write the new version
// takes the archived copy back.
func (rv *revision) apply(root string) error {
	archive := filepath.Join(root, rv.archive)
	if err := os.MkdirAll(filepath.Dir(archive), 0o755); err != nil {
		return err
	}
	if err := writeNew(archive, rv.archived); err != nil {
		return fmt.Errorf("%s: %w", filepath.ToSlash(rv.archive), err)
	}
	if err := writeFileAtomic(filepath.Join(root, rv.rel), rv.fm.bytes()); err != nil {
		os.Remove(archive)
		return err
	}
	if rv.flat != "" {
		return os.Remove(filepath.Join(root, rv.flat))
	}
	return nil
}

// approvalKeys are the front matter keys of an approval.
var approvalKeys = []string{"approved_by", "approved_on", "minute"}

// approvalFlags are --approved-by, --approved-on and --minute.
type approvalFlags struct{ by, on, minute string }

func (af *approvalFlags) register(cmd *cobra.Command, what string) {
	cmd.Flags().StringVar(&af.by, "approved-by", "", "who approved "+what+", e.g. \"the Board of Trustees\"")
	cmd.Flags().StringVar(&af.on, "approved-on", "", "when it was approved, e.g. 2026-12-01")
	cmd.Flags().StringVar(&af.minute, "minute", "", "the minute recording the approval, e.g. \"FGB 2026/14\"")
}

// fields returns the approval as front matter keys and YAML values, in
// the order approvalKeys gives.
func (af *approvalFlags) fields() ([][2]string, error) {
	var out [][2]string
	if af.by != "" {
		out = append(out, [2]string{"approved_by", yamlScalar(af.by)})
	}
	if af.on != "" {
		d, err := date.Parse(af.on)
		if err != nil {
			return nil, usageError{fmt.Errorf("--approved-on: %v", err)}
		}
		out = append(out, [2]string{"approved_on", d.String()})
	}
	if af.minute != "" {
		if af.by == "" && af.on == "" {
			return nil, usageError{errors.New("--minute: say who approved it (--approved-by) or when (--approved-on)")}
		}
		out = append(out, [2]string{"minute", yamlScalar(af.minute)})
	}
	return out, nil
}

// readPolicy reads the policy file rel of the site folder root: its
// front matter decoded with site.yaml's defaults: (as build reads it), and
// the file as text whose front matter can be edited in place. Invalid
// front matter is printed as build prints it.
func readPolicy(cmd *cobra.Command, cfg *config.Site, root, rel string) (*frontmatter.Meta, *frontText, error) {
	data, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		return nil, nil, err
	}
	ps := parse.NewSettings(cfg)
	f := source.File{Path: filepath.ToSlash(rel), Data: data}
	meta, _, bodyOff, ml := frontmatter.ParseWith(f.Path, data, ps.For(f))
	if meta.EffectiveUnset {
		// As build dates it: by its last commit, then date:.
		if f.Committed = committedFile(root, f.Path); !f.Committed.IsZero() {
			meta, _, bodyOff, ml = frontmatter.ParseWith(f.Path, data, ps.For(f))
		}
	}
	if ml.HasErrors() {
		printDiagnostics(cmd.ErrOrStderr(), ml, false)
		return nil, nil, contentError{len(ml)}
	}
	return meta, newFrontText(data, bodyOff), nil
}

// slugArg checks a command's one argument is a policy slug.
func slugArg(name string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usageError{fmt.Errorf("%s takes one argument, the policy's slug: policysite %s data-protection", name, name)}
		}
		if !source.IsSlug(args[0]) {
			return usageError{fmt.Errorf("slug %q: use lower-case letters, digits and hyphens", args[0])}
		}
		return nil
	}
}

// reviewMonths is how long after a new version or a review the next
// review falls: site.yaml's defaults.next_review, or review.review_period.
func reviewMonths(cfg *config.Site) int {
	return parse.NewSettings(cfg).Defaults.ReviewMonths
}

// defaultedValue writes the value of a front matter field that
// defaults: or the last commit filled, as the file would say it.
func defaultedValue(m *frontmatter.Meta, k string) string {
	switch k {
	case "owner":
		return yamlScalar(m.Owner)
	case "version":
		return yamlScalar(m.Version)
	case "effective":
		return m.Effective.String()
	case "next_review":
		return m.NextReview.String()
	}
	return yamlScalar(m.Title)
}

// policyFile returns the path of a policy's current file relative to the
// site root, and whether it is flat (not content/<folder>/index.md): the
// file source.List finds for the slug, however its name is written.
func policyFile(root, slug string) (string, bool, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return "", false, fmt.Errorf("site folder: %w", err)
	}
	defer r.Close()
	files, l := source.List(r.FS())
	// An error naming the slug (two files for it) comes first: editing
	// either file would leave the other one to publish.
	for _, d := range l {
		if source.SlugOf(d.File) == slug && d.Severity == diag.Error {
			return "", false, errors.New(d.Error())
		}
	}
	for _, f := range files {
		if f.Slug == slug {
			return filepath.FromSlash(f.Path), !strings.HasSuffix(f.Path, "/index.md"), nil
		}
	}
	return "", false, fmt.Errorf("no policy %q: neither content/%s.md nor content/%s/index.md exists, nor a file named for it", slug, slug, slug)
}

// Relative link destinations to markdown files, in inline links and in
// reference definitions. Absolute paths and URLs do not match.
var (
	inlineMD = regexp.MustCompile(`(\]\(\s*<?)([^)\s<>#:/][^)\s<>#:]*\.md)([#)\s>])`)
	refDefMD = regexp.MustCompile(`(?m)^( {0,3}\[[^\]\n]+\]:[ \t]*<?)([^\s<>#:/][^\s<>#:]*\.md)([#\s>]|$)`)
)

// relink returns a policy's body with its relative links to other
// policies rewritten for the file's new place, and checks the result:
// every link must lead exactly where it led before, else the move is
// refused rather than publishing broken links.
func relink(body []byte, from, to string) ([]byte, error) {
	rel, err := filepath.Rel(path.Dir(to), path.Dir(from))
	if err != nil {
		return nil, err
	}
	prefix := filepath.ToSlash(rel) + "/"
	fix := func(m []byte, re *regexp.Regexp) []byte {
		sub := re.FindSubmatch(m)
		return slices.Concat(sub[1], []byte(prefix), sub[2], sub[3])
	}
	out := inlineMD.ReplaceAllFunc(body, func(m []byte) []byte { return fix(m, inlineMD) })
	out = refDefMD.ReplaceAllFunc(out, func(m []byte) []byte { return fix(m, refDefMD) })
	targets := func(body []byte, path string) []string {
		var t []string
		for _, l := range markdown.Render(body, markdown.Options{Path: path}).Links {
			t = append(t, l.Target+"#"+l.Fragment)
		}
		return t
	}
	if before, after := targets(body, from), targets(out, to); !slices.Equal(before, after) {
		return nil, fmt.Errorf("%s: cannot move it into folder form without changing where its links lead (%v became %v): move it and fix its links by hand", from, before, after)
	}
	return out, nil
}

func pos(m *frontmatter.Meta, key string) string {
	p := m.Pos.At(key)
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

var errAlreadyArchived = errors.New("already exists: that version was archived before; give a new --version or remove the file")

// writeNew writes a file that must not exist yet.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return errAlreadyArchived
		}
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeFileAtomic replaces a file through a temporary file and a rename, so
// an interrupted write never leaves half a policy.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".policysite-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if fi, err := os.Stat(path); err == nil {
		_ = os.Chmod(tmp.Name(), fi.Mode().Perm())
	}
	return os.Rename(tmp.Name(), path)
}

// frontText is a policy file's front matter as lines of text, edited key by
// key so that the author's comments, order and layout survive.
type frontText struct {
	head  string   // the opening fence line (and a BOM, if any)
	lines []string // front matter lines, each with its line ending
	fence string   // the closing fence line, untouched
	body  []byte
	nl    string
}

// newFrontText splits data, a policy file whose front matter
// frontmatter.ParseWith accepted, at the fences; bodyOff is the body's
// offset it returned, just after the closing fence line.
func newFrontText(data []byte, bodyOff int) *frontText {
	nl := "\n"
	if bytes.Contains(data, []byte("\r\n")) {
		nl = "\r\n"
	}
	all := strings.SplitAfter(string(data[:bodyOff]), "\n")
	if all[len(all)-1] == "" {
		all = all[:len(all)-1]
	}
	end := len(all) - 1
	return &frontText{head: all[0], lines: slices.Clone(all[1:end]), fence: all[end], body: data[bodyOff:], nl: nl}
}

// clone returns a copy of f to edit apart from f.
func (f *frontText) clone() *frontText {
	c := *f
	c.lines = slices.Clone(f.lines)
	return &c
}

// span returns the lines [start, end) holding top-level key and its value:
// the key's line and the indented, list or blank lines after it. Blank and
// comment lines at the end are left to what follows.
func (f *frontText) span(key string) (int, int, bool) {
	for i, line := range f.lines {
		if !strings.HasPrefix(line, key+":") {
			continue
		}
		end := i + 1
		for end < len(f.lines) {
			l := f.lines[end]
			t := strings.TrimRight(l, "\r\n")
			if t == "" || strings.HasPrefix(t, " ") || strings.HasPrefix(t, "\t") || strings.HasPrefix(t, "- ") || t == "-" {
				end++
				continue
			}
			break
		}
		for end > i+1 && strings.TrimSpace(f.lines[end-1]) == "" {
			end--
		}
		return i, end, true
	}
	return 0, 0, false
}

// set gives a top-level key a one-line value, keeping a trailing comment
// on its line; a missing key is added at the end.
func (f *frontText) set(key, value string) {
	i, end, ok := f.span(key)
	if !ok {
		f.lines = append(f.lines, key+": "+value+f.nl)
		return
	}
	comment := trailingComment(strings.TrimRight(f.lines[i][len(key)+1:], "\r\n"))
	repl := key + ": " + value + comment + f.nl
	f.lines = append(f.lines[:i], append([]string{repl}, f.lines[end:]...)...)
}

// remove deletes a top-level key and its value.
func (f *frontText) remove(key string) {
	if i, end, ok := f.span(key); ok {
		f.lines = append(f.lines[:i], f.lines[end:]...)
	}
}

// appendItem adds a mapping to the end of a top-level list, in the
// indentation the list already uses.
func (f *frontText) appendItem(key string, fields [][2]string) {
	i, end, ok := f.span(key)
	indent := "  "
	if ok {
		rest := strings.TrimSpace(strings.TrimRight(f.lines[i][len(key)+1:], "\r\n"))
		if rest != "" && !strings.HasPrefix(rest, "#") {
			// A flow list such as [] on the key's line: rewrite as a block
			// only when empty; anything else is beyond a text edit.
			f.lines[i] = key + ":" + trailingComment(rest) + f.nl
		}
		for _, l := range f.lines[i+1 : end] {
			if t := strings.TrimLeft(l, " "); strings.HasPrefix(t, "- ") {
				indent = l[:len(l)-len(t)]
				break
			}
		}
	}
	var item []string
	for j, kv := range fields {
		lead := indent + "  "
		if j == 0 {
			lead = indent + "- "
		}
		item = append(item, lead+kv[0]+": "+kv[1]+f.nl)
	}
	if !ok {
		f.lines = append(f.lines, key+":"+f.nl)
		f.lines = append(f.lines, item...)
		return
	}
	f.lines = append(f.lines[:end], append(item, f.lines[end:]...)...)
}

func (f *frontText) bytes() []byte {
	return append([]byte(f.head+strings.Join(f.lines, "")+f.fence), f.body...)
}

// trailingComment returns " # ..." after a plain or quoted scalar, or "".
func trailingComment(s string) string {
	t := strings.TrimSpace(s)
	quote := byte(0)
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#' && (i == 0 || t[i-1] == ' ' || t[i-1] == '\t'):
			return "  " + t[i:]
		}
	}
	return ""
}

// yamlScalar writes s as a one-line YAML scalar, quoted when it must be.
func yamlScalar(s string) string {
	n := yaml.Node{Kind: yaml.ScalarNode, Value: s}
	if strings.ContainsAny(s, "\n\r") {
		n.Style = yaml.DoubleQuotedStyle
	}
	b, err := yaml.Marshal(&n)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	out := strings.TrimSuffix(string(b), "\n")
	// Versions must stay strings: "2" not 2.
	if out == s && looksNumeric(s) {
		return `"` + s + `"`
	}
	return out
}

func looksNumeric(s string) bool {
	_, err := versions.Parse(s)
	return err == nil
}
