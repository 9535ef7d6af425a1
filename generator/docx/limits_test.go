package docx

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// zipOf makes a .docx-shaped archive of the files.
func zipOf(t testing.TB, files map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	zw.Close()
	return buf.Bytes()
}

const docHead = `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`

func TestReadErrors(t *testing.T) {
	deep := docHead + strings.Repeat("<w:sdt><w:sdtContent>", 200) + strings.Repeat("</w:sdtContent></w:sdt>", 200) + "</w:body></w:document>"
	bomb := docHead + "<w:p><w:r><w:t>" + strings.Repeat("a", 2<<20) + "</w:t></w:r></w:p></w:body></w:document>"
	for _, c := range []struct {
		name  string
		data  []byte
		lim   Limits
		error string
	}{
		{"syntax", zipOf(t, map[string]string{"word/document.xml": docHead + "\n<w:p>\n</w:body>"}), Limits{}, "a.docx: word/document.xml: XML syntax error on line 3: element <p> closed by </body>"},
		{"depth", zipOf(t, map[string]string{"word/document.xml": deep}), Limits{}, "a.docx: word/document.xml: line 1: elements nested too deep (more than 256 levels)"},
		{"bomb", zipOf(t, map[string]string{"word/document.xml": bomb}), Limits{Uncompressed: 1 << 20}, "a.docx: word/document.xml: inflates to more than 1 MiB: refused as a zip bomb"},
		{"entries", zipOf(t, map[string]string{"a": "", "b": "", "word/document.xml": ""}), Limits{Entries: 2}, "a.docx: the archive lists 3 entries; a document may hold at most 2"},
		{"doc97", append([]byte{0xD0, 0xCF, 0x11, 0xE0}, make([]byte, 100)...), Limits{}, "a.docx: this is a Word 97-2003 .doc file, not .docx"},
		{"paragraphs", zipOf(t, map[string]string{"word/document.xml": docHead + strings.Repeat("<w:p/>", 11) + "</w:body></w:document>"}), Limits{Paragraphs: 10}, "a.docx: word/document.xml: more than 10 paragraphs"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read("a.docx", c.data, c.lim)
			if err == nil || !strings.HasPrefix(err.Error(), c.error) {
				t.Errorf("err = %v\nwant %s", err, c.error)
			}
		})
	}
}

// TestBombHeaderLies: a zip whose header claims a small size is still
// refused when what it inflates passes the budget.
func TestBombHeaderLies(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	fh := &zip.FileHeader{Name: "word/document.xml", Method: zip.Deflate}
	w, _ := zw.CreateHeader(fh)
	w.Write([]byte(docHead + "<w:p><w:r><w:t>" + strings.Repeat("x", 4<<20) + "</w:t></w:r></w:p></w:body></w:document>"))
	zw.Close()
	b := buf.Bytes()
	// Rewrite the uncompressed sizes in the central directory to 100 bytes.
	i := bytes.LastIndex(b, []byte("PK\x01\x02"))
	copy(b[i+24:i+28], []byte{100, 0, 0, 0})
	_, err := Read("a.docx", b, Limits{Uncompressed: 1 << 20})
	if err == nil {
		t.Fatal("read a bomb whose header lies")
	}
}

func TestRunFormatting(t *testing.T) {
	styles := `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/></w:style>
<w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="Überschrift 1"/></w:style>
<w:style w:type="paragraph" w:styleId="Sec"><w:name w:val="Section"/><w:basedOn w:val="berschrift1"/></w:style>
<w:style w:type="paragraph" w:styleId="Lvl"><w:name w:val="Custom"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
</w:styles>`
	doc := docHead + `
<w:p><w:pPr><w:pStyle w:val="berschrift1"/></w:pPr><w:r><w:t>Intro</w:t></w:r></w:p>
<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>data controller</w:t></w:r><w:r><w:t xml:space="preserve"> in</w:t></w:r><w:r><w:rPr><w:b w:val="0"/></w:rPr><w:t xml:space="preserve"> law, </w:t></w:r><w:r><w:rPr><w:rStyle w:val="Strong"/></w:rPr><w:t>subjects</w:t></w:r><w:r><w:t xml:space="preserve"> and </w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">others </w:t></w:r><w:r><w:t>say 1.</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Sec"/></w:pPr><w:r><w:t>Section</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Lvl"/></w:pPr><w:r><w:t>Deeper</w:t></w:r></w:p>
<w:p><w:r><w:t># not a heading and 1. not a list</w:t></w:r></w:p>
<w:p><w:r><w:t>1.</w:t></w:r><w:r><w:t xml:space="preserve"> typed</w:t></w:r></w:p>
<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r><w:r><w:t>shown</w:t></w:r><w:del><w:r><w:delText>gone</w:delText></w:r></w:del><w:ins><w:r><w:t xml:space="preserve"> added</w:t></w:r></w:ins></w:p>
</w:body></w:document>`
	d, err := Read("a.docx", zipOf(t, map[string]string{"word/document.xml": doc, "word/styles.xml": styles}), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ps := Convert(d, goldenOptions("a.docx", false))
	got := string(ps[0].Markdown(""))
	_, body, _ := strings.Cut(strings.TrimPrefix(got, "---\n"), "---\n\n")
	want := "**data controller** in law, **subjects** and *others* say 1.\n\n## Section\n\n#### Deeper\n\n\\# not a heading and 1. not a list\n\n1\\. typed\n\nshown added\n"
	if ps[0].Title != "Intro" || body != want {
		t.Errorf("title %q, body:\n%s\nwant:\n%s", ps[0].Title, body, want)
	}
}

func TestTitleLine(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		{"Version 1.08 October 2024", "effective=2024-10 version=1.08"},
		{"Dated: Version 1.08 October 2024", "effective=2024-10 version=1.08"},
		{"August 2023", "date=2023-08"},
		{"To be reviewed: August 2024", "next_review=2024-08"},
		{"Next review: October 2025", "next_review=2025-10"},
		{"Review date: 01/09/2026", "next_review=2026-09-01"},
		{"Date approved: 14th July 2025", "effective=2025-07-14"},
		{"Policy owner: Headteacher", "owner=Headteacher"},
		{"v2.1", "version=2.1"},
		{"We review this policy every year in October 2025 at the latest.", ""},
		{"Version control is described below", ""},
	} {
		m := titleLine(c.line)
		var parts []string
		for _, k := range []string{"date", fEffect, fNext, fOwner, fVersion} {
			if v, ok := m[k]; ok {
				parts = append(parts, k+"="+v)
			}
		}
		if got := strings.Join(parts, " "); got != c.want {
			t.Errorf("titleLine(%q) = %q, want %q", c.line, got, c.want)
		}
	}
}

// FuzzRead holds Read and Convert to never panicking, and Markdown to
// starting with front matter, whatever the document's XML holds. It fuzzes
// the parts, stored in a zip the target makes, rather than the deflated
// archive, whose mutations would mostly fail its checksums; the archive
// itself is held by TestReadErrors. Seeded with the fixtures' parts.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.docx")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			f.Fatal(err)
		}
		part := func(name string) []byte {
			for _, zf := range zr.File {
				if zf.Name == name {
					rc, _ := zf.Open()
					var buf bytes.Buffer
					buf.ReadFrom(rc)
					rc.Close()
					return buf.Bytes()
				}
			}
			return nil
		}
		f.Add(part("word/document.xml"), part("word/styles.xml"), part("word/numbering.xml"))
	}
	f.Add([]byte(docHead+`<w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>`), []byte{}, []byte{})
	f.Fuzz(func(t *testing.T, document, styles, numbering []byte) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, body := range map[string][]byte{"word/document.xml": document, "word/styles.xml": styles, "word/numbering.xml": numbering} {
			if len(body) == 0 {
				continue
			}
			w, _ := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
			w.Write(body)
		}
		zw.Close()
		d, err := Read("f.docx", buf.Bytes(), Limits{Uncompressed: 8 << 20})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.docx: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, split := range []bool{false, true} {
			for _, p := range Convert(d, goldenOptions("f.docx", split)) {
				if md := p.Markdown(p.Slug + "/"); !bytes.HasPrefix(md, []byte("---\ntitle: ")) {
					t.Fatalf("markdown does not start with front matter:\n%s", md)
				}
				if p.Slug == "" || strings.ContainsAny(p.Slug, "/\\.") {
					t.Fatalf("slug %q", p.Slug)
				}
				for _, img := range p.Images {
					if strings.ContainsAny(img.Name, "/\\") || strings.HasPrefix(img.Name, ".") {
						t.Fatalf("image name %q", img.Name)
					}
				}
			}
		}
	})
}
