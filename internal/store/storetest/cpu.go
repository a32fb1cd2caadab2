package storetest

import (
	"syscall"
	"time"
)

// CPUTime is the user and system CPU time this process has used. On a
// shared machine the CPU time a benchmark spends is steadier than its wall
// clock, so the store's benchmarks report both.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
