// Package serve serves a built site from memory over HTTP, as a static host
// would: index.html for folders, 404.html for what is missing.
package serve

import (
	"bytes"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/policysite/policysite/generator/output"
)

// headersPath is the file of headers a static host applies.
const headersPath = "/_headers"

// Handler serves outs.
func Handler(outs []output.File) http.Handler {
	files := make(map[string][]byte, len(outs))
	for _, o := range outs {
		files["/"+o.Path] = o.Body
	}
	return handler(files)
}

// handler serves files, by URL path ("/privacy/index.html"), with the
// headers their _headers file gives them; it never changes them.
func handler(files map[string][]byte) http.Handler {
	rules := parseHeaders(files[headersPath])
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean("/" + r.URL.Path)
		if strings.HasSuffix(r.URL.Path, "/") && p != "/" {
			p += "/"
		}
		applyHeaders(w.Header(), rules, p)
		if strings.HasSuffix(p, "/") {
			p += "index.html"
		}
		body, ok := files[p]
		if p == headersPath {
			ok = false // read by the host, never served
		}
		if !ok {
			if _, dir := files[p+"/index.html"]; dir {
				http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			w.Write(files["/404.html"])
			return
		}
		if ct := mime.TypeByExtension(path.Ext(p)); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, p, time.Time{}, bytes.NewReader(body))
	})
}
