package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/policysite/policysite/generator"
	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
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

// options fills generator.Options from the flags.
func (f *siteFlags) options() (generator.Options, error) {
	opts := generator.Options{Source: f.source}
	if f.now != "" {
		d, err := date.Parse(f.now)
		if err != nil {
			return opts, usageError{fmt.Errorf("--now: %v", err)}
		}
		opts.Now = d
	} else {
		d, err := generator.Today()
		if err != nil {
			return opts, usageError{err}
		}
		opts.Now = d
	}
	return opts, nil
}

// siteConfig loads the site.yaml of opts.Source for the commands that edit
// policies (new, revise, review); its errors are printed to w and end the
// command as content errors.
func siteConfig(w io.Writer, opts generator.Options) (*config.Site, error) {
	cfg, l := config.Load(os.DirFS(opts.Source))
	if l.HasErrors() {
		printDiagnostics(w, l, false)
		return nil, contentError{len(l)}
	}
	return cfg, nil
}
