package spool

import (
	"os"

	"golang.org/x/sys/unix"
)

const haveSyncfs = true

// syncfs flushes the file system f is on: every file's data and metadata.
// Since Linux 5.8 it reports writeback errors that occurred since the
// descriptor was opened, as fsync does.
func syncfs(f *os.File) error { return unix.Syncfs(int(f.Fd())) }

// renameNoReplace moves oldpath to newpath in one step, failing with
// EEXIST rather than replace a file there (renameat2 RENAME_NOREPLACE,
// Linux 3.15 and ext4, xfs, btrfs, tmpfs). Unlike link and unlink it frees
// no inode, so creating the next file stays cheap.
func renameNoReplace(oldpath, newpath string) error {
	err := unix.Renameat2(unix.AT_FDCWD, oldpath, unix.AT_FDCWD, newpath, unix.RENAME_NOREPLACE)
	if err == unix.EINVAL || err == unix.ENOSYS {
		return linkRemove(oldpath, newpath) // file system without it
	}
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	return nil
}
