//go:build !linux

package spool

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

const haveSyncfs = false

func syncfs(*os.File) error { return errors.New("syncfs: not supported") }

func writeNew(dir *os.File, name string, data []byte, sync bool, perm fs.FileMode) error {
	path := filepath.Join(dir.Name(), name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
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

func renameNoReplace(from, to *os.File, name string) error {
	return linkRemove(filepath.Join(from.Name(), name), filepath.Join(to.Name(), name))
}

func permIn(dir *os.File, name string) (fs.FileMode, bool) {
	fi, err := os.Lstat(filepath.Join(dir.Name(), name))
	if err != nil {
		return 0, false
	}
	return fi.Mode().Perm(), true
}

func chmodAt(dir *os.File, name string, perm fs.FileMode) error {
	return os.Chmod(filepath.Join(dir.Name(), name), perm)
}
