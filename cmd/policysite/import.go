package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/policysite/policysite/generator"
	"github.com/policysite/policysite/generator/check"
	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/docx"
	"github.com/policysite/policysite/generator/parse"
	"github.com/policysite/policysite/generator/source"
)

func newImport() *cobra.Command {
	var (
		sf                   siteFlags
		split, force, dryRun bool
	)
	cmd := &cobra.Command{
		Use:   "import FILE.docx...",
		Short: "Import Word documents as policies",
		Long: `Import reads Word documents (.docx) and writes content/<slug>.md for each,
the slug made from its title. The title block (version, dates, owner) and a
document-control table become the front matter; what the document does not
say comes from site.yaml and is listed as a guess. Pictures go beside the
policy in content/<slug>/. Then the new policies are checked as check does.

With --split, each Heading 1 becomes a policy of its own. An existing policy
is never replaced without --force. See docs/import.md.`,
		Example: `  policysite import policies/data-protection.docx
  policysite import --split "Policy Centre.docx"`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{errors.New("import takes the Word documents to import: policysite import policy.docx")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			now, err := sf.today()
			if err != nil {
				return err
			}
			cfg, err := siteConfig(cmd.ErrOrStderr(), sf.source)
			if err != nil {
				return err
			}
			return runImport(cmd.OutOrStdout(), cmd.ErrOrStderr(), sf.source, now, cfg, args, split, force, dryRun)
		},
	}
	sf.register(cmd)
	cmd.Flags().BoolVar(&split, "split", false, "make a policy of each Heading 1")
	cmd.Flags().BoolVar(&force, "force", false, "replace policies that exist")
	cmd.Flags().BoolVarP(&dryRun, "dry-run", "n", false, "report what would be written, and check it, without writing")
	return cmd
}

// An imported policy, ready to write.
type imported struct {
	from   string // the document
	rel    string // content/<slug>.md or content/<slug>/index.md
	dir    string // content/<slug>: where its images go
	md     []byte
	policy *docx.Policy
}

func runImport(stdout, stderr io.Writer, dir string, now date.Date, cfg *config.Site, files []string, split, force, dryRun bool) error {
	// The review period build gives a policy without next_review.
	d := parse.NewSettings(cfg).Defaults
	conv := docx.Options{Split: split, Now: now, Period: d.ReviewMonths, PeriodFrom: d.ReviewFrom}
	switch {
	case cfg.Defaults.Owner != "":
		conv.Owner, conv.OwnerFrom = cfg.Defaults.Owner, "site.yaml defaults.owner"
	case cfg.Organisation.Name != "":
		conv.Owner, conv.OwnerFrom = cfg.Organisation.Name, "site.yaml organisation.name"
	default:
		conv.Owner, conv.OwnerFrom = "Data protection officer", "as policysite new does: site.yaml names no organisation"
	}
	// A cell's paragraphs stay lines of their own: <br> is raw HTML the
	// sanitiser keeps.
	conv.CellBreak = "<br>"
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()

	// Documents are read and converted in parallel, one worker a core;
	// they are placed in the order given, so slugs and the report are the
	// same from run to run.
	type result struct {
		policies []*docx.Policy
		err      error
	}
	results := make([]result, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				name := filepath.ToSlash(files[i])
				data, err := readDocx(files[i])
				if err != nil {
					results[i].err = fmt.Errorf("%s: %v", name, err)
					continue
				}
				doc, err := docx.Read(name, data, docx.Limits{})
				if err != nil {
					results[i].err = err
					continue
				}
				c := conv
				c.Name = name
				results[i].policies = docx.Convert(doc, c)
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	failed := 0
	var out []imported
	taken := map[string]bool{}
	for i, r := range results {
		if r.err != nil {
			fmt.Fprintln(stderr, r.err)
			failed++
			continue
		}
		for _, p := range r.policies {
			out = append(out, place(root, filepath.ToSlash(files[i]), p, taken))
		}
	}
	// Refuse before writing anything: an import is whole or not at all.
	var exist []string
	for _, im := range out {
		for _, p := range []string{"content/" + path.Base(im.dir) + ".md", im.dir + "/index.md"} {
			if _, err := root.Stat(p); err == nil && !force {
				exist = append(exist, fmt.Sprintf("%s: %s already exists: pass --force to replace it", im.from, p))
			}
		}
	}
	if len(exist) > 0 {
		for _, e := range exist {
			fmt.Fprintln(stderr, e)
		}
		fmt.Fprintln(stderr, "policysite: nothing imported")
		return contentError{len(exist)}
	}
	for _, im := range out {
		report(stdout, im, dryRun)
	}
	if len(out) == 0 {
		return contentError{failed}
	}
	if dryRun {
		tmp, err := os.MkdirTemp("", "policysite-import")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		if b, err := root.ReadFile(config.File); err == nil {
			os.WriteFile(filepath.Join(tmp, config.File), b, 0o644)
		}
		if root, err = os.OpenRoot(tmp); err != nil {
			return err
		}
		defer root.Close()
	}
	for _, im := range out {
		if err := write(root, im); err != nil {
			return err
		}
	}
	if !dryRun {
		fmt.Fprintf(stdout, "Imported %d %s from %d %s\n", len(out), plural(len(out), "policy", "policies"), len(files)-failed, plural(len(files)-failed, "document", "documents"))
	}
	// Check the new policies as check would, and say what it finds.
	fmt.Fprintln(stdout, "check:")
	res, err := generator.Render(generator.Options{Source: root.FS(), Now: now})
	if res == nil {
		fmt.Fprintf(stdout, "  not run: %v\n", err)
	} else {
		mine := map[string]bool{}
		for _, im := range out {
			mine[im.rel] = true
		}
		var l diag.List
		for _, d := range check.Findings(res.Diagnostics, res.Site, -1, res.Schools...) {
			if mine[d.File] {
				l = append(l, d)
			}
		}
		for _, d := range l {
			fmt.Fprintln(stdout, "  "+d.Lint())
		}
		fmt.Fprintln(stdout, "  "+check.Summarise(l).String())
	}
	if failed > 0 {
		return contentError{failed}
	}
	return nil
}

// readDocx reads a document, refusing one too large before reading it.
func readDocx(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, pe.Err
		}
		return nil, err
	}
	defer f.Close()
	lim := docx.DefaultLimits.File
	b, err := io.ReadAll(io.LimitReader(f, lim+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > lim {
		return nil, fmt.Errorf("larger than %d MiB: not read", lim>>20)
	}
	return b, nil
}

// place chooses where a policy goes: content/<slug>.md, or the index.md of
// a policy already in folder form (which only --force replaces). A slug
// the site reserves, or one taken earlier in this import, gets a suffix.
func place(root *os.Root, from string, p *docx.Policy, taken map[string]bool) imported {
	slug := p.Slug
	if source.Reserved[slug] {
		slug += "-policy"
	}
	for i := 2; taken[slug]; i++ {
		slug = fmt.Sprintf("%s-%d", p.Slug, i)
	}
	taken[slug] = true
	p.Slug = slug
	im := imported{from: from, rel: "content/" + slug + ".md", dir: "content/" + slug, policy: p}
	prefix := slug + "/"
	if _, err := root.Stat(im.dir + "/index.md"); err == nil {
		im.rel, prefix = im.dir+"/index.md", ""
	}
	im.md = p.Markdown(prefix)
	return im
}

// write writes a policy and its images: each to a temporary file beside
// it, then renamed over it, inside the site folder.
func write(root *os.Root, im imported) error {
	put := func(name string, data []byte) error {
		if err := root.MkdirAll(path.Dir(name), 0o755); err != nil {
			return err
		}
		tmp := path.Join(path.Dir(name), "."+path.Base(name)+".import")
		if err := root.WriteFile(tmp, data, 0o644); err != nil {
			return err
		}
		return root.Rename(tmp, name)
	}
	for _, img := range im.policy.Images {
		if err := put(im.dir+"/"+img.Name, img.Data); err != nil {
			return err
		}
	}
	return put(im.rel, im.md)
}

func report(w io.Writer, im imported, dryRun bool) {
	verb := "->"
	if dryRun {
		verb = "-> (dry run, not written)"
	}
	fmt.Fprintf(w, "%s %s %s\n", im.from, verb, im.rel)
	p := im.policy
	for _, s := range p.Found {
		fmt.Fprintf(w, "  found:   %s\n", s)
	}
	for _, s := range p.Guesses {
		fmt.Fprintf(w, "  guessed: %s\n", s)
	}
	for _, s := range p.Notes {
		fmt.Fprintf(w, "  note:    %s\n", s)
	}
	var imgs []string
	for _, img := range p.Images {
		imgs = append(imgs, im.dir+"/"+img.Name)
	}
	sort.Strings(imgs)
	if len(imgs) > 0 {
		fmt.Fprintf(w, "  images:  %s\n", strings.Join(imgs, ", "))
	}
}
