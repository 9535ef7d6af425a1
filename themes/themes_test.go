package themes

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// markup is what is not text in a layout: template actions, tags and
// comments.
var markup = regexp.MustCompile(`(?s)\{\{.*?\}\}|<!--.*?-->|<[^>]*>`)

// The built-in theme writes its words with typographic apostrophes, as
// the policies' text reads (the typographer makes ’ of '): "What’s
// changed" was spelt two ways, one in the menu and one on its page.
func TestTypographicApostrophes(t *testing.T) {
	files, err := fs.Glob(Default(), "layouts/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("no layouts: %v", err)
	}
	for _, f := range files {
		b, err := fs.ReadFile(Default(), f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if text := markup.ReplaceAllString(line, " "); strings.Contains(text, "'") {
				t.Errorf("%s:%d: a straight apostrophe in the text (write ’): %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}
