package testtools

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Tmpfs mounts a tmpfs of size bytes on a new folder and returns it; the
// file system is unmounted when t ends. Tests of what a full disk does use
// one, since filling a real disk is not an option. Mounting needs root
// (or CAP_SYS_ADMIN) on Linux: without it, t fails under make or in CI,
// as for a missing tool, and is skipped otherwise.
func Tmpfs(t testing.TB, size int64) string {
	t.Helper()
	dir := t.TempDir()
	if err := mountTmpfs(dir, size); err != nil {
		missing(t, "a tmpfs to fill ("+err.Error()+"; mounting one needs root on Linux)")
	}
	// Registered after TempDir's clean-up, so it runs before it.
	t.Cleanup(func() {
		if err := unmount(dir); err != nil {
			t.Errorf("unmounting the test's tmpfs %s: %v", dir, err)
		}
	})
	return dir
}

// Fill writes the file path until its file system is full, then cuts it
// back so that about leave bytes are free, and returns its size. Removing
// the file gives the space back.
func Fill(t testing.TB, path string, leave int64) int64 {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	var n int64
	for {
		m, err := f.Write(buf)
		n += int64(m)
		if errors.Is(err, syscall.ENOSPC) {
			break
		}
		if err != nil {
			t.Fatalf("filling %s: %v", filepath.Dir(path), err)
		}
	}
	n = max(n-leave, 0)
	if err := f.Truncate(n); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	return n
}
