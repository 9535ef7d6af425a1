package publish

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// A build keeps what it did not make, as Hugo does: a git checkout
// (.git/) of a site published from a branch, a CNAME, a host's
// verification file, whatever a user put in the destination. Only the
// files an earlier build wrote, which its Marker lists, are replaced or
// removed. Commit carries the rest into the new tree before the swap, as
// hard links (copies where the file system has none), so the old
// destination stays whole until the swap, and a failure anywhere before
// it leaves it as it was.

// markerHead is the marker's text before the list of the build's files.
var markerHead = []byte("This folder is a site built by policysite. The next build replaces the files\n" +
	"listed below and keeps every other (a .git folder, a CNAME file).\n\n")

// markerBody returns the marker of a build that wrote paths: the same for
// the same outputs, so builds stay byte-identical. A path that a line
// cannot hold as it is (a line break, a leading quote) is quoted.
func markerBody(paths []string) []byte {
	paths = slices.Clone(paths)
	slices.Sort(paths)
	b := slices.Clone(markerHead)
	for _, p := range paths {
		if strings.ContainsAny(p, "\r\n") || strings.HasPrefix(p, `"`) {
			p = strconv.Quote(p)
		}
		b = append(append(b, p...), '\n')
	}
	return b
}

// readMarker returns the files the build in dir wrote, as its Marker
// lists them, and whether it lists them: an older policysite's marker
// does not, and a folder built by one before markers has none.
func readMarker(dir string) (map[string]bool, bool) {
	b, err := os.ReadFile(filepath.Join(dir, Marker))
	if err != nil || !bytes.HasPrefix(b, markerHead) {
		return nil, false
	}
	made := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(b[len(markerHead):]))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		p := sc.Text()
		if strings.HasPrefix(p, `"`) {
			if u, err := strconv.Unquote(p); err == nil {
				p = u
			}
		}
		made[p] = true
	}
	return made, sc.Err() == nil
}

// keepOld carries into the tree what the old destination holds that no
// build made: every file its Marker does not list, or, when it lists
// none (an older build), every entry at its root that a build does not
// write (builtEntry), whole. Where the new build wrote something at the
// same path, the build's wins.
func (t *Tree) keepOld() error {
	entries, err := os.ReadDir(t.dest)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	made, listed := readMarker(t.dest)
	// madeDirs are the folders holding a file the old build wrote: in
	// them, the files it did not write are kept one by one.
	madeDirs := map[string]bool{}
	for p := range made {
		for d := pathDir(p); d != "" && !madeDirs[d]; d = pathDir(d) {
			madeDirs[d] = true
		}
	}
	var keep func(rel string, e fs.DirEntry) error
	keep = func(rel string, e fs.DirEntry) error {
		if !madeDirs[rel] || !e.IsDir() {
			if made[rel] {
				return nil
			}
			return carry(filepath.Join(t.dest, filepath.FromSlash(rel)), filepath.Join(t.root, filepath.FromSlash(rel)))
		}
		sub, err := os.ReadDir(filepath.Join(t.dest, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		for _, s := range sub {
			if err := keep(rel+"/"+s.Name(), s); err != nil {
				return err
			}
		}
		return nil
	}
	for _, e := range entries {
		n := e.Name()
		if n == Marker || !listed && builtEntry(t.dest, e) {
			continue
		}
		if err := keep(n, e); err != nil {
			return err
		}
	}
	return nil
}

// pathDir is path.Dir of a slash-separated relative path, "" at the top.
func pathDir(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}

// carry puts what src is (a file, a symbolic link or a folder with all it
// holds) at dst in the tree, unless the build wrote something there; a
// folder the build also made is filled with what it lacks. Folders above
// dst are made as needed.
func carry(src, dst string) error {
	fi, err := os.Lstat(src)
	if err != nil {
		return err
	}
	have, err := os.Lstat(dst)
	switch {
	case err == nil && have.IsDir() && fi.IsDir():
		sub, err := os.ReadDir(src)
		if err != nil {
			return err
		}
		for _, s := range sub {
			if err := carry(filepath.Join(src, s.Name()), filepath.Join(dst, s.Name())); err != nil {
				return err
			}
		}
		return nil
	case err == nil:
		return nil // the build's own wins
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return place(src, dst, fi.Mode())
}

// place puts src, of the given mode, at dst, where nothing is: a file is
// linked (copied where the file system links none), a folder made with
// its mode and filled (carry), a symbolic link made again.
func place(src, dst string, mode fs.FileMode) error {
	switch {
	case mode.IsDir():
		if err := os.Mkdir(dst, mode.Perm()); err != nil {
			return err
		}
		sub, err := os.ReadDir(src)
		if err != nil {
			return err
		}
		for _, s := range sub {
			if err := carry(filepath.Join(src, s.Name()), filepath.Join(dst, s.Name())); err != nil {
				return err
			}
		}
		return nil
	case mode&fs.ModeSymlink != 0:
		to, err := os.Readlink(src)
		if err != nil {
			return err
		}
		return os.Symlink(to, dst)
	case mode.IsRegular():
		if os.Link(src, dst) == nil {
			return nil
		}
		fi, err := os.Stat(src)
		if err != nil {
			return err
		}
		return copyFile(src, dst, fi.Mode().Perm())
	default:
		return nil // a socket or a device: nothing a site holds
	}
}

func copyFile(src, dst string, mode fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
