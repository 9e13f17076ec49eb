package ais

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/mathx"
	"boltzmann/model/rbm"
	"boltzmann/sample"
)

// BaseRateEps bounds the marginals of base-rate models away from 0 and 1:
// a pixel that is always off in the data gets probability BaseRateEps.
const BaseRateEps = 1e-3

// BaseRateBias returns the visible biases a_i = log(p_i/(1-p_i)) of the
// base-rate model, p_i the mean of column i of x (n × V) clamped to
// [BaseRateEps, 1-BaseRateEps]. With nil x it returns a copy of the target's
// own visible biases.
func BaseRateBias(target *rbm.RBM, x *mat.Dense) []float64 {
	if x == nil {
		return append([]float64(nil), target.VisibleBias()...)
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
// the package doc. It copies the target's parameters when created.
type RBMPath struct {
	nv, nh int
	base   []float64  // a_A
	a, b   []float64  // target biases
	da     []float64  // a_B - a_A
	w      *mat.Dense // V×H
	wt     *mat.Dense // H×V, so that h·Wᵀ is a non-transposed product
	logZ0  float64

	u, h, vin *mat.Dense // scratch, batch × H, batch × H, batch × V
}

var _ Path = (*RBMPath)(nil)

// NewRBMPath returns the path from the base-rate RBM with visible biases
// base (length V) to target.
func NewRBMPath(target *rbm.RBM, base []float64) *RBMPath {
	nv, nh := target.Dim(), target.HiddenDim()
	if len(base) != nv {
		panic(fmt.Sprintf("ais: NewRBMPath with %d base biases for %d visible units", len(base), nv))
	}
	p := &RBMPath{
		nv: nv, nh: nh,
		base: append([]float64(nil), base...),
		a:    append([]float64(nil), target.VisibleBias()...),
		b:    append([]float64(nil), target.HiddenBias()...),
		w:    mat.DenseCopyOf(target.Weights()),
		wt:   mat.DenseCopyOf(target.Weights().T()),
	}
	p.da = make([]float64, nv)
	p.logZ0 = float64(nh) * math.Ln2
	for i := range nv {
		p.da[i] = p.a[i] - p.base[i]
		p.logZ0 += mathx.Softplus(base[i])
	}
	return p
}

// Dim is the number of visible units.
func (p *RBMPath) Dim() int { return p.nv }

// LogZ0 is log Z_0 = H log 2 + Σ_i softplus(a_Ai).
func (p *RBMPath) LogZ0() float64 { return p.logZ0 }

// SampleBase draws every visible unit independently with P(v_i=1) = σ(a_Ai).
func (p *RBMPath) SampleBase(c *sample.Chains) {
	prob := make([]float64, p.nv)
	for i, a := range p.base {
		prob[i] = mathx.Sigmoid(a)
	}
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		for r := lo; r < hi; r++ {
			row := c.X.RawRowView(r)
			for i, q := range prob {
				row[i] = bernoulli(rng, q)
			}
		}
	})
	c.H = nil
}

func (p *RBMPath) scratch(n int) {
	if p.u != nil {
		if r, _ := p.u.Dims(); r == n {
			return
		}
	}
	p.u = mat.NewDense(n, p.nh, nil)
	p.h = mat.NewDense(n, p.nh, nil)
	p.vin = mat.NewDense(n, p.nv, nil)
}

// Step adds the weight increment from β = from to β = to and then, if move,
// applies one block Gibbs transition v → h → v at β = to (reversible, so
// reverse changes nothing).
func (p *RBMPath) Step(c *sample.Chains, from, to float64, logw []float64, move, _ bool) {
	n := c.Len()
	p.scratch(n)
	p.u.Mul(c.X, p.w) // u = vW (+ b below); v is binary, and gonum skips its zeros
	dbeta := to - from
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		for r := lo; r < hi; r++ {
			v, u, h := c.X.RawRowView(r), p.u.RawRowView(r), p.h.RawRowView(r)
			lw := dbeta * dot(p.da, v)
			for j, x := range u {
				x += p.b[j]
				spTo, sigTo := softplusSigmoid(to * x)
				spFrom, _ := softplusSigmoid(from * x)
				lw += spTo - spFrom
				if move {
					h[j] = bernoulli(rng, sigTo)
				}
			}
			logw[r] += lw
		}
	})
	if !move {
		return
	}
	p.vin.Mul(p.h, p.wt)
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		for r := lo; r < hi; r++ {
			v, in := c.X.RawRowView(r), p.vin.RawRowView(r)
			for i, x := range in {
				v[i] = bernoulli(rng, mathx.Sigmoid((1-to)*p.base[i]+to*(p.a[i]+x)))
			}
		}
	})
	c.H = p.h
}

// softplusSigmoid returns log(1+eˣ) and 1/(1+e⁻ˣ) with one exponential.
func softplusSigmoid(x float64) (sp, sig float64) {
	e := math.Exp(-math.Abs(x))
	if x >= 0 {
		return x + math.Log1p(e), 1 / (1 + e)
	}
	return math.Log1p(e), e / (1 + e)
}

func bernoulli(rng *rand.Rand, p float64) float64 {
	if rng.Float64() < p {
		return 1
	}
	return 0
}

func dot(x, y []float64) float64 {
	s := 0.0
	for i, v := range x {
		s += v * y[i]
	}
	return s
}
