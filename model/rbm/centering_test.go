package rbm_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/exact"
	"boltzmann/internal/testmodels"
	"boltzmann/model/rbm"
)

// TestCenteringIsTheCenteredGradient checks Centering against its
// definition, independently of the formulas it implements: the centered
// RBM with parameters (W, a_c, b_c) and offsets (μ, λ) is the plain RBM
// with a = a_c - Wλ and b = b_c - Wᵀμ; the gradient of the exact
// log-likelihood with respect to (W, a_c, b_c), by central differences,
// is the ascent direction in centered coordinates, and mapped back to
// (W, a, b) it must equal minus the transformed gradient of -L (to 1e-6,
// the finite-difference error). μ and λ are the data means, which the
// first update sets.
func TestCenteringIsTheCenteredGradient(t *testing.T) {
	const nv, nh = 3, 2
	r := testmodels.RBM(nv, nh, 1.2, 3)
	x := mat.NewDense(5, nv, []float64{1, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1, 0})
	g, err := exact.Gradient(r, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	var c rbm.Centering
	c.TransformGradient(r, x, nil, g)
	mu, lambda := c.Offsets()

	// Centered coordinates of r: W, a_c = a + Wλ, b_c = b + Wᵀμ.
	p := r.Params()
	theta := append([]float64(nil), p...)
	w := func(th []float64, i, j int) float64 { return th[i*nh+j] }
	for i := range nv {
		for j := range nh {
			theta[nv*nh+i] += w(p, i, j) * lambda[j]
			theta[nv*nh+nv+j] += w(p, i, j) * mu[i]
		}
	}
	ll := func(th []float64) float64 {
		q := rbm.New(nv, nh)
		qp := q.Params()
		copy(qp, th)
		for i := range nv {
			for j := range nh {
				qp[nv*nh+i] -= w(th, i, j) * lambda[j]
				qp[nv*nh+nv+j] -= w(th, i, j) * mu[i]
			}
		}
		l, err := exact.LogLikelihood(q, x, nil)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	const eps = 1e-5
	gc := make([]float64, len(theta))
	for k := range theta {
		hi, lo := append([]float64(nil), theta...), append([]float64(nil), theta...)
		hi[k] += eps
		lo[k] -= eps
		gc[k] = (ll(hi) - ll(lo)) / (2 * eps)
	}
	// A step along gc in centered coordinates moves (W, a, b) by d.
	d := append([]float64(nil), gc...)
	for i := range nv {
		for j := range nh {
			d[nv*nh+i] -= gc[i*nh+j] * lambda[j]
			d[nv*nh+nv+j] -= gc[i*nh+j] * mu[i]
		}
	}
	for k := range d {
		if math.Abs(d[k]+g[k]) > 1e-6 {
			t.Errorf("parameter %d: centered step %.8f, transformed gradient %.8f", k, d[k], -g[k])
		}
	}
}

// TestCenteringStateRoundTrips: the offsets survive MarshalBinary, and the
// offsets slide towards later batches at the rate.
func TestCenteringStateRoundTrips(t *testing.T) {
	r := testmodels.RBM(3, 2, 1, 4)
	c := rbm.Centering{Rate: 0.5}
	a := mat.NewDense(2, 3, []float64{1, 1, 1, 1, 1, 1})
	b := mat.NewDense(2, 3, nil)
	g := make([]float64, len(r.Params()))
	c.TransformGradient(r, a, nil, g)
	c.TransformGradient(r, b, nil, g)
	mu, _ := c.Offsets()
	if mu[0] != 0.5 {
		t.Errorf("μ_0 = %v after batches of ones and zeros at rate 0.5, want 0.5", mu[0])
	}
	data, _ := c.MarshalBinary()
	var d rbm.Centering
	if err := d.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	m2, l2 := d.Offsets()
	_, l1 := c.Offsets()
	if m2[0] != mu[0] || len(l2) != 2 || l2[1] != l1[1] {
		t.Errorf("offsets after a round trip %v %v, want %v %v", m2, l2, mu, l1)
	}
	if err := d.UnmarshalBinary(data[:10]); err == nil {
		t.Error("a truncated state was accepted")
	}
}
