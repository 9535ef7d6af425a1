// Package publish writes a built site to disk: the last stage, taking the
// rendered outputs (output.File) and minifying those not final yet.
//
// The new site is written into a folder beside the destination as its
// outputs are made, made durable, and swapped in with renames, so a reader
// (or a crash) sees the old site or the new one, and pages of removed
// policies vanish. What the destination holds that no build made (a .git
// checkout, a CNAME) is carried into the new folder first (keep.go). A
// build that fails removes the folder.
package publish

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/policysite/policysite/generator/output"
)

// Keep lists what a folder that is no build yet may hold and still be
// built into (CheckDestination): the placeholder that keeps an otherwise
// ignored output folder in git, a git checkout of a branch the site is
// published from, and its CNAME. A build keeps them, and everything else
// it did not make (keep.go).
var Keep = []string{".gitkeep", "README.md", ".git", "CNAME"}

// A Tree is a new site being written in a folder beside its destination.
// Outputs are added as they are made, from any number of goroutines; Commit
// makes them durable and swaps the folder in for the destination, Abort
// removes it. Until Commit the destination is untouched.
type Tree struct {
	dest, root string
	given      string  // dest as given, for messages
	guards     []Guard // checked again before the swap

	dir   *folder // root, open: what Add writes is made relative to it
	dirMu sync.Mutex
	dirs  map[string]bool // folders made, relative to root

	mu    sync.Mutex
	paths map[string]bool

	// Emit hands what it minified to the writer goroutines through queue,
	// so that the goroutines rendering pages do not wait for the disk;
	// the first failure to write is kept in failed.
	queue   chan queued
	writing sync.WaitGroup
	drained sync.Once
	failMu  sync.Mutex
	failed  error
}

// A queued output is one Emit has checked and minified, waiting to be
// written at rel (relative to the root).
type queued struct {
	rel  string
	body []byte
}

// writers is how many goroutines write what Emit queues, queueLen how
// many outputs may wait for them (a few MB of pages). Making a file or a
// folder takes 0.2 to 3 ms on this machine's disk when it is shared, most
// of it waiting: with the writes on the rendering goroutines, a
// 100-policy build's wall time was its CPU time and that waiting added
// (docs/performance.md).
const (
	writers  = 4
	queueLen = 32
)

// mkdir makes folder d (relative to the root) and its parents, once, one
// folder at a time: every policy's folder is made in the one root folder,
// and creating entries in one folder from many threads only queues them on
// its lock in the kernel (the relay's spool found the same). A folder is
// made with its parent known to exist, in one system call.
func (t *Tree) mkdir(d string) error {
	t.dirMu.Lock()
	defer t.dirMu.Unlock()
	return t.mkdirLocked(d)
}

func (t *Tree) mkdirLocked(d string) error {
	if d == "." || t.dirs[d] {
		return nil
	}
	if err := t.mkdirLocked(filepath.Dir(d)); err != nil {
		return err
	}
	if err := t.dir.mkdir(d); err != nil {
		return err
	}
	t.dirs[d] = true
	return nil
}

// Create starts a new tree for dest, which CheckDestination must accept
// with guards. dest's parent must exist.
func Create(dest string, guards ...Guard) (*Tree, error) {
	real, err := CheckDestination(dest, guards...)
	if err != nil {
		return nil, err
	}
	t := &Tree{dest: real, given: dest, guards: guards, paths: map[string]bool{}, dirs: map[string]bool{}}
	t.root = filepath.Join(filepath.Dir(real), "."+filepath.Base(real)+".new-"+token())
	if err := os.Mkdir(t.root, 0o755); err != nil {
		return nil, err
	}
	if t.dir, err = openFolder(t.root); err != nil {
		os.Remove(t.root)
		return nil, err
	}
	t.queue = make(chan queued, queueLen)
	for range writers {
		t.writing.Go(t.writeQueued)
	}
	return t, nil
}

// writeQueued writes what Emit queues until the queue is closed; after a
// failure it only drains it.
func (t *Tree) writeQueued() {
	for q := range t.queue {
		if t.failure() != nil {
			continue
		}
		err := t.mkdir(filepath.Dir(q.rel))
		if err == nil {
			err = t.dir.write(q.rel, q.body)
		}
		if err != nil {
			t.failMu.Lock()
			if t.failed == nil {
				t.failed = err
			}
			t.failMu.Unlock()
		}
	}
}

func (t *Tree) failure() error {
	t.failMu.Lock()
	defer t.failMu.Unlock()
	return t.failed
}

// drain waits for the outputs Emit queued to be written and returns the
// first failure to write one. Emit must not be called after.
func (t *Tree) drain() error {
	t.drained.Do(func() {
		close(t.queue)
		t.writing.Wait()
	})
	return t.failure()
}

// Emit minifies each of outs (output.MinifyOne) and queues it to be
// written into the tree, then drops its body, so that a build holds no
// page once it is written: at 10,000 policies the pages listing them are
// tens of megabytes. The bodies must not change after: they are written
// later, by the tree's own goroutines. Two outputs at one path are an
// error. A failure to write is returned by a later Emit, or by Commit.
func (t *Tree) Emit(outs ...output.File) error {
	for i := range outs {
		if err := output.MinifyOne(&outs[i]); err != nil {
			return err
		}
		if err := t.put(outs[i]); err != nil {
			return err
		}
		outs[i].Body = nil
	}
	return nil
}

// put queues o to be written as it is, once its path is checked.
func (t *Tree) put(o output.File) error {
	if err := t.failure(); err != nil {
		return err
	}
	if o.Path == Marker {
		return fmt.Errorf("output path %s is the build's own marker", o.Path)
	}
	p := filepath.Join(t.root, filepath.FromSlash(o.Path))
	if !strings.HasPrefix(p, t.root+string(filepath.Separator)) {
		return fmt.Errorf("output path %q escapes the site", o.Path)
	}
	t.mu.Lock()
	dup := t.paths[o.Path]
	t.paths[o.Path] = true
	t.mu.Unlock()
	if dup {
		return fmt.Errorf("two outputs at %s", o.Path)
	}
	t.queue <- queued{rel: p[len(t.root)+1:], body: o.Body}
	return nil
}

// Abort removes the tree.
func (t *Tree) Abort() {
	t.drain()
	t.dir.close()
	os.RemoveAll(t.root)
}

// Commit checks the destination again (it may have changed during the
// build), writes the Marker, carries over what the old destination holds
// that no build made (keep.go), makes the tree (those included) durable
// with one sync of the file system rather than one fsync a file
// (docs/performance.md), and swaps it in for the destination. On failure
// the tree is removed and the destination is as it was.
func (t *Tree) Commit() error {
	if err := t.drain(); err != nil {
		t.Abort()
		return err
	}
	if _, err := CheckDestination(t.given, t.guards...); err != nil {
		t.Abort()
		return err
	}
	if err := t.carryOver(); err != nil {
		t.Abort()
		return err
	}
	t.dir.close()
	if err := syncTree(t.root); err != nil {
		t.Abort()
		return err
	}
	parent, base := filepath.Split(t.dest)
	old := filepath.Join(parent, "."+base+".old-"+token())
	hadOld := true
	if err := os.Rename(t.dest, old); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			t.Abort()
			return fmt.Errorf("cannot replace %s: %w", t.dest, err)
		}
		hadOld = false
	}
	if err := os.Rename(t.root, t.dest); err != nil {
		if hadOld {
			os.Rename(old, t.dest)
		}
		t.Abort()
		return fmt.Errorf("cannot replace %s: %w", t.dest, err)
	}
	syncDir(filepath.Dir(t.dest))
	if hadOld {
		return os.RemoveAll(old)
	}
	return nil
}

// Write replaces the folder dest with exactly outs (and the Marker), as
// they are. dest's parent must exist; CheckDestination must accept it
// with guards.
func Write(dest string, outs []output.File, guards ...Guard) error {
	t, err := Create(dest, guards...)
	if err != nil {
		return err
	}
	for _, o := range outs {
		if err := t.put(o); err != nil {
			t.Abort()
			return err
		}
	}
	return t.Commit()
}

func token() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func syncDir(d string) {
	if f, err := os.Open(d); err == nil {
		f.Sync()
		f.Close()
	}
}

// carryOver writes the Marker, listing the tree's outputs, and carries
// over from the old destination what no build made (keepOld).
func (t *Tree) carryOver() error {
	t.mu.Lock()
	paths := make([]string, 0, len(t.paths))
	for p := range t.paths {
		paths = append(paths, p)
	}
	t.mu.Unlock()
	if err := os.WriteFile(filepath.Join(t.root, Marker), markerBody(paths), 0o644); err != nil {
		return err
	}
	return t.keepOld()
}
