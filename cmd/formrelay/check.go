package main

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/policysite/policysite/cmd/formrelay/internal/relay"
	"github.com/policysite/policysite/generator/date"
)

func newCheck(f *flags) *cobra.Command {
	return &cobra.Command{
		Use:   "check-config",
		Short: "Check relay.yaml and the site.yaml it names, then summarise them",
		RunE: func(cmd *cobra.Command, args []string) error {
			now, err := f.clock()
			if err != nil {
				return err
			}
			cfg, err := f.load(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if w := calendarWarning(cfg, now()); w != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: warning: %s\n", cfg.Path, w)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: ok\n%s", cfg.Path, cfg)
			return nil
		},
	}
}

// calendarWarning says when the bank holiday list will not cover an
// extended due date for a request received within the next year.
func calendarWarning(cfg *relay.Config, now time.Time) string {
	horizon := date.Of(now).AddMonths(15)
	if cfg.Calendar.Covers(horizon) {
		return ""
	}
	return fmt.Sprintf("the bank holiday list ends in %d; add later years with bank_holidays: (due dates after it skip weekends only)", cfg.Calendar.Last.Year)
}

func warnCalendar(log *slog.Logger, cfg *relay.Config, now time.Time) {
	if w := calendarWarning(cfg, now); w != "" {
		log.Warn(w)
	}
}
