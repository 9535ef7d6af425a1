package corpus

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/tdewolff/minify/v2"
	mhtml "github.com/tdewolff/minify/v2/html"
	"github.com/yuin/goldmark"
	"gopkg.in/yaml.v3"

	"github.com/policysite/policysite/generator/frontmatter"
)

// Floor is the least any generator built on our libraries could do: read,
// split, decode YAML, render markdown, minify and write each policy, one
// worker per core, with no templates, index, checks or links. Benchmarks of
// the real build report their time as a ratio to it.
func Floor(src, dst string) error {
	files, err := filepath.Glob(filepath.Join(src, "content", "*.md"))
	if err != nil {
		return err
	}
	m := minify.New()
	m.Add("text/html", &mhtml.Minifier{KeepEndTags: true, KeepQuotes: true, KeepDocumentTags: true})
	md := goldmark.New()
	os.MkdirAll(dst, 0o755)
	var wg sync.WaitGroup
	next := make(chan string)
	errs := make(chan error, 1)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var html, min bytes.Buffer
			for f := range next {
				data, err := os.ReadFile(f)
				if err == nil {
					var fm []byte
					var body []byte
					fm, _, body, _, err = frontmatter.Split(data)
					var meta map[string]any
					if err == nil {
						err = yaml.Unmarshal(fm, &meta)
					}
					html.Reset()
					min.Reset()
					if err == nil {
						err = md.Convert(body, &html)
					}
					if err == nil {
						err = m.Minify("text/html", &min, &html)
					}
					if err == nil {
						err = os.WriteFile(filepath.Join(dst, filepath.Base(f)+".html"), min.Bytes(), 0o644)
					}
				}
				if err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		})
	}
	for _, f := range files {
		next <- f
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}
