//go:build unix

package publish

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// A folder is the tree's folder, held open: its files and folders are
// made relative to it (openat, mkdirat), so that the kernel resolves two
// names rather than the tree's whole path, and a file is opened, written
// and closed in three system calls. os.WriteFile takes seven, as it makes
// the file ready for Go's poller (four fcntl and a failing epoll_ctl), and
// os.MkdirAll looks up the folder and its parent before making it
// (docs/performance.md).
type folder struct {
	f    *os.File
	fd   int
	path string
}

func openFolder(path string) (*folder, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &folder{f: f, fd: int(f.Fd()), path: path}, nil
}

// mkdir makes the folder rel (slash-separated), whose parent exists.
func (d *folder) mkdir(rel string) error {
	if err := ignoringEINTR(func() error { return unix.Mkdirat(d.fd, rel, 0o755) }); err != nil && !errors.Is(err, unix.EEXIST) {
		return &fs.PathError{Op: "mkdir", Path: filepath.Join(d.path, rel), Err: err}
	}
	return nil
}

// write creates the file rel (slash-separated, new, in a folder that
// exists) holding body.
func (d *folder) write(rel string, body []byte) error {
	var fd int
	err := ignoringEINTR(func() (err error) {
		fd, err = unix.Openat(d.fd, rel, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o644)
		return err
	})
	if err != nil {
		return &fs.PathError{Op: "open", Path: filepath.Join(d.path, rel), Err: err}
	}
	for len(body) > 0 && err == nil {
		var n int
		if n, err = unix.Write(fd, body); err == nil {
			body = body[n:]
		} else if err == unix.EINTR {
			err = nil
		}
	}
	if cerr := unix.Close(fd); err == nil {
		err = cerr
	}
	if err != nil {
		return &fs.PathError{Op: "write", Path: filepath.Join(d.path, rel), Err: err}
	}
	return nil
}

func (d *folder) close() { d.f.Close() }

func ignoringEINTR(f func() error) error {
	for {
		if err := f(); err != unix.EINTR {
			return err
		}
	}
}
