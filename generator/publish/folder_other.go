//go:build !unix

package publish

import (
	"os"
	"path/filepath"
)

// A folder is the tree's folder; its files and folders are made by path
// (folder_unix.go makes them relative to the open folder).
type folder struct{ path string }

func openFolder(path string) (*folder, error) { return &folder{path: path}, nil }

// mkdir makes the folder rel (slash-separated), whose parent exists.
func (d *folder) mkdir(rel string) error {
	if err := os.Mkdir(filepath.Join(d.path, filepath.FromSlash(rel)), 0o755); err != nil && !os.IsExist(err) {
		return err
	}
	return nil
}

// write creates the file rel (slash-separated, new, in a folder that
// exists) holding body.
func (d *folder) write(rel string, body []byte) error {
	return os.WriteFile(filepath.Join(d.path, filepath.FromSlash(rel)), body, 0o644)
}

func (d *folder) close() {}
