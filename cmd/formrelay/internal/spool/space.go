package spool

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// reserveSize is the size of the spool's reserve, and the room it wants
// free besides before it takes Puts again (see the package comment):
// enough for a thousand claims of a request as a file of a 4 KiB block.
// A variable for tests.
var reserveSize int64 = 4 << 20

// reserveName is the reserve's file, in the spool's folder.
const reserveName = ".reserve"

// Full reports whether the spool is refusing Puts for want of space. While
// it is, Full looks again at most once every RecheckEvery, making the
// reserve if there is room for it, and the spool takes Puts again once its
// reserve is whole and as much again is free.
func (s *Spool) Full() bool {
	if !s.full.Load() {
		return false
	}
	s.smu.Lock()
	defer s.smu.Unlock()
	if !s.full.Load() || time.Since(s.checked) < s.RecheckEvery {
		return s.full.Load()
	}
	s.checked = time.Now()
	if !s.checkSpace() {
		return true
	}
	s.full.Store(false)
	return false
}

// setFull makes the spool full: a write found the disk full.
func (s *Spool) setFull() {
	s.smu.Lock()
	s.full.Store(true)
	s.checked = time.Now()
	s.smu.Unlock()
}

// checkSpace makes the reserve if it is not whole and there is room for
// it and as much again, and reports whether there is room to take Puts:
// the reserve whole and as much again free. Where free space cannot be
// known, making the reserve is the test. s.smu is held.
func (s *Spool) checkSpace() bool {
	free, known := freeSpace(s.dir)
	if !s.reserved {
		if known && free < 2*reserveSize {
			return false
		}
		if s.makeReserve() != nil {
			return false
		}
		free -= reserveSize
	}
	return !known || free >= reserveSize
}

// makeReserve allocates the reserve, durably. s.smu is held.
func (s *Spool) makeReserve() error {
	p := filepath.Join(s.dir, reserveName)
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	err = allocate(f, reserveSize)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(p)
		return err
	}
	s.reserved = true
	return nil
}

// withRoom runs write, which needs room on the disk, and if it finds the
// disk full, makes the spool full and, if the reserve was still there,
// removes it and runs write again. An error of a full disk is told as
// ErrFull.
func (s *Spool) withRoom(write func() error) error {
	err := write()
	if !noSpace(err) {
		return err
	}
	s.smu.Lock()
	s.full.Store(true)
	s.checked = time.Now()
	released := s.reserved && os.Remove(filepath.Join(s.dir, reserveName)) == nil
	if released {
		s.reserved = false
	}
	s.smu.Unlock()
	if released {
		err = write()
	}
	if noSpace(err) {
		err = fmt.Errorf("%w: %w", ErrFull, err)
	}
	return err
}

// writeZeros writes size zero bytes at the start of f.
func writeZeros(f *os.File, size int64) error {
	buf := make([]byte, 64<<10)
	for off := int64(0); off < size; off += int64(len(buf)) {
		if _, err := f.WriteAt(buf[:min(int64(len(buf)), size-off)], off); err != nil {
			return err
		}
	}
	return nil
}
