package source

import (
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
)

// A Cache reads a site folder once and then serves every file, folder
// listing and file's details from memory, until Forget names its path. It is
// correct only while every change to the folder is reported with Forget, as
// serve's watcher does; it saves a save's rebuild from reading a thousand
// unchanged files again .
//
// Paths under a symbolic link are never kept: the watcher does not follow
// links, so a change behind one would go unreported. Errors other than "does
// not exist" are not kept either: fixing permissions sends no event the
// watcher keeps.
type Cache struct {
	mu    sync.Mutex
	fsys  fs.FS // the site folder, set by Over for each render
	files map[string]cached[[]byte]
	dirs  map[string]cached[[]fs.DirEntry]
	stats map[string]cached[fs.FileInfo]
	// changed are names in kept folder listings that were reported changed:
	// a listing is checked for them before it is used again, so that saving
	// a file does not cost listing its folder of a thousand files again.
	changed map[string][]string
}

type cached[T any] struct {
	v   T
	err error
}

func NewCache() *Cache {
	c := &Cache{}
	c.Forget(".")
	return c
}

// Over returns the site folder fsys read through c. The Cache reads
// through the last fsys given it.
func (c *Cache) Over(fsys fs.FS) fs.FS {
	c.fsys = fsys
	return c
}

// Open is never cached: the generator reads through ReadFile, ReadDir and Stat.
func (c *Cache) Open(name string) (fs.File, error) { return c.fsys.Open(name) }

func (c *Cache) ReadFile(name string) ([]byte, error) {
	return lookup(c, c.files, name, func() ([]byte, error) { return fs.ReadFile(c.fsys, name) })
}

func (c *Cache) ReadDir(name string) ([]fs.DirEntry, error) {
	c.mu.Lock()
	e, ok := c.dirs[name]
	changed := c.changed[name]
	delete(c.changed, name)
	c.mu.Unlock()
	if ok && len(changed) > 0 && !c.lists(name, e, changed) {
		c.mu.Lock()
		delete(c.dirs, name)
		c.mu.Unlock()
	}
	return lookup(c, c.dirs, name, func() ([]fs.DirEntry, error) { return fs.ReadDir(c.fsys, name) })
}

// lists reports whether the kept listing e of folder dir still lists each
// of names as it is: present or not, and of the same type.
func (c *Cache) lists(dir string, e cached[[]fs.DirEntry], names []string) bool {
	if e.err != nil {
		return false
	}
	for _, n := range names {
		fi, err := fs.Lstat(c.fsys, path.Join(dir, n))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return false
		}
		i, found := slices.BinarySearchFunc(e.v, n, func(d fs.DirEntry, n string) int { return strings.Compare(d.Name(), n) })
		if found != (err == nil) || found && e.v[i].Type() != fi.Mode().Type() {
			return false
		}
	}
	return true
}

func (c *Cache) Stat(name string) (fs.FileInfo, error) {
	return lookup(c, c.stats, name, func() (fs.FileInfo, error) { return fs.Stat(c.fsys, name) })
}

// lookup returns m's entry for name, or reads it and keeps it when it may.
func lookup[T any](c *Cache, m map[string]cached[T], name string, read func() (T, error)) (T, error) {
	c.mu.Lock()
	e, ok := m[name]
	c.mu.Unlock()
	if ok {
		return e.v, e.err
	}
	v, err := read()
	if (err == nil || errors.Is(err, fs.ErrNotExist)) && c.keepable(name) {
		c.mu.Lock()
		m[name] = cached[T]{v, err}
		c.mu.Unlock()
	}
	return v, err
}

// keepable reports whether no part of name is a symbolic link. It costs a
// few system calls, only when a path is read again.
func (c *Cache) keepable(name string) bool {
	if !fs.ValidPath(name) {
		return false
	}
	for p := name; p != "."; p = path.Dir(p) {
		fi, err := fs.Lstat(c.fsys, p)
		if errors.Is(err, fs.ErrNotExist) {
			continue // a missing path is kept as missing; its parent decides
		}
		if err != nil || fi.Mode()&fs.ModeSymlink != 0 {
			return false
		}
	}
	return true
}

// Forget drops what is kept of each path and everything under it, and has
// the listing of the folder holding it checked. "." forgets everything.
func (c *Cache) Forget(paths ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	all := len(paths) > 64 || c.files == nil
	for _, p := range paths {
		all = all || p == "." || p == ""
	}
	if all {
		c.files = map[string]cached[[]byte]{}
		c.dirs = map[string]cached[[]fs.DirEntry]{}
		c.stats = map[string]cached[fs.FileInfo]{}
		c.changed = map[string][]string{}
		return
	}
	for _, p := range paths {
		forgetTree(c.files, p)
		forgetTree(c.dirs, p)
		forgetTree(c.stats, p)
		forgetTree(c.changed, p)
		dir := path.Dir(p)
		if _, ok := c.dirs[dir]; ok && !slices.Contains(c.changed[dir], path.Base(p)) {
			c.changed[dir] = append(c.changed[dir], path.Base(p))
		}
		delete(c.stats, dir)
	}
}

func forgetTree[T any](m map[string]T, p string) {
	delete(m, p)
	prefix := p + "/"
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			delete(m, k)
		}
	}
}
