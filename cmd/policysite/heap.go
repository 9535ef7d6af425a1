package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// A gcBudget lets a build's garbage grow to a fixed size before it is
// collected, rather than whenever the heap has doubled since the last
// collection (GOGC=100): a streamed build keeps little of each policy, so
// its heap is small and the default collects every few megabytes
// (docs/performance.md says what that costs).
//
// While the live heap is under two thirds of the budget, collection is by
// the memory limit alone (GOGC off, the limit at the budget), so the heap
// stays within the budget and each collection frees at least a third of
// it; past two thirds, collections would come ever closer together, and
// the default is put back, under which the heap grows to twice the live
// heap. (Giving way at half, the default's heap would be the budget
// there, but a build that ended just past it peaked a half higher than
// one just under: docs/performance.md.) The live heap is read at the end
// of every collection: one policy can alone outgrow the budget, and under
// a memory limit the heap cannot reach the runtime collects without end,
// so the budget gives way at the first collection that finds it outgrown.
//
// The settings are the process's: for a command that builds once.
type gcBudget struct {
	budget  int64
	percent int   // the settings to put back
	limit   int64 //
	on      atomic.Bool
	mu      sync.Mutex // guards live
	live    []metrics.Sample
	stopped sync.Once
}

// startHeapBudget starts collecting by budget bytes; nil when budget is
// not positive, and then stop does nothing.
func startHeapBudget(budget int64) *gcBudget {
	if budget <= 0 {
		return nil
	}
	h := &gcBudget{budget: budget, live: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	h.limit = debug.SetMemoryLimit(budget)
	h.percent = debug.SetGCPercent(-1)
	h.on.Store(true)
	h.watch()
	return h
}

// watch has the live heap checked at the end of the next collection: a
// cleanup runs once the collector finds its object unreachable, and arms
// the next.
func (h *gcBudget) watch() {
	runtime.AddCleanup(new([64]byte), (*gcBudget).afterGC, h) // 64 bytes: not in a tiny block shared with others
}

// afterGC runs on the runtime's cleanup goroutine after a collection.
func (h *gcBudget) afterGC() {
	if !h.on.Load() {
		return
	}
	if h.outgrown() {
		h.stop()
		return
	}
	h.watch()
}

// outgrown reports whether the live heap is past two thirds of the budget.
func (h *gcBudget) outgrown() bool {
	h.mu.Lock()
	metrics.Read(h.live)
	live := h.live[0].Value
	h.mu.Unlock()
	return live.Kind() == metrics.KindUint64 && live.Uint64() > uint64(h.budget/3*2)
}

// stop puts the runtime's settings back.
func (h *gcBudget) stop() {
	if h == nil {
		return
	}
	h.stopped.Do(func() {
		h.on.Store(false)
		debug.SetGCPercent(h.percent)
		debug.SetMemoryLimit(h.limit)
	})
}
