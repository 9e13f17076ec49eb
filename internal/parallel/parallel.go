// Package parallel runs independent pieces of work on all cores.
//
// Work is always split into a fixed number of pieces chosen by the caller
// (for example one per block of chains), never by the number of cores, so
// that results depend on the seed only and not on GOMAXPROCS.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// For calls fn(i) for every i in [0, n), using up to GOMAXPROCS goroutines.
// Each fn(i) must only write to data owned by piece i.
func For(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// Blocks returns the number of blocks of size size needed to cover n items,
// and Range returns the half-open range of block b.
func Blocks(n, size int) int { return (n + size - 1) / size }

// Range returns the half-open index range [lo, hi) of block b of size size
// over n items.
func Range(b, size, n int) (lo, hi int) {
	lo = b * size
	hi = min(lo+size, n)
	return lo, hi
}
