package rbm

import (
	"sync"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/linalg"
)

// sparseFraction is the largest fraction of nonzero entries for which a
// float32 product with binary states is computed by gathering rows
// (linalg.Sparse32) instead of by a dense GEMM. Binarized MNIST digits
// have about 13% of their pixels on, the hidden units of a trained RBM
// often about 20%; probabilities are never zero and always take the dense
// path. For a batch of 100 rows times the 784×500 weights, the gather
// is 4.7× as fast as OpenBLAS's single-thread sgemm at 13% and as fast
// near 50%; in the pure-Go build (AVX2 gather and packed sgemm, per core)
// the crossover is near 40% (go test -bench 'SparseMul|SgemmLevels'
// ./internal/linalg, with and without the tag openblas; BENCHMARKS.md).
const sparseFraction = 0.4

var sparsePool = sync.Pool{New: func() any { return new(linalg.Sparse32) }}

// sparseRows returns a pooled sparse copy of the rows×cols float32 matrix
// x; put it back into sparsePool after use.
func sparseRows(x []float32, rows, cols int) *linalg.Sparse32 {
	s := sparsePool.Get().(*linalg.Sparse32)
	s.FromDense(x, rows, cols)
	return s
}

// sparseIfFew returns the rows×cols float32 matrix v as a pooled sparse
// matrix if at most sparseFraction of its entries are nonzero, else nil
// (then dense products are faster).
func sparseIfFew(v []float32, rows, cols int) *linalg.Sparse32 {
	s := sparseRows(v, rows, cols)
	if float64(s.NNZ()) > sparseFraction*float64(rows)*float64(cols) {
		sparsePool.Put(s)
		return nil
	}
	return s
}

// product32 sets the rows [lo, hi) of out (row lo at out[0]) to those of
// x·W (toHidden: x is m×V, out has H columns) or x·Wᵀ (x is m×H, out has
// V columns) with the kernels of p, where s holds the nonzeros of x. Each
// row with at most sparseFraction of its entries nonzero is gathered from
// the rows of p.w (toHidden) or of wt, the transposed float32 weights
// (H×V; nil: no row is gathered, and s is not read); runs of denser rows
// go through one GEMM each. Whether a row is gathered depends on the row alone, so the result
// does not depend on how the caller split the rows among goroutines.
func product32(p *mirror, s *linalg.Sparse32, x []float32, lo, hi, nv, nh int, wt linalg.Matrix32, toHidden bool, out []float32) {
	in, nout, src := nv, nh, p.w
	if !toHidden {
		in, nout, src = nh, nv, wt
	}
	// dense multiplies the rows [a, b) by W or Wᵀ with one GEMM.
	dense := func(a, b int) {
		p.k.MulW32(x[a*in:], b-a, p.w, !toHidden, out[(a-lo)*nout:])
	}
	if src == nil {
		dense(lo, hi)
		return
	}
	limit := int(sparseFraction * float64(in))
	for a := lo; a < hi; {
		sparse := s.RowNNZ(a) <= limit
		b := a + 1
		for b < hi && (s.RowNNZ(b) <= limit) == sparse {
			b++
		}
		if sparse {
			p.k.SparseMulW32(s, a, b, src, out[(a-lo)*nout:])
		} else {
			dense(a, b)
		}
		a = b
	}
}

// transposePays reports whether gathering the products of rows×steps
// hidden states from Wᵀ can repay the transposed copy of W that it needs
// after every parameter change. The copy costs about as much as the dense
// product of a few dozen rows, and at a trained RBM's 20% of hidden units
// on the gather saves about half of a dense row's cost, so it pays from a
// few hundred row-steps on; one PCD-1 update of 100 chains does not reach
// that, sampling runs do.
func transposePays(rows, steps int) bool { return rows*steps >= transposeMinWork }

// transposeMinWork is the threshold of transposePays (a variable so that
// tests can exercise the gathered path on small inputs).
var transposeMinWork = 1000

// hiddenProb32 sets the m×H rows of out to σ(b + v·W) for the m×V float32
// rows v, gathering the products of sparse rows (product32).
func hiddenProb32(p *mirror, v []float32, m, nv, nh int, out []float32) {
	s := sparseRows(v, m, nv)
	product32(p, s, v, 0, m, nv, nh, nil, true, out)
	sparsePool.Put(s)
	p.k.SigmoidBias32(out, p.b, out, m, nh)
}

// fewOnes reports whether at most sparseFraction of the entries of the
// float64 matrix x are nonzero.
func fewOnes(x *mat.Dense) bool {
	r, c := x.Dims()
	nnz := 0
	for i := range r {
		for _, v := range x.RawRowView(i) {
			if v != 0 {
				nnz++
			}
		}
	}
	return float64(nnz) <= sparseFraction*float64(r)*float64(c)
}

// weightSums32 sets, for the visible units [lo, hi), g ((hi-lo)×H) to the
// rows lo…hi-1 of the weight sums vᵀh and va (hi-lo) to the visible sums
// Σ_r c_r v_ri (c nil: all ones), where v is n×V and h is n×H, row-major.
// With vs, v as a sparse matrix, the columns [lo, hi) of v are transposed
// and each weight row adds up only the rows of h where its visible unit is
// on; with vs nil one GEMM computes g. Either way each entry is summed in
// an order fixed by the inputs, whatever the split of [0, V) among
// goroutines.
func weightSums32(kern linalg.Kernels, vs *linalg.Sparse32, v []float32, n, nv, nh int, h []float32, c []float64, lo, hi int, g []float32, va []float64) {
	coef := func(r int) float64 {
		if c == nil {
			return 1
		}
		return c[r]
	}
	if vs == nil {
		clear(va[:hi-lo])
		for r := range n {
			cr := coef(r)
			for i, x := range v[r*nv+lo : r*nv+hi] {
				va[i] += cr * float64(x)
			}
		}
		m := blas32.General{Rows: n, Cols: hi - lo, Stride: nv, Data: v[lo:]}
		kern.Gemm32(true, false, 1, m, gen32(n, nh, h), 0, gen32(hi-lo, nh, g))
		return
	}
	vt := sparsePool.Get().(*linalg.Sparse32)
	defer sparsePool.Put(vt)
	vs.TransposeCols(lo, hi, vt)
	for i := range hi - lo {
		rows, vals := vt.Row(i)
		sum := 0.0
		for k, r := range rows {
			sum += coef(int(r)) * float64(vals[k])
		}
		va[i] = sum
	}
	kern.SparseMul32(vt, 0, hi-lo, h, nh, nh, g, nh)
}

// weightChunk is the number of visible units per piece of the parallel
// weight sums: one even share per core for the dense GEMM (whose calls
// repack their operands), 128 for the gathered sums. Those have no
// per-call cost but transpose their range of the stacked rows, which
// costs a binary search per row and piece; 128 (7 pieces for MNIST, plus
// the hidden-bias sums) measured faster than 64 or 208 for PCD-1 on 2
// cores.
func weightChunk(nv int, sparse bool) int {
	if sparse {
		return min(128, nv)
	}
	return chunk(nv, 16, nv)
}
