package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/policysite/policysite/generator"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
	sitemodel "github.com/policysite/policysite/generator/site"
)

var reviewFormats = []string{"table", "json", "csv"}

// A reviewRow is one policy in the reviews listing.
type reviewRow struct {
	// School is the id of the school whose own policy this is; empty for
	// the trust's, whose review counts for every school publishing it.
	School     string           `json:"school,omitempty"`
	Slug       string           `json:"slug"`
	Title      string           `json:"title"`
	Owner      string           `json:"owner"`
	Version    string           `json:"version"`
	Effective  date.Date        `json:"effective"`
	NextReview date.Date        `json:"next_review"`
	DaysLeft   int              `json:"days_left"`
	Status     sitemodel.Status `json:"status"`
}

func newReviews() *cobra.Command {
	var sf siteFlags
	var format string
	cmd := &cobra.Command{
		Use:   "reviews",
		Short: "List every policy's review date, soonest first (by school, with schools)",
		Long: `Reviews lists every policy's owner, effective date, next review, days left
and status, soonest first (overdue at the top), as of --now.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !validFormat(format, reviewFormats) {
				return usageError{fmt.Errorf("--format: %q is not one of %s", format, strings.Join(reviewFormats, ", "))}
			}
			opts, err := sf.options()
			if err != nil {
				return err
			}
			res, err := generator.Render(opts)
			if res == nil || res.Site == nil {
				return err
			}
			if l, ok := err.(diag.List); ok {
				// The listing still helps, but say what is wrong.
				printDiagnostics(cmd.ErrOrStderr(), l, false)
			} else if err != nil {
				return err
			}
			rows := reviewRows(res.Site, res.Schools...)
			return writeReviews(cmd.OutOrStdout(), format, rows, res.Site.Now, len(res.Schools) > 0)
		},
	}
	sf.register(cmd)
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, json or csv")
	return cmd
}

// reviewRows lists the site's policies by school, the trust's first (its
// review counts for each school publishing them), then each school's own
// in site.yaml's order (schools' centres), each soonest review first,
// then by slug.
func reviewRows(s *sitemodel.Site, schools ...*sitemodel.Site) []reviewRow {
	var rows []reviewRow
	seen := map[string]bool{}
	group := map[string]int{}
	for i, c := range append([]*sitemodel.Site{s}, schools...) {
		if i > 0 {
			group[c.Config.Schools[i-1].ID] = i
		}
		for _, p := range c.Policies {
			if p.Meta == nil || seen[p.File] {
				continue
			}
			seen[p.File] = true
			rows = append(rows, reviewRow{p.School, p.Slug, p.Title, p.Owner, p.Version, p.Effective, p.NextReview, p.DaysLeft, p.Status})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if a, b := group[rows[i].School], group[rows[j].School]; a != b {
			return a < b
		}
		if c := rows[i].NextReview.Compare(rows[j].NextReview); c != 0 {
			return c < 0
		}
		return rows[i].Slug < rows[j].Slug
	})
	return rows
}

// schoolOf is a row's school as the table and CSV show it.
func schoolOf(r reviewRow) string {
	if r.School == "" {
		return "trust"
	}
	return r.School
}

// writeReviews writes rows in format; with schools, the table and CSV
// have a column saying whose each policy is.
func writeReviews(w io.Writer, format string, rows []reviewRow, now date.Date, schools bool) error {
	switch format {
	case "json":
		if rows == nil {
			rows = []reviewRow{}
		}
		b, err := json.MarshalIndent(struct {
			AsOf     date.Date   `json:"as_of"`
			Policies []reviewRow `json:"policies"`
		}{now, rows}, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	case "csv":
		c := csv.NewWriter(w)
		head := []string{"slug", "title", "owner", "version", "effective", "next_review", "days_left", "status"}
		if schools {
			head = append([]string{"school"}, head...)
		}
		_ = c.Write(head)
		for _, r := range rows {
			rec := []string{r.Slug, csvSafe(r.Title), csvSafe(r.Owner), r.Version, r.Effective.String(), r.NextReview.String(), strconv.Itoa(r.DaysLeft), r.Status.String()}
			if schools {
				rec = append([]string{schoolOf(r)}, rec...)
			}
			_ = c.Write(rec)
		}
		c.Flush()
		return c.Error()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	school := func(r reviewRow) string { return "" }
	head := ""
	if schools {
		school = func(r reviewRow) string { return schoolOf(r) + "\t" }
		head = "SCHOOL\t"
	}
	fmt.Fprintln(tw, head+"NEXT REVIEW\tDAYS LEFT\tSTATUS\tPOLICY\tOWNER\tEFFECTIVE")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s%s\t%d\t%s\t%s (%s)\t%s\t%s\n", school(r), r.NextReview.Format("en-GB"), r.DaysLeft, r.Status.Label(), r.Title, r.Slug, r.Owner, r.Effective.Format("en-GB"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d %s as of %s\n", len(rows), plural(len(rows), "policy", "policies"), now.Format("en-GB"))
	return err
}

// csvSafe keeps a spreadsheet from running a cell as a formula
// (CSV injection): a leading =, +, - or @ gets a quote mark.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
