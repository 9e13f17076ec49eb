package sample

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"

	"boltzmann/model"
)

// siteVars returns the variables of m's declared space (a unit each, a
// one-hot block as one variable) and a constructor of per-block delta
// functions (model.NewRowVarDeltas: for a model.Transformed model they add
// the chain's field and report clamped variables, which the samplers leave
// alone). It panics with a clear message for a model that is not discrete.
func siteVars(m model.Model, sampler string) (vars []model.Var, maxValues int, newBlock func() model.RowVarDeltaFunc) {
	d, ok := m.(model.Discrete)
	if !ok {
		panic(fmt.Sprintf("sample: %s needs a model.Discrete model, got %T", sampler, m))
	}
	vars, err := d.Space().Vars()
	if err != nil {
		panic(fmt.Sprintf("sample: %s on %T: %v", sampler, m, err))
	}
	for _, v := range vars {
		maxValues = max(maxValues, v.Values())
	}
	return vars, maxValues, func() model.RowVarDeltaFunc { return model.NewRowVarDeltas(d) }
}

// SiteGibbs is the single-site (heat-bath) Gibbs sampler for discrete
// models: one transition is a sweep that visits the variables of the
// model's space in order and redraws each from its conditional
// distribution given all the others, P(v = k | rest) ∝ exp(-ΔE_k). A
// variable is one unit, or a whole one-hot block (the labels of a labeled
// RBM), which is redrawn among its one-hot vectors in one heat-bath move,
// so a chain never leaves the space. It works for every model.Discrete and
// is fast for models implementing model.SiteEnergies.
type SiteGibbs struct{}

var _ Sampler = SiteGibbs{}

// Step advances every chain by n sweeps. A model.Transformed model is swept
// with its transform: the tempered copy's fast sweep (model.SiteSweeper)
// when the transform is pure tempering, otherwise heat-bath updates of the
// unclamped variables with the extra field (clamped units are set to their
// values first).
func (SiteGibbs) Step(m model.Model, c *Chains, n int) {
	sw := m
	if tm, ok := m.(model.Transformed); ok {
		sw = nil
		if tm.Transform().OnlyTempers() {
			sw = tm.Scaled()
		}
		tm.Transform().ApplyClamp(c.Visible())
	}
	if f, ok := sw.(model.SiteSweeper); ok && n > 0 {
		f.GibbsSweeps(c.Visible(), n, BlockSize, c.rands)
		c.SetHidden(nil)
		return
	}
	vars, q, newBlock := siteVars(m, "SiteGibbs")
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		deltas := newBlock()
		buf := make([]float64, q)
		wbuf := make([]float64, q)
		for r := lo; r < hi; r++ {
			x := c.Visible().RawRowView(r)
			for range n {
				for _, v := range vars {
					k := v.Values()
					dE := buf[:k]
					if deltas(r, x, v, dE) {
						continue
					}
					v.Set(x, HeatBath(rng, dE, wbuf[:k]))
				}
			}
		}
	})
	c.SetHidden(nil)
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
// transition is a sweep over the variables of the model's space in order
// (a unit, or a whole one-hot block), each proposing a value drawn
// uniformly among the variable's other values and accepting it with
// probability min(1, exp(-ΔE)). Acceptance is a diagnostic, kept apart
// from the chain state. Chains must start in the space (a one-hot block
// one-hot).
type Metropolis struct {
	accepted, proposed atomic.Int64
}

var _ Sampler = (*Metropolis)(nil)

// Step advances every chain by n sweeps.
func (mh *Metropolis) Step(m model.Model, c *Chains, n int) {
	vars, q, newBlock := siteVars(m, "Metropolis")
	if tm, ok := m.(model.Transformed); ok {
		tm.Transform().ApplyClamp(c.Visible())
	}
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		deltas := newBlock()
		buf := make([]float64, q)
		var acc, prop int64
		for r := lo; r < hi; r++ {
			x := c.Visible().RawRowView(r)
			for range n {
				for _, v := range vars {
					nv := v.Values()
					cur := varValue(v, x)
					k := rng.IntN(nv - 1)
					if k >= cur {
						k++
					}
					dE := buf[:nv]
					if deltas(r, x, v, dE) {
						continue
					}
					prop++
					if d := dE[k]; d <= 0 || rng.Float64() < math.Exp(-d) {
						v.Set(x, k)
						acc++
					}
				}
			}
		}
		mh.accepted.Add(acc)
		mh.proposed.Add(prop)
	})
	c.SetHidden(nil)
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

// varValue returns the value of v in x, panicking if x is outside the
// space.
func varValue(v model.Var, x []float64) int {
	k := v.Get(x)
	if k < 0 {
		if v.OneHot {
			panic(fmt.Sprintf("sample: units [%d, %d) hold %v, not a one-hot vector: start the chains in the model's space", v.Start, v.Start+v.Len, x[v.Start:v.Start+v.Len]))
		}
		panic(fmt.Sprintf("sample: unit value %v is not one of the model's states %v", x[v.Start], v.States))
	}
	return k
}
