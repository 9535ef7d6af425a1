package main

import (
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The pictures and documents of a school's folder-form policy
// (content/<school>/<slug>/index.md and the files beside it) are
// published beside the school's page of it, where its links and pictures
// lead, as those of a trust's policy are beside the trust's page.
func TestSchoolFolderFiles(t *testing.T) {
	head := "---\ntitle: %s\nversion: \"1\"\neffective: 2026-01-01\nnext_review: 2027-01-01\nowner: X\n---\n\n"
	pol := func(title, body string) string { return strings.Replace(head, "%s", title, 1) + body }
	dir := writeTree(t, map[string]string{
		"site.yaml": "title: T\nbase_url: https://policies.example.org/sub/\norganisation: {name: T}\n" +
			"schools:\n  - {id: alder, name: Alder Primary, email: office@alder.example}\n  - {id: birch, name: Birch Academy, email: office@birch.example}\n",
		// The school's own policy, with a picture and a document in a
		// folder.
		"content/alder/trips/index.md":               pol("Trips", "![Map of the field](map.png)\n\nSign [the consent form](forms/consent%20form.pdf).\n"),
		"content/alder/trips/map.png":                "ALDER-MAP",
		"content/alder/trips/forms/consent form.pdf": "ALDER-FORM",
		// A school's folder-form copy of a trust policy, with its own
		// picture where the trust's has another.
		"content/visits/index.md":        pol("Visits", "![Crest](crest.png)\n"),
		"content/visits/crest.png":       "TRUST-CREST",
		"content/alder/visits/index.md":  pol("Visits at Alder", "![Crest](crest.png)\n"),
		"content/alder/visits/crest.png": "ALDER-CREST",
	})
	_, stderr, code := runBin(t, dir, "build", "--now", "2026-11-23")
	if code != 0 || stderr != "" {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	pub := filepath.Join(dir, "public")
	var got []string
	filepath.WalkDir(pub, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".html") {
			rel, _ := filepath.Rel(pub, p)
			if r := filepath.ToSlash(rel); strings.Contains(r, "trips/") || strings.Contains(r, "visits/") {
				got = append(got, r)
			}
		}
		return nil
	})
	slices.Sort(got)
	want := []string{"alder/trips/forms/consent form.pdf", "alder/trips/map.png", "alder/visits/crest.png", "birch/visits/crest.png", "visits/crest.png"}
	if !slices.Equal(got, want) {
		t.Errorf("files published beside the pages:\n%q\nwant\n%q", got, want)
	}
	// Every picture and link of each page leads to the file meant.
	ref := regexp.MustCompile(`(?:src|href)="([^"]+\.(?:png|pdf))"`)
	for page, files := range map[string][]string{
		"alder/trips/index.html":  {"ALDER-MAP", "ALDER-FORM"},
		"alder/visits/index.html": {"ALDER-CREST"},
		"birch/visits/index.html": {"TRUST-CREST"},
		"visits/index.html":       {"TRUST-CREST"},
	} {
		html := readFile(t, pub, page)
		refs := ref.FindAllStringSubmatch(html, -1)
		if len(refs) != len(files) {
			t.Errorf("%s: links to files %q, want %d", page, refs, len(files))
			continue
		}
		for i, m := range refs {
			u, err := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
			if err != nil {
				t.Fatal(err)
			}
			// The page is /sub/<page's folder>/ on the host.
			at := path.Join("/sub", path.Dir(page)) + "/"
			target := u.Path
			if !strings.HasPrefix(target, "/") {
				target = path.Join(at, target)
			}
			rel, ok := strings.CutPrefix(target, "/sub/")
			b, err := os.ReadFile(filepath.Join(pub, filepath.FromSlash(rel)))
			if !ok || err != nil || string(b) != files[i] {
				t.Errorf("%s: %s leads to %s: %q, %v; want %s", page, m[1], target, b, err, files[i])
			}
		}
	}
}
