package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/policysite/policysite/generator/date"
)

func newReview() *cobra.Command {
	var (
		sf             siteFlags
		by, when, note string
		af             approvalFlags
	)
	cmd := &cobra.Command{
		Use:   "review <slug>",
		Short: "Record a review that changed nothing",
		Long: `Review appends an entry (date, reviewer, note) to the policy's reviews log in
its front matter and moves next_review one review period on from the review
date. The version and the text stay as they are. To change the text, use revise.
A review that was approved (a governing body re-adopting the policy) records
its approval in the entry: --approved-by, --approved-on, --minute.
Every check runs before the file is written: a refusal changes nothing.`,
		Example: `  policysite review data-protection --by "the Board" --note "no changes"`,
		Args:    slugArg("review"),
		RunE: func(cmd *cobra.Command, args []string) error {
			now, err := sf.today()
			if err != nil {
				return err
			}
			day := now
			if when != "" {
				if day, err = date.Parse(when); err != nil {
					return usageError{fmt.Errorf("--date: %v", err)}
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
			rel, _, err := policyFile(sf.source, args[0])
			if err != nil {
				return err
			}
			path := filepath.Join(sf.source, rel)
			meta, fm, err := readPolicy(cmd, cfg, sf.source, rel)
			if err != nil {
				return err
			}
			if day.Before(meta.Effective) {
				return usageError{fmt.Errorf("review date %s is before version %s took effect (%s)", day, meta.Version, meta.Effective)}
			}
			next := day.AddMonths(reviewMonths(cfg))
			fields := [][2]string{{"date", day.String()}}
			if by != "" {
				fields = append(fields, [2]string{"by", yamlScalar(by)})
			}
			if note != "" {
				fields = append(fields, [2]string{"note", yamlScalar(note)})
			}
			fields = append(fields, approval...)
			fm.appendItem("reviews", fields)
			fm.set("next_review", next.String())
			if err := writeFileAtomic(path, fm.bytes()); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Recorded the review of %s on %s; next review %s (version %s unchanged)\n",
				filepath.ToSlash(rel), day.Format(cfg.Language), next.Format(cfg.Language), meta.Version)
			return nil
		},
	}
	sf.register(cmd)
	cmd.Flags().StringVar(&by, "by", "", "who reviewed the policy, e.g. \"the Board\"")
	cmd.Flags().StringVar(&when, "date", "", "when it was reviewed, e.g. 2026-03-03 (default today, or --now)")
	cmd.Flags().StringVar(&note, "note", "", "what the review found, e.g. \"no changes\"")
	af.register(cmd, "the review")
	return cmd
}
