package parse

import (
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/source"
	"github.com/policysite/policysite/generator/vars"
)

// A policy's text without control characters is returned as it is, not
// copied.
func TestDropControlsNone(t *testing.T) {
	data := []byte("---\ntitle: x\n---\nTab\tCR\r\nC2 A0:\u00a0 é\n")
	out, body, l := dropControls("content/a.md", data, 16)
	if &out[0] != &data[0] || string(body) != string(data[16:]) || l != nil {
		t.Errorf("dropControls copied or warned: %q %v", body, l)
	}
}

var schoolVars = vars.New(map[string]string{"school.name": "Alder <Primary>", "dpo.email": "dpo@a.example"}, nil)

// A policy's variables are filled in in its title, summary and text, and
// one that cannot be is an error at its own line and column.
func TestFileVariables(t *testing.T) {
	src := "---\ntitle: Safeguarding at {{ school.name }}\nsummary: For {{ school.name }}.\nversion: \"1\"\neffective: 2026-01-01\nnext_review: 2027-01-01\nowner: X\n---\n\n## {{ school.name }}\n\nWrite to <{{ dpo.email }}>.\n\nAsk {{ school.nmae }} or `{{ kept }}`.\n"
	p, l := File(source.File{Path: "content/a.md", Slug: "a", Data: []byte(src)}, Settings{BasePath: "/", Vars: schoolVars})
	if p.Title != "Safeguarding at Alder <Primary>" || p.Summary != "For Alder <Primary>." {
		t.Errorf("title %q, summary %q", p.Title, p.Summary)
	}
	for _, want := range []string{`<h2 id="alder-primary">Alder &lt;Primary&gt;</h2>`, `<a href="mailto:dpo@a.example">dpo@a.example</a>`, "<code>{{ kept }}</code>", "Ask {{ school.nmae }}"} {
		if !strings.Contains(string(p.Body), want) {
			t.Errorf("body lacks %s:\n%s", want, p.Body)
		}
	}
	var got []string
	for _, d := range l {
		if d.Rule == "variable" {
			got = append(got, d.Error())
		}
	}
	if g := strings.Join(got, "\n"); !strings.HasPrefix(g, "content/a.md:14:5: unknown variable school.nmae (did you mean school.name?)") || len(got) != 1 {
		t.Errorf("findings:\n%s", g)
	}
}
