package ais

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/mathx"
	"boltzmann/model"
	"boltzmann/sample"
)

// BaseRateEps bounds the marginals of base-rate models away from 0 and 1:
// a pixel that is always off in the data gets probability BaseRateEps.
const BaseRateEps = 1e-3

// BaseRateBias returns the visible biases a_i = log(p_i/(1-p_i)) of the
// base-rate model, p_i the mean of column i of x (n × V) clamped to
// [BaseRateEps, 1-BaseRateEps]. With nil x it returns a copy of the target's
// own visible biases (the target must then have a VisibleBias method, as
// rbm.RBM has).
func BaseRateBias(target model.Bipartite, x *mat.Dense) []float64 {
	if x == nil {
		vb, ok := target.(interface{ VisibleBias() []float64 })
		if !ok {
			panic(fmt.Sprintf("ais: BaseRateBias without data needs a model with visible biases, got %T", target))
		}
		return append([]float64(nil), vb.VisibleBias()...)
	}
	n, d := x.Dims()
	if d != target.Dim() || n == 0 {
		panic(fmt.Sprintf("ais: BaseRateBias with %d×%d data for %d visible units", n, d, target.Dim()))
	}
	a := make([]float64, d)
	for k := range n {
		for i, v := range x.RawRowView(k) {
			a[i] += v
		}
	}
	for i := range a {
		p := min(max(a[i]/float64(n), BaseRateEps), 1-BaseRateEps)
		a[i] = math.Log(p / (1 - p))
	}
	return a
}

// RBMPath anneals from the base-rate RBM (W = 0, visible biases a_A) to a
// target RBM along the path of Salakhutdinov & Murray (2008) described in
// the package doc: the intermediate models are the target transformed by
// model.Interpolation(β, a_A), and every step is one call of the target's
// fused kernel (model.AnnealingKernel: the weight increment and the block
// Gibbs move share the product vᵀW; float32 in the target's float32 mode,
// rbm.RBM.SetFloat32). The path reads the target's parameters at every
// step: do not change them during a run.
type RBMPath struct {
	target   model.AnnealingKernel
	base     []float64 // a_A
	logZ0    float64
	from, to *model.Transform
	rngs     []*rand.Rand
}

var _ Path = (*RBMPath)(nil)

// NewRBMPath returns the path from the base-rate RBM with visible biases
// base (length V) to target.
func NewRBMPath(target model.AnnealingKernel, base []float64) *RBMPath {
	nv, nh := target.Dim(), target.HiddenDim()
	if len(base) != nv {
		panic(fmt.Sprintf("ais: NewRBMPath with %d base biases for %d visible units", len(base), nv))
	}
	p := &RBMPath{
		target: target,
		base:   append([]float64(nil), base...),
		from:   model.Interpolation(0, base),
		to:     model.Interpolation(0, base),
	}
	p.logZ0 = float64(nh) * math.Ln2
	for i := range nv {
		p.logZ0 += mathx.Softplus(base[i])
	}
	return p
}

// Dim is the number of visible units.
func (p *RBMPath) Dim() int { return p.target.Dim() }

// LogZ0 is log Z_0 = H log 2 + Σ_i softplus(a_Ai).
func (p *RBMPath) LogZ0() float64 { return p.logZ0 }

// SampleBase draws every visible unit independently with P(v_i=1) = σ(a_Ai).
func (p *RBMPath) SampleBase(c *sample.Chains) {
	prob := make([]float64, len(p.base))
	for i, a := range p.base {
		prob[i] = mathx.Sigmoid(a)
	}
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		for r := lo; r < hi; r++ {
			row := c.Visible().RawRowView(r)
			for i, q := range prob {
				row[i] = bernoulli(rng, q)
			}
		}
	})
	c.SetHidden(nil)
}

// setInterpolation makes t the interpolation transform at β = beta.
func (p *RBMPath) setInterpolation(t *model.Transform, beta float64) {
	t.Beta = beta
	f := t.Field.RawRowView(0)
	for i, a := range p.base {
		f[i] = (1 - beta) * a
	}
}

// Step adds the log-weight increment log f_to - log f_from and then, if
// move, applies one block Gibbs transition v → h → v at β = to (reversible,
// so reverse changes nothing), in one call of the target's AnnealStep.
func (p *RBMPath) Step(c *sample.Chains, from, to float64, logw []float64, move, _ bool) {
	n := c.Len()
	if c.Hidden() == nil {
		c.SetHidden(mat.NewDense(n, p.target.HiddenDim(), nil))
	}
	if len(p.rngs) != c.NumBlocks() {
		p.rngs = make([]*rand.Rand, c.NumBlocks())
	}
	for b := range p.rngs {
		p.rngs[b] = c.Rand(b)
	}
	p.setInterpolation(p.from, from)
	p.setInterpolation(p.to, to)
	p.target.AnnealStep(p.from, p.to, c.Visible(), c.Hidden(), logw, move, sample.BlockSize, p.rngs)
}

func bernoulli(rng *rand.Rand, p float64) float64 {
	if rng.Float64() < p {
		return 1
	}
	return 0
}
