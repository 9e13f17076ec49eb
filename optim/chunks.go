package optim

import "boltzmann/internal/parallel"

// chunkSize is the number of parameters one goroutine updates at a time.
// Every update rule is elementwise, so splitting the vector changes no
// result; vectors shorter than two chunks are updated by the caller's
// goroutine alone, where starting workers would cost more than it saves.
const chunkSize = 1 << 14

// chunks calls fn(lo, hi) over consecutive ranges covering [0, n), in
// parallel when n is large.
func chunks(n int, fn func(lo, hi int)) {
	if n < 2*chunkSize {
		fn(0, n)
		return
	}
	parallel.For(parallel.Blocks(n, chunkSize), func(b int) {
		fn(parallel.Range(b, chunkSize, n))
	})
}
