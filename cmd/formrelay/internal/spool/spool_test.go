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

func open(t *testing.T, perFile bool) *Spool {
	t.Helper()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s.PerFileSync = s.PerFileSync || perFile
	t.Cleanup(func() { s.Close() })
	return s
}

// modes runs a test with group commit by syncfs and by per-file fsync.
func modes(t *testing.T, f func(t *testing.T, perFile bool)) {
	t.Run("syncfs", func(t *testing.T) { f(t, false) })
	t.Run("per-file", func(t *testing.T) { f(t, true) })
}

func TestLifecycle(t *testing.T) { modes(t, testLifecycle) }

func testLifecycle(t *testing.T, perFile bool) {
	s := open(t, perFile)
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

func TestGroupCommit(t *testing.T) { modes(t, testGroupCommit) }

func testGroupCommit(t *testing.T, perFile bool) {
	s := open(t, perFile)
	const n = 200
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.Put(fmt.Sprintf("%03d.json", i), []byte("x"))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if names, _ := s.List(New); len(names) != n {
		t.Fatalf("%d files in new/, want %d", len(names), n)
	}
	// Per-file fsyncs pace the arrivals, so only syncfs batching is certain.
	if !s.PerFileSync && s.Syncs() >= n {
		t.Errorf("%d syncs for %d concurrent Puts: no group commit", s.Syncs(), n)
	}
	t.Logf("%d Puts, %d syncs", n, s.Syncs())
}

func TestConcurrentSameName(t *testing.T) { modes(t, testConcurrentSameName) }

// Puts of one name at once, as a batch: one wins, the others are told the
// name is taken, and no debris is left in tmp/.
func testConcurrentSameName(t *testing.T, perFile bool) {
	s := open(t, perFile)
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.Put("same.json", []byte(fmt.Sprint(i)))
		}()
	}
	wg.Wait()
	close(errs)
	won := 0
	for err := range errs {
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

// A crash can leave in new/ a file being committed (permission bits 0000),
// torn or whole, beside committed ones, including those spooled by earlier
// versions (0600, written via tmp/). Open removes the first and keeps the
// others.
func TestOpenRemovesUncommitted(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []string{Tmp, New} {
		must(t, os.MkdirAll(filepath.Join(dir, sub), 0o700))
	}
	files := map[string]os.FileMode{"torn.json": 0, "whole.json": 0, "old.json": 0o600, "other.json": 0o640}
	for name, perm := range files {
		path := filepath.Join(dir, New, name)
		must(t, os.WriteFile(path, []byte(`{"ok":true}`), 0o600))
		must(t, os.Chmod(path, perm))
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	names, err := s.List(New)
	if err != nil || fmt.Sprint(names) != "[old.json other.json]" {
		t.Errorf("new/ = %v, %v; want the committed files only", names, err)
	}
	for _, name := range []string{"torn.json", "whole.json"} {
		if _, err := os.Lstat(filepath.Join(dir, New, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("uncommitted %s still in new/: %v", name, err)
		}
	}
	if got := s.Find("old.json"); got != New {
		t.Errorf("Find(old.json) = %q", got)
	}
}

// Between a batch's data being made durable and its commit, its files are
// in new/ but uncommitted: nothing that lists or finds requests sees them,
// in this process or in another (formrelay list uses View). After Put they
// are committed.
func TestUncommittedHidden(t *testing.T) {
	s := open(t, false)
	if s.PerFileSync {
		t.Skip("no syncfs here: requests are committed via tmp/")
	}
	view, err := View(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	must(t, s.Put("before.json", []byte("0")))
	calls := 0
	s.beforeCommit = func(names []string) {
		calls++
		for _, name := range names {
			fi, err := os.Lstat(s.Path(New, name))
			if err != nil || fi.Mode().Perm() != 0 {
				t.Errorf("%s while committing: %v, %v; want in new/ with mode 0000", name, fi, err)
			}
			for _, sp := range []*Spool{s, view} {
				if got := sp.Find(name); got != "" {
					t.Errorf("Find(%s) = %q while uncommitted", name, got)
				}
				if got, _ := sp.List(New); fmt.Sprint(got) != "[before.json]" {
					t.Errorf("List(new) = %v while %s is uncommitted", got, name)
				}
			}
		}
	}
	must(t, s.Put("a.json", []byte("1")))
	if calls != 1 {
		t.Errorf("hook called %d times", calls)
	}
	fi, err := os.Lstat(s.Path(New, "a.json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("after Put: %v, %v; want mode 0600", fi, err)
	}
	for _, sp := range []*Spool{s, view} {
		if got := sp.Find("a.json"); got != New {
			t.Errorf("Find after Put = %q", got)
		}
	}
	// A second Put of the name, committed or not, is refused.
	if err := s.Put("a.json", []byte("2")); !errors.Is(err, ErrExists) {
		t.Errorf("Put of a committed name = %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
