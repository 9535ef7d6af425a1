package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/policysite/policysite/generator"
	"github.com/policysite/policysite/generator/check"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/publish"
)

// heapBudget is how large build lets the heap grow before collecting
// garbage (startHeapBudget), unless GOGC or GOMEMLIMIT say otherwise.
const heapBudget = 96 << 20

func newBuild() *cobra.Command {
	var (
		sf            siteFlags
		dest, baseURL string
		drafts, quiet bool
	)
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Build the site into the destination folder",
		Long: `Build reads the site folder and writes the policy centre to the destination
(public/ in the site folder by default). Every content error is reported as
file:line:col: message and the build exits 1 without touching the destination.
A successful build replaces the destination in one swap: a removed policy
leaves no page behind, and what no build wrote (a .git checkout, a CNAME)
stays. The destination must be new, empty or an earlier build (it holds a
.policysite-build file): the site folder, content/, themes/ and any other
folder are refused, and nothing is deleted.`,
		Example: `  policysite build
  policysite build --source ./site --destination /var/www/policies --now 2026-01-31`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := sf.options()
			if err != nil {
				return err
			}
			opts.BaseURL, opts.Drafts = baseURL, drafts
			out := destinationOf(sf.source, dest)
			start := time.Now()
			tree, err := publish.Create(out, guards(sf.source)...)
			var res *generator.Result
			if err == nil {
				if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
					// docs/performance.md says what this saves.
					defer startHeapBudget(heapBudget).stop()
				}
				res, err = generator.Build(opts, tree)
			}
			if res != nil {
				printDiagnostics(cmd.ErrOrStderr(), check.ForBuild(res.Diagnostics), !quiet)
			}
			if l, ok := err.(diag.List); ok {
				return contentError{len(l)}
			}
			var de *publish.DestinationError
			if errors.As(err, &de) {
				return destinationError(de, sf.source, dest != "")
			}
			if err != nil {
				return err
			}
			if !quiet {
				s := res.Site
				if rel, err := filepath.Rel(".", out); err == nil {
					out = rel
				}
				centres := ""
				if n := len(res.Schools); n > 0 {
					centres = fmt.Sprintf(" and %d %s' centres", n, plural(n, "school", "schools"))
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Built %d %s (%d overdue, %d due soon%s)%s in %d ms -> %s/\n",
					len(s.Policies), plural(len(s.Policies), "policy", "policies"), s.Overdue, s.DueSoon, certificates(s.CertsExpired, s.CertsDueSoon), centres,
					time.Since(start).Milliseconds(), filepath.ToSlash(out))
			}
			return nil
		},
	}
	sf.register(cmd)
	cmd.Flags().StringVarP(&dest, "destination", "d", "", "output folder (default <source>/public)")
	cmd.Flags().StringVar(&baseURL, "base-url", "", "absolute URL the site is published at (overrides site.yaml base_url)")
	cmd.Flags().BoolVarP(&drafts, "drafts", "D", false, "include policies marked draft: true")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print errors only")
	_ = cmd.MarkFlagDirname("destination")
	return cmd
}

// destinationError says how to go on from a destination the build
// refused: a usage error when --destination named it, else (the default
// public/ holds something else) an error of the site, exit 1.
func destinationError(de *publish.DestinationError, src string, flag bool) error {
	var advice string
	switch {
	case de.Guarded:
		advice = "Build into a new folder instead, such as --destination " + filepath.Join(src, "public")
	case de.NotBuild:
		advice = "Build into a new or empty folder with --destination, or, if nothing in " + de.Dest + " is needed, empty it first" +
			" (a build of an older policysite: delete it once; builds now carry a " + publish.Marker + " file)"
	default:
		advice = "Give --destination a folder: a new one, or an earlier build"
	}
	err := fmt.Errorf("%w.\n%s", de, advice)
	if flag {
		return usageError{err}
	}
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// certificates says, for build's summary line, how many of the site's
// certifications have expired or expire soon: "; 1 certification expires
// soon", or "" when none.
func certificates(expired, soon int) string {
	var parts []string
	if expired > 0 {
		parts = append(parts, fmt.Sprintf("%d %s expired", expired, plural(expired, "certification", "certifications")))
	}
	if soon > 0 {
		parts = append(parts, fmt.Sprintf("%d %s soon", soon, plural(soon, "certification expires", "certifications expire")))
	}
	if len(parts) == 0 {
		return ""
	}
	return "; " + strings.Join(parts, ", ")
}
