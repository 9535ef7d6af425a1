package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/policysite/policysite/generator"
	"github.com/policysite/policysite/generator/diag"
)

func newCheck() *cobra.Command {
	var sf siteFlags
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Report problems in the policies without building",
		Long: `Check reads the site as build does and reports every problem as
file:line:col: message, then a summary. It exits 1 if any is an error.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := sf.options()
			if err != nil {
				return err
			}
			res, err := generator.Render(opts)
			if res == nil {
				return err
			}
			l := res.Diagnostics
			printDiagnostics(cmd.OutOrStdout(), l, true)
			fmt.Fprintf(cmd.OutOrStdout(), "%d %s, %d %s\n", l.Count(diag.Error), plural(l.Count(diag.Error), "error", "errors"), l.Count(diag.Warning), plural(l.Count(diag.Warning), "warning", "warnings"))
			if l.HasErrors() {
				return contentError{l.Count(diag.Error)}
			}
			if _, ok := err.(diag.List); !ok && err != nil {
				return err
			}
			return nil
		},
	}
	sf.register(cmd)
	return cmd
}
