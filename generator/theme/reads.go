package theme

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"strings"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/themes"
)

// Digest hashes every file theme.Load reads from layers, and the
// options.
func Digest(layers []Layer, opts Options) [sha256.Size]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%q %q %q %d\n", opts.BasePath, opts.AssetBase, opts.Language, opts.WarnDays)
	read := func(layer Layer, name string) {
		data, err := fs.ReadFile(layer.FS, name)
		fmt.Fprintf(h, "%q %q %d %v\n", layer.Name, name, len(data), err)
		h.Write(data)
	}
	for _, layer := range layers {
		for _, page := range append([]string{"base.html"}, Pages...) {
			read(layer, "layouts/"+page)
		}
		entries, err := fs.ReadDir(layer.FS, "assets")
		fmt.Fprintf(h, "%q assets %v\n", layer.Name, err)
		for _, e := range entries {
			if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
				read(layer, "assets/"+e.Name())
			}
		}
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// A Cache keeps the theme last loaded while its files and options stay
// the same (Digest).
type Cache struct {
	digest [sha256.Size]byte
	loaded *Loaded
}

// A Loaded is a theme loaded, with its findings.
type Loaded struct {
	Theme *Theme
	L     diag.List
}

// Load loads the theme of layers, or returns the one loaded last time.
func (c *Cache) Load(layers []Layer, opts Options) *Loaded {
	digest := Digest(layers, opts)
	if c.loaded == nil || c.digest != digest {
		th, l := Load(layers, opts)
		c.digest, c.loaded = digest, &Loaded{Theme: th, L: l}
	}
	return c.loaded
}

// Site loads the theme site.yaml names (Stack) over def, the embedded
// default theme when nil, with site.yaml's language and warning days in
// opts, or returns the one loaded last time when its files and options
// are the same.
func (c *Cache) Site(fsys fs.FS, cfg *config.Site, def fs.FS, opts Options) (*Loaded, diag.List) {
	if def == nil {
		def = themes.Default()
	}
	layers, l := Stack(fsys, cfg, def)
	opts.Language, opts.WarnDays = cfg.Language, cfg.Review.WarnDays
	te := c.Load(layers, opts)
	return te, append(l, te.L...)
}
