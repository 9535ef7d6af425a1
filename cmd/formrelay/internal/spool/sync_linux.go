package spool

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// fdatasync flushes f's data, and what reading it back needs (its size),
// to stable storage.
func fdatasync(f *os.File) error {
	_, err := ignoringEINTR(func() (int, error) { return 0, unix.Fdatasync(int(f.Fd())) })
	return err
}

// writeNew creates name (mode 0600) in the folder dir, failing if it
// exists, writes data and, with sync, fsyncs it. It works relative to the
// folder's descriptor and without an *os.File: walking the spool's path
// and registering a file with the runtime each time showed in the profile.
func writeNew(dir *os.File, name string, data []byte, sync bool) error {
	dfd := int(dir.Fd())
	fd, err := ignoringEINTR(func() (int, error) {
		return unix.Openat(dfd, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o600)
	})
	if err != nil {
		return &os.PathError{Op: "create", Path: filepath.Join(dir.Name(), name), Err: err}
	}
	for len(data) > 0 && err == nil {
		var n int
		n, err = ignoringEINTR(func() (int, error) { return unix.Write(fd, data) })
		data = data[n:]
	}
	if err == nil && sync {
		_, err = ignoringEINTR(func() (int, error) { return 0, unix.Fsync(fd) })
	}
	if cerr := unix.Close(fd); err == nil {
		err = cerr
	}
	if err != nil {
		unix.Unlinkat(dfd, name, 0)
		return &os.PathError{Op: "write", Path: filepath.Join(dir.Name(), name), Err: err}
	}
	return nil
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
