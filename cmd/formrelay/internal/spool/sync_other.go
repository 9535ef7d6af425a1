//go:build !linux

package spool

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
)

func fdatasync(f *os.File) error { return f.Sync() }

func exists(dir *os.File, name string) bool {
	_, err := os.Lstat(filepath.Join(dir.Name(), name))
	return err == nil
}

// freeSpace cannot tell here: making the reserve is the test.
func freeSpace(dir string) (int64, bool) { return 0, false }

func allocate(f *os.File, size int64) error { return writeZeros(f, size) }

func noSpace(err error) bool { return errors.Is(err, syscall.ENOSPC) }
