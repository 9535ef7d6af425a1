package main

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
)

// scaffold is the site init writes: initsite/ holds the files of every site
// (gitignore is written as .gitignore), initsite/hosts/<host>/ the files one
// host needs. Every file is a text/template with {% %} delimiters, so the
// ${{ }} of a CI workflow passes through.
//
//go:embed all:initsite
var scaffold embed.FS

// Hosts are the values of --host, in the order --help gives them.
var Hosts = []string{"github-pages", "gitlab-pages", "netlify", "cloudflare-pages", "apache", "none"}

// scaffoldData is what the scaffold's templates read.
type scaffoldData struct {
	Org, Host, Project string
	Today, NextReview  date.Date
}

func newInit() *cobra.Command {
	var (
		org, host, now string
		force          bool
	)
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Start a new site that builds and serves at once",
		Long: `Init writes a new site into DIR (default: the current folder): a site.yaml
with a note on every setting, content/ with a privacy notice, a cookie
policy and an example policy written for the organisation --org names, a
.gitignore, and what --host needs to publish the site (a CI workflow that
checks, builds and publishes it, and rebuilds it every day so review
status stays true).

Every fact the organisation must fill in is a [bracketed placeholder];
policysite check lists each one. DIR must be empty or new, unless --force;
init never overwrites a file.

Hosts: ` + strings.Join(Hosts, ", ") + ` (docs/publishing.md).`,
		Example: `  policysite init my-policies --org "Larkfield Learning Trust" --host github-pages
  cd my-policies && policysite serve`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError{fmt.Errorf("init takes one folder, got %q", args)}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			if !slices.Contains(Hosts, host) {
				return usageError{fmt.Errorf("--host %q: want one of %s", host, strings.Join(Hosts, ", "))}
			}
			org = strings.TrimSpace(org)
			if org == "" {
				org = "[Your organisation]"
			}
			if strings.IndexFunc(org, unicode.IsControl) >= 0 || len(org) > 200 {
				return usageError{errors.New("--org: one line of at most 200 characters")}
			}
			today, err := (&siteFlags{now: now}).today()
			if err != nil {
				return err
			}
			d := scaffoldData{Org: org, Host: host, Project: projectName(org), Today: today, NextReview: today.AddMonths(config.DefaultPeriod.Months)}
			if d.Host == "none" {
				d.Host = ""
			}
			files, err := renderScaffold(d)
			if err != nil {
				return err
			}
			if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 && !force {
				return usageError{fmt.Errorf("%s is not empty: init starts a new site in an empty or new folder (--force adds the files missing from it, overwriting none)", dir)}
			}
			w := cmd.OutOrStdout()
			var skipped []string
			for _, f := range files {
				p := filepath.Join(dir, filepath.FromSlash(f.name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					return err
				}
				fd, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
				if errors.Is(err, fs.ErrExist) {
					skipped = append(skipped, f.name)
					continue
				}
				if err != nil {
					return err
				}
				_, err = fd.Write(f.data)
				if cerr := fd.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					return err
				}
				fmt.Fprintf(w, "Created %s\n", f.name)
			}
			for _, s := range skipped {
				fmt.Fprintf(w, "Kept %s (it exists: not overwritten)\n", s)
			}
			in := ""
			if dir != "." {
				in = "cd " + dir + " && "
			}
			fmt.Fprintf(w, "\nNext: %spolicysite serve, and open http://127.0.0.1:1313/\n"+
				"Replace every [bracketed placeholder] (policysite check lists them) and the example contact details in site.yaml.\n", in)
			if host != "none" {
				fmt.Fprintf(w, "To publish on %s, see docs/publishing.md.\n", host)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&org, "org", "", "the organisation's name, written into site.yaml and the policies")
	cmd.Flags().StringVar(&host, "host", "none", "where the site will be published: "+strings.Join(Hosts, ", "))
	cmd.Flags().BoolVar(&force, "force", false, "write into a folder that is not empty (no file is overwritten)")
	cmd.Flags().StringVar(&now, "now", "", "the effective date of the new policies (default today, or SOURCE_DATE_EPOCH)")
	_ = cmd.RegisterFlagCompletionFunc("host", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return Hosts, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// A scaffoldFile is one file init writes, by its slash path in the site.
type scaffoldFile struct {
	name string
	data []byte
}

// renderScaffold runs the scaffold's templates for d: the files of every
// site, then those of d.Host, sorted by name.
func renderScaffold(d scaffoldData) ([]scaffoldFile, error) {
	funcs := template.FuncMap{
		// yaml writes a string as a YAML scalar: a JSON string is one.
		"yaml": strconv.Quote,
	}
	var out []scaffoldFile
	err := fs.WalkDir(scaffold, "initsite", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(p, "initsite/")
		if h, rest, ok := strings.Cut(rel, "/"); ok && h == "hosts" {
			host, file, _ := strings.Cut(rest, "/")
			if host != d.Host {
				return nil
			}
			rel = file
		}
		if rel == "gitignore" {
			rel = ".gitignore" // go:embed would drop nothing, but git would ignore the scaffold's own
		}
		src, err := fs.ReadFile(scaffold, p)
		if err != nil {
			return err
		}
		t, err := template.New(p).Delims("{%", "%}").Funcs(funcs).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if err := t.Execute(&b, d); err != nil {
			return err
		}
		out = append(out, scaffoldFile{rel, b.Bytes()})
		return nil
	})
	slices.SortFunc(out, func(a, b scaffoldFile) int { return strings.Compare(a.name, b.name) })
	return out, err
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// projectName is a host's project name for org: "Larkfield Trust" is
// larkfield-trust-policies.
func projectName(org string) string {
	s := strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(org), "-"), "-")
	if s == "" || strings.HasPrefix(org, "[") {
		s = "our"
	}
	if len(s) > 40 {
		s = strings.TrimRight(s[:40], "-")
	}
	return path.Clean(s + "-policies")
}
