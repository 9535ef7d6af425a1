package spool

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func open(t *testing.T) *Spool {
	t.Helper()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestNamesInUse: a name already in a folder when the spool is opened, or
// put in its journal by the run before, cannot be Put again.
func TestNamesInUse(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put("journal.json", []byte("j")); err != nil {
		t.Fatal(err)
	}
	s.Close() // leaves it in the journal
	for _, st := range States {
		if err := os.WriteFile(filepath.Join(dir, st, st+".json"), []byte(st), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, name := range append(States, "journal") {
		if err := s.Put(name+".json", []byte("again")); !errors.Is(err, ErrExists) {
			t.Errorf("Put(%s.json) = %v, want ErrExists", name, err)
		}
	}
	if err := s.Put("fresh.json", []byte("f")); err != nil {
		t.Errorf("Put of a fresh name = %v", err)
	}
}

func TestLifecycle(t *testing.T) {
	s := open(t)
	if err := s.Put("a.json", []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := s.Put("a.json", []byte("two")); !errors.Is(err, ErrExists) {
		t.Errorf("second Put = %v, want ErrExists", err)
	}
	if b, _ := s.Read(New, "a.json"); string(b) != "one" {
		t.Errorf("new/a.json = %q, want the first write", b)
	}
	for _, step := range []struct{ from, to string }{{New, Cur}, {Cur, Sent}} {
		if err := s.Move("a.json", step.from, step.to); err != nil {
			t.Fatal(err)
		}
		if got := s.Find("a.json"); got != step.to {
			t.Errorf("after move to %s, Find = %q", step.to, got)
		}
	}
	if err := s.Put("a.json", []byte("again")); !errors.Is(err, ErrExists) {
		t.Errorf("Put of a name in sent/ = %v, want ErrExists: a name is never used twice", err)
	}
	if err := s.Replace(Sent, "a.json", []byte("three")); err != nil {
		t.Fatal(err)
	}
	if b, _ := s.Read(Sent, "a.json"); string(b) != "three" {
		t.Errorf("after Replace: %q", b)
	}
	old := time.Now().Add(-48 * time.Hour)
	if err := s.Touch(Sent, "a.json", old); err != nil {
		t.Fatal(err)
	}
	s.Put("b.json", nil)
	s.Move("b.json", New, Sent)
	gone, err := s.Purge(Sent, time.Now().Add(-24*time.Hour))
	if err != nil || len(gone) != 1 || gone[0] != "a.json" {
		t.Errorf("Purge = %v, %v; want [a.json]", gone, err)
	}
	if names, _ := s.List(Sent); len(names) != 1 || names[0] != "b.json" {
		t.Errorf("sent/ = %v", names)
	}
	if left, _ := s.List(Tmp); len(left) != 0 {
		t.Errorf("tmp/ not empty: %v", left)
	}
	// Both requests claimed: the journal holds nothing.
	if size := journalSize(t, s.Dir()); size != 0 {
		t.Errorf("journal holds %d bytes after every request was claimed", size)
	}
	for _, bad := range []string{"", "../x", ".lock", "a/b"} {
		if err := s.Put(bad, nil); err == nil {
			t.Errorf("Put(%q) accepted", bad)
		}
	}
}

func TestOpenClearsDebris(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, Tmp), 0o700)
	os.WriteFile(filepath.Join(dir, Tmp, "half.json"), []byte("{"), 0o600)
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if left, _ := s.List(Tmp); len(left) != 0 {
		t.Errorf("tmp/ = %v", left)
	}
	fi, _ := os.Stat(filepath.Join(dir, New))
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("new/ mode %v, want 0700", fi.Mode().Perm())
	}
}

func TestGroupCommit(t *testing.T) {
	s := open(t)
	const n = 200
	for _, err := range putAtOnce(s, n, func(i int) string { return fmt.Sprintf("%03d.json", i) }) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if names, _ := s.List(New); len(names) != n {
		t.Fatalf("%d files in new/, want %d", len(names), n)
	}
	if s.Syncs() >= n {
		t.Errorf("%d syncs for %d concurrent Puts: no group commit", s.Syncs(), n)
	}
	t.Logf("%d Puts, %d syncs", n, s.Syncs())
}

// Puts of one name at once, as a batch: one wins, the others are told the
// name is taken, and no debris is left in tmp/.
func TestConcurrentSameName(t *testing.T) {
	s := open(t)
	const n = 20
	won := 0
	for _, err := range putAtOnce(s, n, func(int) string { return "same.json" }) {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, ErrExists):
			t.Errorf("Put = %v, want nil or ErrExists", err)
		}
	}
	if won != 1 {
		t.Errorf("%d Puts of one name succeeded, want 1", won)
	}
	if left, _ := s.List(Tmp); len(left) != 0 {
		t.Errorf("tmp/ not empty: %v", left)
	}
	if got := s.Find("same.json"); got != New {
		t.Errorf("Find = %q", got)
	}
}

func TestClose(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := s.Put("a.json", nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Put after Close = %v", err)
	}
}

func TestLock(t *testing.T) {
	dir := t.TempDir()
	unlock, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(dir); err == nil {
		t.Error("second Lock succeeded while the first is held")
	}
	unlock()
	unlock2, err := Lock(dir)
	if err != nil {
		t.Errorf("Lock after unlock: %v", err)
	} else {
		unlock2()
	}
}

// putAtOnce makes n Puts at once, the i'th of name(i), and returns their errors.
func putAtOnce(s *Spool, n int, name func(i int) string) []error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Put(name(i), []byte(fmt.Sprint(i)))
		}()
	}
	wg.Wait()
	return errs
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
