package publish

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/policysite/policysite/generator/source"
)

// Marker is the file every build writes at the root of its output,
// listing the files it wrote (markerBody): the next build replaces those
// and keeps the rest (keep.go). A build swaps a new folder in for its
// destination, so it replaces only a folder that holds the marker (or is
// empty, holds only Keep, or does not exist yet): a mistyped destination
// such as the site folder, the home folder or content/ is refused, and
// nothing is deleted. Hosts may serve it; it says only what the folder is
// and what the site's files are, which its pages name anyway.
const Marker = ".policysite-build"

// A Guard is a folder of the site that a destination must not be or hold.
type Guard struct {
	Path string // the folder, as given
	Name string // how messages name it: "the site folder", "content/"
	// Inside allows a destination inside the folder: the site folder holds
	// public/, content/ holds nothing but policies.
	Inside bool
}

// A DestinationError says why a build may not replace a folder. Nothing
// was written or deleted.
type DestinationError struct {
	Dest string // as given
	Real string // with symbolic links resolved, when it differs
	// Problem says what the folder is: "is the site folder".
	Problem string
	// Guarded is set when the destination is, holds or lies in a folder of
	// the site; otherwise it is a file, or a folder that is not a build.
	Guarded bool
	// NotBuild is set for a folder that is not empty and holds no Marker.
	NotBuild bool
}

func (e *DestinationError) Error() string {
	d := e.Dest
	if e.Real != "" {
		d += " (" + e.Real + ")"
	}
	return "destination " + d + " " + e.Problem + ": a build replaces its destination whole, so it would delete what is there; nothing was changed"
}

// builtNames are the names at the root of a build (besides its policies'
// folders, each holding an index.html) and the Keep files: an older
// policysite wrote no Marker, and a folder holding only these, with
// index.html and policies.json among them, is taken to be its build.
var builtNames = map[string]bool{
	"index.html": true, "404.html": true, "policies.json": true, "sitemap.xml": true, "robots.txt": true,
	"feed.xml": true, "reviews.ics": true, "_headers": true, ".nojekyll": true, ".htaccess": true, ".well-known": true, "assets": true,
	"changes": true, "requests": true, "processors": true, "policies.schema.json": true,
}

// CheckDestination returns the folder a build into dest would replace,
// with symbolic links resolved, or a *DestinationError when that folder
// may not be replaced: it is, holds or (unless the Guard allows it) lies
// inside a guarded folder; it is a file; or it is a folder that is not
// empty and is not a build (holds no Marker).
func CheckDestination(dest string, guards ...Guard) (string, error) {
	real, err := realPath(dest)
	if err != nil {
		return "", err
	}
	fail := func(problem string, guarded, notBuild bool) error {
		e := &DestinationError{Dest: dest, Problem: problem, Guarded: guarded, NotBuild: notBuild}
		if real != filepath.Clean(dest) {
			e.Real = real
		}
		return e
	}
	for _, g := range guards {
		gr, err := realPath(g.Path)
		if err != nil {
			return "", err
		}
		switch {
		case real == gr:
			return "", fail("is "+g.Name, true, false)
		case within(gr, real):
			return "", fail("holds "+g.Name+" "+gr, true, false)
		case !g.Inside && within(real, gr):
			return "", fail("is inside "+g.Name+" "+gr, true, false)
		}
	}
	fi, err := os.Lstat(real)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return real, nil
	case err != nil:
		return "", err
	case fi.Mode()&fs.ModeSymlink != 0:
		// realPath resolved every link that leads somewhere.
		return "", fail("is a symbolic link to nothing", false, false)
	case !fi.IsDir():
		return "", fail("is a file, not a folder", false, false)
	}
	if m, err := os.Lstat(filepath.Join(real, Marker)); err == nil && m.Mode().IsRegular() {
		return real, nil
	}
	entries, err := os.ReadDir(real)
	if err != nil {
		return "", err
	}
	if stray := strayEntry(real, entries); stray != "" {
		return "", fail("is not empty and is not a policysite build (it has no "+Marker+" file, and holds "+stray+")", false, true)
	}
	return real, nil
}

// strayEntry returns "" when a folder without the Marker may be replaced:
// it holds nothing but the Keep files (carried over), or it holds what an
// older policysite's build holds and nothing else. Otherwise it returns
// the name of something the folder holds that no build writes.
func strayEntry(dir string, entries []fs.DirEntry) string {
	names := map[string]bool{}
	for _, e := range entries {
		n := e.Name()
		names[n] = true
		switch {
		case isKeep(n) && (e.Type().IsRegular() || e.IsDir()), builtEntry(dir, e):
		default:
			if e.IsDir() {
				return n + "/"
			}
			return n
		}
	}
	if names["index.html"] && names["policies.json"] {
		return ""
	}
	for _, e := range entries { // sorted by name
		if n := e.Name(); !isKeep(n) {
			if e.IsDir() {
				return n + "/"
			}
			return n
		}
	}
	return ""
}

// builtEntry reports whether e, at the root of dir, is what a build
// writes there: one of builtNames, or a policy's folder holding its
// index.html.
func builtEntry(dir string, e fs.DirEntry) bool {
	n := e.Name()
	if builtNames[n] {
		return true
	}
	if !e.IsDir() || !source.IsSlug(n) {
		return false
	}
	fi, err := os.Lstat(filepath.Join(dir, n, "index.html"))
	return err == nil && fi.Mode().IsRegular()
}

func isKeep(name string) bool {
	for _, k := range Keep {
		if name == k {
			return true
		}
	}
	return false
}

// realPath returns p absolute, with the symbolic links of its longest
// existing prefix resolved.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	var rest []string
	for {
		r, err := filepath.EvalSymlinks(abs)
		if err == nil {
			return filepath.Join(append([]string{r}, rest...)...), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("destination %s: %w", p, err)
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return filepath.Join(append([]string{abs}, rest...)...), nil
		}
		rest = append([]string{filepath.Base(abs)}, rest...)
		abs = parent
	}
}

// within reports whether path lies inside dir (both absolute and clean).
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
