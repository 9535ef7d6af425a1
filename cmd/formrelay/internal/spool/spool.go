// Package spool keeps requests on disk until they are delivered, in the
// manner of a maildir: a file per request, its state given by the folder it
// is in; and, for requests just accepted, a journal.
//
//	journal/ requests made durable by Put and not yet claimed (see below)
//	tmp/     being written, to be renamed into another folder whole;
//	         anything here at start-up is debris and removed
//	new/     waiting for delivery, with the journal's requests: a request
//	         is in new/ whether it is a file here or a record there
//	cur/     claimed by the delivery worker
//	sent/    delivered; purged after the retention period
//	failed/  permanently refused by the mail server; kept for a person
//
// Invariant: Put returns nil only once the request is on stable storage,
// so a request acknowledged after Put survives a crash or power cut.
//
// Puts are committed many at once (group commit): one goroutine appends
// every request that arrived while the last batch was being made durable
// to a journal file, in one write, and fdatasyncs that file once; only
// then do the batch's Puts return. A request costs a few microseconds of
// writing and a share of one flush, and no file of its own: on some file
// systems (ext4 without a journal, after many files were removed) creating
// a file costs more than a flush. The file is made when the delivery
// worker claims the request: Move from new/ writes it in tmp/, fsyncs it,
// renames it into cur/ and fsyncs cur/, and only then drops it from the
// journal. A
// journal file whose requests are all claimed is emptied (the current
// one) or removed (an older one, once the current one passed 4 MiB).
//
// Find, List and Read see the journal's requests as being in new/, in this
// process and, through View, in another (formrelay list). When the spool
// is opened, the journal a relay that stopped left is taken over as it
// is, without writing: its requests, except those already claimed, are
// the journal's again, and each of its files goes once they are all
// claimed; new batches go to a new file. A record cut short by a crash
// was never acknowledged and is dropped. If a batch cannot be written or flushed,
// its Puts return the error and the journal file is cut back to its last
// whole batch; if that fails too, the next batch starts a new file, and a
// request refused this way may yet be delivered (at-least-once, never a
// loss). The journal's requests are not kept in memory: a relay whose mail
// server is down for days holds them on disk, as before.
//
// Moves between folders are renames, atomic on one file system, followed by
// fsyncs of both folders.
//
// A full disk loses nothing and stops nothing but Puts. Opening writes
// nothing (above), so a relay stopped by a full disk starts on one. The
// spool keeps a reserve, .reserve in its folder (reserveSize, allocated
// when there is room for it and as much again), for delivery: a claim or
// a Replace that finds the disk full removes it and tries again, so that
// the worker can still move what the spool holds on towards sent/, which
// in time frees the journal's files. A write that finds the disk full
// (ENOSPC or EDQUOT), or an Open that finds less than the reserve free,
// makes the spool full: Put then fails with ErrFull without writing. While
// full, Full and Put look again at most once every RecheckEvery, and the
// spool takes Puts again once its reserve is whole and as much again is
// free.
//
// Open reads every folder's names once and keeps them, so that Put refuses
// a name in use without looking on disk (docs/performance.md). The spool must be the only writer of its
// folders while open, which Lock makes sure of; a person who moves a file
// between folders meanwhile changes no name.
package spool

import (
	"errors"
	"fmt"
	"io"
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
	Journal = "journal"
	Tmp     = "tmp"
	New     = "new"
	Cur     = "cur"
	Sent    = "sent"
	Failed  = "failed"
)

// States lists the folders a request can be in, in the order it passes them.
var States = []string{New, Cur, Sent, Failed}

// ErrClosed is returned by Put after Close.
var ErrClosed = errors.New("spool: closed")

// ErrFull is returned by Put (alone, or wrapping the error of the write
// that found the disk full) while the spool's disk is full: see the
// package comment. Nothing of the request was kept.
var ErrFull = errors.New("spool: disk full")

// ErrExists is returned by Put when the spool already has a request of that
// name, in any state: a name is not used again while its request is kept.
var ErrExists = errors.New("spool: name already in use")

// A Spool is a folder of request files. Its methods are safe for concurrent use.
type Spool struct {
	dir string

	// MaxBatch caps how many Puts one commit covers (default 1024).
	MaxBatch int
	// RecheckEvery is how often a full spool looks for room again (default
	// a second).
	RecheckEvery time.Duration

	dirs    map[string]*os.File // every folder, for Find and for syncing
	commits chan *pending
	mu      sync.RWMutex // held for reading while a Put waits on the committer
	closed  bool
	stopped chan struct{}
	syncs   atomic.Int64
	full    atomic.Bool // refusing Puts for want of space

	smu      sync.Mutex // guards the fields below and changes of full
	reserved bool       // .reserve is whole
	checked  time.Time  // when a full spool last looked for room

	jmu     sync.Mutex            // guards the fields below
	names   map[string]struct{}   // every name in use, in any state (Open only)
	queued  map[string]*queuedRec // the journal's requests, by name
	seg     *segment              // the journal file batches go to, or nil
	segs    map[*segment]struct{} // every open journal file (Open only)
	nextSeg int
}

// A queuedRec is a request in the journal, acknowledged and not yet
// claimed: its data is n bytes at off in seg's file, or, in a View, data.
type queuedRec struct {
	seg  *segment
	off  int64
	n    int
	data []byte
}

// read returns q's data. s.jmu is held, so its file is not emptied meanwhile.
func (q *queuedRec) read() ([]byte, error) {
	if q.seg == nil {
		return slices.Clone(q.data), nil
	}
	b := make([]byte, q.n)
	_, err := q.seg.f.ReadAt(b, q.off)
	return b, err
}

// Open makes the spool's folders under dir if need be (mode 0700: they hold
// personal data), removes debris, writes into new/ the requests a relay
// that stopped left in the journal, and starts the committer.
func Open(dir string) (*Spool, error) {
	for _, sub := range append([]string{Journal, Tmp}, States...) {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, err
		}
	}
	debris, err := os.ReadDir(filepath.Join(dir, Tmp))
	if err != nil {
		return nil, err
	}
	for _, e := range debris {
		// A file here was never finished: its install had not returned.
		os.Remove(filepath.Join(dir, Tmp, e.Name()))
	}
	dirs := map[string]*os.File{}
	for _, sub := range append([]string{Journal, Tmp}, States...) {
		d, err := os.Open(filepath.Join(dir, sub))
		if err != nil {
			for _, d := range dirs {
				d.Close()
			}
			return nil, err
		}
		dirs[sub] = d
	}
	s := &Spool{dir: dir, MaxBatch: 1024, RecheckEvery: time.Second, dirs: dirs,
		commits: make(chan *pending, 1024), stopped: make(chan struct{}),
		names: map[string]struct{}{}, queued: map[string]*queuedRec{}, segs: map[*segment]struct{}{}}
	for _, st := range States {
		names, err := s.List(st)
		if err != nil {
			s.closeFiles()
			return nil, err
		}
		for _, n := range names {
			s.names[n] = struct{}{}
		}
	}
	if err := s.recover(); err != nil {
		s.closeFiles()
		return nil, fmt.Errorf("recovering the journal: %w", err)
	}
	s.smu.Lock()
	if fi, err := os.Stat(filepath.Join(dir, reserveName)); err == nil && fi.Size() >= reserveSize {
		s.reserved = true
	}
	if !s.checkSpace() {
		s.full.Store(true)
		s.checked = time.Now()
	}
	s.smu.Unlock()
	go s.committer()
	return s, nil
}

// closeFiles closes the folders and journal files Open opened.
func (s *Spool) closeFiles() {
	for _, d := range s.dirs {
		d.Close()
	}
	for g := range s.segs {
		g.f.Close()
	}
}

// recover takes over the journal a relay that stopped left, as it is:
// each file's requests, except those already in a state's folder and
// second records of a name, are the journal's again, and a file with
// none is removed. It writes nothing, so that a relay stopped by a full
// disk starts on one. New batches go to a new file: an old one may end
// in a torn record.
func (s *Spool) recover() error {
	paths, err := journalFiles(s.dir)
	if err != nil {
		return err
	}
	for _, p := range paths {
		var seq int
		if n, err := fmt.Sscanf(filepath.Base(p), "%d.log", &seq); n == 1 && err == nil && seq >= s.nextSeg {
			s.nextSeg = seq + 1
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		g := &segment{f: f}
		s.segs[g] = struct{}{}
		b, err := io.ReadAll(f)
		if err != nil {
			return err
		}
		recs, n := parseJournal(b)
		g.size = int64(n)
		off := 0
		for _, r := range recs {
			off += headerLen + len(r.name)
			if _, ok := s.names[r.name]; !ok { // else claimed before the stop, or a second record of it
				s.names[r.name] = struct{}{}
				s.queued[r.name] = &queuedRec{seg: g, off: int64(off), n: len(r.data)}
				g.pending++
			}
			off += len(r.data)
		}
		if g.pending == 0 {
			s.drop(g)
		}
	}
	return nil
}

// View opens an existing spool for reading only, as formrelay list does
// while serve runs: it makes nothing, cleans nothing, and refuses Put. It
// reads the journal once, when opened.
func View(dir string) (*Spool, error) {
	if _, err := os.Stat(filepath.Join(dir, New)); err != nil {
		return nil, fmt.Errorf("%s is not a spool: %w", dir, err)
	}
	s := &Spool{dir: dir, closed: true, stopped: make(chan struct{}), queued: map[string]*queuedRec{}}
	close(s.stopped)
	paths, err := journalFiles(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err // a spool from before the journal has no journal/
	}
	recs, err := readJournal(paths)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		if s.queued[r.name] == nil && s.inFolder(r.name) == "" {
			s.queued[r.name] = &queuedRec{data: r.data}
		}
	}
	return s, nil
}

// Dir returns the spool's root folder.
func (s *Spool) Dir() string { return s.dir }

// Path returns the path of name in state.
func (s *Spool) Path(state, name string) string { return filepath.Join(s.dir, state, name) }

// Close waits for Puts in progress, then stops the committer. Requests
// still in the journal stay there for the next Open.
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
	s.jmu.Lock()
	for g := range s.segs {
		if cerr := g.f.Close(); err == nil {
			err = cerr
		}
	}
	s.segs, s.seg = nil, nil
	s.jmu.Unlock()
	for _, d := range s.dirs {
		if cerr := d.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// Syncs returns how many flushes (fdatasyncs of the journal) the committer
// has made: fewer than the number of Puts when group commit works.
func (s *Spool) Syncs() int64 { return s.syncs.Load() }

// A pending Put awaiting the committer.
type pending struct {
	name string
	data []byte
	done chan error
}

// Put stores data as the request name in new/, durably: see the package
// comment. It fails with ErrExists if the name is in use in any state.
func (s *Spool) Put(name string, data []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	if s.Full() {
		return ErrFull
	}
	// The name is taken here, for good: a Put that fails may yet have
	// reached the disk (see the package comment).
	s.jmu.Lock()
	_, inUse := s.names[name]
	s.names[name] = struct{}{}
	s.jmu.Unlock()
	if inUse {
		return ErrExists
	}
	p := &pending{name: name, data: data, done: make(chan error, 1)}
	s.commits <- p
	return <-p.done
}

// committer commits batches: each is every Put that arrived while the
// last one was being committed.
func (s *Spool) committer() {
	defer close(s.stopped)
	for p := range s.commits {
		batch := []*pending{p}
	more:
		for len(batch) < s.MaxBatch {
			select {
			case q, ok := <-s.commits:
				if !ok {
					break more
				}
				batch = append(batch, q)
			default:
				break more
			}
		}
		s.commit(batch)
	}
}

// commit appends a batch to the journal in one write, fdatasyncs it, and
// answers the batch's Puts.
func (s *Spool) commit(batch []*pending) {
	var buf []byte
	var ends []int // where each record ends in buf
	for _, p := range batch {
		buf = appendRecord(buf, p.name, p.data)
		ends = append(ends, len(buf))
	}
	s.jmu.Lock()
	g, err := s.segment()
	if err != nil {
		s.jmu.Unlock()
		s.answer(batch, err)
		return
	}
	g.pending += len(batch) // so that no claim empties it meanwhile
	s.jmu.Unlock()

	_, err = g.f.WriteAt(buf, g.size)
	if err == nil {
		s.syncs.Add(1)
		err = fdatasync(g.f)
	}

	s.jmu.Lock()
	g.pending -= len(batch)
	if err == nil {
		for i, p := range batch {
			s.queued[p.name] = &queuedRec{seg: g, off: g.size + int64(ends[i]-len(p.data)), n: len(p.data)}
			g.pending++
		}
		g.size += int64(len(buf))
	} else if g.f.Truncate(g.size) != nil || fdatasync(g.f) != nil {
		// Its end cannot be trusted: the next batch starts a new file.
		if s.seg == g {
			s.seg = nil
		}
		if g.pending == 0 {
			s.drop(g)
		}
	}
	s.jmu.Unlock()
	s.answer(batch, err)
}

// answer returns err to the batch's Puts. An error of a full disk makes
// the spool full, and is told as ErrFull.
func (s *Spool) answer(batch []*pending, err error) {
	if noSpace(err) {
		s.setFull()
		err = fmt.Errorf("%w: %w", ErrFull, err)
	}
	for _, p := range batch {
		p.done <- err
	}
}

// segment returns the journal file to append to, starting a new one if
// there is none or it has grown past maxSegment. s.jmu is held.
func (s *Spool) segment() (*segment, error) {
	if s.seg != nil && s.seg.size < maxSegment {
		return s.seg, nil
	}
	if s.seg != nil {
		old := s.seg
		s.seg = nil
		if old.pending == 0 {
			s.drop(old)
		}
	}
	name := fmt.Sprintf("%016d.log", s.nextSeg)
	f, err := os.OpenFile(filepath.Join(s.dir, Journal, name), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if err := s.dirs[Journal].Sync(); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	s.nextSeg++
	s.seg = &segment{f: f}
	s.segs[s.seg] = struct{}{}
	return s.seg, nil
}

// drop empties the current journal file, whose requests have all been
// claimed, or closes and removes an older one. s.jmu is held.
func (s *Spool) drop(g *segment) {
	if g == s.seg {
		if g.f.Truncate(0) == nil && g.f.Sync() == nil {
			g.size = 0
			return
		}
		s.seg = nil
	}
	delete(s.segs, g)
	g.f.Close()
	if os.Remove(g.f.Name()) == nil {
		s.dirs[Journal].Sync()
	}
}

// install writes data as state/name whole or not at all: written and
// fsynced in tmp/, then renamed. The caller fsyncs the state's folder. On
// a full disk it releases the reserve and tries again.
func (s *Spool) install(state, name string, data []byte) error {
	return s.withRoom(func() error { return s.writeFile(state, name, data) })
}

// writeFile is install without the reserve.
func (s *Spool) writeFile(state, name string, data []byte) error {
	tmp := s.Path(Tmp, name)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
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
	}
	return err
}

// claim durably writes a request of the journal as to/name, then drops
// it from the journal. It reports false if name is not in the journal.
func (s *Spool) claim(name, to string) (bool, error) {
	s.jmu.Lock()
	q := s.queued[name]
	var data []byte
	var err error
	if q != nil && q.seg != nil {
		data, err = q.read()
	}
	s.jmu.Unlock()
	if q == nil || q.seg == nil {
		return false, nil
	}
	if err != nil {
		return true, err
	}
	if err := s.install(to, name, data); err != nil {
		return true, err
	}
	if err := s.dirs[to].Sync(); err != nil {
		return true, err
	}
	s.jmu.Lock()
	defer s.jmu.Unlock()
	if s.queued[name] == q {
		delete(s.queued, name)
		q.seg.pending--
		if q.seg.pending == 0 {
			s.drop(q.seg)
		}
	}
	return true, nil
}

// Move moves name from one state's folder to another's. From new/, a
// request in the journal is written into the destination, which is then
// fsynced, before it leaves the journal. Otherwise it is a rename followed
// by fsyncs of both folders, the destination first: after a crash the
// request is in one or the other, never neither.
func (s *Spool) Move(name, from, to string) error {
	if err := checkName(name); err != nil {
		return err
	}
	if from == New {
		if ok, err := s.claim(name, to); ok {
			return err
		}
	}
	// A folder may need a block more for the name.
	if err := s.withRoom(func() error { return os.Rename(s.Path(from, name), s.Path(to, name)) }); err != nil {
		return err
	}
	if err := s.dirs[to].Sync(); err != nil {
		return err
	}
	return s.dirs[from].Sync()
}

// Replace durably writes data over state/name (via tmp/ and a rename), for
// adding what happened to a request that is kept.
func (s *Spool) Replace(state, name string, data []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	if err := s.install(state, name, data); err != nil {
		return err
	}
	return s.dirs[state].Sync()
}

// Read returns the contents of state/name.
func (s *Spool) Read(state, name string) ([]byte, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	if state == New {
		s.jmu.Lock()
		q := s.queued[name]
		if q != nil {
			defer s.jmu.Unlock()
			return q.read()
		}
		s.jmu.Unlock()
	}
	return os.ReadFile(s.Path(state, name))
}

// Find returns the state name is in, or "" if it is in none.
func (s *Spool) Find(name string) string {
	if checkName(name) != nil {
		return ""
	}
	s.jmu.Lock()
	q := s.queued[name]
	s.jmu.Unlock()
	if q != nil {
		return New
	}
	return s.inFolder(name)
}

// inFolder returns the state whose folder has a file name, or "".
func (s *Spool) inFolder(name string) string {
	for _, st := range States {
		if d := s.dirs[st]; d != nil {
			if exists(d, name) {
				return st
			}
		} else if _, err := os.Lstat(s.Path(st, name)); err == nil {
			return st // a View
		}
	}
	return ""
}

// List returns the names of the requests in a state, sorted.
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
	if state == New {
		s.jmu.Lock()
		for name := range s.queued {
			names = append(names, name)
		}
		s.jmu.Unlock()
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
	if s.names != nil {
		s.jmu.Lock()
		for _, n := range gone {
			delete(s.names, n) // its retention is over
		}
		s.jmu.Unlock()
	}
	if len(gone) > 0 {
		return gone, s.dirs[state].Sync()
	}
	return nil, nil
}

func checkName(name string) error {
	if name == "" || name[0] == '.' || strings.ContainsAny(name, `/\`) {
		return fmt.Errorf("spool: bad name %q", name)
	}
	return nil
}
