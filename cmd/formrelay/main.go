// Command formrelay receives data-subject requests from a policysite
// form, keeps each safely on disk before acknowledging it, and emails it to
// the data protection officer with an acknowledgement to the requester.
//
//	formrelay serve --config relay.yaml
//	formrelay check-config --config relay.yaml
//	formrelay list --config relay.yaml [--show-personal] [--format table|json]
//	formrelay version
//
// Exit codes: 0 success, 1 a configuration or run error, 2 a usage error.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/policysite/policysite/cmd/formrelay/internal/relay"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/internal/buildinfo"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// usageError marks a mistake in how the command was called: exit 2.
type usageError struct{ error }

// reported marks errors already printed: exit 1 with no more words.
type reported struct{ n int }

func (e reported) Error() string { return fmt.Sprintf("%d errors", e.n) }

func run(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	var ue usageError
	var rep reported
	switch {
	case err == nil:
		return 0
	case errors.As(err, &rep):
		return 1
	case errors.As(err, &ue), strings.HasPrefix(err.Error(), "unknown command"):
		fmt.Fprintf(stderr, "formrelay: %v\nRun 'formrelay --help' for usage.\n", err)
		return 2
	}
	fmt.Fprintf(stderr, "formrelay: %v\n", err)
	return 1
}

// flags shared by the commands that read relay.yaml.
type flags struct {
	config string
	// now, when set (--now: hidden from serve's help, for tests; check-config
	// lists bank holidays from it), is the instant the relay's clock starts
	// at; it runs on at the real clock's pace.
	now string
}

// clock is the relay's clock: the real one, or one started at --now.
func (f *flags) clock() (func() time.Time, error) {
	if f.now == "" {
		return time.Now, nil
	}
	start, err := time.Parse(time.RFC3339, f.now)
	if err != nil {
		// A date alone is 09:00 that day in the UK: check-config lists
		// the bank holidays from a day, and a DPO writes a day.
		d, derr := date.Parse(f.now)
		if derr != nil || date.MonthOnly(f.now) {
			return nil, usageError{fmt.Errorf("--now: %q is neither a date such as 2031-03-01 nor an RFC 3339 time such as 2026-11-23T10:00:00Z", f.now)}
		}
		start = time.Date(d.Year, d.Month, d.Day, 9, 0, 0, 0, relay.UK)
	}
	real := time.Now()
	return func() time.Time { return start.Add(time.Since(real)) }, nil
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	f := &flags{}
	root := &cobra.Command{
		Use:   "formrelay",
		Short: "Receive data-subject requests from the site's form and deliver them by email",
		Long: `formrelay receives the data protection requests posted from a policysite
/requests/ form. Each request is written to a spool folder and fsynced
before the requester is told it has arrived; a worker then emails it to the
data protection officer, with its statutory due date, and sends the
requester an acknowledgement with their reference. A mail server that is
down is retried, for days if need be; nothing acknowledged is dropped.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	root.PersistentFlags().StringVarP(&f.config, "config", "c", "relay.yaml", "the relay configuration")
	// Tests run the binary at a fixed time, so that no test depends on the
	// day it runs; not for production, hence hidden.
	root.PersistentFlags().StringVar(&f.now, "now", "", "start the relay's clock at this RFC 3339 time (for tests)")
	_ = root.PersistentFlags().MarkHidden("now")
	root.AddCommand(newServe(f), newCheck(f), newList(f), buildinfo.Command("formrelay"))
	for _, c := range root.Commands() {
		c.SilenceUsage = true
		c.Args = func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError{fmt.Errorf("%s takes no arguments, got %q", cmd.CommandPath(), args[0])}
			}
			return nil
		}
	}
	return root
}

// load reads relay.yaml, printing every problem; it fails if any is an error.
func (f *flags) load(stderr io.Writer) (*relay.Config, error) {
	cfg, l := relay.LoadConfig(f.config)
	printDiags(stderr, l)
	if l.HasErrors() {
		return nil, reported{l.Count(diag.Error)}
	}
	return cfg, nil
}

func printDiags(w io.Writer, l diag.List) {
	for _, d := range l {
		fmt.Fprintln(w, d.Error())
	}
}
