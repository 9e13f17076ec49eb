package rbm

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/linalg"
	"boltzmann/model"
)

var _ model.HiddenSparsity = (*RBM)(nil)

// sparsityClamp keeps the mean activations q_j of the sparsity penalty
// inside (0, 1), where the cross-entropy and its gradient are finite.
const sparsityClamp = 1e-12

// AddSparsityGradient adds the gradient of the sparsity penalty
//
//	S = cost · Σ_j [-p log q_j - (1-p) log(1-q_j)],  q_j = Σ_r c_r P(h_j=1 | v_r),
//
// c_r = w_r/Σw (nil w: 1/n), over the rows of v (n × V) to grad (the layout
// of Params) and returns S in nats (model.HiddenSparsity). The gradient is
// exact: with G_rj = cost · (q_j - p)/(q_j(1-q_j)) · c_r q_rj(1-q_rj),
// ∂S/∂b_j = Σ_r G_rj, ∂S/∂W_ij = Σ_r v_ri G_rj and ∂S/∂a = 0. q_j is
// kept in [1e-12, 1-1e-12]. p = target must lie in (0, 1), cost ≥ 0.
func (r *RBM) AddSparsityGradient(v *mat.Dense, w []float64, target, cost float64, grad []float64) float64 {
	checkRows("AddSparsityGradient", v, r.nv, w)
	if len(grad) != len(r.params) {
		panic(fmt.Sprintf("rbm: AddSparsityGradient: gradient buffer has length %d, want %d", len(grad), len(r.params)))
	}
	if !(target > 0 && target < 1) || !(cost >= 0) {
		panic(fmt.Sprintf("rbm: AddSparsityGradient with target %v (want (0, 1)) and cost %v (want >= 0)", target, cost))
	}
	n, _ := v.Dims()
	if n == 0 || cost == 0 {
		return 0
	}
	c := rowCoefficients(w, n)
	if c == nil {
		return 0
	}
	ph := mat.NewDense(n, r.nh, nil)
	r.HiddenProb(v, ph)
	q := make([]float64, r.nh)
	for k := range n {
		for j, x := range ph.RawRowView(k) {
			q[j] += c[k] * x
		}
	}
	s := 0.0
	for j, qj := range q {
		qj = min(max(qj, sparsityClamp), 1-sparsityClamp)
		s -= target*math.Log(qj) + (1-target)*math.Log1p(-qj)
		q[j] = cost * (qj - target) / (qj * (1 - qj)) // dS/dq_j
	}
	gb := grad[r.nv*r.nh+r.nv:]
	for k := range n {
		row := ph.RawRowView(k)
		for j, x := range row {
			g := q[j] * c[k] * x * (1 - x)
			row[j] = g
			gb[j] += g
		}
	}
	nw := r.nv * r.nh
	linalg.Gemm64(true, false, 1, v.RawMatrix(), ph.RawMatrix(), 1, gen64(r.nv, r.nh, grad[:nw]))
	return cost * s
}

// rowCoefficients returns w_r/Σw (nil w: 1/n), or nil when the weights sum
// to zero.
func rowCoefficients(w []float64, n int) []float64 {
	c := make([]float64, n)
	if w == nil {
		for k := range c {
			c[k] = 1 / float64(n)
		}
		return c
	}
	sw := 0.0
	for _, x := range w {
		sw += x
	}
	if !(sw > 0) {
		return nil
	}
	for k, x := range w {
		c[k] = x / sw
	}
	return c
}
