package generator

import (
	"bytes"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/policysite/policysite/internal/testtools"
	"github.com/policysite/policysite/themes"
)

// copySite copies the example site (site.yaml, content/) and the built-in
// theme's policy layout and stylesheet, as a site's own themes/default/,
// into a temporary folder.
func copySite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	root := testtools.Root()
	copyFile := func(from, to string) {
		b, err := os.ReadFile(filepath.Join(root, from))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, to, string(b))
	}
	copyFile("site.yaml", "site.yaml")
	filepath.WalkDir(filepath.Join(root, "content"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			copyFile(rel, filepath.ToSlash(rel))
		}
		return err
	})
	copyFile("themes/default/layouts/policy.html", "themes/default/layouts/policy.html")
	copyFile("themes/default/assets/site.css", "themes/default/assets/site.css")
	return dir
}

func writeFile(t *testing.T, dir, rel, s string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, dir, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// edit replaces old with new in a file, which must hold old.
func edit(t *testing.T, dir, rel, old, new string) {
	t.Helper()
	s := readFile(t, dir, rel)
	if !strings.Contains(s, old) {
		t.Fatalf("%s has no %q", rel, old)
	}
	writeFile(t, dir, rel, strings.Replace(s, old, new, 1))
}

func rename(t *testing.T, dir, from, to string) {
	t.Helper()
	if err := os.Rename(filepath.Join(dir, from), filepath.Join(dir, to)); err != nil {
		t.Fatal(err)
	}
}

func remove(t *testing.T, dir, rel string) {
	t.Helper()
	if err := os.RemoveAll(filepath.Join(dir, rel)); err != nil {
		t.Fatal(err)
	}
}

const newPolicy = "---\ntitle: Visitors\nversion: \"1\"\neffective: 2026-01-01\nnext_review: 2027-01-01\nowner: Office manager\n---\n\nSign in at the office.\n\n## Parking\n\nPark on the road.\n"

// A Builder's result after every kind of change is the same, byte for byte,
// as a fresh Render's: outputs, diagnostics and errors. Its Changed lists
// exactly the outputs that differ from the last good render, and pages of
// policies a change does not touch are reused, not rendered again.
func TestBuilderIncremental(t *testing.T) {
	dir := copySite(t)
	steps := []struct {
		name string
		// do changes the site and returns the paths a watcher reports.
		do func() []string
		// err is in the error when the step must not build.
		err string
		// only, when set, are the only outputs that may change.
		only []string
	}{
		{"first render", func() []string { return nil }, "", nil},
		{"nothing changed", func() []string { return nil }, "", []string{}},
		{"edit a policy's body", func() []string {
			edit(t, dir, "content/records-retention.md", "## ", "## The ")
			return []string{"content/records-retention.md"}
			// The version's SHA-256 changes: each centre's policies.json
			// shows it; no page listing every policy does.
		}, "", []string{"brookmead/policies.json", "brookmead/records-retention/index.html", "heron-lane/policies.json", "heron-lane/records-retention/index.html", "policies.json", "records-retention/index.html", "st-aidans/policies.json", "st-aidans/records-retention/index.html"}},
		{"edit the body of a policy each school words its own way", func() []string {
			edit(t, dir, "content/safeguarding.md", "feel safe", "feel secure")
			return []string{"content/safeguarding.md"}
			// The trust's page pointing to the schools' copies prints the
			// text's SHA-256 in its stamp.
		}, "", []string{"brookmead/policies.json", "brookmead/safeguarding/index.html", "heron-lane/policies.json", "heron-lane/safeguarding/index.html", "policies.json", "safeguarding/index.html", "st-aidans/policies.json", "st-aidans/safeguarding/index.html"}},
		{"edit a school's own copy", func() []string {
			edit(t, dir, "content/st-aidans/complaints.md", "first: most worries", "first: most concerns")
			return []string{"content/st-aidans/complaints.md"}
		}, "", []string{"st-aidans/complaints/index.html", "st-aidans/policies.json"}},
		{"edit a policy's title", func() []string {
			edit(t, dir, "content/complaints.md", "title: Complaints procedure", "title: Complaints and concerns")
			return []string{"content/complaints.md"}
		}, "", nil},
		{"add a policy", func() []string {
			writeFile(t, dir, "content/visitors.md", newPolicy)
			return []string{"content/visitors.md"}
		}, "", nil},
		{"rename a policy", func() []string {
			rename(t, dir, "content/visitors.md", "content/visiting.md")
			return []string{"content/visitors.md", "content/visiting.md"}
		}, "", nil},
		{"move a policy into a new folder", func() []string {
			writeFile(t, dir, "content/visiting/index.md", readFile(t, dir, "content/visiting.md"))
			remove(t, dir, "content/visiting.md")
			return []string{"content/visiting", "content/visiting.md"}
		}, "", nil},
		{"give a policy a slug", func() []string {
			edit(t, dir, "content/service-statement.md", "weight: 1\n", "weight: 1\nslug: our-service\n")
			return []string{"content/service-statement.md"}
		}, "", nil},
		{"and take it away", func() []string {
			edit(t, dir, "content/service-statement.md", "weight: 1\nslug: our-service\n", "weight: 1\n")
			return []string{"content/service-statement.md"}
		}, "", nil},
		{"delete a policy", func() []string {
			remove(t, dir, "content/service-statement.md")
			return []string{"content/service-statement.md"}
		}, "", nil},
		{"make a policy a draft", func() []string {
			edit(t, dir, "content/visiting/index.md", "owner:", "draft: true\nowner:")
			return []string{"content/visiting/index.md"}
		}, "", nil},
		{"publish the draft", func() []string {
			edit(t, dir, "content/visiting/index.md", "draft: true\n", "")
			return []string{"content/visiting/index.md"}
		}, "", nil},
		{"add a version", func() []string {
			cur := readFile(t, dir, "content/data-protection/index.md")
			writeFile(t, dir, "content/data-protection/history/1.08.md", cur)
			cur = strings.Replace(cur, `version: "1.08"`, `version: "1.09"`, 1)
			cur = strings.Replace(cur, "effective: 2024-07-01", "effective: 2025-06-01", 1)
			cur = strings.Replace(cur, "## Scope", "## Who this covers", 1)
			writeFile(t, dir, "content/data-protection/index.md", cur)
			return []string{"content/data-protection/history/1.08.md", "content/data-protection/index.md"}
		}, "", nil},
		{"edit an earlier version", func() []string {
			edit(t, dir, "content/data-protection/history/1.06.md", "## ", "## Background\n\nAdded later.\n\n## ")
			return []string{"content/data-protection/history/1.06.md"}
		}, "", nil},
		{"versions out of order", func() []string {
			edit(t, dir, "content/data-protection/index.md", "effective: 2025-06-01", "effective: 2024-01-01")
			return []string{"content/data-protection/index.md"}
		}, "not after version 1.08", nil},
		{"versions in order again", func() []string {
			edit(t, dir, "content/data-protection/index.md", "effective: 2024-01-01", "effective: 2025-06-01")
			return []string{"content/data-protection/index.md"}
		}, "", nil},
		{"edit the cookie policy", func() []string {
			edit(t, dir, "content/cookie-policy.md", "It explains", "This page explains")
			return []string{"content/cookie-policy.md"}
		}, "", nil},
		{"a layout showing the cookie policy's title", func() []string {
			base, err := fs.ReadFile(themes.Default(), "layouts/base.html")
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, dir, "themes/default/layouts/base.html", strings.Replace(string(base), `>Cookie policy</a>`, `>{{.Title}}</a>`, 1))
			return []string{"themes/default/layouts/base.html"}
		}, "", nil},
		{"retitle the cookie policy", func() []string {
			edit(t, dir, "content/cookie-policy.md", "title: Cookie policy", "title: Cookies")
			return []string{"content/cookie-policy.md"}
		}, "", nil},
		{"edit a template", func() []string {
			edit(t, dir, "themes/default/layouts/policy.html", `{{define "main" -}}`, `{{define "main" -}}<p>Template marker</p>`)
			return []string{"themes/default/layouts/policy.html"}
		}, "", nil},
		{"edit the stylesheet", func() []string {
			writeFile(t, dir, "themes/default/assets/site.css", readFile(t, dir, "themes/default/assets/site.css")+"\n.marker{color:red}\n")
			return []string{"themes/default/assets/site.css"}
		}, "", nil},
		{"a policy's layout that lists every policy", func() []string {
			edit(t, dir, "themes/default/layouts/policy.html", `<p>Template marker</p>`, `<p>{{range .Site.Policies}}{{.Title}};{{end}}</p>`)
			return []string{"themes/default/layouts/policy.html"}
		}, `themes/default/layouts/policy.html:2:35: executing "main" at <.Site.Policies>: can't evaluate field Policies in type pages.SiteView`, nil},
		{"put the marker back", func() []string {
			edit(t, dir, "themes/default/layouts/policy.html", `<p>{{range .Site.Policies}}{{.Title}};{{end}}</p>`, `<p>Template marker</p>`)
			return []string{"themes/default/layouts/policy.html"}
		}, "", nil},
		// The index is given summaries: a layout reaching for a policy's
		// text fails as the theme loads, at its line.
		{"an index that shows every policy's text", func() []string {
			index, err := fs.ReadFile(themes.Default(), "layouts/index.html")
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, dir, "themes/default/layouts/index.html", strings.Replace(string(index), `{{- with .Summary}}`, `{{.Body}}{{- with .Summary}}`, 1))
			return []string{"themes/default/layouts/index.html"}
		}, `themes/default/layouts/index.html:28:2: executing "main" at <.Body>: can't evaluate field Body in type *site.Summary`, nil},
		{"the index fixed, then a policy's text edited", func() []string {
			remove(t, dir, "themes/default/layouts/index.html")
			edit(t, dir, "content/safeguarding.md", "feel secure", "feel safe")
			return []string{"themes/default/layouts/index.html", "content/safeguarding.md"}
		}, "", nil},
		{"remove the site's template", func() []string {
			remove(t, dir, "themes/default/layouts")
			return []string{"themes/default/layouts"}
		}, "", nil},
		{"edit site.yaml", func() []string {
			edit(t, dir, "site.yaml", "title: Larkfield Learning Trust policy centre", "title: Larkfield policies")
			return []string{"site.yaml"}
		}, "", nil},
		{"broken save", func() []string {
			edit(t, dir, "content/privacy-notice.md", "---\ntitle:", "---\ntitle: [broken\n")
			return []string{"content/privacy-notice.md"}
		}, "content/privacy-notice.md:3:1: invalid YAML", nil},
		{"fixed", func() []string {
			edit(t, dir, "content/privacy-notice.md", "---\ntitle: [broken\n", "---\ntitle:")
			return []string{"content/privacy-notice.md"}
		}, "", nil},
		{"remove a heading a link leads to", func() []string {
			edit(t, dir, "content/privacy-notice.md", "## Complaints\n", "## Concerns\n")
			return []string{"content/privacy-notice.md"}
		}, "link to missing heading #complaints in content/privacy-notice.md", nil},
		{"put it back", func() []string {
			edit(t, dir, "content/privacy-notice.md", "## Concerns\n", "## Complaints\n")
			return []string{"content/privacy-notice.md"}
		}, "", nil},
		// A policy's links are checked again when what they name changes,
		// though the policy does not.
		{"link to a certification", func() []string {
			edit(t, dir, "content/safeguarding.md", "feel safe", "feel safe ([certified](cert:cyber-essentials-plus))")
			return []string{"content/safeguarding.md"}
		}, "", nil},
		{"rename the certification", func() []string {
			edit(t, dir, "site.yaml", "id: cyber-essentials-plus", "id: cyber-essentials")
			return []string{"site.yaml"}
		}, "link to cert:cyber-essentials-plus, a certification site.yaml does not declare (did you mean cert:cyber-essentials?)", nil},
		{"name it back", func() []string {
			edit(t, dir, "site.yaml", "id: cyber-essentials", "id: cyber-essentials-plus")
			return []string{"site.yaml"}
		}, "", nil},
		{"delete a policy others link to", func() []string {
			rename(t, dir, "content/records-retention.md", "content/records-retention.md~")
			return []string{"content/records-retention.md", "content/records-retention.md~"}
		}, "privacy-notice.md:69:26: link to missing policy content/records-retention.md", nil},
		{"bring it back", func() []string {
			rename(t, dir, "content/records-retention.md~", "content/records-retention.md")
			return []string{"content/records-retention.md", "content/records-retention.md~"}
		}, "", nil},
		{"delete site.yaml", func() []string {
			rename(t, dir, "site.yaml", "site.yaml.old")
			return []string{"site.yaml"}
		}, "not found; run 'policysite init'", nil},
		{"restore site.yaml", func() []string {
			rename(t, dir, "site.yaml.old", "site.yaml")
			return []string{"site.yaml"}
		}, "", nil},
	}

	// alsoRendered are pages a step renders again that come out the same:
	// the trust centre's page of a policy each school words its own way
	// lists the schools, not its text, but is rendered from its file.
	alsoRendered := map[string][]string{"edit the body of a policy each school words its own way": {"safeguarding/index.html"}}

	opts := Options{Source: os.DirFS(dir), Now: exampleNow}
	watched := NewBuilder(opts)
	watched.Watched()
	unwatched := NewBuilder(opts)
	var last *Result // the last good fresh render
	for _, st := range steps {
		changed := st.do()
		watched.Changed(changed...)
		want, wantErr := Render(opts)
		if (wantErr == nil) != (st.err == "") || (wantErr != nil && !strings.Contains(wantErr.Error(), st.err)) {
			t.Fatalf("%s: fresh render: error %v, want %q", st.name, wantErr, st.err)
		}
		for _, bd := range []struct {
			name string
			b    *Builder
		}{{"watched", watched}, {"unwatched", unwatched}} {
			var before map[string][]byte
			if bd.b.last != nil {
				before = maps.Clone(bd.b.last)
			}
			got, err := bd.b.Render()
			if errString(err) != errString(wantErr) {
				t.Errorf("%s, %s builder: error\n%v\nwant\n%v", st.name, bd.name, err, wantErr)
			}
			if !slices.Equal(got.Diagnostics, want.Diagnostics) {
				t.Errorf("%s, %s builder: diagnostics\n%v\nwant\n%v", st.name, bd.name, got.Diagnostics, want.Diagnostics)
			}
			if len(got.Outputs) != len(want.Outputs) {
				t.Errorf("%s, %s builder: %d outputs, want %d", st.name, bd.name, len(got.Outputs), len(want.Outputs))
			}
			for i := range min(len(got.Outputs), len(want.Outputs)) {
				g, w := got.Outputs[i], want.Outputs[i]
				if g.Path != w.Path || !bytes.Equal(g.Body, w.Body) || g.Raw != w.Raw {
					t.Errorf("%s, %s builder: %s differs from a fresh render's %s:\n%s", st.name, bd.name, g.Path, w.Path, firstDiff(string(w.Body), string(g.Body)))
				}
			}
			if wantErr != nil {
				continue
			}
			if wantChanged := diffOutputs(last, want); !slices.Equal(got.Changed, wantChanged) {
				t.Errorf("%s, %s builder: changed %q, want %q", st.name, bd.name, got.Changed, wantChanged)
			}
			if st.only != nil && !slices.Equal(got.Changed, st.only) {
				t.Errorf("%s, %s builder: changed %q, want only %q", st.name, bd.name, got.Changed, st.only)
			}
			// Pages of untouched policies are the kept ones, not rendered again.
			if st.only != nil && before != nil {
				// A policy's pages are under its folder, in a school's
				// centre under the school's.
				folder := func(p string) string {
					f := strings.Split(p, "/")
					if len(f) > 2 && got.Site.Config.School(f[0]) != nil {
						return f[0] + "/" + f[1]
					}
					return f[0]
				}
				touched := map[string]bool{}
				for _, p := range append(st.only, alsoRendered[st.name]...) {
					touched[folder(p)] = true
				}
				for _, o := range got.Outputs {
					old := before[o.Path]
					if !touched[folder(o.Path)] && len(old) > 0 && &old[0] != &o.Body[0] {
						t.Errorf("%s, %s builder: %s rendered again", st.name, bd.name, o.Path)
					}
				}
			}
		}
		if wantErr == nil {
			last = want
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// diffOutputs returns the paths that are new, differ or are gone from a to b.
func diffOutputs(a, b *Result) []string {
	old := map[string][]byte{}
	if a != nil {
		for _, o := range a.Outputs {
			old[o.Path] = o.Body
		}
	}
	var out []string
	for _, o := range b.Outputs {
		if ob, ok := old[o.Path]; !ok || !bytes.Equal(ob, o.Body) {
			out = append(out, o.Path)
		}
		delete(old, o.Path)
	}
	for p := range old {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// A policy that is a symbolic link is read again at every render: the
// watcher reports a change by the path written, not by the link's.
func TestBuilderSymlink(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "site.yaml", "title: Links\n")
	writeFile(t, dir, "content/shared/text.txt", newPolicy)
	if err := os.Symlink("shared/text.txt", filepath.Join(dir, "content", "visitors.md")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	b := NewBuilder(Options{Source: os.DirFS(dir), Now: exampleNow})
	b.Watched()
	page := func() string {
		t.Helper()
		res, err := b.Render()
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range res.Outputs {
			if o.Path == "visitors/index.html" {
				return string(o.Body)
			}
		}
		t.Fatal("no visitors/index.html")
		return ""
	}
	if !strings.Contains(page(), "Sign in at the office.") {
		t.Fatal("first render: no text")
	}
	edit(t, dir, "content/shared/text.txt", "Sign in at the office.", "Sign in at reception.")
	b.Changed("content/shared/text.txt")
	if !strings.Contains(page(), "Sign in at reception.") {
		t.Error("the linked policy's change did not show")
	}
}
