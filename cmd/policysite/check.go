package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/policysite/policysite/generator"
	"github.com/policysite/policysite/generator/check"
	"github.com/policysite/policysite/generator/diag"
)

func newCheck() *cobra.Command {
	var sf siteFlags
	var format string
	warnDays := -1
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Lint the policies without building",
		Long: `Check reads the site as build does and reports every problem as
file:line:col: severity: message [rule], sorted by file and line, then a
summary. It exits 1 if any finding is an error, 0 otherwise.

Rules: ` + ruleList() + `

Accept a finding per policy in front matter (check_ignore: [placeholder]) or
on its line with <!-- check: ignore placeholder -->. See docs/check.md.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !validFormat(format, check.Formats) {
				return usageError{fmt.Errorf("--format: %q is not one of %s", format, strings.Join(check.Formats, ", "))}
			}
			opts, err := sf.options()
			if err != nil {
				return err
			}
			res, err := generator.Render(opts)
			if res == nil {
				return err
			}
			if _, ok := err.(diag.List); !ok && err != nil {
				return err
			}
			l := check.Findings(res.Diagnostics, res.Site, warnDays, res.Schools...)
			if err := check.Write(cmd.OutOrStdout(), format, l); err != nil {
				return err
			}
			if l.HasErrors() {
				return contentError{l.Count(diag.Error)}
			}
			return nil
		},
	}
	sf.register(cmd)
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json or github (workflow annotations)")
	cmd.Flags().IntVar(&warnDays, "warn-days", -1, "days before a review date that review-due-soon warns (default review.warn_days in site.yaml)")
	return cmd
}

func ruleList() string {
	var b strings.Builder
	for _, r := range check.Rules {
		fmt.Fprintf(&b, "\n  %-22s %-7s %s", r.ID, r.Severity, r.Doc)
	}
	return b.String()
}

func validFormat(f string, formats []string) bool {
	for _, x := range formats {
		if f == x {
			return true
		}
	}
	return false
}
