package sample

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"

	"boltzmann/model"
)

// siteDeltaFunc returns the model's states and a constructor of
// per-block site-delta functions (model.NewRowSiteDeltas: for a
// model.Transformed model they add the chain's field and report clamped
// units, which the samplers leave alone).
func siteDeltaFunc(m model.Model) (states []float64, newBlock func() model.RowSiteDeltaFunc) {
	d, ok := m.(model.Discrete)
	if !ok {
		panic(fmt.Sprintf("sample: single-site samplers need a model.Discrete model, got %T", m))
	}
	return d.States(), func() model.RowSiteDeltaFunc { return model.NewRowSiteDeltas(d) }
}

// SiteGibbs is the single-site (heat-bath) Gibbs sampler for discrete
// models: one transition is a sweep that visits the units in order and
// redraws each from its conditional distribution given all the others,
// P(x_i = s_k | x_-i) ∝ exp(-ΔE_k). It works for every model.Discrete and
// is fast for models implementing model.SiteEnergies.
type SiteGibbs struct{}

var _ Sampler = SiteGibbs{}

// Step advances every chain by n sweeps. A model.Transformed model is swept
// with its transform: the tempered copy's fast sweep (model.SiteSweeper)
// when the transform is pure tempering, otherwise single-site updates of
// the unclamped units with the extra field (clamped units are set to their
// values first).
func (SiteGibbs) Step(m model.Model, c *Chains, n int) {
	sw := m
	if tm, ok := m.(model.Transformed); ok {
		sw = nil
		if t := tm.Transform(); t.Field == nil && t.Clamp == nil {
			sw = tm.Scaled()
		}
		tm.Transform().ApplyClamp(c.X)
	}
	if f, ok := sw.(model.SiteSweeper); ok && n > 0 {
		f.GibbsSweeps(c.X, n, BlockSize, c.rands)
		c.H = nil
		return
	}
	states, newBlock := siteDeltaFunc(m)
	q := len(states)
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		deltas := newBlock()
		dE := make([]float64, q)
		w := make([]float64, q)
		for r := lo; r < hi; r++ {
			x := c.X.RawRowView(r)
			for range n {
				for i := range x {
					if deltas(r, x, i, dE) {
						continue
					}
					x[i] = states[HeatBath(rng, dE, w)]
				}
			}
		}
	})
	c.H = nil
}

// HeatBath draws k with probability ∝ exp(-dE_k), the heat-bath (Gibbs)
// choice among a unit's states given their energy changes dE (nats); w is
// scratch of the same length and may be dE itself, which is then
// overwritten.
func HeatBath(rng *rand.Rand, dE, w []float64) int {
	lo := dE[0]
	for _, v := range dE[1:] {
		lo = min(lo, v)
	}
	tot := 0.0
	for k, v := range dE {
		w[k] = math.Exp(lo - v)
		tot += w[k]
	}
	u := rng.Float64() * tot
	for k, v := range w {
		u -= v
		if u < 0 {
			return k
		}
	}
	return len(w) - 1
}

// Metropolis is the single-site Metropolis sampler for discrete models: one
// transition is a sweep over the units in order, each proposing a value
// drawn uniformly among the unit's other states and accepting it with
// probability min(1, exp(-ΔE)). Acceptance is a diagnostic, kept apart
// from the chain state.
type Metropolis struct {
	accepted, proposed atomic.Int64
}

var _ Sampler = (*Metropolis)(nil)

// Step advances every chain by n sweeps.
func (mh *Metropolis) Step(m model.Model, c *Chains, n int) {
	states, newBlock := siteDeltaFunc(m)
	if tm, ok := m.(model.Transformed); ok {
		tm.Transform().ApplyClamp(c.X)
	}
	q := len(states)
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		deltas := newBlock()
		dE := make([]float64, q)
		var acc, prop int64
		for r := lo; r < hi; r++ {
			x := c.X.RawRowView(r)
			for range n {
				for i := range x {
					cur := stateIndex(states, x[i])
					k := rng.IntN(q - 1)
					if k >= cur {
						k++
					}
					if deltas(r, x, i, dE) {
						continue
					}
					prop++
					if d := dE[k]; d <= 0 || rng.Float64() < math.Exp(-d) {
						x[i] = states[k]
						acc++
					}
				}
			}
		}
		mh.accepted.Add(acc)
		mh.proposed.Add(prop)
	})
	c.H = nil
}

// Acceptance returns the fraction of proposals accepted since the sampler
// was created or last reset, and resets the counters.
func (mh *Metropolis) Acceptance() float64 {
	a, p := mh.accepted.Swap(0), mh.proposed.Swap(0)
	if p == 0 {
		return math.NaN()
	}
	return float64(a) / float64(p)
}

func stateIndex(states []float64, v float64) int {
	k := model.StateIndex(states, v)
	if k < 0 {
		panic(fmt.Sprintf("sample: unit value %v is not one of the model's states %v", v, states))
	}
	return k
}
