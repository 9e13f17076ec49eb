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
	"boltzmann/model"
)

var _ model.SiteSweeper = (*Model)(nil)

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
//
// When at most a sparseCouplings fraction of J is nonzero (a lattice: a
// 32×32 square lattice has 4 of 1,024 couplings per row) the update adds
// only the nonzero couplings of unit i, so a flip costs O(degree), not
// O(N). The result is the same to the bit: the skipped terms add zeros.
// (A checkerboard schedule, all units of one colour of the coupling graph
// at once, would let one chain use several cores; here the cores already
// run different blocks of chains, so the sweep keeps the sequential order
// of sample.SiteGibbs.)
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
	nb := neighbours(j, nn)
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
		if nb == nil {
			blas64.Gemm(blas.NoTrans, blas.NoTrans, 1,
				blas64.General{Rows: b, Cols: nn, Stride: xs.Stride, Data: xs.Data[r0*xs.Stride:]},
				blas64.General{Rows: nn, Cols: nn, Stride: nn, Data: j}, 1,
				blas64.General{Rows: b, Cols: nn, Stride: nn, Data: u})
		} else { // u_i = h_i + Σ_j s_j J_ji over the nonzero couplings (J symmetric)
			for c := range b {
				xc := xs.Data[(r0+c)*xs.Stride : (r0+c)*xs.Stride+nn]
				uc := u[c*nn : (c+1)*nn]
				for i := range nn {
					f := uc[i]
					for t := nb.ptr[i]; t < nb.ptr[i+1]; t++ {
						f += xc[nb.idx[t]] * nb.val[t]
					}
					uc[i] = f
				}
			}
		}
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
						if nb == nil {
							floats.AddScaled(uc, delta, row)
							continue
						}
						for t := nb.ptr[i]; t < nb.ptr[i+1]; t++ {
							uc[nb.idx[t]] += delta * nb.val[t]
						}
					}
				}
			}
		}
	})
}

// sparseCouplings is the largest fraction of nonzero couplings for which
// GibbsSweeps updates the local fields through neighbour lists.
var sparseCouplings = 0.125

// adjacency lists the nonzero couplings of each unit: unit i's neighbours
// are idx[ptr[i]:ptr[i+1]], with couplings val.
type adjacency struct {
	ptr, idx []int
	val      []float64
}

// neighbours returns the nonzero couplings of the n×n matrix j as lists,
// or nil if more than sparseCouplings of them are nonzero.
func neighbours(j []float64, n int) *adjacency {
	nnz := 0
	for _, v := range j {
		if v != 0 {
			nnz++
		}
	}
	if float64(nnz) > sparseCouplings*float64(n)*float64(n) {
		return nil
	}
	a := &adjacency{ptr: make([]int, 1, n+1), idx: make([]int, 0, nnz), val: make([]float64, 0, nnz)}
	for i := range n {
		for c, v := range j[i*n : (i+1)*n] {
			if v != 0 {
				a.idx = append(a.idx, c)
				a.val = append(a.val, v)
			}
		}
		a.ptr = append(a.ptr, len(a.idx))
	}
	return a
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
