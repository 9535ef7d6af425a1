// Package sitetest builds site folders in memory for tests, so that a
// test of what the generator makes of a site needs no disk.
package sitetest

import (
	"testing/fstest"

	"golang.org/x/tools/txtar"
)

// FS returns the files of a txtar archive as a site folder: each file's
// name is its path in the folder (site.yaml, content/privacy.md), and
// folders are implied. The map may be changed between renders, as an
// editor changes files.
func FS(archive string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, f := range txtar.Parse([]byte(archive)).Files {
		fsys[f.Name] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
	}
	return fsys
}

// Files returns a site folder holding files, by path in the folder.
func Files(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data), Mode: 0o644}
	}
	return fsys
}
