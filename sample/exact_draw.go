package sample

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
)

// Exact is the sampler that replaces every chain by an independent draw
// from p_θ at each step, for models that implement model.ExactSampler (for
// example the Gaussian model). It is the ideal negative phase: training with
// it has no sampling bias, only Monte Carlo noise.
//
// Step(m, c, n) redraws the chains n times, so that the random streams
// advance as n single steps would; only the last draw is kept. Each block
// of chains draws from its own stream, so the result does not depend on
// GOMAXPROCS. Hidden states are cleared.
type Exact struct{}

var _ Sampler = Exact{}

// Step replaces each chain in c by a fresh draw from m, n times. It panics
// if m does not implement model.ExactSampler.
func (Exact) Step(m model.Model, c *Chains, n int) {
	es, ok := m.(model.ExactSampler)
	if !ok {
		panic(fmt.Sprintf("sample: Exact needs a model.ExactSampler, got %T", m))
	}
	if m.Dim() != c.Dim() {
		panic(fmt.Sprintf("sample: Exact with chains of dimension %d for a model of dimension %d", c.Dim(), m.Dim()))
	}
	c.SetHidden(nil)
	d := c.Dim()
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		x := c.Visible().Slice(lo, hi, 0, d).(*mat.Dense)
		for range n {
			es.SampleExact(rng, x)
		}
	})
}
