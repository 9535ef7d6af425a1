package publish

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncTree makes everything written under root durable: syncfs(2) flushes
// the file system root is on in one call.
func syncTree(root string) error {
	f, err := os.Open(root)
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.Syncfs(int(f.Fd()))
}
