//go:build !linux

package spool

import (
	"errors"
	"os"
)

const haveSyncfs = false

func syncfs(*os.File) error { return errors.New("syncfs: not supported") }

func renameNoReplace(oldpath, newpath string) error { return linkRemove(oldpath, newpath) }
