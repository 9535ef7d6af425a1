package history

import (
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/markdown"
)

// rendered is a markdown body as a policy page shows it.
func rendered(md string) string {
	return markdown.Render([]byte(md), markdown.Options{Path: "content/a.md"}).HTML
}

const base = `Intro text here.

## Scope

This policy covers staff, governors and volunteers in every school.

## Retention

We keep records for six years after a pupil leaves.

## Contact

Write to the data protection officer.
`

func TestWordsEdits(t *testing.T) {
	for _, tc := range []struct{ name, old, new, want string }{
		{"start", "We keep records for six years.", "Schools keep records for six years.",
			`<del><span class="vh">[removed: </span>We<span class="vh">]</span></del><ins><span class="vh">[added: </span>Schools<span class="vh">]</span></ins> keep records for six years.`},
		{"middle", "We keep records for six years.", "We keep paper records for six years.",
			`We keep <ins><span class="vh">[added: </span>paper <span class="vh">]</span></ins>records for six years.`},
		{"end", "We keep records for six years.", "We keep records for seven years.",
			`We keep records for <del><span class="vh">[removed: </span>six<span class="vh">]</span></del><ins><span class="vh">[added: </span>seven<span class="vh">]</span></ins> years.`},
		{"escaped", "a < b", "a < b & c", `a &lt; b<ins><span class="vh">[added: </span> &amp; c<span class="vh">]</span></ins>`},
		{"same", "No change.", "No change.", "No change."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(Words(tc.old, tc.new)); got != tc.want {
				t.Errorf("Words:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

// describe writes a comparison compactly: one line per section with flags.
func describe(c Comparison) string {
	var b strings.Builder
	for _, s := range c.Sections {
		b.WriteString(s.Old + "→" + s.New)
		for _, f := range []struct {
			on   bool
			name string
		}{{s.Added, "added"}, {s.Removed, "removed"}, {s.Moved, "moved"}, {s.Renamed, "renamed"}, {s.TextChanged, "text"}} {
			if f.on {
				b.WriteString(" " + f.name)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestCompare(t *testing.T) {
	for _, tc := range []struct{ name, new, want string }{
		{"unchanged", base, "→\nScope→Scope\nRetention→Retention\nContact→Contact\n"},
		{"edit start of section", strings.Replace(base, "This policy covers", "It covers", 1),
			"→\nScope→Scope text\nRetention→Retention\nContact→Contact\n"},
		{"edit middle of section", strings.Replace(base, "six years", "seven years", 1),
			"→\nScope→Scope\nRetention→Retention text\nContact→Contact\n"},
		{"edit end of section", strings.Replace(base, "data protection officer.", "data protection officer by email.", 1),
			"→\nScope→Scope\nRetention→Retention\nContact→Contact text\n"},
		{"moved section", `Intro text here.

## Retention

We keep records for six years after a pupil leaves.

## Scope

This policy covers staff, governors and volunteers in every school.

## Contact

Write to the data protection officer.
`, "→\nRetention→Retention\nScope→Scope moved\nContact→Contact\n"}, // two swapped: the later one in the old order is the one that moved
		{"renamed heading", strings.Replace(base, "## Retention", "## Keeping records", 1),
			"→\nScope→Scope\nRetention→Keeping records renamed\nContact→Contact\n"},
		{"added and removed", strings.Replace(base, "## Contact\n\nWrite to the data protection officer.\n", "## Complaints\n\nComplain to the Information Commissioner's Office if unhappy.\n", 1),
			"→\nScope→Scope\nRetention→Retention\n→Complaints added text\nContact→ removed text\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := describe(Compare(rendered(base), rendered(tc.new)))
			if got != tc.want {
				t.Errorf("Compare:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}
