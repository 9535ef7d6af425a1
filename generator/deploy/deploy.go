// Package deploy publishes a built site (the destination folder of
// `policysite build`) to a remote Target: an S3 bucket or a folder on a web
// host reached over SFTP.
//
// Input: the folder, read by Scan into Files with their content hashes,
// and what the target holds (Target.List). Output: a Plan, computed by the
// pure function NewPlan, and Execute, which carries it out. Invariants:
//
//   - Incremental: a file whose hash the target already holds is not sent.
//   - Ordered so a visitor never follows a link to a file not yet there:
//     new and changed assets first (CSS, JavaScript, images, documents),
//     then pages, deepest first (a policy's history before the policy),
//     then the files that list the others (the home page, sitemap.xml,
//     feed.xml, policies.json, reviews.ics). Each tier finishes before the
//     next begins.
//   - Stale files (on the target, not in the build) are removed last, and
//     only up to MaxDeletes: beyond it the plan is refused before anything
//     changes, since an empty or wrong folder would otherwise wipe the site.
//   - Every file is sent with its content type and Cache-Control.
//
// A Target that keeps a record of what it holds (SFTP's manifest) writes it
// after every change, through Committer.
package deploy

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// A File is one file of the built site.
type File struct {
	// Path is slash-separated and relative to the site's root: "privacy/index.html".
	Path   string
	Size   int64
	SHA256 string // hex
	MD5    string // hex; S3 reports it as the ETag of a simple upload
	// ContentType and CacheControl are the headers to serve it with.
	ContentType  string
	CacheControl string
}

// A Remote is a file the target holds, with whichever digests it knows.
type Remote struct {
	Path   string
	SHA256 string
	MD5    string
}

// Same reports whether the target's copy r has f's content.
func (r Remote) Same(f File) bool {
	switch {
	case r.SHA256 != "":
		return r.SHA256 == f.SHA256
	case r.MD5 != "":
		return r.MD5 == f.MD5
	}
	return false
}

// A Target is where a site is published.
type Target interface {
	// List returns every file the target holds for the site.
	List(ctx context.Context) ([]Remote, error)
	// Put stores f, reading its f.Size bytes from body. A reader of the
	// site sees the old file or the new one, never a part.
	Put(ctx context.Context, f File, body io.Reader) error
	// Delete removes the file at path; one already gone is no error.
	Delete(ctx context.Context, path string) error
}

// A Committer is a Target that records what it holds after changes.
type Committer interface {
	Commit(ctx context.Context) error
}

// A Statter is a Target that can read one file's sha256 when what List
// returned does not settle whether it changed: an S3 ETag is the MD5 only
// for objects sent in one piece without KMS encryption.
type Statter interface {
	Stat(ctx context.Context, path string) (Remote, error)
}

// Refine asks t, when it is a Statter, for the sha256 of every file in
// remote that List's digests say differs from the build, and puts it in
// remote. A file that really changed costs one more request; a file whose
// ETag is not an MD5 is not sent again for that.
func Refine(ctx context.Context, t Target, local []File, remote []Remote) error {
	st, ok := t.(Statter)
	if !ok {
		return nil
	}
	built := make(map[string]File, len(local))
	for _, f := range local {
		built[f.Path] = f
	}
	for i, r := range remote {
		f, ok := built[r.Path]
		if !ok || r.SHA256 != "" || r.Same(f) {
			continue
		}
		got, err := st.Stat(ctx, r.Path)
		if err != nil {
			return err
		}
		if got.SHA256 != "" {
			remote[i].SHA256 = got.SHA256
		}
	}
	return nil
}

// Rules give each file its headers.
type Rules struct {
	// CacheControl maps a path pattern ("/assets/*", or an exact "/x.html")
	// to Cache-Control, as the site's _headers rules do; the last match wins.
	CacheControl []Rule
	// Default is Cache-Control for a path no rule matches.
	Default string
}

// A Rule is one path pattern and its header value.
type Rule struct{ Pattern, Value string }

// PageCacheControl is how long a page may be cached: short, so a revised
// policy reaches readers within minutes.
const PageCacheControl = "public, max-age=300"

func (r Rules) cacheControl(p string) string {
	v := r.Default
	for _, rule := range r.CacheControl {
		if match(rule.Pattern, "/"+p) {
			v = rule.Value
		}
	}
	return v
}

// match reports whether path p matches a _headers pattern: a trailing *
// matches any rest (slashes included), as Netlify reads it.
func match(pattern, p string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(p, prefix)
	}
	return p == pattern
}

// contentTypes are the types of the files a build writes, fixed here rather
// than read from the machine's mime.types, so every machine deploys the
// same headers. Text is UTF-8.
var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".json":        "application/json",
	".xml":         "application/xml",
	".txt":         "text/plain; charset=utf-8",
	".ics":         "text/calendar; charset=utf-8",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".ico":         "image/vnd.microsoft.icon",
	".pdf":         "application/pdf",
	".woff2":       "font/woff2",
	".woff":        "font/woff",
	".webmanifest": "application/manifest+json",
	".docx":        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx":        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".odt":         "application/vnd.oasis.opendocument.text",
	".csv":         "text/csv; charset=utf-8",
}

// ContentType returns the Content-Type for a file's path.
func ContentType(p string) string {
	ext := strings.ToLower(path.Ext(p))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if path.Base(p) == "_headers" {
		return "text/plain; charset=utf-8"
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// Scan reads the built site in dir: every regular file, with its hashes
// and headers, sorted by path. Symbolic links are refused: a build writes
// none, and one could publish a file from outside the site. A git
// checkout (.git), which a build keeps in its destination, is no part of
// the site, and would publish the repository: it is left out.
func Scan(dir string, rules Rules) ([]File, error) {
	var files []File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Name() == ".git" && p != dir {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file (a build writes only files and folders)", p)
		}
		f, err := hashFile(p)
		if err != nil {
			return err
		}
		f.Path = rel
		f.ContentType = ContentType(rel)
		f.CacheControl = rules.cacheControl(rel)
		files = append(files, f)
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s does not exist: run policysite build first", dir)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, err
}

func hashFile(p string) (File, error) {
	fh, err := os.Open(p)
	if err != nil {
		return File{}, err
	}
	defer fh.Close()
	s, m := sha256.New(), md5.New()
	n, err := io.Copy(io.MultiWriter(s, m), fh)
	if err != nil {
		return File{}, err
	}
	return File{Size: n, SHA256: hex.EncodeToString(s.Sum(nil)), MD5: hex.EncodeToString(m.Sum(nil))}, nil
}

// Tiers, in the order they are uploaded.
const (
	TierAsset = iota // everything a page links to or loads
	TierPage         // .html pages
	TierIndex        // the files that list every other: /, sitemap, feeds
)

// Tier returns which tier a path is uploaded in.
func Tier(p string) int {
	if !strings.Contains(p, "/") {
		switch path.Ext(p) {
		case ".xml", ".json", ".ics", ".rss", ".atom":
			return TierIndex
		}
		if p == "index.html" {
			return TierIndex
		}
	}
	if path.Ext(p) == ".html" {
		return TierPage
	}
	return TierAsset
}

// Why a file is uploaded.
const (
	New     = "new"
	Changed = "changed"
	Forced  = "forced"
)

// An Upload is one file to send.
type Upload struct {
	File
	Reason string // New, Changed or Forced
	Tier   int
}

// A Plan is what a deploy does: Uploads in order, then Deletes.
type Plan struct {
	Uploads   []Upload
	Deletes   []string // sorted
	Unchanged int
}

// Options bound a plan.
type Options struct {
	// MaxDeletes is how many stale files the plan may remove.
	MaxDeletes int
	// Force uploads every file, even those the target already holds.
	Force bool
}

// A TooManyDeletesError refuses a plan that removes more than allowed.
type TooManyDeletesError struct{ N, Max int }

func (e *TooManyDeletesError) Error() string {
	return fmt.Sprintf("the deploy would remove %d files from the target, more than the limit of %d; nothing was changed. "+
		"If the build is right (see the list with --dry-run), run again with --max-deletes %d", e.N, e.Max, e.N)
}

// NewPlan compares the built site with what the target holds. It is pure.
func NewPlan(local []File, remote []Remote, opts Options) (*Plan, error) {
	if len(local) == 0 {
		return nil, errors.New("the site folder is empty: run policysite build first")
	}
	have := make(map[string]Remote, len(remote))
	for _, r := range remote {
		have[r.Path] = r
	}
	p := &Plan{}
	built := make(map[string]bool, len(local))
	for _, f := range local {
		built[f.Path] = true
		r, ok := have[f.Path]
		reason := New
		switch {
		case ok && !r.Same(f):
			reason = Changed
		case ok && opts.Force:
			reason = Forced
		case ok:
			p.Unchanged++
			continue
		}
		p.Uploads = append(p.Uploads, Upload{File: f, Reason: reason, Tier: Tier(f.Path)})
	}
	for _, r := range remote {
		if !built[r.Path] {
			p.Deletes = append(p.Deletes, r.Path)
		}
	}
	sort.Strings(p.Deletes)
	p.Deletes = slicesCompact(p.Deletes)
	if len(p.Deletes) > opts.MaxDeletes {
		return p, &TooManyDeletesError{len(p.Deletes), opts.MaxDeletes}
	}
	sort.SliceStable(p.Uploads, func(i, j int) bool {
		a, b := p.Uploads[i], p.Uploads[j]
		if a.Tier != b.Tier {
			return a.Tier < b.Tier
		}
		if da, db := strings.Count(a.Path, "/"), strings.Count(b.Path, "/"); a.Tier == TierPage && da != db {
			return da > db
		}
		return a.Path < b.Path
	})
	return p, nil
}

func slicesCompact(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// A Result counts what Execute did.
type Result struct {
	Uploaded  int `json:"uploaded"`
	Removed   int `json:"removed"`
	Unchanged int `json:"unchanged"`
}

// An Event is one change Execute made, for progress output.
type Event struct {
	Op   string // "upload" or "remove"
	Path string
	// Reason is New, Changed or Forced for an upload.
	Reason string
}

// Execute carries out p against t, reading files from dir. Within a tier,
// up to parallel files are in flight; a tier ends before the next starts,
// and removals come after every upload. On the first failure it stops
// starting new work, and still commits what was done, so the target's
// record matches what it holds. progress, if not nil, is called after
// each change, from one goroutine at a time.
func Execute(ctx context.Context, t Target, dir string, p *Plan, parallel int, progress func(Event)) (Result, error) {
	res := Result{Unchanged: p.Unchanged}
	var mu sync.Mutex
	report := func(e Event) {
		mu.Lock()
		defer mu.Unlock()
		if e.Op == "upload" {
			res.Uploaded++
		} else {
			res.Removed++
		}
		if progress != nil {
			progress(e)
		}
	}
	err := func() error {
		for start := 0; start < len(p.Uploads); {
			end := start
			for end < len(p.Uploads) && p.Uploads[end].Tier == p.Uploads[start].Tier {
				end++
			}
			tier := p.Uploads[start:end]
			if err := each(ctx, len(tier), parallel, func(ctx context.Context, i int) error {
				u := tier[i]
				if err := put(ctx, t, dir, u.File); err != nil {
					return fmt.Errorf("uploading %s: %w", u.Path, err)
				}
				report(Event{Op: "upload", Path: u.Path, Reason: u.Reason})
				return nil
			}); err != nil {
				return err
			}
			start = end
		}
		return each(ctx, len(p.Deletes), parallel, func(ctx context.Context, i int) error {
			if err := t.Delete(ctx, p.Deletes[i]); err != nil {
				return fmt.Errorf("removing %s: %w", p.Deletes[i], err)
			}
			report(Event{Op: "remove", Path: p.Deletes[i]})
			return nil
		})
	}()
	if c, ok := t.(Committer); ok && res.Uploaded+res.Removed > 0 {
		if cerr := c.Commit(ctx); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}
	return res, err
}

func put(ctx context.Context, t Target, dir string, f File) error {
	fh, err := os.Open(filepath.Join(dir, filepath.FromSlash(f.Path)))
	if err != nil {
		return err
	}
	defer fh.Close()
	return t.Put(ctx, f, fh)
}

// each runs fn(0..n-1) with up to parallel at once and returns the first
// error; after one, no new call starts.
func each(ctx context.Context, n, parallel int, fn func(context.Context, int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	parallel = max(1, min(parallel, n))
	next := make(chan int)
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(ctx, i); err != nil {
					once.Do(func() { first = err; cancel() })
				}
			}
		}()
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// String is the one summary line: "uploaded 3, removed 1, unchanged 1,204".
func (r Result) String() string {
	return fmt.Sprintf("uploaded %s, removed %s, unchanged %s", thousands(r.Uploaded), thousands(r.Removed), thousands(r.Unchanged))
}

// String is the dry run's summary line.
func (p *Plan) String() string {
	return fmt.Sprintf("would upload %s, remove %s, unchanged %s", thousands(len(p.Uploads)), thousands(len(p.Deletes)), thousands(p.Unchanged))
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
