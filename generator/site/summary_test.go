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
