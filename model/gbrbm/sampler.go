package gbrbm

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/sample"
)

// Gibbs is the block Gibbs sampler of a Gaussian-Bernoulli RBM: one
// transition draws every hidden unit from P(h | v) and then every visible
// unit from its Gaussian conditional N(b_i + (Wh)_i, σ_i²) (a real draw,
// never the mean). After Step, c.Hidden() holds the hidden layer drawn in the last
// transition and c.Visible() the visible layer drawn from it. Each block of chains
// (sample.Chains.ForBlocks) draws from its own random stream, so results
// depend on the seed only. Chains may start anywhere in ℝ^D (NewChains'
// zeros, or data rows).
//
// It runs a model.Transformed view of the model itself
// (sample.TransformRunner): at inverse temperature β with field f the
// conditionals are P(h_j = 1 | v) = σ(β u_j(v)) and v_i | h ~ N(b_i +
// (Wh)_i + f_i σ_i²/β, σ_i²/β) (VisibleMeanTransformed), and clamped units
// are set to their values before the first transition and kept there.
type Gibbs struct{}

var (
	_ sample.Sampler         = Gibbs{}
	_ sample.TransformRunner = Gibbs{}
)

// Sampler returns Gibbs, the model's block Gibbs sampler (sample.Provider).
func (m *Model) Sampler() sample.Sampler { return Gibbs{} }

// RunsTransforms reports true: Step samples a model.Transformed of a
// *Model with the transform.
func (Gibbs) RunsTransforms() bool { return true }

// Step advances every chain by n transitions v → h → v. mm must be a
// *Model or a model.Transformed of one with β > 0.
func (Gibbs) Step(mm model.Model, c *sample.Chains, n int) {
	m, t := resolve(mm)
	if c.Dim() != m.nv {
		panic("gbrbm: Gibbs on chains of another dimension than the model's")
	}
	if n <= 0 {
		return
	}
	nc := c.Len()
	if c.Hidden() == nil {
		c.SetHidden(mat.NewDense(nc, m.nh, nil))
	}
	beta := t.InvTemp()
	sd := m.VisibleVariance()
	for i, s := range sd {
		sd[i] = math.Sqrt(s / beta)
	}
	t.ApplyClamp(c.Visible())
	ph := mat.NewDense(nc, m.nh, nil)
	mean := mat.NewDense(nc, m.nv, nil)
	for range n {
		m.HiddenProbTransformed(t, c.Visible(), ph)
		c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
			for r := lo; r < hi; r++ {
				h := c.Hidden().RawRowView(r)
				for j, p := range ph.RawRowView(r) {
					h[j] = 0
					if rng.Float64() < p {
						h[j] = 1
					}
				}
			}
		})
		m.VisibleMeanTransformed(t, c.Hidden(), mean)
		c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
			for r := lo; r < hi; r++ {
				x := c.Visible().RawRowView(r)
				clamp := t.ClampRow(r)
				for i, mu := range mean.RawRowView(r) {
					// Draw for clamped units too, so that the stream
					// does not depend on the clamp pattern.
					e := rng.NormFloat64()
					if clamp != nil && !math.IsNaN(clamp[i]) {
						x[i] = clamp[i]
						continue
					}
					x[i] = mu + sd[i]*e
				}
			}
		})
	}
}
