package generator

import (
	"math"
	"runtime/debug"
	"testing"
)

// A heap budget puts the runtime's settings back when stopped, and when
// the live heap passes half of it.
func TestHeapBudget(t *testing.T) {
	percent := debug.SetGCPercent(100)
	defer debug.SetGCPercent(percent)
	for _, tt := range []struct {
		name   string
		budget int64
		check  int
	}{
		{"stopped", 1 << 30, 0},
		{"outgrown", 1, 64},
	} {
		h := startHeapBudget(tt.budget)
		if got := debug.SetMemoryLimit(-1); got != tt.budget {
			t.Errorf("%s: memory limit %d while on, want %d", tt.name, got, tt.budget)
		}
		if got := debug.SetGCPercent(-1); got != -1 {
			t.Errorf("%s: GOGC %d while on, want off", tt.name, got)
		}
		for range tt.check {
			h.check()
		}
		if tt.check == 0 {
			h.stop()
		}
		// Put back by check alone when outgrown.
		restored := func(when string) {
			t.Helper()
			if got := debug.SetGCPercent(100); got != 100 {
				t.Errorf("%s: GOGC %d %s, want 100", tt.name, got, when)
			}
			if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
				t.Errorf("%s: memory limit %d %s, want none", tt.name, got, when)
			}
		}
		restored("after")
		h.stop() // a second stop is harmless
	}
	none := startHeapBudget(0)
	none.check()
	none.stop()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("no budget: GOGC %d, want 100", got)
	}
}
