// Package source finds a site's policy files. It reads through an fs.FS
// rooted at the site folder (os.Root in production), so nothing outside the
// site folder can be read, even through a symbolic link.
package source

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/internal/textdist"
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
	// School is the id of the school whose own policy this is, a file
	// of content/<school>/; empty for the trust's.
	School string
	// Trust, on a school's copy of a trust policy, is the trust's file
	// it replaces: a school's centre publishes it while the copy is a
	// draft.
	Trust *File
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// IsSlug reports whether s can be a policy's URL, and so its file's name:
// lower-case letters and digits, in words joined by single hyphens.
func IsSlug(s string) bool { return slugRE.MatchString(s) }

// Reserved are slugs the generator uses for its own pages.
var Reserved = map[string]bool{"assets": true, "requests": true, "changes": true, "feed": true, "404": true}

// Read returns the policies in content/ of fsys, sorted by path: every
// content/<slug>.md and content/<slug>/index.md. It reports files it cannot
// read, names that cannot be URLs, and two files claiming one slug. Files
// that cannot be read are left out.
func Read(fsys fs.FS) ([]File, diag.List) {
	files, l := List(fsys)
	kept := files[:0]
	for i := range files {
		if fl := Load(fsys, &files[i]); len(fl) > 0 {
			l = append(l, fl...)
			continue
		}
		kept = append(kept, files[i])
	}
	return kept, l
}

// List is Read without the reading: it finds the policies and their
// earlier versions and reports what Read reports but unreadable files,
// leaving Data nil. Load reads them, so a build can hold one policy's text
// at a time. The folders content/<school>/ of schools are a school's
// own policies (ListSchool), not the trust's.
func List(fsys fs.FS, schools ...string) ([]File, diag.List) {
	skip := map[string]bool{}
	for _, s := range schools {
		skip[Dir+"/"+s] = true
	}
	files, l := list(fsys, Dir, "", skip)
	return files, append(l, strays(fsys, files, schools)...)
}

// strays warns of each folder of content/ holding .md files that is no
// policy's (it has no index.md) and no school's: a school's folder
// misspelt, or schools: not yet written, whose policies are left out.
func strays(fsys fs.FS, files []File, schools []string) diag.List {
	var l diag.List
	entries, err := fs.ReadDir(fsys, Dir)
	if err != nil {
		return nil
	}
	policy := make(map[string]bool, len(files))
	for _, f := range files {
		policy[f.Slug] = true
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || policy[name] || slices.Contains(schools, name) || strings.HasPrefix(name, ".") {
			continue
		}
		md, _ := fs.Glob(fsys, Dir+"/"+name+"/*.md")
		if len(md) == 0 {
			continue
		}
		near := ""
		best := max(2, len(name)/3) + 1 // a swap of two letters is 2
		for _, s := range schools {
			if d := textdist.Distance(name, s); d < best {
				near, best = fmt.Sprintf(" (did you mean %s?)", s), d
			}
		}
		l.Warnf(diag.Pos{File: md[0]}, "%s/%s/ is no school of site.yaml's schools:%s, and no policy (it has no index.md): its files are not published", Dir, name, near)
	}
	return l
}

// ListSchool returns the policies of a school's centre: its own, in
// content/<school>/, and those of trust (List's) that it has no copy of;
// a copy of a trust policy (content/<school>/<slug>.md) holds the
// trust's file in Trust.
func ListSchool(fsys fs.FS, school string, trust []File) ([]File, diag.List) {
	own, l := list(fsys, Dir+"/"+school, school, nil)
	bySlug := make(map[string]int, len(own))
	for i, f := range own {
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

// list finds the policies in dir, skipping the folders in skip, and
// marks them school's.
func list(fsys fs.FS, dir, school string, skip map[string]bool) ([]File, diag.List) {
	var l diag.List
	var files []File
	bySlug := map[string]string{}
	history := map[string][]File{}
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && errors.Is(err, fs.ErrNotExist) {
				if school == "" {
					l.Errorf(diag.Pos{File: Dir}, "no content folder: policies go in content/<slug>.md")
				}
				return fs.SkipAll
			}
			l.Errorf(diag.Pos{File: p}, "%v", explain(err))
			return nil
		}
		name := d.Name()
		if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") || strings.HasPrefix(name, "#") {
			if d.IsDir() && p != dir {
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
		rel := strings.TrimPrefix(p, dir+"/")
		slug, ok := policySlug(rel)
		version, isHistory := historyVersion(rel)
		if !ok && !isHistory {
			return nil
		}
		if isHistory {
			slug = strings.Split(rel, "/")[0]
		}
		if d.Type()&fs.ModeSymlink == 0 && !d.Type().IsRegular() {
			return nil
		}
		if !slugRE.MatchString(slug) {
			l.Errorf(diag.Pos{File: p}, "%q cannot be a policy's URL: name policy files in lower-case letters, digits and hyphens (privacy-notice.md)", slug)
			return nil
		}
		if Reserved[slug] {
			l.Errorf(diag.Pos{File: p}, "%q is reserved for the site's own pages: rename the policy", slug)
			return nil
		}
		info, err := fs.Stat(fsys, p)
		if err != nil {
			l.Errorf(diag.Pos{File: p}, "%v", explain(err))
			return nil
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		if info.Size() > MaxSize {
			l.Errorf(diag.Pos{File: p}, "file is %d MiB; a policy may be at most %d MiB", info.Size()>>20, MaxSize>>20)
			return nil
		}
		if isHistory {
			history[slug] = append(history[slug], File{Path: p, Slug: slug, Version: version, School: school})
			return nil
		}
		if other, dup := bySlug[slug]; dup {
			l.Errorf(diag.Pos{File: p}, "policy %q is also %s: keep one of them", slug, other)
			return nil
		}
		bySlug[slug] = p
		files = append(files, File{Path: p, Slug: slug, School: school})
		return nil
	})
	if err != nil {
		l.Errorf(diag.Pos{File: dir}, "%v", explain(err))
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	for i := range files {
		files[i].History = history[files[i].Slug]
		delete(history, files[i].Slug)
	}
	for slug, hs := range history {
		for _, h := range hs {
			l.Errorf(diag.Pos{File: h.Path}, "an earlier version of %q, which has no %s/%s/index.md", slug, dir, slug)
		}
	}
	return files, l
}

// Load reads the data of f and of its earlier versions. It reports the
// files it cannot read; an earlier version that cannot be read is dropped
// from f.History.
func Load(fsys fs.FS, f *File) diag.List {
	var l diag.List
	read := func(g *File) bool {
		data, err := fs.ReadFile(fsys, g.Path)
		if err != nil {
			l.Errorf(diag.Pos{File: g.Path}, "%v", explain(err))
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

// historyVersion returns the version of an earlier version's path
// relative to its folder, <slug>/history/<version>.md.
func historyVersion(rel string) (string, bool) {
	parts := strings.Split(rel, "/")
	if len(parts) != 3 || parts[1] != "history" || path.Ext(parts[2]) != ".md" {
		return "", false
	}
	return strings.TrimSuffix(parts[2], ".md"), true
}

// policySlug returns the slug of a policy path relative to its folder
// (<slug>.md, <slug>/index.md), or false for files that are
// not policies (earlier versions under history/, images, notes).
func policySlug(rel string) (string, bool) {
	if path.Ext(rel) != ".md" {
		return "", false
	}
	parts := strings.Split(rel, "/")
	switch {
	case len(parts) == 1:
		return strings.TrimSuffix(parts[0], ".md"), true
	case len(parts) == 2 && parts[1] == "index.md":
		return parts[0], true
	}
	return "", false
}

// explain turns low-level file errors into what a user can act on.
func explain(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if strings.Contains(pe.Err.Error(), "escapes") {
			return errors.New("links outside the site folder: policies must live inside it")
		}
		return pe.Err
	}
	return err
}
