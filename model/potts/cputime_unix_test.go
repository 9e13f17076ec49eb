//go:build unix

package potts

import "syscall"

// cpuSeconds returns the process's user+system CPU time, so that the
// benchmark can report a throughput per CPU-second that other load on a
// shared machine does not distort.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
