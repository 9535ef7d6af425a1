package generator

import (
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
	return h
}

// check reads the live heap every 64 calls and puts the runtime's
// settings back once it passes half the budget. Safe for concurrent use.
func (h *heapBudget) check() {
	if h == nil || !h.on.Load() || h.calls.Add(1)%64 != 0 {
		return
	}
	h.mu.Lock()
	metrics.Read(h.live)
	live := h.live[0].Value
	h.mu.Unlock()
	if live.Kind() == metrics.KindUint64 && live.Uint64() > uint64(h.budget/2) {
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
