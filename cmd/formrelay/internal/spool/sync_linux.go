package spool

import (
	"os"

	"golang.org/x/sys/unix"
)

// fdatasync flushes f's data, and what reading it back needs (its size),
// to stable storage.
func fdatasync(f *os.File) error {
	_, err := ignoringEINTR(func() (int, error) { return 0, unix.Fdatasync(int(f.Fd())) })
	return err
}

// exists reports whether the folder dir has an entry name.
func exists(dir *os.File, name string) bool {
	var st unix.Stat_t
	return unix.Fstatat(int(dir.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW) == nil
}

func ignoringEINTR(f func() (int, error)) (int, error) {
	for {
		n, err := f()
		if err != unix.EINTR {
			return n, err
		}
	}
}
