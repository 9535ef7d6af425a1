//go:build !linux

package spool

import (
	"os"
	"path/filepath"
)

func fdatasync(f *os.File) error { return f.Sync() }

func writeNew(dir *os.File, name string, data []byte, sync bool) error {
	path := filepath.Join(dir.Name(), name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

func exists(dir *os.File, name string) bool {
	_, err := os.Lstat(filepath.Join(dir.Name(), name))
	return err == nil
}
