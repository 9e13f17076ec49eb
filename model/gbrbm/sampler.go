package gbrbm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/sample"
)

// Gibbs is the block Gibbs sampler of a Gaussian-Bernoulli RBM: one
// transition draws every hidden unit from P(h | v) and then every visible
// unit from its Gaussian conditional N(b_i + (Wh)_i, σ_i²) (a real draw,
// never the mean). After Step, c.H holds the hidden layer drawn in the last
// transition and c.X the visible layer drawn from it. Each block of chains
// (sample.Chains.ForBlocks) draws from its own random stream, so results
// depend on the seed only. Chains may start anywhere in ℝ^D (NewChains'
// zeros, or data rows).
type Gibbs struct{}

var _ sample.Sampler = Gibbs{}

// Sampler returns Gibbs, the model's block Gibbs sampler (sample.Provider).
func (m *Model) Sampler() sample.Sampler { return Gibbs{} }

// Step advances every chain by n transitions v → h → v. m must be a
// *Model.
func (Gibbs) Step(mm model.Model, c *sample.Chains, n int) {
	m, ok := mm.(*Model)
	if !ok {
		panic(fmt.Sprintf("gbrbm: Gibbs needs a *gbrbm.Model, got %T", mm))
	}
	if c.Dim() != m.nv {
		panic(fmt.Sprintf("gbrbm: Gibbs on chains of dimension %d for %d visible units", c.Dim(), m.nv))
	}
	if n <= 0 {
		return
	}
	nc := c.Len()
	if c.H == nil {
		c.H = mat.NewDense(nc, m.nh, nil)
	}
	sd := m.VisibleVariance()
	for i, s := range sd {
		sd[i] = math.Sqrt(s)
	}
	ph := mat.NewDense(nc, m.nh, nil)
	mean := mat.NewDense(nc, m.nv, nil)
	for range n {
		m.HiddenProb(c.X, ph)
		c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
			for r := lo; r < hi; r++ {
				h := c.H.RawRowView(r)
				for j, p := range ph.RawRowView(r) {
					h[j] = 0
					if rng.Float64() < p {
						h[j] = 1
					}
				}
			}
		})
		m.VisibleMean(c.H, mean)
		c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
			for r := lo; r < hi; r++ {
				x := c.X.RawRowView(r)
				for i, mu := range mean.RawRowView(r) {
					x[i] = mu + sd[i]*rng.NormFloat64()
				}
			}
		})
	}
}
