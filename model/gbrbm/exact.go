package gbrbm

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/exact"
	"boltzmann/internal/mathx"
)

// HiddenProbabilities returns the exact marginal p(h) = exp(-F(h))/Z of
// the hidden layer, indexed as exact numbers the configurations of
// {0,1}^H: h_0 is the most significant bit of the index. It refuses
// H > exact.MaxUnits.
func (m *Model) HiddenProbabilities() ([]float64, error) {
	if m.nh > exact.MaxUnits {
		return nil, fmt.Errorf("gbrbm: %d hidden units are too many to enumerate (at most %d): %w", m.nh, exact.MaxUnits, exact.ErrNotEnumerable)
	}
	count := 1 << m.nh
	h := mat.NewDense(count, m.nh, nil)
	for k := range count {
		row := h.RawRowView(k)
		for j := range m.nh {
			row[j] = float64(k >> (m.nh - 1 - j) & 1)
		}
	}
	f := make([]float64, count)
	m.HiddenFreeEnergy(h, f)
	for k := range f {
		f[k] = -f[k]
	}
	logZ := mathx.LogSumExp(f)
	for k := range f {
		f[k] = math.Exp(f[k] - logZ)
	}
	return f, nil
}

// Moments returns the exact mean (length D) and covariance (D×D) of the
// visible distribution, the mixture Σ_h p(h) N(b + Wh, diag(σ²)):
//
//	mean = Σ_h p(h) μ_h,   cov = diag(σ²) + Σ_h p(h) μ_h μ_hᵀ - mean meanᵀ,
//
// μ_h = b + Wh, by enumerating the hidden layer (HiddenProbabilities).
func (m *Model) Moments() (mean []float64, cov *mat.SymDense, err error) {
	p, err := m.HiddenProbabilities()
	if err != nil {
		return nil, nil, err
	}
	d := m.nv
	mean = make([]float64, d)
	second := make([]float64, d*d)
	hrow := mat.NewDense(1, m.nh, nil)
	mu := mat.NewDense(1, d, nil)
	for k, pk := range p {
		for j := range m.nh {
			hrow.Set(0, j, float64(k>>(m.nh-1-j)&1))
		}
		m.VisibleMean(hrow, mu)
		row := mu.RawRowView(0)
		for i, a := range row {
			mean[i] += pk * a
			for l, b := range row {
				second[i*d+l] += pk * a * b
			}
		}
	}
	cov = mat.NewSymDense(d, nil)
	s := m.VisibleVariance()
	for i := range d {
		for l := i; l < d; l++ {
			v := second[i*d+l] - mean[i]*mean[l]
			if i == l {
				v += s[i]
			}
			cov.SetSym(i, l, v)
		}
	}
	return mean, cov, nil
}

// NewBase returns the base model of annealed importance sampling for data
// with column means mean and variances variance (length D each, variances
// > 0): W = 0, b = mean, σ² = variance, c = 0, with hidden hidden units.
// Its visible units are independent Gaussians fitted to the data and its
// hidden units independent fair coins, and BaseLogPartition gives its
// log Z in closed form.
func NewBase(mean, variance []float64, hidden int) *Model {
	if len(mean) != len(variance) {
		panic(fmt.Sprintf("gbrbm: NewBase with %d means and %d variances", len(mean), len(variance)))
	}
	m := New(len(mean), hidden)
	copy(m.VisibleBias(), mean)
	z := m.LogVariance()
	for i, v := range variance {
		if !(v > 0) || math.IsInf(v, 0) {
			panic(fmt.Sprintf("gbrbm: NewBase: variance %d is %v, want a finite positive value", i, v))
		}
		z[i] = math.Log(v)
	}
	return m
}

// BaseLogPartition returns log Z in nats for a model with W = 0 (a base
// model of NewBase, with any c, b and σ²), in closed form:
//
//	log Z = Σ_j softplus(c_j) + ½ Σ_i log(2π σ_i²).
//
// It returns an error if some weight is not zero.
func (m *Model) BaseLogPartition() (float64, error) {
	for k, w := range m.params[:m.nv*m.nh] {
		if w != 0 {
			return 0, fmt.Errorf("gbrbm: BaseLogPartition needs W = 0, weight %d is %v", k, w)
		}
	}
	lz := 0.0
	for _, c := range m.HiddenBias() {
		lz += mathx.Softplus(c)
	}
	for _, z := range m.LogVariance() {
		lz += (math.Log(2*math.Pi) + z) / 2
	}
	return lz, nil
}

// stateMeans returns the visible mean b + Wh given each hidden state h
// (2^H × D), the states in the order of HiddenProbabilities (state k: bit
// H-1-j of k is h_j).
func (m *Model) stateMeans() *mat.Dense {
	count := 1 << m.nh
	h := mat.NewDense(count, m.nh, nil)
	for k := range count {
		for j := range m.nh {
			h.Set(k, j, float64(k>>(m.nh-1-j)&1))
		}
	}
	mu := mat.NewDense(count, m.nv, nil)
	m.VisibleMean(h, mu)
	return mu
}

// PosteriorMean returns the exact posterior mean E[v_r | evidence_r]
// (n × D) of each row of x (n × D) by enumerating the hidden layer. Entry
// (r, i) is observed exactly (clamped) unless missing[r·D+i] (missing may
// be nil), in which case it carries no evidence; with noise > 0 the
// observed entries are instead noisy observations x̃ = v + noise·ε, ε ~
// N(0, 1). Given h the units are independent N(μ_i, σ_i²), μ = b + Wh, so
//
//	p(h | evidence) ∝ p(h) Π_observed N(x_i; μ_i, σ_i² + noise²),
//	E[v_i | h, evidence] = x_i (clamped), μ_i (missing), or
//	(μ_i/σ_i² + x̃_i/noise²)/(1/σ_i² + 1/noise²) (noisy),
//
// and the posterior mean is their average over p(h | evidence). It is the
// reference of the Monte Carlo inference of package tasks; it refuses
// H > exact.MaxUnits.
func (m *Model) PosteriorMean(x *mat.Dense, missing []bool, noise float64) (*mat.Dense, error) {
	p, err := m.HiddenProbabilities()
	if err != nil {
		return nil, err
	}
	n := checkRows("PosteriorMean", x, m.nv, nil)
	d, count := m.nv, len(p)
	mu := m.stateMeans()
	s2 := m.VisibleVariance()
	out := mat.NewDense(n, d, nil)
	logw := make([]float64, count)
	for r := range n {
		xr := x.RawRowView(r)
		obs := func(i int) bool { return missing == nil || !missing[r*d+i] }
		for k := range count {
			lw := math.Log(p[k])
			for i, a := range mu.RawRowView(k) {
				if obs(i) {
					v := s2[i] + noise*noise
					e := xr[i] - a
					lw -= (e*e/v + math.Log(2*math.Pi*v)) / 2
				}
			}
			logw[k] = lw
		}
		lz := mathx.LogSumExp(logw)
		o := out.RawRowView(r)
		for k := range count {
			w := math.Exp(logw[k] - lz)
			for i, a := range mu.RawRowView(k) {
				switch {
				case !obs(i):
					o[i] += w * a
				case noise == 0:
					o[i] += w * xr[i]
				default:
					q := 1 / (noise * noise)
					o[i] += w * (a/s2[i] + xr[i]*q) / (1/s2[i] + q)
				}
			}
		}
	}
	return out, nil
}

// PosteriorMean is Model.PosteriorMean for the model of x: the exact
// posterior mean E[x_r | evidence_r] (n × D) by enumerating the hidden
// layer, with entries of x missing (no evidence), observed exactly, or,
// with noise > 0, observed as x̃ = x + noise·ε, ε ~ N(0, 1). Given h, x is
// N(m_h, C) with m_h = μ + A⁻¹(b + Wh) and C = A⁻¹ diag(σ²) A⁻ᵀ (full
// covariance), so with o the observed entries of a row and K = C_oo +
// noise²·I,
//
//	p(h | evidence) ∝ p(h) N(x̃_o; m_h[o], K),
//	E[x | h, evidence] = m_h + C_{:,o} K⁻¹ (x̃_o - m_h[o]),
//
// averaged over p(h | evidence) (noise 0: the observed entries come back
// as they are). It is the reference of the Monte Carlo inference of
// package tasks on whitened models; it refuses H > exact.MaxUnits.
func (w *Whitened) PosteriorMean(x *mat.Dense, missing []bool, noise float64) (*mat.Dense, error) {
	m := w.inner
	p, err := m.HiddenProbabilities()
	if err != nil {
		return nil, err
	}
	inv, _, err := w.refresh()
	if err != nil {
		return nil, err
	}
	n := checkRows("PosteriorMean", x, m.nv, nil)
	d, count := m.nv, len(p)
	// mu: m_h for every hidden state (count × D), c: C (D × D).
	vm := m.stateMeans()
	mu := mat.NewDense(count, d, nil)
	mu.Mul(vm, inv.T())
	for k := range count {
		row := mu.RawRowView(k)
		for i, v := range w.Mean() {
			row[i] += v
		}
	}
	s2 := m.VisibleVariance()
	scaled := mat.DenseCopyOf(inv)
	for i := range d {
		for j := range d {
			scaled.Set(i, j, inv.At(i, j)*s2[j])
		}
	}
	c := mat.NewDense(d, d, nil)
	c.Mul(scaled, inv.T())
	out := mat.NewDense(n, d, nil)
	logw := make([]float64, count)
	for r := range n {
		xr := x.RawRowView(r)
		var obs []int
		for i := range d {
			if missing == nil || !missing[r*d+i] {
				obs = append(obs, i)
			}
		}
		o := out.RawRowView(r)
		if len(obs) == 0 { // no evidence: the prior mean
			for k := range count {
				for i, a := range mu.RawRowView(k) {
					o[i] += p[k] * a
				}
			}
			continue
		}
		no := len(obs)
		kmat := mat.NewSymDense(no, nil)
		cxo := mat.NewDense(d, no, nil) // C_{:,o}
		for a, i := range obs {
			for b, j := range obs {
				v := c.At(i, j)
				if a == b {
					v += noise * noise
				}
				kmat.SetSym(a, b, v)
			}
			for i2 := range d {
				cxo.Set(i2, a, c.At(i2, i))
			}
		}
		var chol mat.Cholesky
		if !chol.Factorize(kmat) {
			return nil, fmt.Errorf("gbrbm: PosteriorMean: the covariance of the observed entries of row %d is not positive definite", r)
		}
		logDet := chol.LogDet()
		resid := make([][]float64, count) // K⁻¹ (x̃_o - m_h[o])
		e := mat.NewVecDense(no, nil)
		sol := mat.NewVecDense(no, nil)
		for k := range count {
			mk := mu.RawRowView(k)
			for a, i := range obs {
				e.SetVec(a, xr[i]-mk[i])
			}
			if err := chol.SolveVecTo(sol, e); err != nil {
				return nil, fmt.Errorf("gbrbm: PosteriorMean: row %d: %w", r, err)
			}
			logw[k] = math.Log(p[k]) - (mat.Dot(e, sol)+logDet+float64(no)*math.Log(2*math.Pi))/2
			resid[k] = append([]float64(nil), sol.RawVector().Data...)
		}
		lz := mathx.LogSumExp(logw)
		corr := mat.NewVecDense(d, nil)
		for k := range count {
			wk := math.Exp(logw[k] - lz)
			corr.MulVec(cxo, mat.NewVecDense(no, resid[k]))
			for i, a := range mu.RawRowView(k) {
				o[i] += wk * (a + corr.AtVec(i))
			}
		}
		if noise == 0 { // exactly, not to rounding
			for _, i := range obs {
				o[i] = xr[i]
			}
		}
	}
	return out, nil
}
