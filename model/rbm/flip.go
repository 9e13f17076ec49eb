package rbm

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/mathx"
	"boltzmann/internal/parallel"
)

// FlipDeltas writes into out (batch × V) the free-energy changes
// F(v with v_i flipped) - F(v) for every unit i of every row of v
// (batch × V). With x = b + vᵀW and Δ_i = 1 - 2v_i,
//
//	ΔF_i = -a_i Δ_i - Σ_j [softplus(x_j + Δ_i W_ij) - softplus(x_j)],
//
// which costs O(V·H) per row, as much as one free energy; the
// pseudo-log-likelihood of an RBM needs exactly these.
func (r *RBM) FlipDeltas(v, out *mat.Dense) {
	n, d := v.Dims()
	if on, od := out.Dims(); d != r.nv || on != n || od != d {
		panic(fmt.Sprintf("rbm: FlipDeltas of %d×%d data into %d×%d for %d visible units", n, d, on, od, r.nv))
	}
	in := mat.NewDense(n, r.nh, nil)
	r.hiddenInput(v, in)
	a := r.visibleBias()
	const rows = 16
	parallel.For(parallel.Blocks(n, rows), func(blk int) {
		sp := make([]float64, r.nh)
		lo, hi := parallel.Range(blk, rows, n)
		for k := lo; k < hi; k++ {
			x := in.RawRowView(k)
			for j, xj := range x {
				sp[j] = mathx.Softplus(xj)
			}
			vk, ok := v.RawRowView(k), out.RawRowView(k)
			for i, vi := range vk {
				delta := 1 - 2*vi
				wi := r.w.RawRowView(i)
				s := 0.0
				for j, xj := range x {
					s += mathx.Softplus(xj+delta*wi[j]) - sp[j]
				}
				ok[i] = -a[i]*delta - s
			}
		}
	})
}
