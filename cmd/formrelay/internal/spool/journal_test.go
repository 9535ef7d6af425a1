package spool

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// journalSize is the bytes held by the journal's files.
func journalSize(t *testing.T, dir string) int64 {
	t.Helper()
	paths, err := journalFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		n += fi.Size()
	}
	return n
}

func TestParseJournal(t *testing.T) {
	var whole []byte
	whole = appendRecord(whole, "a.json", []byte(`{"a":1}`))
	whole = appendRecord(whole, "b.json", nil)
	whole = appendRecord(whole, "c.json", []byte("third"))
	first := len(appendRecord(nil, "a.json", []byte(`{"a":1}`)))
	flip := func(i int) []byte {
		b := slices.Clone(whole)
		b[i] ^= 0x40
		return b
	}
	for _, tc := range []struct {
		name  string
		in    []byte
		names string
	}{
		{"empty", nil, "[]"},
		{"whole", whole, "[a.json b.json c.json]"},
		{"torn last record", whole[:len(whole)-2], "[a.json b.json]"},
		{"torn header", whole[:first+5], "[a.json]"},
		{"zeros after", append(slices.Clone(whole), make([]byte, 64)...), "[a.json b.json c.json]"},
		{"bad checksum", flip(10), "[]"},
		{"bad data", flip(first - 1), "[]"},
		{"bad magic", flip(0), "[]"},
		{"second bad", flip(first + headerLen), "[a.json]"},
		{"bad name", appendRecord(nil, "../x", nil), "[]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs, n := parseJournal(tc.in)
			var names []string
			var again []byte
			for _, r := range recs {
				names = append(names, r.name)
				again = appendRecord(again, r.name, r.data)
			}
			if got := fmt.Sprint(names); got != tc.names && !(got == "[]" && tc.names == "[]") {
				t.Errorf("records %s, want %s", got, tc.names)
			}
			if !bytes.Equal(again, tc.in[:n]) {
				t.Errorf("the %d bytes read are not the records found", n)
			}
		})
	}
}

func FuzzParseJournal(f *testing.F) {
	f.Add(appendRecord(appendRecord(nil, "a.json", []byte("{}")), "b.json", []byte("x")))
	f.Add([]byte("PSJ1\xff\xff\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, n := parseJournal(b)
		if n > len(b) {
			t.Fatalf("read %d of %d bytes", n, len(b))
		}
		var again []byte
		for _, r := range recs {
			if checkName(r.name) != nil {
				t.Fatalf("bad name %q accepted", r.name)
			}
			again = appendRecord(again, r.name, r.data)
		}
		if !bytes.Equal(again, b[:n]) {
			t.Fatal("records do not re-encode to the bytes read")
		}
	})
}

// A relay stops (or crashes) with requests in the journal: one claimed,
// one whose claim a crash cut short, and one whose record a crash cut
// short. formrelay list sees the others as new meanwhile; the next Open
// takes the journal over as it is, leaves the claimed one where it is and
// drops the torn one; the old file goes once the rest are claimed, and new
// requests go to a new one. Another stop before they are claimed changes
// nothing.
func TestJournalRecovery(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a.json", "b.json", "c.json"} {
		must(t, s.Put(n, []byte("data of "+n)))
	}
	must(t, s.Move("a.json", New, Cur))
	must(t, s.Close())
	paths, err := journalFiles(dir)
	if err != nil || len(paths) != 1 {
		t.Fatalf("journal files %v, %v; want one", paths, err)
	}
	torn := appendRecord(nil, "d.json", []byte("never acknowledged"))
	f, err := os.OpenFile(paths[0], os.O_WRONLY|os.O_APPEND, 0)
	must(t, err)
	_, err = f.Write(torn[:len(torn)-3])
	must(t, err)
	must(t, f.Close())

	// And a claim of b.json cut short: its file half written in tmp/.
	must(t, os.WriteFile(filepath.Join(dir, Tmp, "b.json"), []byte("da"), 0o600))

	view, err := View(dir)
	must(t, err)
	if got, _ := view.List(New); fmt.Sprint(got) != "[b.json c.json]" {
		t.Errorf("View: new = %v", got)
	}
	if got := view.Find("a.json"); got != Cur {
		t.Errorf("View: Find(a.json) = %q", got)
	}
	if b, err := view.Read(New, "c.json"); err != nil || string(b) != "data of c.json" {
		t.Errorf("View: Read(c.json) = %q, %v", b, err)
	}

	for range 2 { // and once more, as if it stopped again at once
		s, err = Open(dir)
		must(t, err)
		for name, want := range map[string]string{"a.json": Cur, "b.json": New, "c.json": New, "d.json": ""} {
			if got := s.Find(name); got != want {
				t.Errorf("Find(%s) = %q, want %q", name, got, want)
			}
		}
		if b, err := s.Read(New, "b.json"); err != nil || string(b) != "data of b.json" {
			t.Errorf("new/b.json = %q, %v", b, err)
		}
		if got, _ := s.List(New); fmt.Sprint(got) != "[b.json c.json]" {
			t.Errorf("new = %v", got)
		}
		if err := s.Put("c.json", nil); !errors.Is(err, ErrExists) {
			t.Errorf("Put of a name in the journal taken over = %v, want ErrExists", err)
		}
		must(t, s.Close())
	}
	if got, _ := journalFiles(dir); fmt.Sprint(got) != fmt.Sprint(paths) {
		t.Errorf("journal files %v after two stops, want %v: the one left, as it was", got, paths)
	}

	s, err = Open(dir)
	must(t, err)
	defer s.Close()
	must(t, s.Put("e.json", []byte("data of e.json")))
	// Recovered requests are claimed as others are.
	for _, name := range []string{"b.json", "c.json"} {
		must(t, s.Move(name, New, Cur))
		if b, err := s.Read(Cur, name); err != nil || string(b) != "data of "+name {
			t.Errorf("cur/%s = %q, %v", name, b, err)
		}
	}
	if got, _ := journalFiles(dir); len(got) != 1 || got[0] == paths[0] {
		t.Errorf("journal files %v once the old one's requests were claimed, want only a new one", got)
	}
	if b, err := s.Read(New, "e.json"); err != nil || string(b) != "data of e.json" {
		t.Errorf("new/e.json = %q, %v", b, err)
	}
}

// Past maxSegment the next batch starts a new journal file; a file whose
// requests are all claimed is removed, and the current one emptied.
func TestJournalRotation(t *testing.T) {
	defer func(n int64) { maxSegment = n }(maxSegment)
	maxSegment = 100
	s := open(t)
	var names []string
	for i := range 6 {
		name := fmt.Sprintf("%d.json", i)
		names = append(names, name)
		must(t, s.Put(name, bytes.Repeat([]byte("x"), 60)))
	}
	if paths, _ := journalFiles(s.Dir()); len(paths) < 3 {
		t.Fatalf("%d journal files for 6 records past the limit, want more", len(paths))
	}
	for _, name := range names {
		must(t, s.Move(name, New, Cur))
	}
	paths, _ := journalFiles(s.Dir())
	if len(paths) != 1 || journalSize(t, s.Dir()) != 0 {
		t.Errorf("journal after every request was claimed: %v, %d bytes; want one empty file", paths, journalSize(t, s.Dir()))
	}
	if got, _ := s.List(Cur); len(got) != 6 {
		t.Errorf("cur/ = %v", got)
	}
}

// A batch that cannot be written is refused and leaves no trace, and the
// requests acknowledged before it, in the same journal file, are kept and
// delivered; the next batch goes to a new file.
func TestJournalWriteFailure(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	must(t, err)
	defer s.Close()
	must(t, s.Put("kept.json", []byte("kept")))
	// Writing to the journal file now fails, as on a full or failing
	// disk, and so does cutting it back; reading it still works.
	s.jmu.Lock()
	ro, err := os.Open(s.seg.f.Name())
	must(t, err)
	s.seg.f.Close()
	s.seg.f = ro
	s.jmu.Unlock()
	if err := s.Put("refused.json", []byte("refused")); err == nil || errors.Is(err, ErrExists) {
		t.Fatalf("Put on a broken journal file = %v, want an error", err)
	}
	if got := s.Find("refused.json"); got != "" {
		t.Errorf("refused request is in %q", got)
	}
	must(t, s.Put("after.json", []byte("after")))
	if got, _ := s.List(New); fmt.Sprint(got) != "[after.json kept.json]" {
		t.Errorf("new = %v", got)
	}
	must(t, s.Move("kept.json", New, Cur))
	if b, err := s.Read(Cur, "kept.json"); err != nil || string(b) != "kept" {
		t.Errorf("cur/kept.json = %q, %v", b, err)
	}
	if paths, _ := journalFiles(dir); len(paths) != 1 {
		t.Errorf("journal files %v; want only the new one", paths)
	}
	must(t, s.Close())
	s2, err := Open(dir)
	must(t, err)
	defer s2.Close()
	for name, want := range map[string]string{"kept.json": Cur, "after.json": New, "refused.json": ""} {
		if got := s2.Find(name); got != want {
			t.Errorf("after reopening, Find(%s) = %q, want %q", name, got, want)
		}
	}
}

// The journal's files, like the rest of the spool, are private.
func TestJournalPrivate(t *testing.T) {
	s := open(t)
	must(t, s.Put("a.json", []byte("x")))
	paths, _ := journalFiles(s.Dir())
	for _, p := range append(paths, filepath.Join(s.Dir(), Journal)) {
		fi, err := os.Stat(p)
		must(t, err)
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v", p, fi.Mode().Perm())
		}
	}
}
