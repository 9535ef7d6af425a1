// Package spool keeps requests on disk until they are delivered, in the
// manner of a maildir: a file per request, its state given by the folder it
// is in.
//
//	tmp/     being written (per-file fsync only, and Replace); anything
//	         here at start-up is debris and removed
//	new/     durable and acknowledged, waiting for delivery; also, with
//	         permission bits 0000, a file being committed (see below)
//	cur/     claimed by the delivery worker
//	sent/    delivered; purged after the retention period
//	failed/  permanently refused by the mail server; kept for a person
//
// Invariant: Put returns nil only once the file's data and its entry in new/
// are on stable storage, so a request acknowledged after Put survives a
// crash or power cut. Puts are committed many at once (group commit), so
// throughput grows with concurrency instead of being capped by one fsync
// per request.
//
// With syncfs(2) (Linux, the default) a request costs one directory
// operation, its create. One goroutine writes each Put's file as it
// arrives, in new/ under its final name but with permission bits 0000,
// which mark it uncommitted (one goroutine, since creating files in one
// folder from many at once makes them contend for the folder's lock). A
// second goroutine commits batches, each batch being everything written
// while the last was committed: syncfs makes the batch's data durable
// (the file system flushes the disk's cache after writing the data); each
// file is chmodded to 0600, which commits it; a second syncfs writes those
// inodes, and a fsync of new/ flushes the disk's cache once more, because
// syncfs on ext4 without a journal writes some metadata after its own
// flush. Only then do the batch's Puts return. A file that is not 0000 on
// disk therefore has its data on disk: its chmod was issued after the
// flush that covered the data. List and Find, so formrelay list and the
// delivery worker, skip a new/ file whose permission bits are 0000 (a
// relay not running as root could not read it either), and Open removes
// such files: their Puts never returned, and they may be torn. A request
// committed but not acknowledged when the relay stopped is delivered
// (at-least-once); one not committed never is. Files spooled by earlier
// versions (0600, moved into new/ only once durable) are committed by
// this rule. If a step fails, the files of the Puts it fails are removed
// and those Puts return the error.
//
// With PerFileSync (or where syncfs is unavailable) each Put writes its
// file in tmp/ and fsyncs it itself, in parallel with the others; the
// committer renames the batch into new/ and fsyncs new/ once.
//
// Moves between folders are renames, atomic on one file system, followed by
// fsyncs of both folders.
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

// Permission bits of a request file: committed, and (new/ only) being
// committed. See the package comment.
const (
	committedPerm   fs.FileMode = 0o600
	uncommittedPerm fs.FileMode = 0
)

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

	// beforeCommit, if set (by tests), is called with a batch's names after
	// their data is durable and before they are committed.
	beforeCommit func(names []string)
}

// Syncs returns how many syncs (syncfs and folder fsyncs) the committer
// has made: fewer than the number of Puts when group commit works.
func (s *Spool) Syncs() int64 { return s.syncs.Load() }

// Open makes the spool's folders under dir if need be (mode 0700: they hold
// personal data), removes debris (everything in tmp/, uncommitted files in
// new/) and starts the committer.
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
	queued, err := os.ReadDir(filepath.Join(dir, New))
	if err != nil {
		return nil, err
	}
	for _, e := range queued {
		// Nor was an uncommitted file in new/, and it may be torn.
		if fi, err := e.Info(); err == nil && uncommitted(fi) {
			if err := os.Remove(filepath.Join(dir, New, e.Name())); err != nil {
				return nil, fmt.Errorf("removing an uncommitted request: %w", err)
			}
		}
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

// A pending Put awaiting the committer: its file is written and synced in
// tmp/, or, with staged set, is to be written from data into new/,
// uncommitted.
type pending struct {
	name   string
	data   []byte
	staged bool
	done   chan error
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
		if err := writeNew(s.tmpDir, name, data, true, committedPerm); err != nil {
			return existsErr(err)
		}
	} else {
		p.data, p.staged = data, true
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

// committer writes, one after another as they arrive, the files Puts left
// to it (with syncfs), and hands them to a second goroutine that commits
// batches: each batch is everything written while the last one was being
// committed. Writing never waits for the disk, so when a commit ends the
// next batch is written and ready.
func (s *Spool) committer() {
	var (
		mu      sync.Mutex
		written []*pending
	)
	ready := make(chan struct{}, 1) // something has been written
	synced := make(chan struct{})
	go func() {
		defer close(synced)
		for open := true; open; {
			_, open = <-ready
			for {
				mu.Lock()
				n := min(len(written), s.MaxBatch)
				batch := written[:n:n]
				written = written[n:]
				mu.Unlock()
				if n == 0 {
					break
				}
				s.commit(batch)
			}
		}
	}()
	for p := range s.commits {
		if !s.write(p) {
			continue
		}
		mu.Lock()
		written = append(written, p)
		mu.Unlock()
		select {
		case ready <- struct{}{}:
		default: // already signalled
		}
	}
	close(ready)
	<-synced
	close(s.stopped)
}

// write writes the file of a Put that left it to the committer into new/,
// uncommitted, and reports whether the Put is still to be committed.
func (s *Spool) write(p *pending) bool {
	if p.staged {
		if err := writeNew(s.newDir, p.name, p.data, false, uncommittedPerm); err != nil {
			// Not removed: a new/ file of that name is another Put's.
			p.done <- existsErr(err)
			return false
		}
		p.data = nil
	}
	return true
}

// commit makes a batch durable in new/ and answers its Puts: see the
// package comment for the two ways.
func (s *Spool) commit(batch []*pending) {
	var staged, synced []*pending
	for _, p := range batch {
		if p.staged {
			staged = append(staged, p)
		} else {
			synced = append(synced, p)
		}
	}
	var done []*pending
	if len(staged) > 0 {
		done = s.commitStaged(staged)
	}
	done = append(done, s.link(synced)...)
	if len(done) == 0 {
		return
	}
	var err error
	if len(staged) > 0 {
		// Writes the chmodded inodes; new/'s fsync below then flushes the
		// disk's cache after them.
		s.syncs.Add(1)
		err = syncfs(s.newDir)
	}
	if err == nil {
		s.syncs.Add(1)
		err = s.newDir.Sync()
	}
	for _, p := range done {
		if err != nil && p.staged {
			// Refused, so not to be delivered. (If the removal does not
			// last either, delivering it is at-least-once, not a loss.)
			s.removeStaged(p.name)
		}
		p.done <- err
	}
}

// commitStaged makes the data of files written uncommitted into new/
// durable and commits them, and returns those committed; it answers the
// others with their error. What it commits is durable once new/ is synced.
func (s *Spool) commitStaged(batch []*pending) []*pending {
	fail := func(p *pending, err error) {
		s.removeStaged(p.name)
		p.done <- err
	}
	// One call makes every file's data durable: the file system flushes the
	// disk's cache after writing the data.
	s.syncs.Add(1)
	if err := syncfs(s.newDir); err != nil {
		for _, p := range batch {
			fail(p, err)
		}
		return nil
	}
	if s.beforeCommit != nil {
		names := make([]string, len(batch))
		for i, p := range batch {
			names[i] = p.name
		}
		s.beforeCommit(names)
	}
	ok := batch[:0:0]
	for _, p := range batch {
		if err := chmodAt(s.newDir, p.name, committedPerm); err != nil {
			fail(p, err)
			continue
		}
		ok = append(ok, p)
	}
	return ok
}

// removeStaged removes a Put's file from new/, committed or not.
func (s *Spool) removeStaged(name string) {
	os.Remove(s.Path(New, name))
}

// link renames files written and fsynced in tmp/ into new/, and returns
// those moved; it answers the others with their error.
func (s *Spool) link(batch []*pending) []*pending {
	linked := batch[:0:0]
	for _, p := range batch {
		if err := existsErr(renameNoReplace(s.tmpDir, s.newDir, p.name)); err != nil {
			os.Remove(s.Path(Tmp, p.name))
			p.done <- err
			continue
		}
		linked = append(linked, p)
	}
	return linked
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

// Find returns the state name is in, or "" if it is in none. A request
// still being committed is in none.
func (s *Spool) Find(name string) string {
	if checkName(name) != nil {
		return ""
	}
	for _, st := range States {
		var perm fs.FileMode
		var ok bool
		if d := s.dirs[st]; d != nil {
			perm, ok = permIn(d, name)
		} else if fi, err := os.Lstat(s.Path(st, name)); err == nil {
			perm, ok = fi.Mode().Perm(), true // a View
		}
		if ok && (st != New || perm != uncommittedPerm) {
			return st
		}
	}
	return ""
}

// List returns the names in a state's folder, sorted, leaving out requests
// still being committed.
func (s *Spool) List(state string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(s.dir, state))
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if state == New {
			// Only here can a file be uncommitted. One gone since the
			// folder was read has been claimed: it is no longer new.
			if fi, err := e.Info(); err != nil || uncommitted(fi) {
				continue
			}
		}
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names, nil
}

// uncommitted reports whether fi, a file in new/, is still being committed.
func uncommitted(fi fs.FileInfo) bool {
	return fi.Mode().IsRegular() && fi.Mode().Perm() == uncommittedPerm
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
