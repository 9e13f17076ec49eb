package rbm

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/linalg"
)

// ExactBits is the number of fractional bits of the hidden probabilities
// in ExactStats: each P(h_j=1|v) is rounded to a multiple of 2^-30.
const ExactBits = 30

// ExactMaxRows is the most rows whose ExactStats sums stay exact in
// float64: 2^(52-ExactBits).
const ExactMaxRows = 1 << (52 - ExactBits)

// ExactStats are the AddStats sums of an RBM on binary rows in fixed
// point: the hidden probabilities are rounded to multiples of 2^-ExactBits
// (each computed for blocks of rows that start at a multiple of blockRows,
// 16 for the trainer's blocks, so that a row's value does not depend on
// how many rows a call holds), and, the visible units being 0 or 1, every
// sum is then a multiple of 2^-ExactBits below 2^(52-ExactBits): exact in
// float64 whatever the order of the additions (matrix product kernels,
// partial sums of processes, up to ExactMaxRows rows in all). A
// data-parallel trainer (train.ExactStats) then sums each process's rows
// at once and its result does not depend on the number of processes. The
// rounding changes the statistics by at most 2^-31 per probability, far
// below the float32 rounding of the default kernels. Rows must be binary
// and unweighted.
type ExactStats struct {
	RBM *RBM
	// BlockRows is the row count of the blocks in which the probabilities
	// are computed; 0 means 16.
	BlockRows int
}

// ExactSums marks the sums as exact (train.ExactStats).
func (ExactStats) ExactSums() {}

// AddStats adds the fixed-point -Σ_r (v_r q_rᵀ, v_r, q_r) to sum, q_r the
// rounded P(h=1|v_r).
func (e ExactStats) AddStats(v *mat.Dense, w []float64, sum []float64) {
	r := e.RBM
	if w != nil {
		panic("rbm: ExactStats of weighted rows")
	}
	checkRows("ExactStats", v, r.nv, nil)
	n, _ := v.Dims()
	if n > ExactMaxRows {
		panic(fmt.Sprintf("rbm: ExactStats of %d rows, more than %d", n, ExactMaxRows))
	}
	for _, x := range v.RawMatrix().Data {
		if x != 0 && x != 1 {
			panic(fmt.Sprintf("rbm: ExactStats of a non-binary row value %v", x))
		}
	}
	buf := get64(n * r.nh)
	defer pool64.Put(buf)
	ph := mat.NewDense(n, r.nh, *buf)
	b := e.BlockRows
	if b <= 0 {
		b = 16
	}
	for lo := 0; lo < n; lo += b {
		hi := min(lo+b, n)
		r.HiddenProb(v.Slice(lo, hi, 0, r.nv).(*mat.Dense), ph.Slice(lo, hi, 0, r.nh).(*mat.Dense))
	}
	scale := math.Ldexp(1, ExactBits)
	q := ph.RawMatrix().Data
	for i, p := range q {
		q[i] = math.Round(p*scale) / scale
	}
	if len(sum) != len(r.params) {
		panic(fmt.Sprintf("rbm: stats buffer has length %d, want %d", len(sum), len(r.params)))
	}
	nw := r.nv * r.nh
	linalg.Gemm64(true, false, -1, v.RawMatrix(), ph.RawMatrix(), 1, gen64(r.nv, r.nh, sum[:nw]))
	ga, gb := sum[nw:nw+r.nv], sum[nw+r.nv:]
	for k := range n {
		for i, x := range v.RawRowView(k) {
			ga[i] -= x
		}
		for j, x := range ph.RawRowView(k) {
			gb[j] -= x
		}
	}
}
