package catrbm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/sample"
)

// Gibbs is the block Gibbs sampler of a categorical RBM: one transition
// draws every hidden unit from P(h_j = 1 | v) and then every site from its
// softmax P(v_i = a | h). After Step, c.Hidden() holds the hidden configurations
// drawn from the last visible states (n × H); c.Visible() the visible codes.
//
// Each block of chains draws from its own random stream in a fixed order,
// so the result depends on the seed only.
type Gibbs struct{}

var _ sample.Sampler = Gibbs{}

// Step performs n block Gibbs transitions of every chain under m, which
// must be a *Model.
func (Gibbs) Step(m model.Model, c *sample.Chains, n int) {
	cm, ok := m.(*Model)
	if !ok {
		panic(fmt.Sprintf("catrbm: Gibbs needs a *catrbm.Model, got %T", m))
	}
	if c.Dim() != cm.l {
		panic(fmt.Sprintf("catrbm: Gibbs on chains of dimension %d for a model with L = %d", c.Dim(), cm.l))
	}
	if n <= 0 {
		return
	}
	if c.Hidden() == nil || c.Hidden().RawMatrix().Cols != cm.h {
		c.SetHidden(mat.NewDense(c.Len(), cm.h, nil))
	}
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		in := make([]float64, cm.h)
		logits := make([]float64, cm.l*cm.q)
		for r := lo; r < hi; r++ {
			v, h := c.Visible().RawRowView(r), c.Hidden().RawRowView(r)
			for range n {
				cm.SampleHidden(v, h, in, rng)
				cm.SampleVisible(h, v, logits, rng)
			}
			cm.SampleHidden(v, h, in, rng)
		}
	})
}

// SampleHidden overwrites h (length H) with a draw from P(h | v) for one
// configuration v, using scratch (length H).
func (m *Model) SampleHidden(v, h, scratch []float64, rng *rand.Rand) {
	m.HiddenInput(v, scratch)
	for j, z := range scratch {
		h[j] = 0
		if rng.Float64() < sigmoid(z) {
			h[j] = 1
		}
	}
}

// SampleVisible overwrites v (length L) with a draw from P(v | h), each
// site from its softmax, using scratch (length L·q).
func (m *Model) SampleVisible(h, v, scratch []float64, rng *rand.Rand) {
	m.VisibleLogits(h, scratch)
	q := m.q
	for i := range m.l {
		lg := scratch[i*q : (i+1)*q]
		mx := lg[0]
		for _, x := range lg[1:] {
			mx = max(mx, x)
		}
		tot := 0.0
		for a, x := range lg {
			tot += math.Exp(x - mx)
			lg[a] = tot
		}
		u := rng.Float64() * tot
		k := 0
		for k < q-1 && lg[k] <= u {
			k++
		}
		v[i] = float64(k)
	}
}

// Sampler returns the block Gibbs sampler, which the trainer and the command
// line use for categorical RBMs (sample.Provider).
func (m *Model) Sampler() sample.Sampler { return Gibbs{} }
