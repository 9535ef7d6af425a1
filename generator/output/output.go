// Package output is what the rendering stages make and publish writes: a
// File (a path under the site root, its bytes, and whether they are final)
// and the one minifier every text output goes through, pages, assets and
// machine files alike, so that the same site gives the same bytes.
package output

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"slices"
	"sync"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
	"github.com/tdewolff/minify/v2/xml"

	"github.com/policysite/policysite/generator/internal/parallel"
)

// m is the one minifier: building it is costly and it is safe for concurrent use.
var m = func() *minify.M {
	m := minify.New()
	m.Add("text/html", &html.Minifier{
		KeepEndTags:         true,
		KeepQuotes:          true,
		KeepDocumentTags:    true,
		KeepDefaultAttrVals: true,
	})
	m.AddFunc("text/css", css.Minify)
	m.AddFunc("image/svg+xml", svg.Minify)
	m.AddFuncRegexp(regexp.MustCompile("^(application|text)/(x-)?(java|ecma)script$"), js.Minify)
	m.AddFuncRegexp(regexp.MustCompile(`[/+]json$`), json.Minify)
	m.AddFuncRegexp(regexp.MustCompile(`[/+]xml$`), xml.Minify)
	return m
}()

// mediaTypes maps file extensions to the media types the minifier knows.
var mediaTypes = map[string]string{
	".html": "text/html",
	".css":  "text/css",
	".js":   "application/javascript",
	".json": "application/json",
	".xml":  "text/xml",
	".svg":  "image/svg+xml",
}

// Minify minifies b as the file type of extension ext (".css"); other types
// are returned unchanged. b is not changed.
func Minify(ext string, b []byte) ([]byte, error) {
	if _, ok := mediaTypes[ext]; !ok {
		return b, nil
	}
	c := make([]byte, len(b), len(b)+1) // the byte to spare is the minifier's
	copy(c, b)
	return minifyOwn(ext, c)
}

// minifyOwn is Minify for a b that is the caller's alone and not used
// after: the minifiers read it in place (a bytes.Reader would be copied
// with io.ReadAll: docs/performance.md), change it (lower-casing names) and may write the byte past
// its length, within its capacity.
func minifyOwn(ext string, b []byte) ([]byte, error) {
	mt, ok := mediaTypes[ext]
	if !ok {
		return b, nil
	}
	var out bytes.Buffer
	out.Grow(len(b))
	if err := m.Minify(mt, &out, bytes.NewBuffer(b)); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// A File is one file of the built site.
type File struct {
	// Path is slash-separated and relative to the site root: "privacy/index.html".
	Path string
	Body []byte
	// Raw outputs are written as they are (already minified, or not text).
	Raw bool
}

// MinifyOne minifies o in place unless it is Raw. o.Body is consumed: the
// minifier works in it, so it must be o's alone (as a freshly rendered
// page's is) and is replaced.
func MinifyOne(o *File) error {
	if o.Raw {
		return nil
	}
	b, err := minifyOwn(path.Ext(o.Path), o.Body)
	if err != nil {
		return fmt.Errorf("minify %s: %w", o.Path, err)
	}
	o.Body = b
	return nil
}

// MinifyAll minifies every output that is not Raw, in parallel, in place,
// as MinifyOne does.
func MinifyAll(outs []File) error {
	var mu sync.Mutex
	var first error
	parallel.For(len(outs), func(i int) {
		if err := MinifyOne(&outs[i]); err != nil {
			mu.Lock()
			if first == nil {
				first = err
			}
			mu.Unlock()
		}
	})
	return first
}

// A Last is the outputs of the last render, to tell what the next changes.
type Last map[string][]byte

// Changed returns the paths of outs that are new or differ from last's,
// and of last's that are gone, sorted, and makes outs the last.
func (last Last) Changed(outs []File) []string {
	var changed []string
	kept, before := 0, len(last)
	for _, o := range outs {
		old, ok := last[o.Path]
		if ok {
			kept++
		}
		// bytes.Equal returns at once for a page kept from the last render.
		if !ok || !bytes.Equal(old, o.Body) {
			changed = append(changed, o.Path)
		}
		// The newest copy, even when equal: the next render keeps it,
		// and comparing it with itself is at once.
		last[o.Path] = o.Body
	}
	if kept < before {
		// Some outputs went: find them.
		now := make(map[string]bool, len(outs))
		for _, o := range outs {
			now[o.Path] = true
		}
		for p := range last {
			if !now[p] {
				changed = append(changed, p)
				delete(last, p)
			}
		}
	}
	slices.Sort(changed)
	return changed
}
