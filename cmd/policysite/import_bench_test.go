package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// BenchmarkImport40 is issue 17's "importing a folder of 40 Word policies
// takes under 2 seconds": policysite import of 40 documents of about 7,000
// words each (generator/docx/testdata/bench, made by pandoc and saved
// again by LibreOffice, in turn) into a new site, run in-process as the
// command runs: read, convert, write, and check the new policies. The
// site it made is then built, untimed, and must build.
//
// Besides ns/op (the clock, which other work on a shared machine
// stretches) it reports cpu-s/op, the CPU time the process spent: on two
// idle cores the import takes about half of it, as it reads and checks
// the documents in parallel.
//
//	go test ./cmd/policysite -run '^$' -bench Import40 -benchtime 5x
func BenchmarkImport40(b *testing.B) {
	srcs, _ := filepath.Glob(filepath.Join("..", "..", "generator", "docx", "testdata", "bench", "*.docx"))
	if len(srcs) == 0 {
		b.Fatal("no documents in generator/docx/testdata/bench")
	}
	docs := b.TempDir()
	var files []string
	for i := range 40 {
		data, err := os.ReadFile(srcs[i%len(srcs)])
		if err != nil {
			b.Fatal(err)
		}
		f := filepath.Join(docs, fmt.Sprintf("policy %02d.docx", i+1))
		if err := os.WriteFile(f, data, 0o644); err != nil {
			b.Fatal(err)
		}
		files = append(files, f)
	}
	newSite := func() string {
		dir, err := os.MkdirTemp(b.TempDir(), "site")
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: Larkfield policies\norganisation: {name: Larkfield Learning Trust}\n"), 0o644); err != nil {
			b.Fatal(err)
		}
		return dir
	}
	var dir string
	var out bytes.Buffer
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	var spent time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		dir = newSite()
		out.Reset()
		start := cpu()
		b.StartTimer()
		if code := run(append([]string{"import", "--source", dir, "--now", "2026-01-15"}, files...), &out, &out); code != 0 {
			b.Fatalf("import: exit %d\n%s", code, out.String())
		}
		b.StopTimer()
		spent += cpu() - start
	}
	b.ReportMetric(spent.Seconds()/float64(b.N), "cpu-s/op")
	if !bytes.Contains(out.Bytes(), []byte("Imported 40 policies from 40 documents")) {
		b.Fatalf("import report:\n%s", out.String())
	}
	if code := run([]string{"build", "--source", dir, "--now", "2026-01-15"}, io.Discard, &out); code != 0 {
		b.Fatalf("build of the imported site: exit %d\n%s", code, out.String())
	}
}
