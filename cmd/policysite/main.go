// Command policysite builds a static policy centre from markdown policies.
//
// Exit codes: 0 success, 1 content errors (or a failed build), 2 usage errors.
package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/policysite/policysite/generator/check"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/internal/buildinfo"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// usageError marks a mistake in how the command was called: exit 2.
type usageError struct{ error }

// contentError marks diagnostics already printed: exit 1 with no more words.
type contentError struct{ n int }

func (e contentError) Error() string { return fmt.Sprintf("%d errors", e.n) }

// run executes the command line args and returns the exit code.
func run(args []string, stdout, stderr io.Writer) (code int) {
	// Content must never crash the command with a stack trace: a panic is a
	// bug of ours, reported as one line and exit 1.
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "policysite: internal error: %v\nPlease report this, with the file that caused it.\n", r)
			code = 1
		}
	}()
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	var ue usageError
	var ce contentError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ce):
		return 1
	case errors.As(err, &ue), strings.HasPrefix(err.Error(), "unknown command"):
		// cobra reports an unknown command with a plain error; its text is the only sign.
		fmt.Fprintf(stderr, "policysite: %v\nRun 'policysite --help' for usage.\n", err)
		return 2
	}
	fmt.Fprintf(stderr, "policysite: %v\n", err)
	return 1
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "policysite",
		Short: "Publish an organisation's policies as a static policy centre",
		Long: `policysite builds a static policy centre from policies written in markdown
with YAML front matter: an index of every policy with its version and review
status, one page per policy, and warnings on policies whose review is overdue.

A site folder holds site.yaml, content/<slug>.md (one file per policy) and,
optionally, themes/<name>/ files that override the built-in theme.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newInit(), newBuild(), newServe(), newNew(), newCheck(), newReviews(), buildinfo.Command("policysite"), newRevise(), newReview(), newImport(), newDeploy())
	for _, c := range root.Commands() {
		c.SilenceUsage = true
		if c.Args == nil {
			c.Args = noArgs
		}
	}
	return root
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("%s takes no arguments, got %q", cmd.CommandPath(), args[0])}
	}
	return nil
}

// logger writes human-readable logs to the command's error stream.
func logger(cmd *cobra.Command) *slog.Logger {
	return slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// printDiagnostics writes one diagnostic a line, as compilers do.
func printDiagnostics(w io.Writer, l diag.List, warnings bool) {
	if !warnings {
		l = l.Errors()
	}
	// As check prints them (file:line:col: severity: message [rule]), so
	// an editor knows which rule to accept: the first findings of a rule in a file, then
	// how many more.
	_ = check.WriteText(w, l, diag.Diagnostic.Lint)
}
