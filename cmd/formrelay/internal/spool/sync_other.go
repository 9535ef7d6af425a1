//go:build !linux

package spool

import (
	"os"
	"path/filepath"
)

func fdatasync(f *os.File) error { return f.Sync() }

func exists(dir *os.File, name string) bool {
	_, err := os.Lstat(filepath.Join(dir.Name(), name))
	return err == nil
}
