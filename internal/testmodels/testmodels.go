// Package testmodels builds small random models with fixed seeds for the
// statistical tests of samplers, estimators and trainers.
package testmodels

import (
	"math"
	"math/rand/v2"

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
