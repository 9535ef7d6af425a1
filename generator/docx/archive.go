package docx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Limits bound what Read accepts from a document. A .docx is untrusted
// input: a zip whose headers may lie about sizes, holding XML that may nest
// without end. The zero value of a field means its default.
type Limits struct {
	// File is the largest .docx read, in bytes (default 64 MiB).
	File int64
	// Uncompressed is the most bytes Read inflates from the archive, over
	// every entry it reads, counted as they are read, not taken from the
	// headers (default 256 MiB).
	Uncompressed int64
	// Entries is the most entries the archive may list (default 10,000).
	Entries int
	// Depth is the deepest element nesting in any XML part (default 256).
	Depth int
	// Paragraphs is the most paragraphs, table cells included (default 200,000).
	Paragraphs int
}

// DefaultLimits are the limits Read applies to a zero Limits.
var DefaultLimits = Limits{File: 64 << 20, Uncompressed: 256 << 20, Entries: 10000, Depth: 256, Paragraphs: 200000}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.File > 0 {
		d.File = l.File
	}
	if l.Uncompressed > 0 {
		d.Uncompressed = l.Uncompressed
	}
	if l.Entries > 0 {
		d.Entries = l.Entries
	}
	if l.Depth > 0 {
		d.Depth = l.Depth
	}
	if l.Paragraphs > 0 {
		d.Paragraphs = l.Paragraphs
	}
	return d
}

// An archive reads entries of a .docx within a budget of inflated bytes.
type archive struct {
	files  map[string]*zip.File // by cleaned name
	budget int64                // bytes still allowed to inflate
	limit  int64
}

func openArchive(data []byte, lim Limits) (*archive, error) {
	if int64(len(data)) > lim.File {
		return nil, fmt.Errorf("the file is %d MiB; a document may be at most %d MiB", len(data)>>20, lim.File>>20)
	}
	if len(data) >= 2 && data[0] == 0xD0 && data[1] == 0xCF {
		return nil, errors.New("this is a Word 97-2003 .doc file, not .docx: open it in Word or LibreOffice and save it as .docx")
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not a Word document (.docx is a zip archive): %v", err)
	}
	if len(zr.File) > lim.Entries {
		return nil, fmt.Errorf("the archive lists %d entries; a document may hold at most %d", len(zr.File), lim.Entries)
	}
	a := &archive{files: make(map[string]*zip.File, len(zr.File)), budget: lim.Uncompressed, limit: lim.Uncompressed}
	for _, f := range zr.File {
		name := strings.TrimPrefix(path.Clean("/"+strings.ReplaceAll(f.Name, `\`, "/")), "/")
		if _, dup := a.files[name]; !dup {
			a.files[name] = f
		}
	}
	return a, nil
}

// has reports whether the archive holds name.
func (a *archive) has(name string) bool { _, ok := a.files[name]; return ok }

// read inflates the entry name, counting every byte against the budget as it
// comes out of the decompressor: a header that claims a small size cannot
// make it read more. A missing entry is (nil, nil).
func (a *archive) read(name string) ([]byte, error) {
	f, ok := a.files[name]
	if !ok {
		return nil, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	defer rc.Close()
	var buf bytes.Buffer
	if n := f.UncompressedSize64; n > 0 && n < uint64(a.budget) && n < 1<<26 {
		buf.Grow(int(n))
	}
	n, err := io.Copy(&buf, io.LimitReader(rc, a.budget+1))
	a.budget -= n
	if a.budget < 0 {
		return nil, fmt.Errorf("%s: inflates to more than %d MiB: refused as a zip bomb", name, a.limit>>20)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return buf.Bytes(), nil
}
