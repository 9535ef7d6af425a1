package spool

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/policysite/policysite/internal/testtools"
)

// smallReserve makes the reserve fit a test's tmpfs until t ends.
func smallReserve(t *testing.T, n int64) {
	old := reserveSize
	reserveSize = n
	t.Cleanup(func() { reserveSize = old })
}

func hasReserve(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, reserveName))
	return err == nil && fi.Size() == reserveSize
}

// A relay stopped with requests in its journal, and the disk then filled
// up: Open writes nothing, so it succeeds; the spool is full and refuses
// Puts, but its requests can be claimed and delivered, with the reserve,
// which frees the journal's file. Once space returns it takes Puts again,
// and nothing was lost.
func TestOpenOnFullDisk(t *testing.T) {
	smallReserve(t, 128<<10)
	mnt := testtools.Tmpfs(t, 1<<20)
	dir := filepath.Join(mnt, "spool")
	s, err := Open(dir)
	must(t, err)
	if !hasReserve(dir) {
		t.Fatal("Open on an empty disk made no reserve")
	}
	var held []string
	for i := range 20 {
		name := fmt.Sprintf("%02d.json", i)
		must(t, s.Put(name, bytes.Repeat([]byte{'x'}, 500)))
		held = append(held, name)
	}
	must(t, s.Move(held[0], New, Cur))
	must(t, s.Close()) // as a crash leaves it: see TestJournalRecovery
	filler := filepath.Join(mnt, "filler")
	testtools.Fill(t, filler, 0)

	s, err = Open(dir)
	if err != nil {
		t.Fatalf("Open on a full disk: %v", err)
	}
	defer func() { s.Close() }()
	s.RecheckEvery = 0
	if !s.Full() {
		t.Error("Full() = false on a full disk")
	}
	if err := s.Put("refused.json", []byte("r")); !errors.Is(err, ErrFull) {
		t.Errorf("Put on a full disk = %v, want ErrFull", err)
	}
	if got, _ := s.List(New); len(got) != len(held)-1 {
		t.Errorf("new holds %d, want %d", len(got), len(held)-1)
	}
	// The worker delivers what the spool holds: each journal request
	// claimed as a file needs room, which the reserve gives.
	must(t, s.Move(held[0], Cur, Sent))
	for _, name := range held[1:] {
		if err := s.Move(name, New, Cur); err != nil {
			t.Fatalf("claiming %s on a full disk: %v", name, err)
		}
		must(t, s.Move(name, Cur, Sent))
	}
	if hasReserve(dir) {
		t.Error("the reserve is whole after claims on a full disk")
	}
	if paths, _ := journalFiles(dir); len(paths) != 0 {
		t.Errorf("journal files %v once every request in them was claimed", paths)
	}
	if !s.Full() {
		t.Error("Full() = false with no reserve and no room")
	}
	// With no reserve left, a write that finds no room is told ErrFull.
	filler2 := filepath.Join(mnt, "filler2")
	testtools.Fill(t, filler2, 0)
	if err := s.Replace(Sent, held[0], bytes.Repeat([]byte{'x'}, 8192)); !errors.Is(err, ErrFull) || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Replace with no room and no reserve = %v, want ErrFull and ENOSPC", err)
	}
	if b, _ := s.Read(Sent, held[0]); len(b) != 500 {
		t.Errorf("a Replace that failed changed the request: %d bytes", len(b))
	}
	must(t, os.Remove(filler2))

	must(t, os.Remove(filler))
	if s.Full() {
		t.Error("Full() = true once space returned")
	}
	if !hasReserve(dir) {
		t.Error("the reserve was not made again once space returned")
	}
	must(t, s.Put("after.json", []byte("after")))
	must(t, s.Close())
	s, err = Open(dir)
	must(t, err)
	if got, _ := s.List(Sent); fmt.Sprint(got) != fmt.Sprint(held) {
		t.Errorf("sent = %v, want %v", got, held)
	}
	for name, want := range map[string]string{"after.json": New, "refused.json": ""} {
		if got := s.Find(name); got != want {
			t.Errorf("Find(%s) = %q, want %q", name, got, want)
		}
	}
}

// A disk that fills while the spool runs: the Put that finds it full is
// refused with ErrFull and leaves nothing; later ones are refused without
// writing; what was acknowledged stays; and once space returns, Puts are
// taken again.
func TestFullWhileRunning(t *testing.T) {
	smallReserve(t, 64<<10)
	mnt := testtools.Tmpfs(t, 1<<20)
	s, err := Open(filepath.Join(mnt, "spool"))
	must(t, err)
	defer func() { s.Close() }()
	s.RecheckEvery = 0
	must(t, s.Put("before.json", []byte("before")))
	filler := filepath.Join(mnt, "filler")
	testtools.Fill(t, filler, 0)

	var err1 error
	for i := 0; err1 == nil; i++ {
		if i == 1000 {
			t.Fatal("Puts on a full disk keep succeeding")
		}
		err1 = s.Put(fmt.Sprintf("%d.json", i), bytes.Repeat([]byte{'x'}, 4096))
	}
	if !errors.Is(err1, ErrFull) || !errors.Is(err1, syscall.ENOSPC) {
		t.Errorf("Put that found the disk full = %v, want ErrFull and ENOSPC", err1)
	}
	size := journalSize(t, s.Dir())
	if err := s.Put("later.json", []byte("l")); err != ErrFull {
		t.Errorf("Put on a full spool = %v, want ErrFull", err)
	}
	if journalSize(t, s.Dir()) != size || s.Find("later.json") != "" {
		t.Error("a Put refused on a full spool wrote to the journal")
	}
	if !hasReserve(s.Dir()) {
		t.Error("a Put on a full disk used the reserve, which is for delivery")
	}

	must(t, os.Remove(filler))
	must(t, s.Put("again.json", []byte("again")))
	must(t, s.Close())
	s, err = Open(filepath.Join(mnt, "spool"))
	must(t, err)
	for _, name := range []string{"before.json", "again.json"} {
		if got := s.Find(name); got != New {
			t.Errorf("Find(%s) = %q after reopening", name, got)
		}
	}
}

// A spool opened on a disk with no room for its reserve starts full, and
// makes the reserve once there is room.
func TestOpenWithoutRoomForReserve(t *testing.T) {
	smallReserve(t, 64<<10)
	mnt := testtools.Tmpfs(t, 1<<20)
	filler := filepath.Join(mnt, "filler")
	testtools.Fill(t, filler, 100<<10) // less than twice the reserve
	s, err := Open(filepath.Join(mnt, "spool"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	s.RecheckEvery = 0
	if !s.Full() || hasReserve(s.Dir()) {
		t.Errorf("Full() = %v, reserve %v; want full and no reserve", s.Full(), hasReserve(s.Dir()))
	}
	must(t, os.Remove(filler))
	if s.Full() || !hasReserve(s.Dir()) {
		t.Errorf("once space returned: Full() = %v, reserve %v", s.Full(), hasReserve(s.Dir()))
	}
}
