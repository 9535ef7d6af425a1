//go:build !unix

package spool

import "os"

// Lock makes the spool folder; on this system it cannot lock it.
func Lock(dir string) (unlock func(), err error) {
	return func() {}, os.MkdirAll(dir, 0o700)
}
