//go:build !linux

package testtools

import "errors"

func mountTmpfs(dir string, size int64) error {
	return errors.New("this test mounts a tmpfs, which needs Linux")
}

func unmount(dir string) error { return nil }
