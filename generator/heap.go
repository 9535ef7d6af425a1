package generator

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// A heapBudget lets a streamed build's garbage grow to a fixed size
// before it is collected. By default the runtime collects whenever the
// heap has doubled since the last collection; a streamed build keeps
// little (a summary of each policy written), so the heap is small and it
// collects every few megabytes: a tenth of a 1,000-policy build's CPU.
//
// While the live heap is under half the budget, collection is by the
// memory limit alone (GOGC off, the limit at the budget); past half, the
// default would collect less often than the budget, and is put back.
//
// The live heap is read at the end of every collection, as well as every
// 64 policies: one policy can alone outgrow the budget (10 MB of front
// matter is hundreds of MB of YAML nodes), and under a memory limit the heap
// cannot reach, the runtime collects without end. Read after each cycle,
// the budget gives way at the first collection that finds it outgrown, so
// a build is never much slower than with GOGC=100.
type heapBudget struct {
	budget  int64
	percent int   // the settings to put back
	limit   int64 //
	on      atomic.Bool
	calls   atomic.Int64
	mu      sync.Mutex // guards live
	live    []metrics.Sample
	stopped sync.Once
}

// startHeapBudget starts collecting by budget bytes; nil when budget is
// not positive, and then the other methods do nothing.
func startHeapBudget(budget int64) *heapBudget {
	if budget <= 0 {
		return nil
	}
	h := &heapBudget{budget: budget, live: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	h.limit = debug.SetMemoryLimit(budget)
	h.percent = debug.SetGCPercent(-1)
	h.on.Store(true)
	h.watch()
	return h
}

// watch has the live heap checked at the end of the next collection: a
// cleanup runs once the collector finds its object unreachable, and arms
// the next.
func (h *heapBudget) watch() {
	runtime.AddCleanup(new([64]byte), (*heapBudget).afterGC, h) // 64 bytes: not in a tiny block shared with others
}

// afterGC runs on the runtime's cleanup goroutine after a collection.
func (h *heapBudget) afterGC() {
	if !h.on.Load() {
		return
	}
	if h.outgrown() {
		h.stop()
		return
	}
	h.watch()
}

// outgrown reports whether the live heap is past half the budget.
func (h *heapBudget) outgrown() bool {
	h.mu.Lock()
	metrics.Read(h.live)
	live := h.live[0].Value
	h.mu.Unlock()
	return live.Kind() == metrics.KindUint64 && live.Uint64() > uint64(h.budget/2)
}

// check reads the live heap every 64 calls and puts the runtime's
// settings back once it passes half the budget. Safe for concurrent use.
func (h *heapBudget) check() {
	if h == nil || !h.on.Load() || h.calls.Add(1)%64 != 0 {
		return
	}
	if h.outgrown() {
		h.stop()
	}
}

// stop puts the runtime's settings back.
func (h *heapBudget) stop() {
	if h == nil {
		return
	}
	h.stopped.Do(func() {
		h.on.Store(false)
		debug.SetGCPercent(h.percent)
		debug.SetMemoryLimit(h.limit)
	})
}
