// Package docx reads Word 2007+ documents (.docx, Office Open XML) and turns
// them into policies: markdown with front matter, as content/<slug>.md holds.
//
// Read takes the bytes of a .docx and returns a Document: paragraphs (with
// their heading level, list level and inline runs), tables, footnotes and
// images, with styles resolved through styles.xml (basedOn chains, localised
// names, outline levels) and lists through numbering.xml. Tracked changes are
// resolved to the final text; comments are dropped; both are counted.
// Convert turns a Document into one Policy, or one per Heading 1.
//
// Invariants: Read never panics and never trusts the archive: it bounds the
// file, the entries listed, the bytes inflated (counted as they are read,
// not taken from the headers) and the nesting of every XML part, and its
// errors name the part and what is wrong ("word/document.xml: XML syntax
// error on line 3: ..."). Image names in a Policy are made by Convert
// (image1.png, ...), never taken from the archive, so no entry name can
// reach outside the folder they are written to. Text is kept with its
// spaces exactly as the runs hold them: words split across runs are never
// glued, nor spaces doubled.
package docx

// A Document is what Read finds in a .docx.
type Document struct {
	Blocks []Block
	// Notes are the footnotes and endnotes by id, as referenced by Inline.Note.
	Notes map[string][]Block
	// Images are the pictures by relationship id, as referenced by Inline.Image.
	Images map[string]Image
	// CoreTitle is the title in the document's properties (docProps/core.xml).
	CoreTitle string
	// Insertions and Deletions count the tracked changes resolved (kept and
	// dropped); Comments the comments dropped.
	Insertions, Deletions, Comments int
	// Dropped counts what has no markdown form, by what it is ("text box",
	// "equation", "embedded object").
	Dropped map[string]int
}

// A Block is a *Para or a *Table.
type Block interface{ block() }

// A Para is a paragraph.
type Para struct {
	// Heading is the outline level, 1 to 9, or 0 for body text.
	Heading int
	// Title and Subtitle are set for the document's Title and Subtitle styles.
	Title, Subtitle bool
	// TOC marks an entry of a table of contents Word or LibreOffice made.
	TOC bool
	// AutoNumber marks a heading numbered by Word's automatic numbering.
	AutoNumber bool
	// List is set for a list item.
	List *ListItem
	// Bookmarks are the names of the bookmarks that start in the paragraph.
	Bookmarks []string
	Inlines   []Inline
}

// A ListItem is the list a paragraph belongs to and its place in it.
type ListItem struct {
	// Level is the nesting, from 0.
	Level   int
	Ordered bool
	// Number is the item's number in an ordered list.
	Number int
	// ID is the numbering instance: items with one ID are one list.
	ID string
}

// An Inline is a run of text with one formatting, or a note reference or a
// picture.
type Inline struct {
	// Text may hold '\n' for a line break and '\t' for a tab.
	Text         string
	Bold, Italic bool
	// Link is the target of a hyperlink: a URL, or "#name" for a bookmark.
	Link string
	// Note is the id of the footnote referenced here.
	Note string
	// Image is the relationship id of a picture shown here; Alt its description.
	Image, Alt string
}

// A Table is a table, rows of cells.
type Table struct {
	Rows [][]Cell
}

// A Cell holds blocks; a cell merged into the one to its left or above is
// empty.
type Cell struct {
	Blocks []Block
}

// An Image is a picture's bytes and its file extension ("png").
type Image struct {
	Data []byte
	Ext  string
}

func (*Para) block()  {}
func (*Table) block() {}

// Text returns the paragraph's text, breaks and tabs included.
func (p *Para) Text() string {
	var n int
	for _, in := range p.Inlines {
		n += len(in.Text)
	}
	b := make([]byte, 0, n)
	for _, in := range p.Inlines {
		b = append(b, in.Text...)
	}
	return string(b)
}
