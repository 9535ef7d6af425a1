package site

import (
	"reflect"
	"testing"

	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/frontmatter"
)

// SameRecords tells apart two records that differ in any field of a
// version but its hash, which SameHashes tells: the memos keyed by
// records keep what they made only while nothing they read changed. A
// field added to Change or Record fails here until both say what to do
// with it.
func TestSameRecordsReadsEveryField(t *testing.T) {
	if n := reflect.TypeFor[Record]().NumField(); n != 4 {
		t.Fatalf("Record has %d fields: SameRecords compares Summary, Current, Upcoming and History", n)
	}
	base := Change{Policy: &Summary{Slug: "a"}, Version: "1.0"}
	ct := reflect.TypeFor[Change]()
	for i := range ct.NumField() {
		c := base
		f := reflect.ValueOf(&c).Elem().Field(i)
		name := ct.Field(i).Name
		switch name {
		case "Policy":
			c.Policy = &Summary{Slug: "a", Title: "x"}
		case "Version", "Note":
			f.SetString("x")
		case "Current", "Upcoming", "Compare":
			f.SetBool(true)
		case "Effective", "Until":
			f.Set(reflect.ValueOf(date.New(2026, 1, 1)))
		case "Approval":
			c.Approval.Minute = "x"
		case "Reviews":
			c.Reviews = []frontmatter.ReviewEntry{{Note: "x"}}
		case "SHA256":
			c.SHA256 = "x"
		default:
			t.Fatalf("Change.%s: say whether SameRecords or SameHashes compares it", name)
		}
		for _, r := range []func(c Change) *Record{
			func(c Change) *Record { return &Record{Current: c} },
			func(c Change) *Record { return &Record{Upcoming: []Change{c}} },
			func(c Change) *Record { return &Record{History: []Change{c}} },
		} {
			a, b := []*Record{r(base)}, []*Record{r(c)}
			if hash := name == "SHA256"; SameRecords(a, b) != hash || SameHashes(a, b) == hash {
				t.Errorf("Change.%s differs: SameRecords %v, SameHashes %v", name, SameRecords(a, b), SameHashes(a, b))
			}
		}
	}
	if SameRecords([]*Record{{Summary: Summary{DaysLeft: 1}}}, []*Record{{}}) {
		t.Error("SameRecords: a summary differs, yet the same")
	}
}

// Pages lists a policy's pages besides its own, which the pages stage
// writes and sitemap.xml lists, for each shape of its versions.
func TestRecordPages(t *testing.T) {
	rec := func(compare bool, upcoming, history []Change) *Record {
		return &Record{Summary: Summary{Slug: "p", Version: "2.0"}, Current: Change{Version: "2.0", Current: true, Compare: compare}, Upcoming: upcoming, History: history}
	}
	describe := func(pg RecordPage) string {
		s := pg.Dir + " " + [...]string{"history", "version", "compare"}[pg.Kind]
		for _, f := range []struct {
			on   bool
			name string
		}{{pg.NoIndex, "noindex"}, {pg.InForce, "in-force"}, {pg.Upcoming, "upcoming"}} {
			if f.on {
				s += " " + f.name
			}
		}
		return s + " " + string(rune('0'+pg.I+1))
	}
	for _, tt := range []struct {
		name string
		r    *Record
		want []string
	}{
		{"one version", rec(false, nil, nil), nil},
		{"one version reviewed", &Record{Summary: Summary{Slug: "p"}, Current: Change{Reviews: []frontmatter.ReviewEntry{{Note: "x"}}}}, []string{"p/history/ history 0"}},
		{"an earlier version", rec(true, nil, []Change{{Version: "1.0"}}), []string{
			"p/history/ history 0", "p/compare/2.0/ compare 0", "p/v/2.0/ version in-force 0", "p/v/1.0/ version noindex 1"}},
		{"upcoming and earlier", rec(true, []Change{{Version: "3.0", Compare: true}}, []Change{{Version: "1.1", Compare: true}, {Version: "1.0"}}), []string{
			"p/history/ history 0", "p/compare/2.0/ compare 0", "p/v/2.0/ version in-force 0",
			"p/v/3.0/ version upcoming 1", "p/compare/3.0/ compare upcoming 1",
			"p/v/1.1/ version noindex 1", "p/compare/1.1/ compare 1", "p/v/1.0/ version noindex 2"}},
		{"upcoming only", rec(false, []Change{{Version: "3.0"}}, nil), []string{"p/history/ history 0", "p/v/3.0/ version upcoming 1"}},
	} {
		var got []string
		for _, pg := range tt.r.Pages() {
			got = append(got, describe(pg))
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}
