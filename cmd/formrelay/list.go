package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/policysite/policysite/cmd/formrelay/internal/relay"
	"github.com/policysite/policysite/cmd/formrelay/internal/spool"
	"github.com/policysite/policysite/generator/form"
)

// State names as list shows them.
var stateNames = map[string]string{
	spool.New: "queued", spool.Cur: "sending", spool.Sent: "sent", spool.Failed: "failed",
}

func newList(f *flags) *cobra.Command {
	var showPersonal bool
	var format string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the requests in the spool: reference, type, received, due date and state",
		Long: `list shows the requests in the spool, oldest first. It shows no personal
data unless --show-personal is given: then the answers are shown too.
It reads the spool while serve runs.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return usageError{fmt.Errorf("--format %q: want table or json", format)}
			}
			cfg, err := f.load(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			var entries []relay.Entry
			var bad []error
			if _, err := os.Stat(cfg.Spool); errors.Is(err, fs.ErrNotExist) {
				// Not an error: serve makes the spool when it first starts.
				fmt.Fprintf(cmd.ErrOrStderr(), "formrelay: no requests yet: %s does not exist until serve first runs\n", cfg.Spool)
			} else {
				sp, err := spool.View(cfg.Spool)
				if err != nil {
					return err
				}
				defer sp.Close()
				if entries, bad, err = relay.List(sp); err != nil {
					return err
				}
			}
			for _, b := range bad {
				fmt.Fprintf(cmd.ErrOrStderr(), "formrelay: warning: %v\n", b)
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				type row struct {
					Reference string        `json:"reference"`
					Type      string        `json:"type"`
					Centre    string        `json:"centre,omitempty"`
					Received  string        `json:"received"`
					Due       string        `json:"due"`
					Extended  string        `json:"extended_due"`
					State     string        `json:"state"`
					Failure   string        `json:"failure,omitempty"`
					Answers   []form.Answer `json:"answers,omitempty"`
				}
				rows := []row{}
				for _, e := range entries {
					r := row{Reference: e.Reference, Type: e.Type, Centre: e.Centre, Received: e.Received.Format("2006-01-02T15:04:05Z07:00"),
						Due: e.Due.String(), Extended: e.Extended.String(), State: stateNames[e.State]}
					if e.Failure != nil {
						r.Failure = e.Failure.Message + " refused"
					}
					if showPersonal {
						r.Answers = e.Answers
					}
					rows = append(rows, r)
				}
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(rows)
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			// A trust's relay says whose centre each request came from.
			schools := len(cfg.SiteConfig.Schools) > 0
			fmt.Fprint(tw, "REFERENCE\tTYPE")
			if schools {
				fmt.Fprint(tw, "\tCENTRE")
			}
			fmt.Fprint(tw, "\tRECEIVED\tDUE\tEXTENDED\tSTATE")
			if showPersonal {
				fmt.Fprint(tw, "\tANSWERS")
			}
			fmt.Fprintln(tw)
			for _, e := range entries {
				state := stateNames[e.State]
				if e.Failure != nil {
					state += " (" + e.Failure.Message + " refused)"
				}
				fmt.Fprintf(tw, "%s\t%s", e.Reference, e.Type)
				if schools {
					fmt.Fprintf(tw, "\t%s", cmp.Or(e.Centre, "trust"))
				}
				fmt.Fprintf(tw, "\t%s\t%s\t%s\t%s", e.Received.Format("2006-01-02 15:04Z"), e.Due, e.Extended, state)
				if showPersonal {
					sep := "\t"
					for _, a := range e.Answers {
						fmt.Fprintf(tw, "%s%s=%q", sep, a.Name, a.Value)
						sep = " "
					}
				}
				fmt.Fprintln(tw)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&showPersonal, "show-personal", false, "also show what each requester submitted (personal data)")
	cmd.Flags().StringVar(&format, "format", "table", "table or json")
	return cmd
}
