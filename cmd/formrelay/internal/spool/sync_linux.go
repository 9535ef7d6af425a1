package spool

import (
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

const haveSyncfs = true

// syncfs flushes the file system f is on: every file's data and metadata.
// Since Linux 5.8 it reports writeback errors that occurred since the
// descriptor was opened, as fsync does.
func syncfs(f *os.File) error { return unix.Syncfs(int(f.Fd())) }

// writeNew creates name in the folder dir with permission bits perm (less
// the umask), failing if it exists, writes data and, with sync, fsyncs it. It works relative to the folder's
// descriptor and without an *os.File: the request path creates one file
// per request, and walking the spool's path and registering a file with
// the runtime each time showed in the profile.
func writeNew(dir *os.File, name string, data []byte, sync bool, perm fs.FileMode) error {
	dfd := int(dir.Fd())
	fd, err := ignoringEINTR(func() (int, error) {
		return unix.Openat(dfd, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, uint32(perm))
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

// renameNoReplace moves name from the folder from to the folder to in one
// step, failing with EEXIST rather than replace a file there (renameat2
// RENAME_NOREPLACE, Linux 3.15 and ext4, xfs, btrfs, tmpfs). Unlike link
// and unlink it frees no inode, so creating the next file stays cheap.
func renameNoReplace(from, to *os.File, name string) error {
	err := unix.Renameat2(int(from.Fd()), name, int(to.Fd()), name, unix.RENAME_NOREPLACE)
	if err == unix.EINVAL || err == unix.ENOSYS {
		// A file system without it.
		return linkRemove(filepath.Join(from.Name(), name), filepath.Join(to.Name(), name))
	}
	if err != nil {
		return &os.LinkError{Op: "rename", Old: filepath.Join(from.Name(), name), New: filepath.Join(to.Name(), name), Err: err}
	}
	return nil
}

// permIn returns the permission bits of the entry name in the folder dir,
// and whether there is one.
func permIn(dir *os.File, name string) (fs.FileMode, bool) {
	var st unix.Stat_t
	if unix.Fstatat(int(dir.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil {
		return 0, false
	}
	return fs.FileMode(st.Mode & 0o777), true
}

// chmodAt sets the permission bits of name in the folder dir, exactly.
func chmodAt(dir *os.File, name string, perm fs.FileMode) error {
	_, err := ignoringEINTR(func() (int, error) { return 0, unix.Fchmodat(int(dir.Fd()), name, uint32(perm), 0) })
	if err != nil {
		return &os.PathError{Op: "chmod", Path: filepath.Join(dir.Name(), name), Err: err}
	}
	return nil
}

func ignoringEINTR(f func() (int, error)) (int, error) {
	for {
		n, err := f()
		if err != unix.EINTR {
			return n, err
		}
	}
}
