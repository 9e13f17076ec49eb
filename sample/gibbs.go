package sample

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
)

// BlockGibbs is the block Gibbs sampler of a bipartite model (RBM): one
// transition draws every hidden unit from P(h | v) and then every visible
// unit from P(v | h). After Step, c.H holds the hidden layer drawn in the
// last transition and c.X the visible layer drawn from it.
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
		t.ApplyClamp(c.X)
	} else {
		mustBePlain(m)
	}
	if n <= 0 {
		return
	}
	nc, nh := c.Len(), b.HiddenDim()
	if c.H == nil {
		c.H = mat.NewDense(nc, nh, nil)
	}
	if t != nil {
		if g, ok := m.(model.Transformed).Base().(model.BipartiteTransformer); ok {
			g.GibbsStepsTransformed(t, c.X, c.H, n, BlockSize, c.rands)
			return
		}
	} else if g, ok := m.(model.BlockGibbsKernel); ok {
		g.GibbsSteps(c.X, c.H, n, BlockSize, c.rands)
		return
	}
	ph := mat.NewDense(nc, nh, nil)
	pv := mat.NewDense(nc, b.Dim(), nil)
	for range n {
		b.HiddenProb(c.X, ph)
		bernoulliRows(c, ph, c.H)
		b.VisibleProb(c.H, pv)
		bernoulliRows(c, pv, c.X)
	}
}

// StepHidden advances every chain by n transitions h → v → h, starting
// from the hidden states c.H (drawn from P(h|c.X) first if c.H is nil), and
// writes into ph (chains × H) the probabilities P(h=1|v) of the final
// visible states c.X, from which the final c.H were drawn. It is the same
// Markov chain as Step seen from the hidden layer; persistent contrastive
// divergence uses it because ph is exactly the negative phase's hidden
// statistic, which Step would leave to one more matrix product.
func (BlockGibbs) StepHidden(m model.Bipartite, c *Chains, n int, ph *mat.Dense) {
	mustBePlain(m)
	nc, nh := c.Len(), m.HiddenDim()
	if pn, pd := ph.Dims(); pn != nc || pd != nh {
		panic(fmt.Sprintf("sample: StepHidden of %d chains with %d hidden units into %d×%d probabilities", nc, nh, pn, pd))
	}
	if c.H == nil {
		c.H = mat.NewDense(nc, nh, nil)
		m.HiddenProb(c.X, ph)
		bernoulliRows(c, ph, c.H)
	}
	if n <= 0 {
		return
	}
	if g, ok := m.(model.HiddenBlockGibbsKernel); ok {
		g.GibbsStepsHidden(c.X, c.H, ph, n, BlockSize, c.rands)
		return
	}
	pv := mat.NewDense(nc, m.Dim(), nil)
	for range n {
		m.VisibleProb(c.H, pv)
		bernoulliRows(c, pv, c.X)
		m.HiddenProb(c.X, ph)
		bernoulliRows(c, ph, c.H)
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
