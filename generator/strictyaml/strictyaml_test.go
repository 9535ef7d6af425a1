package strictyaml

import (
	"fmt"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type doc struct {
	Title string            `yaml:"title"`
	Tags  []string          `yaml:"tags"`
	Names map[string]string `yaml:"names"`
}

func decode(t *testing.T, src string) (doc, []string) {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatalf("%q: %v", src, err)
	}
	var d doc
	var got []string
	for _, p := range Decode(&n, &d) {
		got = append(got, fmt.Sprintf("%d:%d: %s", p.Node.Line, p.Node.Column, p.Message))
	}
	return d, got
}

// Text written with an escape for a control character is a problem at its
// scalar, wherever the text goes: a field, a list, a map's key or value.
func TestControl(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{"title: \"a\\eb\"\n", "1:8: title: control character U+001B in the text: remove it"},
		{"tags: \"a\\0\"\n", "1:7: tags: control character U+0000 in the text: remove it"},
		{"tags: [ok, \"a\\x9b\"]\n", "1:12: tags[1]: control character U+009B in the text: remove it"},
		{"names: {\"a\\b\": x}\n", "1:9: names: control character U+0008 in the text: remove it"},
		{"names: {a: \"\\x7f\"}\n", "1:12: names.a: control character U+007F in the text: remove it"},
		{"title: \"tab\\tand\\nnewline\"\n", ""},
	} {
		_, got := decode(t, tt.src)
		if tt.want == "" && len(got) > 0 || tt.want != "" && (len(got) != 1 || got[0] != tt.want) {
			t.Errorf("%q: %q, want %q", tt.src, got, tt.want)
		}
	}
	for _, tt := range []struct {
		r    rune
		want bool
	}{{'\t', false}, {'\n', false}, {' ', false}, {'~', false}, {0xa0, false}, {0x2028, false}, {0, true}, {'\r', true}, {0x1b, true}, {0x1f, true}, {0x7f, true}, {0x80, true}, {0x9f, true}} {
		if IsControl(tt.r) != tt.want {
			t.Errorf("IsControl(%U) = %v", tt.r, !tt.want)
		}
	}
}

// Every unknown key is reported, each at its line: how many a reader is
// shown is check.WriteText's cap, the one there is.
func TestUnknownEvery(t *testing.T) {
	var b strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&b, "k%d: x\n", i)
	}
	b.WriteString("title: kept\n")
	d, got := decode(t, b.String())
	if len(got) != 1000 || got[0] != `1:1: unknown field "k0"` || got[999] != `1000:1: unknown field "k999"` {
		t.Errorf("%d problems, first %q, last %q", len(got), got[0], got[len(got)-1])
	}
	if d.Title != "kept" {
		t.Errorf("title %q: known keys after the cap are decoded", d.Title)
	}
}
