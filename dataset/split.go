package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Permutation returns a uniformly random permutation of 0 … n-1 drawn
// from rng.
func Permutation(n int, rng *rand.Rand) []int { return rng.Perm(n) }

// Gather copies the rows idx of x into dst, which must be len(idx) × cols
// of x: dst row k is x row idx[k].
func Gather(dst, x *mat.Dense, idx []int) {
	r, c := dst.Dims()
	_, xc := x.Dims()
	if r != len(idx) || c != xc {
		panic(fmt.Sprintf("dataset: Gather into %d×%d for %d rows of %d columns", r, c, len(idx), xc))
	}
	for k, i := range idx {
		copy(dst.RawRowView(k), x.RawRowView(i))
	}
}

// Rows returns a new len(idx) × cols matrix holding the rows idx of x.
func Rows(x *mat.Dense, idx []int) *mat.Dense {
	_, c := x.Dims()
	if len(idx) == 0 {
		panic("dataset: Rows with no rows")
	}
	dst := mat.NewDense(len(idx), c, nil)
	Gather(dst, x, idx)
	return dst
}

// Shuffle returns a copy of x with its rows in random order. x is not
// modified.
func Shuffle(x *mat.Dense, rng *rand.Rand) *mat.Dense {
	r, _ := x.Dims()
	return Rows(x, Permutation(r, rng))
}

// Batches splits idx into consecutive batches of size entries (the last
// may be shorter). The batches are subslices of idx. A typical epoch:
//
//	for _, b := range dataset.Batches(dataset.Permutation(n, rng), size) {
//		batch := dataset.Rows(x, b) // or Gather into a reused buffer
//		...
//	}
func Batches(idx []int, size int) [][]int {
	if size <= 0 {
		panic(fmt.Sprintf("dataset: Batches with size %d", size))
	}
	out := make([][]int, 0, (len(idx)+size-1)/size)
	for lo := 0; lo < len(idx); lo += size {
		out = append(out, idx[lo:min(lo+size, len(idx))])
	}
	return out
}

// Split shuffles the rows of x with the given seed and returns the first
// n - k rows as train and the last k as val, with k = round(valFraction·n)
// clamped to [0, n-1] so that train is never empty. val is nil when k = 0.
// The same x and seed always give the same split; x is not modified.
// Split panics unless 0 <= valFraction < 1.
func Split(x *mat.Dense, valFraction float64, seed uint64) (train, val *mat.Dense) {
	if !(valFraction >= 0 && valFraction < 1) {
		panic(fmt.Sprintf("dataset: Split needs 0 <= valFraction < 1, got %g", valFraction))
	}
	n, _ := x.Dims()
	k := min(int(math.Round(valFraction*float64(n))), n-1)
	perm := Permutation(n, rand.New(rand.NewPCG(seed, 0x5b117)))
	train = Rows(x, perm[:n-k])
	if k > 0 {
		val = Rows(x, perm[n-k:])
	}
	return train, val
}
