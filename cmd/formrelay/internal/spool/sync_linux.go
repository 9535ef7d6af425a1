package spool

import (
	"errors"
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

// freeSpace returns the bytes free to an unprivileged user on the file
// system holding dir, and whether it could tell.
func freeSpace(dir string) (int64, bool) {
	var st unix.Statfs_t
	if unix.Statfs(dir, &st) != nil {
		return 0, false
	}
	return int64(st.Bavail) * int64(st.Bsize), true
}

// allocate gives f size bytes of disk, as blocks of its own.
func allocate(f *os.File, size int64) error {
	_, err := ignoringEINTR(func() (int, error) { return 0, unix.Fallocate(int(f.Fd()), 0, 0, size) })
	if err == unix.EOPNOTSUPP {
		return writeZeros(f, size)
	}
	return err
}

// noSpace reports whether err is that of a full disk, or of a quota used up.
func noSpace(err error) bool {
	return errors.Is(err, unix.ENOSPC) || errors.Is(err, unix.EDQUOT)
}
