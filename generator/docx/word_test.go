package docx

import (
	"strings"
	"testing"
)

// TestWordConstructs covers what Word writes and the fixtures (made by
// pandoc and LibreOffice) do not: HYPERLINK fields, links to bookmarks (Word's _Ref and _Toc; _GoBack is
// none),
// Symbol-font bullets, numbering overrides, merged cells, text boxes.
func TestWordConstructs(t *testing.T) {
	styles := `<w:styles xmlns:w="w">
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/></w:style>
</w:styles>`
	numbering := `<w:numbering xmlns:w="w">
<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="4"/></w:lvlOverride></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>`
	rels := `<Relationships xmlns="r"><Relationship Id="rId5" Type="t/image" Target="media/pic.JPEG"/><Relationship Id="rId6" Type="t/hyperlink" Target="file:///C:/Users/me/secret.docx" TargetMode="External"/></Relationships>`
	doc := `<w:document xmlns:w="w" xmlns:r="r" xmlns:a="a" xmlns:wp="wp"><w:body>
<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>Acceptable use</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="TOC1"/></w:pPr><w:r><w:t>Scope 2</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:bookmarkStart w:id="0" w:name="_Ref1"/><w:bookmarkStart w:id="3" w:name="_GoBack"/><w:r><w:t>Scope</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">See </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "https://www.larkfield.example/it" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>the IT pages</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve">, </w:t></w:r><w:hyperlink w:anchor="_Ref1"><w:r><w:t>the scope</w:t></w:r></w:hyperlink><w:r><w:t xml:space="preserve"> and </w:t></w:r><w:hyperlink r:id="rId6"><w:r><w:t>my file</w:t></w:r></w:hyperlink><w:r><w:t>.</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>fourth</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>a bullet under it</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>fifth</w:t></w:r></w:p>
<w:p><w:r><w:sym w:font="Symbol" w:char="F0B7"/><w:tab/><w:t>typed with the Symbol font</w:t></w:r></w:p>
<w:p><w:r><w:drawing><wp:inline><wp:docPr id="1" name="Picture 1" descr="A laptop"/><a:graphic><a:graphicData><a:blip r:embed="rId5"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>
<w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>Device</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Rule</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>Laptop</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>a|b</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Locked</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p><w:r><w:t>ignored</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t>Encrypted</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>Boxed text</w:t></w:r></w:p></w:txbxContent></w:pict></w:r></w:p>
<w:bookmarkStart w:id="4" w:name="_Toc9"/><w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Main</w:t></w:r></w:p><w:bookmarkEnd w:id="4"/>
<w:p><w:hyperlink w:anchor="_Toc9"><w:r><w:t>Main</w:t></w:r></w:hyperlink><w:r><w:t xml:space="preserve"> is not the theme's #main; </w:t></w:r><w:hyperlink w:anchor="_GoBack"><w:r><w:t>back</w:t></w:r></w:hyperlink><w:r><w:t xml:space="preserve"> is nowhere.</w:t></w:r></w:p>
</w:body></w:document>`
	data := zipOf(t, map[string]string{"word/document.xml": doc, "word/styles.xml": styles, "word/numbering.xml": numbering, "word/_rels/document.xml.rels": rels, "word/media/pic.JPEG": "\xff\xd8jpeg"})
	d, err := Read("a.docx", data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ps := Convert(d, goldenOptions("a.docx", false))
	got := string(ps[0].Markdown("acceptable-use/"))
	_, body, _ := strings.Cut(strings.TrimPrefix(got, "---\n"), "---\n\n")
	want := `## Scope

See [the IT pages](https://www.larkfield.example/it), [the scope](#scope) and my file.

4. fourth
   - a bullet under it
5. fifth

- typed with the Symbol font

![A laptop](acceptable-use/image1.jpg)

| Device | | Rule |
| --- | --- | --- |
| Laptop | a\|b | Locked |
| | | Encrypted |

Boxed text

## Main

[Main](#main-1) is not the theme's #main; back is nowhere.
`
	if body != want {
		t.Errorf("body:\n%s\nwant:\n%s", body, want)
	}
	if !ps[0].Numbered || ps[0].Slug != "acceptable-use" || len(ps[0].Images) != 1 || ps[0].Images[0].Name != "image1.jpg" {
		t.Errorf("numbered %v, slug %q, images %v", ps[0].Numbered, ps[0].Slug, ps[0].Images)
	}
	notes := strings.Join(ps[0].Notes, "\n")
	for _, want := range []string{"dropped the table of contents (1 entries)", "1 link to file: (not a web address; its text is kept)", "1 text box (its text is kept as paragraphs): not imported", "1 link to a place outside the policy's sections (its text is kept)"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
}
