// Package source finds a site's policy files. It reads through an fs.FS
// rooted at the site folder (os.Root in production), so nothing outside the
// site folder can be read, even through a symbolic link.
package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
)

// Dir is the folder of a site that holds its policies.
const Dir = "content"

// MaxSize is the largest policy file read, far beyond any real policy.
const MaxSize = 16 << 20

// A File is a policy source file.
type File struct {
	// Path is relative to the site root: content/privacy.md.
	Path string
	// Slug is the policy's URL name: privacy.
	Slug string
	Data []byte
	// History holds the earlier versions of a folder-form policy,
	// content/<slug>/history/<version>.md, sorted by path. Version is set
	// on those files (from the file name), empty on current policies.
	History []File
	Version string
	// Committed is the day the file was last committed, when the
	// command looked it up (generator.Options.Committed).
	Committed date.Date
	// Assets are the other files of the policy's folder, published
	// beside its page (AssetPath): pictures, PDFs. Sorted paths.
	Assets []string
	// School is the id of the school whose own policy this is, a file
	// of content/<school>/ (ListSchool); empty for the trust's.
	School string
	// Trust, on a school's copy of a trust policy, is the trust's file
	// it replaces: a school's centre publishes it while the copy is a
	// draft.
	Trust *File
}

// IsSlug reports whether s can be a policy's URL, and so its file's name:
// lower-case letters and digits, in words joined by single hyphens. It is
// asked of every policy's file name on every save in serve, so it is a
// loop over bytes rather than a regular expression.
func IsSlug(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// Reserved are slugs the generator uses for its own pages.
var Reserved = map[string]bool{"assets": true, "requests": true, "changes": true, "feed": true, "404": true}

// List finds the policies, their earlier versions and the files published
// beside them, leaving Data nil. Load reads them, so a build can hold one
// policy's text at a time.
//
// A policy is content/<name>.md, content/<name>/index.md (its folder,
// which may hold history/<version>.md and files published beside it), or
// content/<section>/<name>.md in a folder without index.md, as other
// generators group pages. Its slug is Slug(name), or the slug: line of its
// front matter. Markdown files deeper than that, or beside an index.md,
// are not policies: each is a nested-file warning. Two files with one slug
// are an error naming both.
//
// The folders content/<school>/ of schools are not read: they hold each
// school's own policies (ListSchool).
func List(fsys fs.FS, schools ...string) ([]File, diag.List) { return list(fsys, nil, schools) }

// list is List, telling seen (when not nil) what it read.
func list(fsys fs.FS, seen *seen, schools []string) ([]File, diag.List) {
	skip := make(map[string]bool, len(schools))
	for _, s := range schools {
		skip[Dir+"/"+s] = true
	}
	var l diag.List
	var files []File
	bySlug := map[string]string{}
	history := map[string][]File{}
	folders := map[string]bool{} // content/<d> holding an index.md
	var assets []string          // candidate files beside a policy
	var nested []string          // markdown files that are no policy's
	var unpublished []string     // files of a kind never published
	err := fs.WalkDir(fsys, Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == Dir && errors.Is(err, fs.ErrNotExist) {
				l.Errorf(diag.Pos{File: Dir}, "no content folder: policies go in content/<slug>.md")
				return fs.SkipAll
			}
			l.Errorf(diag.Pos{File: p}, "%v", Explain(err))
			return nil
		}
		name := d.Name()
		if ignored(name) {
			if d.IsDir() && p != Dir {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if skip[p] {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			seen.symlink()
		} else if !d.Type().IsRegular() {
			return nil
		}
		rel := strings.TrimPrefix(p, Dir+"/")
		parts := strings.Split(rel, "/")
		version, isHistory := historyVersion(p)
		isMD := strings.EqualFold(path.Ext(name), ".md")
		switch {
		case isHistory:
		case len(parts) == 2 && name == "index.md":
			folders[parts[0]] = true
		case isMD && len(parts) <= 2:
		case isMD:
			nested = append(nested, p)
			seen.file(p)
			return nil
		case len(parts) >= 2 && Published[strings.ToLower(path.Ext(name))]:
			assets = append(assets, p)
			seen.file(p)
			return nil
		default:
			if len(parts) >= 2 {
				unpublished = append(unpublished, p)
			}
			seen.file(p)
			return nil
		}
		info, err := fs.Stat(fsys, p)
		if err != nil {
			l.Errorf(diag.Pos{File: p}, "%v", Explain(err))
			return nil
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		if info.Size() > MaxSize {
			l.Errorf(diag.Pos{File: p}, "file is %d MiB; a policy may be at most %d MiB", info.Size()>>20, MaxSize>>20)
			return nil
		}
		seen.file(p)
		if isHistory {
			history[parts[0]] = append(history[parts[0]], File{Path: p, Version: version})
			return nil
		}
		files = append(files, File{Path: p})
		return nil
	})
	if err != nil {
		l.Errorf(diag.Pos{File: Dir}, "%v", Explain(err))
	}
	kept := files[:0]
	for _, f := range files {
		parts := strings.Split(strings.TrimPrefix(f.Path, Dir+"/"), "/")
		if len(parts) == 2 && parts[1] != "index.md" && folders[parts[0]] {
			nested = append(nested, f.Path)
			continue
		}
		named := SlugOf(f.Path)
		slug, pos, ok := frontSlug(fsys, f.Path)
		seen.peeked(f.Path, peek{slug, pos.Line, pos.Col, ok})
		switch {
		case !ok:
			slug = named
		case !IsSlug(slug):
			l.Errorf(pos, "slug: %q cannot be a policy's URL: use lower-case letters, digits and hyphens (privacy-notice)", slug)
			continue
		}
		if slug == "" {
			l.Errorf(diag.Pos{File: f.Path}, "%q cannot be a policy's URL: its name has no letter or digit a URL can hold; rename the file or set slug: in its front matter", path.Base(f.Path))
			continue
		}
		if Reserved[slug] {
			l.Errorf(diag.Pos{File: f.Path}, "%q is reserved for the site's own pages: rename the policy or set slug: in its front matter", slug)
			continue
		}
		if other, dup := bySlug[slug]; dup {
			l.Errorf(diag.Pos{File: f.Path}, "policy %q is also %s: keep one of them, or give one a slug: of its own", slug, other)
			continue
		}
		bySlug[slug] = f.Path
		f.Slug = slug
		kept = append(kept, f)
	}
	files = kept
	nestedFile := func(p, msg string) {
		l = append(l, diag.Diagnostic{Pos: diag.Pos{File: p}, Severity: diag.Warning, Rule: "nested-file", Message: msg})
	}
	for _, p := range nested {
		nestedFile(p, "not a policy, and not published: a policy is content/<name>.md, content/<name>/index.md or content/<folder>/<name>.md")
	}
	if len(unpublished) > 0 {
		msg := fmt.Sprintf("not published: beside a policy only pictures and documents are (%s)", publishedList())
		for _, p := range unpublished {
			nestedFile(p, msg)
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	for i := range files {
		if d, ok := strings.CutSuffix(files[i].Path, "/index.md"); ok {
			folder := strings.TrimPrefix(d, Dir+"/")
			for _, h := range history[folder] {
				h.Slug = files[i].Slug
				files[i].History = append(files[i].History, h)
			}
			delete(history, folder)
		}
	}
	for folder, hs := range history {
		for _, h := range hs {
			l.Errorf(diag.Pos{File: h.Path}, "an earlier version of %q, which has no %s/%s/index.md", Slug(folder), Dir, folder)
		}
	}
	files = attachAssets(files, assets)
	return files, l
}

// Published are the kinds of file published beside a policy, by
// extension: pictures and documents. Nothing a browser would run (HTML,
// SVG, JavaScript) is, as content is untrusted.
var Published = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".avif": true,
	".pdf": true, ".docx": true, ".xlsx": true, ".pptx": true, ".odt": true, ".ods": true, ".csv": true, ".txt": true,
}

func publishedList() string {
	var exts []string
	for e := range Published {
		exts = append(exts, e)
	}
	sort.Strings(exts)
	return strings.Join(exts, " ")
}

// attachAssets gives each policy the files of its folder,
// content/<folder>/, that are published beside it: every file but
// markdown, under the folder whose Slug is the policy's, history/
// included. Files in a section's folder belong to no policy.
func attachAssets(files []File, assets []string) []File {
	if len(assets) == 0 {
		return files
	}
	byFolder := make(map[string]int, len(files))
	for i, f := range files {
		if d := FolderOf(f.Path); d != "" {
			byFolder[d] = i
		}
	}
	sort.Strings(assets)
	for _, a := range assets {
		folder, _, _ := strings.Cut(strings.TrimPrefix(a, Dir+"/"), "/")
		if i, ok := byFolder[folder]; ok {
			files[i].Assets = append(files[i].Assets, a)
		}
	}
	return files
}

// ListSchool returns the policies of a school's centre: its own, found in
// content/<school>/ as List finds the trust's in content/, and those of
// trust (List's) that it has no copy of; a copy of a trust policy
// (content/<school>/<slug>.md) holds the trust's file in Trust.
func ListSchool(fsys fs.FS, school string, trust []File) ([]File, diag.List) {
	return listSchool(fsys, nil, school, trust)
}

// listSchool is ListSchool, telling seen (when not nil) what it read.
func listSchool(fsys fs.FS, seen *seen, school string, trust []File) ([]File, diag.List) {
	dir := Dir + "/" + school
	if _, err := fs.Stat(fsys, dir); err != nil {
		return trust, nil
	}
	u := &under{fsys: fsys, dir: dir}
	own, l := list(u, seen.under(u), nil)
	real := u.path
	for i := range l {
		l[i].File = real(l[i].File)
	}
	bySlug := make(map[string]int, len(own))
	for i := range own {
		f := &own[i]
		f.Path, f.School = real(f.Path), school
		for j := range f.History {
			f.History[j].Path, f.History[j].School = real(f.History[j].Path), school
		}
		for j := range f.Assets {
			f.Assets[j] = real(f.Assets[j])
		}
		bySlug[f.Slug] = i
	}
	out := make([]File, 0, len(trust)+len(own))
	for _, f := range trust {
		if i, ok := bySlug[f.Slug]; ok {
			t := f
			own[i].Trust = &t
			continue
		}
		out = append(out, f)
	}
	return append(out, own...), l
}

// ignored reports whether List passes over a file or folder of this name:
// hidden, an editor's backup or lock file.
func ignored(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") || strings.HasPrefix(name, "#")
}

// under is fsys with dir in place of content/: List finds a school's
// policies in it as it finds the trust's in content/.
type under struct {
	fsys fs.FS
	dir  string
}

// path is name in fsys.
func (u *under) path(name string) string {
	if rest, ok := strings.CutPrefix(name, Dir); ok && (rest == "" || rest[0] == '/') {
		return u.dir + rest
	}
	return name
}

// Open, ReadFile, ReadDir and Stat go to fsys, so that a Cache under it
// serves a school's files as it serves the trust's.
func (u *under) Open(name string) (fs.File, error)          { return u.fsys.Open(u.path(name)) }
func (u *under) ReadFile(name string) ([]byte, error)       { return fs.ReadFile(u.fsys, u.path(name)) }
func (u *under) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(u.fsys, u.path(name)) }
func (u *under) Stat(name string) (fs.FileInfo, error)      { return fs.Stat(u.fsys, u.path(name)) }

// FolderOf returns the folder under content/ that is a policy's own: the
// one holding its index.md, or for content/<name>.md the folder <name>
// (import puts a document's pictures there); "" for a section's page.
func FolderOf(p string) string {
	rel := strings.TrimPrefix(p, Dir+"/")
	if d, ok := strings.CutSuffix(rel, "/index.md"); ok {
		return d
	}
	if strings.Contains(rel, "/") {
		return "" // a section's page has no folder of its own
	}
	return strings.TrimSuffix(rel, path.Ext(rel))
}

// SlugOf returns the slug a policy file's name gives it: content/a.md,
// content/a/index.md and content/Section/a.md are all "a", and
// content/Política de Cookies.md is politica-de-cookies. A slug: line in
// the file's front matter overrides it (List).
func SlugOf(file string) string {
	rel := strings.TrimPrefix(file, Dir+"/")
	if d, ok := strings.CutSuffix(rel, "/index.md"); ok {
		return Slug(d)
	}
	name := path.Base(rel)
	return Slug(strings.TrimSuffix(name, path.Ext(name)))
}

// AssetPath returns where a file of a policy's folder is published,
// relative to the site root: under the policy's slug, as it is under the
// folder (content/Data Protection/a b.png of data-protection is
// data-protection/a b.png; escaping it in a URL is the caller's).
func AssetPath(slug, file string) string {
	_, rest, _ := strings.Cut(strings.TrimPrefix(file, Dir+"/"), "/")
	return slug + "/" + rest
}

// slugLine is a slug: line of front matter, its value plain or quoted.
var slugLine = regexp.MustCompile(`^slug:[ \t]*(?:"([^"]*)"|'([^']*)'|([^#"'\s][^#]*?))?[ \t]*(?:#.*)?\r?$`)

// frontSlug returns the slug: of a policy file's front matter, where it is
// and whether it has one. Only the front matter's first frontmatter
// bytes are read; frontmatter.ParseWith checks the same line says the same.
func frontSlug(fsys fs.FS, p string) (string, diag.Pos, bool) {
	var data []byte
	name := p
	if u, ok := fsys.(*under); ok {
		fsys, name = u.fsys, u.path(p)
	}
	if c, ok := fsys.(*Cache); ok {
		data, _ = c.ReadFile(name) // kept for the Load that follows
	} else if f, err := fsys.Open(name); err == nil {
		// Front matter is a few hundred bytes: read more only when its
		// closing fence is not in the first 4 KiB.
		data = make([]byte, 4<<10) // io.ReadAll would grow it from 512 bytes
		n, _ := io.ReadFull(f, data)
		data = data[:n]
		if n == 4<<10 && !bytes.Contains(data[3:], []byte("\n---")) {
			rest, _ := io.ReadAll(io.LimitReader(f, maxFront-int64(len(data))))
			data = append(data, rest...)
		}
		f.Close()
	}
	if int64(len(data)) > maxFront {
		data = data[:maxFront]
	}
	return slugOf(p, data)
}

// maxFront is how much of a file frontSlug reads: frontmatter.MaxSize and
// its fences.
const maxFront int64 = 64<<10 + 8

// slugOf returns the value of the slug: line in the front matter that
// starts data, its position and whether there is one.
func slugOf(file string, data []byte) (string, diag.Pos, bool) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	// A save in serve peeks at every policy: lines are looked at in place,
	// up to the closing fence, and only a slug: line is made a string.
	i := -1
	for b := range bytes.Lines(data) {
		i++
		b = bytes.TrimSuffix(b, []byte("\n"))
		if fence := string(bytes.TrimRight(b, " \t\r")) == "---"; fence || i == 0 {
			if fence && i == 0 {
				continue
			}
			return "", diag.Pos{}, false
		}
		if !bytes.HasPrefix(b, []byte("slug:")) {
			continue
		}
		line := string(b)
		m := slugLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		v := m[1] + m[2] + m[3]
		col := strings.Index(line, v) + 1
		if v == "" {
			col = len("slug:") + 1
		}
		return v, diag.Pos{File: file, Line: i + 1, Col: col}, true
	}
	return "", diag.Pos{}, false
}

// SetCommitted gives files and their earlier versions the days they were
// last committed, by path.
func SetCommitted(files []File, days map[string]date.Date) {
	for i := range files {
		files[i].Committed = days[files[i].Path]
		for j := range files[i].History {
			files[i].History[j].Committed = days[files[i].History[j].Path]
		}
	}
}

// Load reads the data of f and of its earlier versions. It reports the
// files it cannot read; an earlier version that cannot be read is dropped
// from f.History.
func Load(fsys fs.FS, f *File) diag.List {
	var l diag.List
	read := func(g *File) bool {
		data, err := fs.ReadFile(fsys, g.Path)
		if err != nil {
			l.Errorf(diag.Pos{File: g.Path}, "%v", Explain(err))
			return false
		}
		g.Data = data
		return true
	}
	if !read(f) {
		return l
	}
	if len(f.History) > 0 {
		hs := make([]File, 0, len(f.History)) // f.History may be shared with a listing
		for _, h := range f.History {
			if read(&h) {
				hs = append(hs, h)
			}
		}
		f.History = hs
	}
	return l
}

// historyVersion returns the version of an earlier version's path,
// content/<slug>/history/<version>.md.
func historyVersion(p string) (string, bool) {
	parts := strings.Split(strings.TrimPrefix(p, Dir+"/"), "/")
	if len(parts) != 3 || parts[1] != "history" || path.Ext(parts[2]) != ".md" {
		return "", false
	}
	return strings.TrimSuffix(parts[2], ".md"), true
}

// Explain turns low-level file errors into what a user can act on.
func Explain(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if strings.Contains(pe.Err.Error(), "escapes") {
			return errors.New("links outside the site folder, which is never read: keep what the site publishes inside it")
		}
		return pe.Err
	}
	return err
}
