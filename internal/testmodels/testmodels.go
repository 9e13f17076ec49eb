// Package testmodels builds small random models with fixed seeds for the
// statistical tests of samplers, estimators and trainers.
package testmodels

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model/gbrbm"
	"boltzmann/model/ising"
	"boltzmann/model/rbm"
)

// RBM returns a V×H RBM with weights N(0, scale²) and biases N(0, (scale/2)²).
func RBM(v, h int, scale float64, seed uint64) *rbm.RBM {
	rng := rand.New(rand.NewPCG(seed, 1))
	r := rbm.New(v, h)
	nw := v * h
	p := r.Params()
	for i := range p {
		s := scale
		if i >= nw {
			s = scale / 2
		}
		p[i] = s * rng.NormFloat64()
	}
	return r
}

// Ising returns an n-unit fully connected model in encoding enc with
// couplings N(0, (scale/√n)²)-ish (Sherrington-Kirkpatrick scaling times
// scale) and fields N(0, (scale/2)²).
func Ising(n int, enc ising.Encoding, scale float64, seed uint64) *ising.Model {
	rng := rand.New(rand.NewPCG(seed, 2))
	m := ising.New(n, enc)
	for i := range n {
		for j := i + 1; j < n; j++ {
			m.SetCoupling(i, j, scale*rng.NormFloat64()/sqrt(float64(n))*2)
		}
		m.Fields()[i] = scale / 2 * rng.NormFloat64()
	}
	return m
}

func sqrt(x float64) float64 { return math.Sqrt(x) }

// GBRBM returns a D×H Gaussian-Bernoulli RBM with log-variances N(0,
// 0.4²), visible biases N(0, 1), weights W_ij = scale·σ_i·N(0, 1) (so
// that scale is the mean shift of a hidden unit in standard deviations)
// and hidden biases N(-0.5, 0.5²): a mixture of 2^H Gaussians whose
// components separate as scale grows.
func GBRBM(d, h int, scale float64, seed uint64) *gbrbm.Model {
	rng := rand.New(rand.NewPCG(seed, 11))
	m := gbrbm.New(d, h)
	for i := range m.LogVariance() {
		m.LogVariance()[i] = 0.4 * rng.NormFloat64()
	}
	s2 := m.VisibleVariance()
	for i := range d {
		m.VisibleBias()[i] = rng.NormFloat64()
		for j := range h {
			m.Weights().Set(i, j, scale*math.Sqrt(s2[i])*rng.NormFloat64())
		}
	}
	for j := range h {
		m.HiddenBias()[j] = -0.5 + 0.5*rng.NormFloat64()
	}
	return m
}

// GBRBMSamples draws n independent rows (n × D) from a Gaussian-Bernoulli
// RBM with at most 24 hidden units: h from the exact hidden marginal
// (HiddenProbabilities), then v ~ N(b + Wh, σ²).
func GBRBMSamples(m *gbrbm.Model, n int, seed uint64) *mat.Dense {
	p, err := m.HiddenProbabilities()
	if err != nil {
		panic(err)
	}
	rng := rand.New(rand.NewPCG(seed, 12))
	nh := m.HiddenDim()
	h := mat.NewDense(n, nh, nil)
	for r := range n {
		u, k := rng.Float64(), 0
		for ; k < len(p)-1 && u >= p[k]; k++ {
			u -= p[k]
		}
		for j := range nh {
			h.Set(r, j, float64(k>>(nh-1-j)&1))
		}
	}
	x := mat.NewDense(n, m.Dim(), nil)
	m.VisibleMean(h, x)
	s2 := m.VisibleVariance()
	for r := range n {
		row := x.RawRowView(r)
		for i := range row {
			row[i] += math.Sqrt(s2[i]) * rng.NormFloat64()
		}
	}
	return x
}
