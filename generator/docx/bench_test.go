package docx

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkImport40 reads and converts a folder of 40 Word policies of
// about 7,000 words each (testdata/bench: one made by pandoc, one saved
// again by LibreOffice, in turn) as policysite import does, but for
// writing: the target is under 2 seconds for the 40.
func BenchmarkImport40(b *testing.B) {
	files, _ := filepath.Glob("testdata/bench/*.docx")
	var docs [][]byte
	for i := 0; len(docs) < 40; i++ {
		d, err := os.ReadFile(files[i%len(files)])
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, d)
	}
	b.ReportAllocs()
	for b.Loop() {
		for i, d := range docs {
			doc, err := Read(files[i%len(files)], d, Limits{})
			if err != nil {
				b.Fatal(err)
			}
			for _, p := range Convert(doc, goldenOptions("x.docx", false)) {
				p.Markdown(p.Slug + "/")
			}
		}
	}
}
