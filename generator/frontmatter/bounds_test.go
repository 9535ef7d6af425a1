package frontmatter

import (
	"fmt"
	"strings"
	"testing"
)

const fields = "title: Lettings of the school hall\nversion: \"1.0\"\neffective: 2026-01-01\nnext_review: 2027-01-01\nowner: Business manager\n"

// A control character in front matter, raw or written as a YAML escape,
// is an error at its line and column; tabs and CRLF line endings are not.
func TestControlCharacters(t *testing.T) {
	for _, tt := range []struct {
		name, extra string // front matter after fields
		want        string // the one error, "" for none
	}{
		{"raw ESC", "summary: Hall \x1b[31mred\n", "content/p.md:7:15: control character U+001B in front matter: remove it"},
		{"raw NUL", "summary: a\x00b\n", "content/p.md:7:11: control character U+0000 in front matter: remove it"},
		{"raw BS in a key", "a\bb: x\n", "content/p.md:7:2: control character U+0008 in front matter: remove it"},
		{"raw DEL", "category: x\x7f\n", "content/p.md:7:12: control character U+007F in front matter: remove it"},
		{"raw C1", "category: x\u009b\n", "content/p.md:7:12: control character U+009B in front matter: remove it"},
		{"raw NEL", "category: x\u0085y\n", "content/p.md:7:12: control character U+0085 in front matter: remove it"},
		{"raw vertical tab in a comment", "# a\vb\n", "content/p.md:7:4: control character U+000B in front matter: remove it"},
		{"escaped ESC", "summary: \"Hall \\e[31mred\"\n", "content/p.md:7:10: summary: control character U+001B in the text: remove it"},
		{"escaped NUL", "category: \"a\\0b\"\n", "content/p.md:7:11: category: control character U+0000 in the text: remove it"},
		{"escaped BS in a list", "reviews:\n  - {date: 2026-06-01, by: \"x\\by\"}\n", "content/p.md:8:28: reviews[0].by: control character U+0008 in the text: remove it"},
		{"escaped DEL", "changes: \"x\\x7f\"\n", "content/p.md:7:10: changes: control character U+007F in the text: remove it"},
		{"escaped C1", "category: \"x\\u0085\"\n", "content/p.md:7:11: category: control character U+0085 in the text: remove it"},
		{"escaped CR", "summary: \"a\\rb\"\n", "content/p.md:7:10: summary: control character U+000D in the text: remove it"},
		{"tab", "summary: \"a\\tb\"\ncategory: a\tb\n", ""},
		{"multi-line text", "changes: |\n  One.\n  Two.\n", ""},
	} {
		for _, eol := range []string{"\n", "\r\n"} {
			src := "---\n" + fields + tt.extra + "---\n\nThe hall may be let.\n"
			src = strings.ReplaceAll(src, "\n", eol)
			_, _, _, l := parse("content/p.md", []byte(src))
			var got []string
			for _, d := range l {
				got = append(got, d.Error())
			}
			if want := tt.want; want == "" && len(got) > 0 || want != "" && (len(got) != 1 || got[0] != want) {
				t.Errorf("%s (%q line endings): %q, want %q", tt.name, eol, got, want)
			}
			for _, d := range l {
				if d.Rule != "front-matter" {
					t.Errorf("%s: rule %q, want front-matter", tt.name, d.Rule)
				}
			}
		}
	}
	// A file of them gives twenty errors and one counting the rest.
	_, _, _, l := parse("content/p.md", []byte("---\n"+fields+"summary: "+strings.Repeat("\x1b", 1000)+"\n---\n"))
	if len(l) != maxControls+1 || l[maxControls].Error() != "content/p.md:7:30: 980 more control characters in front matter: remove them" {
		t.Errorf("%d errors, the last %v", len(l), l[len(l)-1])
	}
}

// Front matter has a bound; an absurd amount of it is one error at once,
// and many unknown fields are a warning each (check's text form shows
// the first TextCap of them).
func TestFrontMatterBounds(t *testing.T) {
	var b strings.Builder
	b.WriteString("---\n" + fields)
	for i := range 450_000 {
		fmt.Fprintf(&b, "k%06d: unknown value x\n", i)
	}
	b.WriteString("---\n\nThe hall may be let.\n")
	_, body, _, l := parse("content/p.md", []byte(b.String()))
	if len(l) != 1 || l[0].Error() != "content/p.md:1:1: front matter is 11250120 bytes, more than the limit of 65536 (64 KiB): keep long text in the body" {
		t.Errorf("10 MB of front matter: %v", l)
	}
	if string(body) != "\nThe hall may be let.\n" {
		t.Errorf("body %q", body)
	}

	b.Reset()
	b.WriteString("---\n" + fields)
	n := 0
	for ; b.Len() < MaxSize-100; n++ {
		fmt.Fprintf(&b, "k%06d: unknown value x\n", n)
	}
	b.WriteString("---\n")
	_, _, _, l = parse("content/p.md", []byte(b.String()))
	if len(l) != n || l.HasErrors() {
		t.Fatalf("%d diagnostics, want %d warnings: %v", len(l), n, l[:min(len(l), 3)])
	}
	if got, want := l[n-1].Error(), fmt.Sprintf(`content/p.md:%d:1: warning: unknown field "k%06d": ignored`, n+6, n-1); got != want {
		t.Errorf("last warning %q, want %q", got, want)
	}
}
