package testtools

import (
	"fmt"

	"golang.org/x/sys/unix"
)

func mountTmpfs(dir string, size int64) error {
	return unix.Mount("tmpfs", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, fmt.Sprintf("size=%d,mode=0700", size))
}

func unmount(dir string) error {
	if err := unix.Unmount(dir, 0); err != nil {
		// Busy: a process the test started may still hold a file open.
		return unix.Unmount(dir, unix.MNT_DETACH)
	}
	return nil
}
