package main

import (
	"archive/zip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fixture copies a committed .docx into dir/docs/ and returns its path
// relative to dir.
func fixture(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "generator", "docx", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "docs"), 0o755)
	if err := os.WriteFile(filepath.Join(dir, "docs", name), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return "docs/" + name
}

func TestImportThenBuild(t *testing.T) {
	dir := site(t, map[string]string{"complaints.md": "Complaints"})
	doc := fixture(t, dir, "safeguarding-pandoc.docx")
	stdout, stderr, code := runBin(t, dir, "import", "--now", "2026-01-15", doc)
	if code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"docs/safeguarding-pandoc.docx -> content/child-protection-and-safeguarding-policy.md",
		`found:   version: 2.3, from "Version 2.3 September 2025"`,
		"guessed: owner: Data protection officer",
		"note:    dropped 1 comments",
		"images:  content/child-protection-and-safeguarding-policy/image1.png",
		"check:\n",
		"0 errors, 1 warning",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
	md, err := os.ReadFile(filepath.Join(dir, "content", "child-protection-and-safeguarding-policy.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "The **designated safeguarding lead** in each school") {
		t.Errorf("bold at a run boundary lost its space:\n%s", md)
	}
	if _, err := os.Stat(filepath.Join(dir, "content", "child-protection-and-safeguarding-policy", "image1.png")); err != nil {
		t.Error(err)
	}
	if stdout, stderr, code := runBin(t, dir, "build", "--now", "2026-01-15"); code != 0 {
		t.Fatalf("build after import: exit %d\n%s%s", code, stdout, stderr)
	}
	html, err := os.ReadFile(filepath.Join(dir, "public", "child-protection-and-safeguarding-policy", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<strong>designated safeguarding lead</strong> in", `href="https://www.gov.uk/government/publications/keeping-children-safe-in-education--2"`, "<table>"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("built page lacks %q", want)
		}
	}
}

func TestImportRefusesToOverwrite(t *testing.T) {
	dir := site(t, nil)
	doc := fixture(t, dir, "retention-pandoc.docx")
	if _, stderr, code := runBin(t, dir, "import", doc); code != 0 {
		t.Fatalf("first import: exit %d: %s", code, stderr)
	}
	p := filepath.Join(dir, "content", "records-retention-policy.md")
	os.WriteFile(p, []byte("edited by hand"), 0o644)
	_, stderr, code := runBin(t, dir, "import", doc)
	if code != 1 || !strings.Contains(stderr, "docs/retention-pandoc.docx: content/records-retention-policy.md already exists: pass --force to replace it") {
		t.Errorf("second import: exit %d, stderr %q", code, stderr)
	}
	if b, _ := os.ReadFile(p); string(b) != "edited by hand" {
		t.Errorf("the policy was overwritten without --force")
	}
	if _, stderr, code := runBin(t, dir, "import", "--force", doc); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(p); !strings.HasPrefix(string(b), "---\ntitle: Records retention policy\n") {
		t.Errorf("--force did not replace the policy:\n%s", b)
	}
}

func TestImportSplit(t *testing.T) {
	dir := site(t, nil)
	doc := fixture(t, dir, "policy-centre-lo-split.docx")
	stdout, stderr, code := runBin(t, dir, "import", "--split", "--now", "2026-01-15", doc)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	for _, slug := range []string{"security-statement", "privacy-notice-for-parents", "politica-de-cookies"} {
		if _, err := os.Stat(filepath.Join(dir, "content", slug+".md")); err != nil {
			t.Error(err)
		}
	}
	if !strings.Contains(stdout, "Imported 3 policies from 1 document") {
		t.Errorf("stdout:\n%s", stdout)
	}
	// Reviews due October 2025 are overdue on 15 January 2026: check says so.
	if !strings.Contains(stdout, "error: review overdue since 31 October 2025 [review-overdue]") {
		t.Errorf("check findings missing:\n%s", stdout)
	}
	if stdout, stderr, code := runBin(t, dir, "build", "--now", "2026-01-15"); code != 0 {
		t.Fatalf("build: exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestImportDryRun(t *testing.T) {
	dir := site(t, nil)
	doc := fixture(t, dir, "retention-pandoc.docx")
	stdout, _, code := runBin(t, dir, "import", "--dry-run", doc)
	if code != 0 || !strings.Contains(stdout, "(dry run, not written)") || !strings.Contains(stdout, "[empty-section]") {
		t.Errorf("exit %d\n%s", code, stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "content", "records-retention-policy.md")); err == nil {
		t.Error("--dry-run wrote the policy")
	}
}

func TestImportBadDocuments(t *testing.T) {
	dir := site(t, nil)
	write := func(name string, files map[string]string) {
		f, _ := os.Create(filepath.Join(dir, name))
		zw := zip.NewWriter(f)
		for n, body := range files {
			w, _ := zw.Create(n)
			w.Write([]byte(body))
		}
		zw.Close()
		f.Close()
	}
	write("broken.docx", map[string]string{"word/document.xml": "<w:document>\n<w:body>\n<w:p></w:body>"})
	write("empty.docx", map[string]string{"readme.txt": "hello"})
	os.WriteFile(filepath.Join(dir, "text.docx"), []byte("not a zip"), 0o644)
	_, stderr, code := runBin(t, dir, "import", "broken.docx", "empty.docx", "text.docx", "missing.docx")
	for _, want := range []string{
		"broken.docx: word/document.xml: XML syntax error on line 3: element <p> closed by </body>",
		"empty.docx: no word/document.xml: not a Word document",
		"text.docx: not a Word document (.docx is a zip archive): zip: not a valid zip file",
		"missing.docx: no such file or directory",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
}

// TestImportCrossReferences: the built binary imports a pandoc and a
// LibreOffice document whose links go to bookmarks, and builds them; on
// each page every link to #id finds an element with that id, and the
// second of two headings "Scope" is #scope-1, the heading "Toc" #toc-1
// (the page's contents list is #toc).
func TestImportCrossReferences(t *testing.T) {
	dir := site(t, nil)
	docs := []string{fixture(t, dir, "complaints-pandoc.docx"), fixture(t, dir, "visitors-lo.docx")}
	if stdout, stderr, code := runBin(t, dir, append([]string{"import", "--now", "2026-01-15"}, docs...)...); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, stdout, stderr)
	}
	if stdout, stderr, code := runBin(t, dir, "build", "--now", "2026-01-15"); code != 0 {
		t.Fatalf("build: exit %d\n%s%s", code, stdout, stderr)
	}
	hrefRE := regexp.MustCompile(`href="?#([^" >]+)`)
	for page, want := range map[string][]string{
		"complaints-procedure":     {`<a href="#scope-1">Scope again</a>`, `<a href="#toc-1">to it</a>`, `<a href="#stage-three-panel">the panel</a>`, `<a href="#timescales">timescales</a>`},
		"visitors-to-school-sites": {`<a href="#scope-1">Scope for contractors</a>`, `<a href="#signing-in">the badge table</a>`},
	} {
		html := readFile(t, dir, "public/"+page+"/index.html")
		for _, m := range hrefRE.FindAllStringSubmatch(html, -1) {
			if !strings.Contains(html, `id="`+m[1]+`"`) && !strings.Contains(html, `id=`+m[1]+`>`) && !strings.Contains(html, `id=`+m[1]+` `) {
				t.Errorf("%s: a link to #%s, which no element has", page, m[1])
			}
		}
		for _, link := range want {
			if !strings.Contains(html, link) {
				t.Errorf("%s: no %s", page, link)
			}
		}
	}
}
