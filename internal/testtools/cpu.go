package testtools

import (
	"syscall"
	"time"
)

// CPUTime is the CPU time the process has used, user and system: steadier
// than wall time on a shared machine, for benchmarks to report.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
