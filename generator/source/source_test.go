package source

import (
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func TestSlug(t *testing.T) {
	for _, c := range [][2]string{
		{"Política de Cookies", "politica-de-cookies"},
		{"Data Protection Policy", "data-protection-policy"},
		{"privacy_policy", "privacy-policy"},
		{"privacy-notice", "privacy-notice"},
		{"Children’s Privacy Notice", "childrens-privacy-notice"},
		{"Datenschutzerklärung für Schüler – Straße", "datenschutzerklarung-fur-schuler-strasse"},
		{"  SMARTcurriculum® Analytics: Policy #4 ", "smartcurriculum-analytics-policy-4"},
		{"Łódź øre Æsir", "lodz-ore-aesir"},
		{"ポリシー", ""},
	} {
		if got := Slug(c[0]); got != c[1] {
			t.Errorf("Slug(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}

const fm = "---\ntitle: T\n---\n"

// TestList: which files are policies, under which slugs, what is
// published beside them and what is reported.
func TestList(t *testing.T) {
	fsys := fstest.MapFS{
		"content/Data Protection Policy.md":         {Data: []byte(fm)},
		"content/Data Protection Policy/crest.png":  {Data: []byte("PNG")},
		"content/Data Protection Policy/notes.html": {Data: []byte("<p>")},
		"content/Política de Cookies.md":            {Data: []byte(fm)},
		"content/privacy_policy.md":                 {Data: []byte("---\ntitle: P\nslug: privacy-notice # its old URL\n---\n")},
		"content/Policies/terms-of-service.md":      {Data: []byte(fm)},
		"content/Policies/logo.png":                 {Data: []byte("PNG")},
		"content/handbook/index.md":                 {Data: []byte(fm)},
		"content/handbook/annex.md":                 {Data: []byte(fm)},
		"content/handbook/history/1.0.md":           {Data: []byte(fm)},
		"content/handbook/forms/leave.pdf":          {Data: []byte("%PDF")},
		"content/deep/er/page.md":                   {Data: []byte(fm)},
		"content/safety.md":                         {Data: []byte(fm)},
		"content/Safety.md":                         {Data: []byte(fm)},
		"content/★.md":                              {Data: []byte(fm)},
		"content/bad-slug.md":                       {Data: []byte("---\nslug: Not A Slug\n---\n")},
		"content/long.md":                           {Data: []byte("---\nsummary: " + strings.Repeat("word ", 2000) + "\nslug: long-front-matter\n---\n")},
	}
	files, l := List(fsys)
	var got []string
	for _, f := range files {
		s := f.Path + " -> " + f.Slug
		if len(f.History) > 0 {
			s += " history " + f.History[0].Path
		}
		if len(f.Assets) > 0 {
			s += " assets " + strings.Join(f.Assets, ",")
		}
		got = append(got, s)
	}
	want := []string{
		"content/Data Protection Policy.md -> data-protection-policy assets content/Data Protection Policy/crest.png",
		"content/Policies/terms-of-service.md -> terms-of-service",
		"content/Política de Cookies.md -> politica-de-cookies",
		"content/Safety.md -> safety",
		"content/handbook/index.md -> handbook history content/handbook/history/1.0.md assets content/handbook/forms/leave.pdf",
		"content/long.md -> long-front-matter",
		"content/privacy_policy.md -> privacy-notice",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("files:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var diags []string
	for _, d := range l {
		diags = append(diags, d.Lint())
	}
	wantDiags := []string{
		`content/bad-slug.md:2:7: error: slug: "Not A Slug" cannot be a policy's URL: use lower-case letters, digits and hyphens (privacy-notice)`,
		`content/safety.md: error: policy "safety" is also content/Safety.md: keep one of them, or give one a slug: of its own`,
		`content/★.md: error: "★.md" cannot be a policy's URL: its name has no letter or digit a URL can hold; rename the file or set slug: in its front matter`,
		`content/deep/er/page.md: warning: not a policy, and not published: a policy is content/<name>.md, content/<name>/index.md or content/<folder>/<name>.md [nested-file]`,
		`content/handbook/annex.md: warning: not a policy, and not published: a policy is content/<name>.md, content/<name>/index.md or content/<folder>/<name>.md [nested-file]`,
		`content/Data Protection Policy/notes.html: warning: not published: beside a policy only pictures and documents are (.avif .csv .docx .gif .jpeg .jpg .ods .odt .pdf .png .pptx .txt .webp .xlsx) [nested-file]`,
	}
	if strings.Join(diags, "\n") != strings.Join(wantDiags, "\n") {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(diags, "\n"), strings.Join(wantDiags, "\n"))
	}
}

func TestSlugOf(t *testing.T) {
	for _, c := range []struct {
		in, want string
		line     int
		ok       bool
	}{
		{"---\ntitle: A\nslug: cookies\n---\n", "cookies", 3, true},
		{"\xef\xbb\xbf---\r\nslug: \"cookies\"  # kept\r\n---\r\n", "cookies", 2, true},
		{"---\nslug: 'a-b'\n---\n", "a-b", 2, true},
		{"---\ntitle: A\n---\nslug: body\n", "", 0, false},
		{"slug: no-front-matter\n", "", 0, false},
		{"---\n  slug: nested\n---\n", "", 0, false},
	} {
		got, pos, ok := slugOf("p.md", []byte(c.in))
		if got != c.want || ok != c.ok || pos.Line != c.line {
			t.Errorf("slugOf(%q) = %q, line %d, %v; want %q, line %d, %v", c.in, got, pos.Line, ok, c.want, c.line, c.ok)
		}
	}
}

// FuzzSlugOf: the slug: line is read from untrusted files: no panic,
// and a position inside the data.
func FuzzSlugOf(f *testing.F) {
	for _, s := range []string{"---\nslug: a\n---\n", "---\r\nslug: \"x\" # c\r\n---", "---\nslug:\n", "---\nslug: 'unclosed\n---\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, pos, ok := slugOf("p.md", data)
		if !ok {
			return
		}
		lines := strings.Count(string(data), "\n") + 1
		if pos.Line < 2 || pos.Line > lines || !strings.Contains(string(data), v) {
			t.Fatalf("slugOf(%q) = %q at %v", data, v, pos)
		}
	})
}

// FuzzIsSlug: IsSlug says what the expression of words joined by single
// hyphens says, and a slug of 60 bytes or fewer is its own Slug.
func FuzzIsSlug(f *testing.F) {
	re := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	for _, s := range []string{"privacy-notice", "a", "", "-a", "a-", "a--b", "A-b", "a_b", "a-1-b2", "política"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := IsSlug(s), re.MatchString(s); got != want {
			t.Fatalf("IsSlug(%q) = %v, want %v", s, got, want)
		}
		if IsSlug(s) && len(s) <= 60 {
			if got := Slug(s); got != s {
				t.Fatalf("Slug(%q) = %q, want the slug itself", s, got)
			}
		}
		if got := Slug(s); got != "" && !IsSlug(got) {
			t.Fatalf("Slug(%q) = %q, which is no slug", s, got)
		}
	})
}
