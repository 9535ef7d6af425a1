package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/policysite/policysite/generator"
	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/publish"
	"github.com/policysite/policysite/generator/source"
)

// siteFlags are the flags every command that reads a site shares.
type siteFlags struct {
	source string
	now    string
}

func (f *siteFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&f.source, "source", "s", ".", "site folder (holds site.yaml and content/)")
	cmd.Flags().StringVar(&f.now, "now", "", "date to compute review status for, e.g. 2026-03-31 (default today, or SOURCE_DATE_EPOCH)")
	_ = cmd.MarkFlagDirname("source")
}

// today returns the day --now names, or else Today's.
func (f *siteFlags) today() (date.Date, error) {
	if f.now == "" {
		d, err := Today()
		if err != nil {
			return d, usageError{err}
		}
		return d, nil
	}
	d, err := date.Parse(f.now)
	if err != nil {
		return d, usageError{fmt.Errorf("--now: %v", err)}
	}
	return d, nil
}

// options fills generator.Options from the flags: the site folder opened
// with os.OpenRoot, so that nothing outside it is read (closed when the
// process ends, or when the Options are dropped), the day, and how to
// find the days its files were last committed (git, which the library
// does not run; asked again only when HEAD moves, as serve renders on
// every save).
func (f *siteFlags) options() (generator.Options, error) {
	now, err := f.today()
	if err != nil {
		return generator.Options{}, err
	}
	root, err := os.OpenRoot(f.source)
	if err != nil {
		return generator.Options{}, fmt.Errorf("site folder: %w", err)
	}
	dates := &gitDates{dir: f.source}
	return generator.Options{Source: root.FS(), Now: now, Committed: dates.get}, nil
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

// siteConfig loads the site.yaml of the site folder dir for the commands
// that edit policies (new, revise, review); its errors are printed to w
// and end the command as content errors.
func siteConfig(w io.Writer, dir string) (*config.Site, error) {
	cfg, l := config.Load(os.DirFS(dir))
	if l.HasErrors() {
		printDiagnostics(w, l, false)
		return nil, contentError{len(l)}
	}
	return cfg, nil
}

// destinationOf returns where build writes the site of the folder src:
// dest, or public/ inside src.
func destinationOf(src, dest string) string {
	if dest != "" {
		return dest
	}
	return filepath.Join(src, "public")
}

// guards are the folders of the site folder src a destination must not be
// or hold: src itself (which holds site.yaml and, by default, public/),
// content/ and themes/.
func guards(src string) []publish.Guard {
	return []publish.Guard{
		{Path: src, Name: "the site folder", Inside: true},
		{Path: filepath.Join(src, source.Dir), Name: source.Dir + "/"},
		{Path: filepath.Join(src, "themes"), Name: "themes/"},
	}
}
