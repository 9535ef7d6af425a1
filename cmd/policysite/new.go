package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/policysite/policysite/generator/source"
)

func newNew() *cobra.Command {
	var (
		sf           siteFlags
		title, owner string
		folder       bool
	)
	cmd := &cobra.Command{
		Use:   "new <slug or title>",
		Short: "Start a new policy with valid front matter",
		Long: `New writes content/<slug>.md with front matter filled in: version 1.0,
effective today and next review one review period (site.yaml review.review_period)
from today. The slug becomes the policy's URL; a title in its place
("Cookie Policy") is made a slug (cookie-policy) and is the title unless
--title says otherwise.

The policy starts as a draft (draft: true): build leaves it out until you
delete that line, and check flags each [placeholder] of its stub text until
you replace it.`,
		Example: `  policysite new acceptable-use --title "Acceptable use policy" --owner "IT manager"
  policysite new "Cookie Policy"`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{errors.New("new takes one argument, the slug or the title: policysite new privacy-notice --title \"Privacy notice\"")}
			}
			if source.Slug(args[0]) == "" {
				return usageError{fmt.Errorf("%q has no letter or digit a URL can hold: give a slug such as privacy-notice", args[0])}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			now, err := sf.today()
			if err != nil {
				return err
			}
			slug := source.Slug(args[0])
			if strings.TrimSpace(title) == "" && slug != args[0] {
				title = strings.TrimSpace(args[0])
			}
			if strings.TrimSpace(title) == "" {
				return usageError{errors.New("--title is required")}
			}
			cfg, err := siteConfig(cmd.ErrOrStderr(), sf.source)
			if err != nil {
				return err
			}
			rel := filepath.Join("content", slug+".md")
			if folder {
				rel = filepath.Join("content", slug, "index.md")
			}
			for _, p := range []string{filepath.Join("content", slug+".md"), filepath.Join("content", slug, "index.md")} {
				if _, err := os.Stat(filepath.Join(sf.source, p)); err == nil {
					return fmt.Errorf("%s already exists", filepath.ToSlash(p))
				}
			}
			if _, _, err := policyFile(sf.source, slug); err == nil {
				return fmt.Errorf("policy %s already exists", slug)
			}
			if owner == "" {
				owner = cfg.Defaults.Owner
			}
			if owner == "" {
				owner = "Data protection officer"
			}
			next := now.AddMonths(reviewMonths(cfg))
			body := fmt.Sprintf(`---
title: %s
version: "1.0"
effective: %s
next_review: %s
owner: %s
summary: ""
draft: true   # delete this line to publish the policy
---

[Say in a sentence or two what this policy is for and who it applies to.]

## Scope

[Who and what this policy covers.]

## Responsibilities

[Who does what under this policy.]
`, strconv.Quote(title), now, next, strconv.Quote(owner))
			path := filepath.Join(sf.source, rel)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("%s already exists", filepath.ToSlash(rel))
			}
			if err != nil {
				return err
			}
			if _, err := f.WriteString(body); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Created %s (next review %s)\n", filepath.ToSlash(rel), next.Format(cfg.Language))
			// Scripts read the line above; the person, this.
			fmt.Fprintf(cmd.ErrOrStderr(), "It is a draft: replace its [placeholders] (policysite check lists them), then delete draft: true to publish it.\n")
			return nil
		},
	}
	sf.register(cmd)
	cmd.Flags().StringVarP(&title, "title", "t", "", "the policy's title (required)")
	cmd.Flags().StringVar(&owner, "owner", "", "who owns the policy (default site.yaml's defaults.owner, else \"Data protection officer\")")
	cmd.Flags().BoolVar(&folder, "folder", false, "create content/<slug>/index.md, which can keep earlier versions")
	return cmd
}
