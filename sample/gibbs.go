package sample

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
)

// BlockGibbs is the block Gibbs sampler of a bipartite model (RBM): one
// transition draws every hidden unit from P(h | v) and then every visible
// unit from P(v | h). After Step, the chains' hidden states are the hidden
// layer drawn in the last transition and the visible states the visible
// layer drawn from it. A model that keeps chains resident
// (model.ResidentGibbsKernel: an RBM in float32 mode) advances them in its
// kernels' memory, and the chains' float64 view is brought up to date when
// it is next read (see Chains).
type BlockGibbs struct{}

var _ Sampler = BlockGibbs{}

// Step advances every chain by n block Gibbs transitions v → h → v. The
// model must implement model.Bipartite. A model.Transformed model runs the
// base model's kernel with the transform (model.BipartiteTransformer) when
// the base has one; its clamped units are set to their values first.
func (BlockGibbs) Step(m model.Model, c *Chains, n int) {
	b, ok := m.(model.Bipartite)
	if !ok {
		panic(fmt.Sprintf("sample: BlockGibbs needs a model.Bipartite model, got %T", m))
	}
	var t *model.Transform
	if tm, ok := m.(model.Transformed); ok {
		mustBePlain(tm.Base())
		t = tm.Transform()
		t.ApplyClamp(c.Visible())
	} else {
		mustBePlain(m)
	}
	if n <= 0 {
		return
	}
	nc, nh := c.Len(), b.HiddenDim()
	if t == nil {
		if g, ok := m.(model.ResidentGibbsKernel); ok {
			if s := c.Resident(g); s != nil {
				g.GibbsStepsResident(s, n, BlockSize, c.rands)
				c.Moved()
				return
			}
		}
	}
	x := c.Visible()
	if c.h == nil {
		c.h = mat.NewDense(nc, nh, nil)
	}
	if t != nil {
		if g, ok := m.(model.Transformed).Base().(model.BipartiteTransformer); ok {
			g.GibbsStepsTransformed(t, x, c.h, n, BlockSize, c.rands)
			return
		}
	} else if g, ok := m.(model.BlockGibbsKernel); ok {
		g.GibbsSteps(x, c.h, n, BlockSize, c.rands)
		return
	}
	ph := mat.NewDense(nc, nh, nil)
	pv := mat.NewDense(nc, b.Dim(), nil)
	for range n {
		b.HiddenProb(x, ph)
		bernoulliRows(c, ph, c.h)
		b.VisibleProb(c.h, pv)
		bernoulliRows(c, pv, x)
	}
}

// StepHidden advances every chain by n transitions h → v → h, starting
// from the chains' hidden states (drawn from P(h|v) of the visible states
// first if there are none), and writes into ph (chains × H) the
// probabilities P(h=1|v) of the final visible states, from which the
// final hidden states were drawn. It is the same Markov chain as Step seen
// from the hidden layer; persistent contrastive divergence uses it because
// ph is exactly the negative phase's hidden statistic, which Step would
// leave to one more matrix product.
//
// With a model that keeps chains resident (model.ResidentGibbsKernel), ph
// may be nil: the probabilities then stay with the resident chains, where
// the model's model.ResidentPhaseDifference reads them (Chains.Resident).
// A nil ph with any other model is allowed and keeps nothing.
func (BlockGibbs) StepHidden(m model.Bipartite, c *Chains, n int, ph *mat.Dense) {
	mustBePlain(m)
	nc, nh := c.Len(), m.HiddenDim()
	if ph != nil {
		if pn, pd := ph.Dims(); pn != nc || pd != nh {
			panic(fmt.Sprintf("sample: StepHidden of %d chains with %d hidden units into %d×%d probabilities", nc, nh, pn, pd))
		}
	}
	g, resident := m.(model.ResidentGibbsKernel)
	resident = resident && g.ChainsResident()
	if ph == nil && (!resident || c.HiddenView() == nil) {
		ph = mat.NewDense(nc, nh, nil) // scratch
	}
	if c.HiddenView() == nil {
		x := c.Visible()
		c.h = mat.NewDense(nc, nh, nil)
		m.HiddenProb(x, ph)
		bernoulliRows(c, ph, c.h)
	}
	if n <= 0 {
		return
	}
	if resident {
		s := c.Resident(g)
		g.GibbsStepsHiddenResident(s, ph, n, BlockSize, c.rands)
		c.Moved()
		return
	}
	x, h := c.Visible(), c.Hidden()
	if g, ok := m.(model.HiddenBlockGibbsKernel); ok {
		g.GibbsStepsHidden(x, h, ph, n, BlockSize, c.rands)
		return
	}
	pv := mat.NewDense(nc, m.Dim(), nil)
	for range n {
		m.VisibleProb(h, pv)
		bernoulliRows(c, pv, x)
		m.HiddenProb(x, ph)
		bernoulliRows(c, ph, h)
	}
}

// bernoulliRows sets dst_ij = 1 with probability prob_ij and 0 otherwise,
// each block of chains with its own stream.
func bernoulliRows(c *Chains, prob, dst *mat.Dense) {
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		for r := lo; r < hi; r++ {
			p, d := prob.RawRowView(r), dst.RawRowView(r)
			for j, pj := range p {
				if rng.Float64() < pj {
					d[j] = 1
				} else {
					d[j] = 0
				}
			}
		}
	})
}

// mustBePlain panics if m brings a sampler of its own other than
// BlockGibbs (a labeled RBM, whose label block must stay one-hot): block
// Gibbs would draw its units as independent bits and silently break the
// model's constraint.
func mustBePlain(m model.Model) {
	if err := CheckBlockGibbs(m); err != nil {
		panic(err.Error())
	}
}

// CheckBlockGibbs returns an error if m provides a sampler of its own
// other than BlockGibbs (sample.Provider), which BlockGibbs would bypass.
func CheckBlockGibbs(m model.Model) error {
	if p, ok := m.(Provider); ok {
		if s := p.Sampler(); !IsBlockGibbs(s) {
			return fmt.Errorf("sample: block Gibbs would ignore the structure of %T; use its own sampler, %T (its Sampler method)", m, s)
		}
	}
	return nil
}

// IsBlockGibbs reports whether s is the block Gibbs sampler, by value or
// pointer: the check of code that takes BlockGibbs's fast paths (the
// trainer's hidden-first and fused updates).
func IsBlockGibbs(s Sampler) bool {
	switch s.(type) {
	case BlockGibbs, *BlockGibbs:
		return true
	}
	return false
}
