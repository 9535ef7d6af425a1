package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/deploy"
	"github.com/policysite/policysite/generator/machine"
)

// deployFormats are the output formats of deploy.
var deployFormats = []string{"text", "json"}

// deployParallel is how many files are in flight at once within a tier.
const deployParallel = 4

func newDeploy() *cobra.Command {
	var (
		source, dest, target, format string
		dryRun, force, verbose       bool
		maxDeletes                   int
	)
	cmd := &cobra.Command{
		Use:   "deploy",
		Short: "Publish the built site to an S3 bucket or over SFTP",
		Long: `Deploy publishes the destination folder (public/ by default) that build
wrote to the target named by deploy: in site.yaml, or by --target:

  s3://bucket/prefix?endpoint=https://...&region=...
  sftp://user@host:port/path?known_hosts=FILE&identity_file=FILE

Only files whose content changed are sent: assets first, then pages, then
the home page, sitemap and feeds, so no page links to a file not yet there.
Files the build no longer has are removed last, and no more than
--max-deletes of them (default 100, or deploy.max_deletes): beyond that
nothing is changed. Pages are sent with Cache-Control for 5 minutes, the
fingerprinted /assets/ files for a year.

Credentials never go in site.yaml. S3: AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, or ~/.aws/credentials (AWS_PROFILE). SFTP: a key
file (identity_file:), ssh-agent, or POLICYSITE_SFTP_PASSWORD; the host's
key must be in known_hosts. See docs/publishing.md.

Exit codes: 0 deployed, 1 the deploy failed or was refused, 2 usage.`,
		Example: `  policysite build && policysite deploy
  policysite deploy --dry-run
  policysite deploy --target s3://larkfield-policies?region=eu-west-2
  policysite deploy --target sftp://policies@web.larkfield.example/var/www/policies --max-deletes 300`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !validFormat(format, deployFormats) {
				return usageError{fmt.Errorf("--format: %q is not one of %s", format, strings.Join(deployFormats, ", "))}
			}
			var fromFlag *config.Deploy
			if target != "" {
				d, err := deploy.ParseURL(target)
				if err != nil {
					return usageError{err}
				}
				fromFlag = d
			}
			cfg, err := deployConfig(cmd.ErrOrStderr(), source)
			if err != nil {
				return err
			}
			d, base := cfg.Deploy, source
			if fromFlag != nil {
				d, base = fromFlag, "."
				if cfg.Deploy != nil {
					d.MaxDeletes = cfg.Deploy.MaxDeletes
				}
			}
			if d == nil {
				return usageError{errors.New("no deploy target: add deploy: to site.yaml (see docs/publishing.md) or pass --target s3://... or sftp://...")}
			}
			if !cmd.Flags().Changed("max-deletes") {
				maxDeletes = deploy.MaxDeletes(d)
			} else if maxDeletes < 0 {
				return usageError{errors.New("--max-deletes: must not be negative")}
			}
			out := destinationOf(source, dest)
			rules := deploy.Rules{Default: deploy.PageCacheControl}
			for _, r := range machine.HeaderRules(cfg) {
				if v := r.Get("Cache-Control"); v != "" {
					rules.CacheControl = append(rules.CacheControl, deploy.Rule{Pattern: r.Path, Value: v})
				}
			}
			local, err := deploy.Scan(out, rules)
			if err != nil {
				return err
			}

			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			tg, name, err := deploy.Open(ctx, d, base, nil)
			if err != nil {
				return err
			}
			if c, ok := tg.(io.Closer); ok {
				defer c.Close()
			}
			remote, err := tg.List(ctx)
			if err != nil {
				return err
			}
			if err := deploy.Refine(ctx, tg, local, remote); err != nil {
				return err
			}
			plan, err := deploy.NewPlan(local, remote, deploy.Options{MaxDeletes: maxDeletes, Force: force})
			var tooMany *deploy.TooManyDeletesError
			if errors.As(err, &tooMany) && dryRun {
				err = nil // a dry run shows what would go, and says it would be refused
			}
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			rep := &deployReport{Target: name, DryRun: dryRun, Uploads: []deployOp{}, Removals: []string{}}
			if dryRun {
				for _, u := range plan.Uploads {
					rep.Uploads = append(rep.Uploads, deployOp{u.Path, u.Reason})
				}
				rep.Removals = append(rep.Removals, plan.Deletes...)
				rep.Summary = deploy.Result{Uploaded: len(plan.Uploads), Removed: len(plan.Deletes), Unchanged: plan.Unchanged}
				if format == "json" {
					if tooMany != nil {
						rep.Error = tooMany.Error()
						if err := writeJSON(w, rep); err != nil {
							return err
						}
						return contentError{1}
					}
					return writeJSON(w, rep)
				}
				for _, u := range plan.Uploads {
					fmt.Fprintf(w, "would upload %s (%s)\n", u.Path, u.Reason)
				}
				for _, p := range plan.Deletes {
					fmt.Fprintf(w, "would remove %s\n", p)
				}
				fmt.Fprintf(w, "dry run: %s -> %s\n", plan, name)
				if tooMany != nil {
					// The real deploy would be refused: say so, and exit 1.
					fmt.Fprintf(cmd.ErrOrStderr(), "policysite: %v\n", tooMany)
					return contentError{1}
				}
				return nil
			}
			progress := func(e deploy.Event) {
				if e.Op == "upload" {
					rep.Uploads = append(rep.Uploads, deployOp{e.Path, e.Reason})
				} else {
					rep.Removals = append(rep.Removals, e.Path)
				}
				switch {
				case !verbose || format != "text":
				case e.Op == "upload":
					fmt.Fprintf(w, "uploaded %s (%s)\n", e.Path, e.Reason)
				default:
					fmt.Fprintf(w, "removed %s\n", e.Path)
				}
			}
			res, err := deploy.Execute(ctx, tg, out, plan, deployParallel, progress)
			rep.Summary = res
			if format == "json" {
				if err != nil {
					rep.Error = err.Error()
				}
				if jerr := writeJSON(w, rep); jerr != nil {
					return jerr
				}
			} else if err == nil {
				fmt.Fprintf(w, "%s -> %s\n", res, name)
			}
			if err != nil {
				return fmt.Errorf("deploy to %s failed after it %s: %w", name, res, err)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&source, "source", "s", ".", "site folder (holds site.yaml)")
	cmd.Flags().StringVarP(&dest, "destination", "d", "", "the built site to publish (default <source>/public)")
	cmd.Flags().StringVar(&target, "target", "", "where to publish, overriding site.yaml: s3://bucket/prefix?endpoint=URL&region=R or sftp://user@host:port/path")
	cmd.Flags().BoolVarP(&dryRun, "dry-run", "n", false, "print what would be uploaded and removed, and change nothing")
	cmd.Flags().IntVar(&maxDeletes, "max-deletes", config.DefaultMaxDeletes, "remove at most this many stale files; refuse the deploy beyond it (default deploy.max_deletes in site.yaml, else 100)")
	cmd.Flags().BoolVar(&force, "force", false, "upload every file, even those the target already has")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print each file uploaded or removed")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	_ = cmd.MarkFlagDirname("source")
	_ = cmd.MarkFlagDirname("destination")
	return cmd
}

// deployConfig reads site.yaml if the site folder has one: its deploy:
// section, and the header rules the site sets. Its errors end the command.
func deployConfig(w io.Writer, source string) (*config.Site, error) {
	if _, err := os.Stat(filepath.Join(source, config.File)); errors.Is(err, fs.ErrNotExist) {
		cfg, _ := config.Parse(nil)
		return cfg, nil
	}
	cfg, l := config.Load(os.DirFS(source))
	if l.HasErrors() {
		printDiagnostics(w, l, false)
		return nil, contentError{len(l)}
	}
	return cfg, nil
}

// A deployReport is deploy's JSON output.
type deployReport struct {
	Target   string        `json:"target"`
	DryRun   bool          `json:"dry_run"`
	Uploads  []deployOp    `json:"uploads"`
	Removals []string      `json:"removals"`
	Summary  deploy.Result `json:"summary"`
	Error    string        `json:"error,omitempty"`
}

type deployOp struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
