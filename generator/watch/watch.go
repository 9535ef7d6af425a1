// Package watch reports changes to a site's sources: site.yaml, content/ and
// themes/, recursively, new folders included. Editors save in bursts (write
// in place, write a temporary file then rename it, backup and swap files), so
// events are filtered for editor junk and coalesced into batches of changed
// paths: a batch is ready once no event has come for Debounce, and while the
// receiver is busy (rebuilding) events keep gathering into the next batch, so
// no change is missed and a slow rebuild is followed by one more, not many.
package watch

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Debounce is how long the watcher waits after the last event of a burst.
// An editor's save is a burst of events within a millisecond or two; a
// longer wait would be most of the time from a save to the page reloaded.
const Debounce = 5 * time.Millisecond

// All in a batch means events may have been lost (the system's queue
// overflowed, or a folder could not be watched): anything may have changed.
const All = "."

// Junk reports whether name (a base name) is an editor's temporary, swap or
// backup file rather than a source.
func Junk(name string) bool {
	switch {
	case name == "4913", // vim's probe file
		strings.HasPrefix(name, ".#"),                                // emacs lock
		strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"), // emacs autosave
		strings.HasSuffix(name, "~"),
		strings.HasSuffix(name, ".swp"), strings.HasSuffix(name, ".swx"), strings.HasSuffix(name, ".swo"),
		strings.HasSuffix(name, ".tmp"), strings.HasSuffix(name, ".bak"),
		strings.HasPrefix(name, ".goutputstream-"),
		name == ".DS_Store":
		return true
	}
	return false
}

// Watch watches site.yaml, content/ and themes/ under root and sends each
// debounced batch of changed paths (relative to root, sorted) on the returned
// channel until ctx ends; then the channel is closed.
func Watch(ctx context.Context, root string) (<-chan []string, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	if err := w.Add(root); err != nil {
		w.Close()
		return nil, err
	}
	blind := false
	for _, d := range []string{"content", "themes"} {
		blind = !addTree(w, filepath.Join(root, d)) || blind
	}
	out := make(chan []string)
	go loop(ctx, w, root, out, blind)
	return out, nil
}

// addTree watches dir and every folder below it, and reports whether it
// could watch them all.
func addTree(w *fsnotify.Watcher, dir string) bool {
	ok := true
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if err := w.Add(p); err != nil {
			slog.Warn("cannot watch folder: every save will read the whole site", "dir", p, "err", err)
			ok = false
		}
		return nil
	})
	return ok
}

// unwatchTree stops watching dir, a folder moved or removed, and every
// folder below it. inotify goes on watching a moved folder's subfolders
// under their old names, so their files would be reported by paths that no
// longer exist; the new name is watched afresh when its Create arrives.
func unwatchTree(w *fsnotify.Watcher, dir string) {
	for _, p := range w.WatchList() {
		if p == dir || strings.HasPrefix(p, dir+string(filepath.Separator)) {
			w.Remove(p)
		}
	}
}

// relevant reports whether rel (slash-separated, relative to the root) is a
// source the site is built from.
func relevant(rel string) bool {
	if rel == "site.yaml" {
		return true
	}
	if !strings.HasPrefix(rel, "content/") && !strings.HasPrefix(rel, "themes/") && rel != "content" && rel != "themes" {
		return false
	}
	for _, part := range strings.Split(rel, "/") {
		if Junk(part) {
			return false
		}
	}
	return true
}

// loop owns the debounce timer: one goroutine, no locks. Once a folder
// could not be watched (blind), changes in it go unseen, so every batch
// also holds All.
func loop(ctx context.Context, w *fsnotify.Watcher, root string, out chan<- []string, blind bool) {
	defer close(out)
	defer w.Close()
	pending := map[string]bool{}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var (
		quiet bool     // Debounce has passed since the last event
		batch []string // pending, sorted, once quiet
	)
	for {
		// Offer the batch only when it is ready; until the receiver takes
		// it, events keep joining it.
		var send chan<- []string
		if quiet && len(pending) > 0 {
			if batch == nil {
				batch = make([]string, 0, len(pending))
				for p := range pending {
					batch = append(batch, p)
				}
				if blind && !pending[All] {
					batch = append(batch, All)
				}
				sort.Strings(batch)
			}
			send = out
		}
		select {
		case <-ctx.Done():
			return
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			// Events may have been lost (the system's queue overflowed, or
			// worse): anything may have changed.
			slog.Warn("watching the site: reading it all again", "err", err)
			pending[All] = true
			quiet, batch = false, nil
			timer.Reset(Debounce)
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			rel, err := filepath.Rel(root, ev.Name)
			if err != nil {
				continue
			}
			rel = filepath.ToSlash(rel)
			if !relevant(rel) {
				continue
			}
			if ev.Has(fsnotify.Rename) || ev.Has(fsnotify.Remove) {
				unwatchTree(w, ev.Name)
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					// A new folder: watch it and report what is already in it
					// (files can land before the watch is in place).
					blind = !addTree(w, ev.Name) || blind
					filepath.WalkDir(ev.Name, func(p string, d fs.DirEntry, err error) error {
						if err == nil && !d.IsDir() {
							if r, err := filepath.Rel(root, p); err == nil && relevant(filepath.ToSlash(r)) {
								pending[filepath.ToSlash(r)] = true
							}
						}
						return nil
					})
				}
			}
			if ev.Op == fsnotify.Chmod {
				continue
			}
			pending[rel] = true
			quiet, batch = false, nil
			timer.Reset(Debounce)
		case <-timer.C:
			quiet = true
		case send <- batch:
			pending, batch = map[string]bool{}, nil
		}
	}
}
