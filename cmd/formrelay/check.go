package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/policysite/policysite/cmd/formrelay/internal/relay"
	"github.com/policysite/policysite/generator/date"
)

func newCheck(f *flags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check-config",
		Short: "Check relay.yaml and the site.yaml it names, then summarise them",
		Long: `check-config reads relay.yaml and the site.yaml it names, reports every
problem as file:line:col, and summarises the configuration. It lists the
bank holidays of the next twelve months that move a due date, one-off
changes from relay.yaml marked, to compare with https://www.gov.uk/bank-holidays.
With --now 2031-03-01 the list starts from that day instead of today.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			now, err := f.clock()
			if err != nil {
				return err
			}
			cfg, err := f.load(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "%s: ok\n%s", cfg.Path, cfg)
			printHolidays(out, cfg, date.Of(now().In(relay.UK)))
			return nil
		},
	}
	return cmd
}

// printHolidays lists the bank holidays from today to a year on, the
// span a request's due dates fall in, so a DPO can check them.
func printHolidays(w io.Writer, cfg *relay.Config, today date.Date) {
	hs := cfg.Calendar.Between(today, today.AddMonths(12))
	fmt.Fprintf(w, "bank holidays in %s from %s to %s:\n", cfg.Calendar.Nation().Title(), today.Format("en-GB"), today.AddMonths(12).Format("en-GB"))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, h := range hs {
		name := h.Name
		if h.OneOff {
			name += " (one-off, bank_holiday_changes)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", h.Date, h.Date.Time().Weekday(), name)
	}
	tw.Flush()
}
