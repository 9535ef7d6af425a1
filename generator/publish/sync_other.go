//go:build !linux

package publish

import (
	"io/fs"
	"os"
	"path/filepath"
)

// syncTree makes everything written under root durable, a file at a time.
func syncTree(root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Sync()
	})
}
