package ais

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/mathx"
	"boltzmann/model/gbrbm"
	"boltzmann/sample"
)

// GaussianBase returns the means and variances (divisor n) of the columns
// of x (n × D), the base model of a GBRBMPath fitted to data, each
// variance floored at gbrbm.MinInitVariance. With nil x it returns the
// target's own visible biases and variances.
func GaussianBase(target *gbrbm.Model, x *mat.Dense) (mean, variance []float64) {
	if x == nil {
		return append([]float64(nil), target.VisibleBias()...), target.VisibleVariance()
	}
	n, d := x.Dims()
	if d != target.Dim() || n == 0 {
		panic(fmt.Sprintf("ais: GaussianBase with %d×%d data for %d visible units", n, d, target.Dim()))
	}
	mean, variance = make([]float64, d), make([]float64, d)
	for r := range n {
		for i, v := range x.RawRowView(r) {
			mean[i] += v / float64(n)
		}
	}
	for r := range n {
		for i, v := range x.RawRowView(r) {
			variance[i] += (v - mean[i]) * (v - mean[i]) / float64(n)
		}
	}
	for i, v := range variance {
		variance[i] = max(v, gbrbm.MinInitVariance)
	}
	return mean, variance
}

// GBRBMPath anneals from independent Gaussian visible units N(μ_A, s_A²)
// (fitted to the data's column means and variances, GaussianBase) to a
// Gaussian-Bernoulli RBM B with parameters W, b, c, σ² along the joint
// path E_β(v, h) = (1-β) Q_A(v) + β E_B(v, h), Q_A(v) = Σ_i (v_i -
// μ_Ai)²/(2 s_Ai²), whose v-marginal is
//
//	f_β(v) = exp(-(1-β) Q_A(v) - β Q_B(v)) Π_j (1 + exp(β u_j(v))),
//	Q_B(v) = Σ_i (v_i - b_i)²/(2σ_i²),  u_j(v) = c_j + Σ_i v_i W_ij/σ_i²,
//
// as the RBM path of Salakhutdinov & Murray (2008) with a Gaussian base.
// Its ends are f_0 = 2^H exp(-Q_A), so log Z_0 = H log 2 + ½ Σ_i log(2π
// s_Ai²), and f_1 = exp(-F_B). The weight increment from β to β' is
//
//	-(β'-β)(Q_B(v) - Q_A(v)) + Σ_j [softplus(β' u_j) - softplus(β u_j)],
//
// and the transition at β is block Gibbs sampling of the joint:
// P(h_j = 1 | v) = σ(β u_j(v)) and v_i | h Gaussian with precision
// λ_i = (1-β)/s_Ai² + β/σ_i² and mean ((1-β) μ_Ai/s_Ai² + β (b_i +
// (Wh)_i)/σ_i²)/λ_i, reversible with respect to p_β(v). One step costs the
// products vW and hWᵀ over the batch. The target is used, not copied: do
// not change it during a run.
type GBRBMPath struct {
	target     *gbrbm.Model
	mean, vari []float64 // base μ_A, s_A²
	logZ0      float64
	u, ph, mu  *mat.Dense // scratch: hidden input, P(h|v), Wh
	inv        []float64
	sv         *mat.Dense
}

var _ Path = (*GBRBMPath)(nil)

// NewGBRBMPath returns the path from independent Gaussians with the given
// means and variances (length D, variances > 0) to target.
func NewGBRBMPath(target *gbrbm.Model, mean, variance []float64) *GBRBMPath {
	d := target.Dim()
	if len(mean) != d || len(variance) != d {
		panic(fmt.Sprintf("ais: NewGBRBMPath with %d means and %d variances for %d units", len(mean), len(variance), d))
	}
	lz := float64(target.HiddenDim()) * math.Ln2
	for i, v := range variance {
		if !(v > 0) || math.IsInf(v, 0) {
			panic(fmt.Sprintf("ais: NewGBRBMPath: base variance %d is %v", i, v))
		}
		lz += math.Log(2*math.Pi*v) / 2
	}
	inv := target.VisibleVariance()
	for i, v := range inv {
		inv[i] = 1 / v
	}
	return &GBRBMPath{target: target, mean: append([]float64(nil), mean...), vari: append([]float64(nil), variance...), logZ0: lz, inv: inv}
}

// Dim is the number of visible units.
func (p *GBRBMPath) Dim() int { return p.target.Dim() }

// LogZ0 is H log 2 + ½ Σ_i log(2π s_Ai²).
func (p *GBRBMPath) LogZ0() float64 { return p.logZ0 }

// SampleBase draws every unit from its base Gaussian.
func (p *GBRBMPath) SampleBase(c *sample.Chains) {
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		for r := lo; r < hi; r++ {
			row := c.Visible().RawRowView(r)
			for i := range row {
				row[i] = p.mean[i] + math.Sqrt(p.vari[i])*rng.NormFloat64()
			}
		}
	})
	c.SetHidden(nil)
}

func (p *GBRBMPath) scratch(n int) {
	if p.u != nil {
		if r, _ := p.u.Dims(); r == n {
			return
		}
	}
	d, h := p.target.Dim(), p.target.HiddenDim()
	p.u, p.ph = mat.NewDense(n, h, nil), mat.NewDense(n, h, nil)
	p.mu, p.sv = mat.NewDense(n, d, nil), mat.NewDense(n, d, nil)
}

// Step adds the log-weight increment from β = from to β = to and then, if
// move, applies one block Gibbs transition v → h → v at β = to
// (reversible, so reverse changes nothing).
func (p *GBRBMPath) Step(c *sample.Chains, from, to float64, logw []float64, move, _ bool) {
	n := c.Len()
	p.scratch(n)
	t := p.target
	nh := t.HiddenDim()
	b, hb := t.VisibleBias(), t.HiddenBias()
	// u = c + (v/σ²) W.
	for r := range n {
		s, x := p.sv.RawRowView(r), c.Visible().RawRowView(r)
		for i, xi := range x {
			s[i] = xi * p.inv[i]
		}
	}
	p.u.Mul(p.sv, t.Weights())
	for r := range n {
		x, u := c.Visible().RawRowView(r), p.u.RawRowView(r)
		dq := 0.0
		for i, xi := range x {
			eb, ea := xi-b[i], xi-p.mean[i]
			dq += eb*eb*p.inv[i]/2 - ea*ea/(2*p.vari[i])
		}
		inc := -(to - from) * dq
		for j := range u {
			u[j] += hb[j]
			inc += mathx.Softplus(to*u[j]) - mathx.Softplus(from*u[j])
		}
		logw[r] += inc
	}
	if !move {
		return
	}
	if c.Hidden() == nil {
		c.SetHidden(mat.NewDense(n, nh, nil))
	}
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		for r := lo; r < hi; r++ {
			h := c.Hidden().RawRowView(r)
			for j, uj := range p.u.RawRowView(r) {
				h[j] = 0
				if rng.Float64() < mathx.Sigmoid(to*uj) {
					h[j] = 1
				}
			}
		}
	})
	p.mu.Mul(c.Hidden(), t.Weights().T())
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		for r := lo; r < hi; r++ {
			x, wh := c.Visible().RawRowView(r), p.mu.RawRowView(r)
			for i := range x {
				lam := (1-to)/p.vari[i] + to*p.inv[i]
				m := ((1-to)*p.mean[i]/p.vari[i] + to*(b[i]+wh[i])*p.inv[i]) / lam
				x[i] = m + rng.NormFloat64()/math.Sqrt(lam)
			}
		}
	})
}
