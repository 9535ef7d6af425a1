// Package spool keeps requests on disk until they are delivered, in the
// manner of a maildir: a file per request, its state given by the folder it
// is in.
//
//	tmp/     being written; anything here at start-up is debris and removed
//	new/     durable and acknowledged, waiting for delivery
//	cur/     claimed by the delivery worker
//	sent/    delivered; purged after the retention period
//	failed/  permanently refused by the mail server; kept for a person
//
// Invariant: Put returns nil only once the file's data and its entry in new/
// are on stable storage, so a request acknowledged after Put survives a
// crash or power cut. The steps are those of a maildir (write into tmp/,
// make the file durable, move it into new/, make new/ durable) but done for
// many requests at once (group commit): Puts hand their written tmp/ files
// to one committer goroutine, which makes a whole batch durable with one
// syncfs(2) of the spool's file system (Linux; elsewhere, or with
// PerFileSync, each Put fsyncs its own file), links the batch into new/
// and fsyncs new/ once. While one batch commits the next gathers, so
// throughput grows with concurrency instead of being capped by one fsync
// per request. With syncfs the committer also writes the batch's files,
// one after another, while the previous batch is being synced: creating
// files in one folder from many goroutines at once makes them contend for
// the folder's lock, which cost more CPU than the writes themselves. Moves between folders are renames, atomic on one
// file system, followed by fsyncs of both folders.
package spool

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// States, the folder names.
const (
	Tmp    = "tmp"
	New    = "new"
	Cur    = "cur"
	Sent   = "sent"
	Failed = "failed"
)

// States lists the folders a request can be in, in the order it passes them.
var States = []string{New, Cur, Sent, Failed}

// ErrClosed is returned by Put after Close.
var ErrClosed = errors.New("spool: closed")

// ErrExists is returned by Put when new/ already has a file of that name.
var ErrExists = errors.New("spool: name already in use")

// A Spool is a folder of request files. Its methods are safe for concurrent use.
type Spool struct {
	dir string

	// MaxBatch caps how many Puts one commit covers (default 1024).
	MaxBatch int
	// PerFileSync makes each Put fsync its own file instead of the
	// committer syncing the file system once per batch. It is forced where
	// syncfs(2) is unavailable. Set it when the spool shares a file system
	// with heavy unrelated writes, which syncfs would also flush.
	PerFileSync bool

	newDir  *os.File
	tmpDir  *os.File
	dirs    map[string]*os.File // every state's folder, for Find
	commits chan *pending
	mu      sync.RWMutex // held for reading while a Put waits on the committer
	closed  bool
	stopped chan struct{}
	syncs   atomic.Int64
}

// Syncs returns how many syncs (syncfs and folder fsyncs) the committer
// has made: fewer than the number of Puts when group commit works.
func (s *Spool) Syncs() int64 { return s.syncs.Load() }

// Open makes the spool's folders under dir if need be (mode 0700: they hold
// personal data), removes debris from tmp/ and starts the committer.
func Open(dir string) (*Spool, error) {
	for _, sub := range append([]string{Tmp}, States...) {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, err
		}
	}
	debris, err := os.ReadDir(filepath.Join(dir, Tmp))
	if err != nil {
		return nil, err
	}
	for _, e := range debris {
		// A file here was never acknowledged: its Put had not returned.
		os.Remove(filepath.Join(dir, Tmp, e.Name()))
	}
	dirs := map[string]*os.File{}
	for _, sub := range append([]string{Tmp}, States...) {
		d, err := os.Open(filepath.Join(dir, sub))
		if err != nil {
			for _, d := range dirs {
				d.Close()
			}
			return nil, err
		}
		dirs[sub] = d
	}
	s := &Spool{dir: dir, MaxBatch: 1024, PerFileSync: !haveSyncfs, newDir: dirs[New], tmpDir: dirs[Tmp], dirs: dirs,
		commits: make(chan *pending, 256), stopped: make(chan struct{})}
	go s.committer()
	return s, nil
}

// View opens an existing spool for reading only, as formrelay list does
// while serve runs: it makes nothing, cleans nothing, and refuses Put.
func View(dir string) (*Spool, error) {
	if _, err := os.Stat(filepath.Join(dir, New)); err != nil {
		return nil, fmt.Errorf("%s is not a spool: %w", dir, err)
	}
	s := &Spool{dir: dir, closed: true, stopped: make(chan struct{})}
	close(s.stopped)
	return s, nil
}

// Dir returns the spool's root folder.
func (s *Spool) Dir() string { return s.dir }

// Path returns the path of name in state.
func (s *Spool) Path(state, name string) string { return filepath.Join(s.dir, state, name) }

// Close waits for Puts in progress, then stops the committer.
func (s *Spool) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil // already closed, or a View
	}
	s.closed = true
	close(s.commits)
	s.mu.Unlock()
	<-s.stopped
	var err error
	for _, d := range s.dirs {
		if cerr := d.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// A pending Put awaiting the committer: its file is written in tmp/, or,
// with write set, is to be written from data.
type pending struct {
	name  string
	data  []byte
	write bool
	done  chan error
}

// Put writes data as new/name, durably: see the package comment. It fails
// with ErrExists rather than replace a file already in new/.
func (s *Spool) Put(name string, data []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	p := &pending{name: name, done: make(chan error, 1)}
	if s.PerFileSync {
		// Each Put makes its own file durable, in parallel with the others.
		if err := writeNew(s.tmpDir, name, data, true); err != nil {
			return existsErr(err)
		}
	} else {
		p.data, p.write = data, true
	}
	s.commits <- p
	return <-p.done
}

// existsErr is ErrExists for a name already in use, or err.
func existsErr(err error) error {
	if errors.Is(err, fs.ErrExist) {
		return ErrExists
	}
	return err
}

// committer gathers Puts into batches (everything waiting when the last
// batch was handed on makes the next) and, with syncfs, writes their
// files; a second goroutine makes each written batch durable. The two
// overlap: while one batch waits for the disk, the next is written.
func (s *Spool) committer() {
	written := make(chan []*pending) // unbuffered: a batch grows while the disk is busy
	synced := make(chan struct{})
	go func() {
		defer close(synced)
		for batch := range written {
			s.commit(batch)
		}
	}()
	defer func() {
		close(written)
		<-synced
		close(s.stopped)
	}()
	for first := range s.commits {
		batch := append(make([]*pending, 0, 64), first)
	gather:
		for len(batch) < s.MaxBatch {
			select {
			case p, ok := <-s.commits:
				if !ok {
					break gather
				}
				batch = append(batch, p)
			default:
				break gather
			}
		}
		if batch = s.write(batch); len(batch) > 0 {
			written <- batch
		}
	}
}

// write writes the files of a batch that Put left to the committer, and
// returns the Puts still to commit.
func (s *Spool) write(batch []*pending) []*pending {
	ok := batch[:0]
	for _, p := range batch {
		if p.write {
			if err := writeNew(s.tmpDir, p.name, p.data, false); err != nil {
				// Not removed: a tmp/ file of that name is another Put's.
				p.done <- existsErr(err)
				continue
			}
			p.data = nil
		}
		ok = append(ok, p)
	}
	return ok
}

// commit makes a batch of written tmp/ files durable in new/.
func (s *Spool) commit(batch []*pending) {
	finish := func(p *pending, err error) {
		if err != nil {
			os.Remove(s.Path(Tmp, p.name))
		}
		p.done <- err
	}
	if !s.PerFileSync {
		// One call makes every file of the batch durable.
		s.syncs.Add(1)
		if err := syncfs(s.tmpDir); err != nil {
			for _, p := range batch {
				finish(p, err)
			}
			return
		}
	}
	linked := batch[:0:0]
	for _, p := range batch {
		err := existsErr(renameNoReplace(s.tmpDir, s.newDir, p.name))
		if err != nil {
			finish(p, err)
			continue
		}
		linked = append(linked, p)
	}
	if len(linked) == 0 {
		return
	}
	s.syncs.Add(1)
	err := s.newDir.Sync()
	for _, p := range linked {
		finish(p, err)
	}
}

// Move renames name from one state's folder to another's and fsyncs both
// folders, the destination first: after a crash the file is in one or the
// other, never neither.
func (s *Spool) Move(name, from, to string) error {
	if err := checkName(name); err != nil {
		return err
	}
	if err := os.Rename(s.Path(from, name), s.Path(to, name)); err != nil {
		return err
	}
	if err := syncDir(filepath.Join(s.dir, to)); err != nil {
		return err
	}
	return syncDir(filepath.Join(s.dir, from))
}

// Replace durably writes data over state/name (via tmp/ and a rename), for
// adding what happened to a request that is kept.
func (s *Spool) Replace(state, name string, data []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	tmp := s.Path(Tmp, name+".replace")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, s.Path(state, name))
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Join(s.dir, state))
}

// Read returns the contents of state/name.
func (s *Spool) Read(state, name string) ([]byte, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	return os.ReadFile(s.Path(state, name))
}

// Find returns the state name is in, or "" if it is in none.
func (s *Spool) Find(name string) string {
	if checkName(name) != nil {
		return ""
	}
	for _, st := range States {
		if d := s.dirs[st]; d != nil {
			if existsIn(d, name) {
				return st
			}
		} else if _, err := os.Lstat(s.Path(st, name)); err == nil {
			return st // a View
		}
	}
	return ""
}

// List returns the names in a state's folder, sorted.
func (s *Spool) List(state string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(s.dir, state))
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}

// Touch sets the modification time of state/name, which Purge goes by.
func (s *Spool) Touch(state, name string, t time.Time) error {
	return os.Chtimes(s.Path(state, name), t, t)
}

// Purge removes files in state last modified before cutoff and returns their names.
func (s *Spool) Purge(state string, cutoff time.Time) ([]string, error) {
	names, err := s.List(state)
	if err != nil {
		return nil, err
	}
	var gone []string
	for _, n := range names {
		fi, err := os.Lstat(s.Path(state, n))
		if err != nil || !fi.ModTime().Before(cutoff) {
			continue
		}
		if err := os.Remove(s.Path(state, n)); err != nil {
			return gone, err
		}
		gone = append(gone, n)
	}
	if len(gone) > 0 {
		return gone, syncDir(filepath.Join(s.dir, state))
	}
	return nil, nil
}

// linkRemove moves a file without replacing one at newpath: a hard link
// refuses to, where rename would not.
func linkRemove(oldpath, newpath string) error {
	if err := os.Link(oldpath, newpath); err != nil {
		return err
	}
	return os.Remove(oldpath)
}

func checkName(name string) error {
	if name == "" || name[0] == '.' || strings.ContainsAny(name, `/\`) {
		return fmt.Errorf("spool: bad name %q", name)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
