// Package themes embeds the default theme, so the policysite binary builds a
// complete site with no files besides the content. A site overrides any single
// file of it by placing a file at the same path under its themes/<name>/.
package themes

import (
	"embed"
	"io/fs"
)

//go:embed all:default
var files embed.FS

// Default returns the default theme's files: layouts/*.html and assets/*.
func Default() fs.FS {
	sub, err := fs.Sub(files, "default")
	if err != nil {
		panic(err) // the embedded tree always has default/
	}
	return sub
}
