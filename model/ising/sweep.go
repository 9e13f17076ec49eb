package ising

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/parallel"
)

// GibbsSweeps advances the chains whose states are the rows of x (n×N, in
// the model's encoding) by sweeps single-site heat-bath sweeps: each sweep
// visits the units in order and redraws unit i with
//
//	P(s_i = hi | s_-i) = σ((hi - lo)·u_i),   u_i = h_i + Σ_j J_ij s_j,
//
// the same transition as sample.SiteGibbs. Rows [k·blockSize,
// (k+1)·blockSize) use rngs[k] only and are advanced by one goroutine, so
// results depend on the streams alone. The local fields u of a block's
// chains are kept in a blockSize×N table and updated by one AXPY with row i
// of J when unit i flips (chains inner: the row is loaded once for the whole
// block), so a sweep costs O(N) per unit that flips instead of O(N) per
// unit; the fields are recomputed exactly at the start of every call.
func (m *Model) GibbsSweeps(x *mat.Dense, sweeps, blockSize int, rngs []*rand.Rand) {
	n, d := x.Dims()
	if d != m.n || blockSize <= 0 || parallel.Blocks(n, blockSize) != len(rngs) {
		panic(fmt.Sprintf("ising: GibbsSweeps with %d×%d states, %d streams of %d rows for %d units", n, d, len(rngs), blockSize, m.n))
	}
	if sweeps <= 0 {
		return
	}
	lo, hi := m.states[0], m.states[1]
	gap := hi - lo
	nn := m.n
	j := m.params[:nn*nn]
	h := m.params[nn*nn:]
	parallel.For(len(rngs), func(k int) {
		r0, r1 := parallel.Range(k, blockSize, n)
		b := r1 - r0
		rng := rngs[k]
		// u = h + S J (J symmetric), one row per chain of the block.
		ub := getFields(b * nn)
		defer fieldPool.Put(ub)
		u := *ub
		for c := range b {
			copy(u[c*nn:(c+1)*nn], h)
		}
		xs := x.RawMatrix()
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1,
			blas64.General{Rows: b, Cols: nn, Stride: xs.Stride, Data: xs.Data[r0*xs.Stride:]},
			blas64.General{Rows: nn, Cols: nn, Stride: nn, Data: j}, 1,
			blas64.General{Rows: b, Cols: nn, Stride: nn, Data: u})
		for range sweeps {
			for i := range nn {
				row := j[i*nn : (i+1)*nn]
				for c := range b {
					xc := xs.Data[(r0+c)*xs.Stride : (r0+c)*xs.Stride+nn]
					uc := u[c*nn : (c+1)*nn]
					p := 1 / (1 + math.Exp(-gap*uc[i]))
					v := lo
					if rng.Float64() < p {
						v = hi
					}
					if delta := v - xc[i]; delta != 0 {
						xc[i] = v
						floats.AddScaled(uc, delta, row)
					}
				}
			}
		}
	})
}

var fieldPool sync.Pool

func getFields(n int) *[]float64 {
	p, _ := fieldPool.Get().(*[]float64)
	if p == nil || cap(*p) < n {
		s := make([]float64, n)
		p = &s
	}
	*p = (*p)[:n]
	return p
}
