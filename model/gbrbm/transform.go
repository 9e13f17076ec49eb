package gbrbm

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/mathx"
	"boltzmann/model"
)

var _ model.Temperer = (*Model)(nil)

// TemperParams writes into dst the parameters of the Gaussian-Bernoulli
// RBM whose joint energy is β·E: with σ'² = σ²/β the interaction
// β v_i W_ij h_j/σ_i² is v_i W_ij h_j/σ'_i², so
//
//	W' = W,  b' = b,  c' = βc,  z' = z - log β.
//
// The energy is not linear in z, which is why the model is a
// model.Temperer: β·θ would be wrong. β must be positive (at β = 0 the
// visible density is flat and not normalizable).
func (m *Model) TemperParams(beta float64, dst []float64) error {
	if !(beta > 0) || math.IsInf(beta, 0) {
		return fmt.Errorf("gbrbm: cannot temper to inverse temperature %v: the density needs 0 < β < ∞", beta)
	}
	if len(dst) != len(m.params) {
		panic(fmt.Sprintf("gbrbm: TemperParams into %d parameters for %d", len(dst), len(m.params)))
	}
	copy(dst, m.params)
	g := m.Groups()
	for _, k := range rangeOf(g[2]) {
		dst[k] *= beta
	}
	lb := math.Log(beta)
	for _, k := range rangeOf(g[3]) {
		dst[k] -= lb
	}
	return nil
}

// TemperStats maps statistics at the tempered parameters back to the
// base's (the chain rule through TemperParams): the hidden-bias sums are
// multiplied by β, the others stay.
func (m *Model) TemperStats(beta float64, stats []float64) {
	for _, k := range rangeOf(m.Groups()[2]) {
		stats[k] *= beta
	}
}

func rangeOf(g model.Group) []int {
	out := make([]int, g.Len)
	for i := range out {
		out[i] = g.Start + i
	}
	return out
}

// resolve returns the Gaussian-Bernoulli RBM under mm and its transform
// (nil for the model itself).
func resolve(mm model.Model) (*Model, *model.Transform) {
	switch m := mm.(type) {
	case *Model:
		return m, nil
	case model.Transformed:
		if b, ok := m.Base().(*Model); ok {
			t := m.Transform()
			if !(t.InvTemp() > 0) {
				panic(fmt.Sprintf("gbrbm: transform with inverse temperature %v (need β > 0)", t.InvTemp()))
			}
			return b, t
		}
	}
	panic(fmt.Sprintf("gbrbm: Gibbs needs a *gbrbm.Model or a model.Transformed of one, got %T", mm))
}

// HiddenProbTransformed writes P_t(h_j = 1 | v_r) = σ(β(c_j + Σ_i v_ri
// W_ij/σ_i²)) into prob (batch × H) for the model seen through t (the field
// and clamp do not enter: clamped units are read from v).
func (m *Model) HiddenProbTransformed(t *model.Transform, v, prob *mat.Dense) {
	n := checkRows("HiddenProbTransformed", v, m.nv, nil)
	checkRows("HiddenProbTransformed", prob, m.nh, make([]float64, n))
	m.hiddenInput(v, m.invVariances(), prob)
	beta := t.InvTemp()
	for r := range n {
		row := prob.RawRowView(r)
		for j, x := range row {
			row[j] = mathx.Sigmoid(beta * x)
		}
	}
}

// VisibleMeanTransformed writes E_t[v_r | h_r] into mean (batch × D) for
// the rows h_r of h (batch × H), under the model seen through t: v_i | h is
// Gaussian with variance σ_i²/β and mean
//
//	b_i + (W h)_i + f_ri σ_i²/β,
//
// f_r the field row of chain r; a clamped unit's mean is its clamped value.
func (m *Model) VisibleMeanTransformed(t *model.Transform, h, mean *mat.Dense) {
	m.VisibleMean(h, mean)
	if t == nil {
		return
	}
	n, _ := mean.Dims()
	beta := t.InvTemp()
	s2 := m.VisibleVariance()
	for k := range n {
		row := mean.RawRowView(k)
		if f := t.FieldRow(k); f != nil {
			for i, fi := range f {
				row[i] += fi * s2[i] / beta
			}
		}
		if c := t.ClampRow(k); c != nil {
			for i, ci := range c {
				if !math.IsNaN(ci) {
					row[i] = ci
				}
			}
		}
	}
}

// Unstandardize changes m in place from a model of standardized data v to
// the model of x = mean + std ⊙ v (mean, std of length D, std > 0): with
// s = std,
//
//	b_x = mean + s b,  σ_x = s σ (z_x = z + 2 log s),  W_x = s W,
//	c_x,j = c_j - Σ_i mean_i W_ij/(s_i σ_i²),
//
// so that E_x(x, h) = E(v, h), F_x(x) = F(v) and log p_x(x) = log p(v) -
// Σ_i log s_i exactly: the family is closed under per-unit affine maps.
func (m *Model) Unstandardize(mean, std []float64) {
	if len(mean) != m.nv || len(std) != m.nv {
		panic(fmt.Sprintf("gbrbm: Unstandardize with %d means and %d deviations for %d units", len(mean), len(std), m.nv))
	}
	for i, s := range std {
		if !(s > 0) || math.IsInf(s, 0) {
			panic(fmt.Sprintf("gbrbm: Unstandardize: deviation %d is %v", i, s))
		}
	}
	inv := m.invVariances()
	c, b, z := m.HiddenBias(), m.VisibleBias(), m.LogVariance()
	for i := range m.nv {
		w := m.params[i*m.nh : (i+1)*m.nh]
		for j := range w {
			c[j] -= mean[i] * w[j] * inv[i] / std[i]
			w[j] *= std[i]
		}
		b[i] = mean[i] + std[i]*b[i]
		z[i] += 2 * math.Log(std[i])
	}
}

// Clone returns a copy of m with its own parameters.
func (m *Model) Clone() *Model {
	c := *m
	c.params = append([]float64(nil), m.params...)
	return &c
}

// NoisyPosterior returns the model of the posterior p(v | x̃) ∝ p(v)
// Π_i N(x̃_i; v_i, noise²) of clean data v given observations x̃ under
// additive Gaussian noise of standard deviation noise (the same units as
// v), without the field: it is a Gaussian-Bernoulli RBM with
//
//	1/σ'² = 1/σ² + 1/noise²,  b' = σ'² b/σ²,  W' = W σ'²/σ²,  c' = c,
//
// and the observation enters as the extra visible field f = x̃/noise²
// (model.Transform.Field, one row per observed row). Sampling the
// transformed posterior with Gibbs denoises.
func (m *Model) NoisyPosterior(noise float64) *Model {
	if !(noise > 0) || math.IsInf(noise, 0) {
		panic(fmt.Sprintf("gbrbm: NoisyPosterior with noise %v", noise))
	}
	p := m.Clone()
	s2 := m.VisibleVariance()
	b, z := p.VisibleBias(), p.LogVariance()
	q := 1 / (noise * noise)
	for i := range m.nv {
		post := 1 / (1/s2[i] + q)
		r := post / s2[i]
		b[i] *= r
		z[i] = math.Log(post)
		w := p.params[i*m.nh : (i+1)*m.nh]
		for j := range w {
			w[j] *= r
		}
	}
	return p
}
