// Package gbrbm implements the Gaussian-Bernoulli restricted Boltzmann
// machine: real visible units v ∈ ℝ^D, binary hidden units h ∈ {0,1}^H.
//
// # Energy
//
// With σ_i² = exp(z_i) the variance of visible unit i,
//
//	E(v, h) = Σ_i (v_i - b_i)²/(2σ_i²) - Σ_j c_j h_j - Σ_ij (v_i/σ_i²) W_ij h_j,
//
// the parametrization of Cho, Ilin & Raiko (2011, "Improved learning of
// Gaussian-Bernoulli restricted Boltzmann machines", ICANN). Its
// conditionals are
//
//	P(h_j = 1 | v) = σ(c_j + Σ_i v_i W_ij/σ_i²),
//	v_i | h ~ N(b_i + Σ_j W_ij h_j, σ_i²)   (independent given h),
//
// so W is in the units of v (the shift of the visible mean that hidden
// unit j brings), and the visible distribution is a mixture of 2^H
// axis-aligned Gaussians with shared variances σ² and means b + Wh. In the
// older parametrization with v_i/σ_i in the interaction term, the
// conditional mean of v_i is b_i + σ_i Σ_j W_ij h_j: the mean shift then
// depends on σ_i, and the gradient with respect to σ_i mixes the scale of
// the data with that of the weights, which makes learning the variances
// unstable (Cho et al., §3). Learning the variance through z_i = log σ_i²
// keeps it positive without constraints.
//
// Summing out h gives the free energy
//
//	F(v) = Σ_i (v_i - b_i)²/(2σ_i²) - Σ_j softplus(c_j + Σ_i v_i W_ij/σ_i²),
//
// and integrating out v (a Gaussian integral) the hidden free energy
//
//	F(h) = -cᵀh - Σ_i (b_i u_i + u_i²/2)/σ_i² - ½ Σ_i log(2π σ_i²),   u = Wh,
//
// with Z = ∫ exp(-F(v)) dv = Σ_h exp(-F(h)). For H ≤ exact.MaxUnits the
// package exact enumerates the hidden layer through HiddenFreeEnergy and
// AddHiddenStats (exact.HiddenEnumerable): exact.LogPartition,
// exact.LogProb (log densities), exact.LogLikelihood, exact.Averages and
// exact.Gradient are exact for this model. Moments gives the exact mean and
// covariance of the visible mixture.
//
// # Parameters
//
// The parameter vector is W (D×H, row-major), b (D), c (H), z = log σ²
// (D), with the groups "weights" (penalized), "visible_bias",
// "hidden_bias" and "log_variance". With SetFixedVariance(true) (spec
// option "fixed_variance": "true") the variances are not learned: AddStats
// and AddHiddenStats add 0 to the log_variance group, so that a gradient
// step leaves it unchanged, and InitFromData does not set it.
//
// # Sampling
//
// The model is not a model.Bipartite: that interface's visible units are
// Bernoulli, and its block Gibbs sampler would draw binary visibles. The
// model provides its own block Gibbs sampler (Sampler, sample.Provider),
// which draws h | v and then a Gaussian v | h, and runs model transforms
// (tempering, fields, clamps) itself. Because the energy is not linear in
// z, tempering goes through model.Temperer (TemperParams: β·E is the model
// with σ²/β and βc). Unstandardize maps a model of standardized data to
// the data's units, NoisyPosterior gives the posterior under additive
// Gaussian noise, and PosteriorMean the exact posterior means of
// inpainting and denoising.
package gbrbm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"gonum.org/v1/gonum/mat"

	"boltzmann/exact"
	"boltzmann/internal/mathx"
	"boltzmann/model"
	"boltzmann/sample"
)

// Kind is the model kind under which the Gaussian-Bernoulli RBM is
// registered.
const Kind = "gbrbm"

// OptionFixedVariance is the spec option that, set to "true", fixes the
// visible variances (SetFixedVariance).
const OptionFixedVariance = "fixed_variance"

// MinInitVariance is the floor InitFromData puts under a column's variance
// (a constant column would otherwise give σ² = 0 and an improper model).
// Data should be checked for constant columns before training.
const MinInitVariance = 1e-6

func init() {
	model.Register(Kind, func(s model.Spec) (model.Model, error) {
		if s.Visible <= 0 || s.Hidden <= 0 || s.States != 0 || s.Encode != "" {
			return nil, fmt.Errorf("gbrbm: spec needs visible > 0, hidden > 0 and no states or encoding, got %+v", s)
		}
		m := New(s.Visible, s.Hidden)
		whitened := false
		for k, v := range s.Options {
			if k != OptionFixedVariance && k != OptionWhitened {
				return nil, fmt.Errorf("gbrbm: unknown spec option %q (known: %q, %q)", k, OptionFixedVariance, OptionWhitened)
			}
			on, err := strconv.ParseBool(v)
			if err != nil {
				return nil, fmt.Errorf("gbrbm: spec option %s=%q: %w", k, v, err)
			}
			if k == OptionWhitened {
				whitened = on
			} else {
				m.SetFixedVariance(on)
			}
		}
		if whitened {
			// The identity whitening; model.npz supplies the real one.
			return NewWhitened(m, make([]float64, s.Visible), eye(s.Visible)), nil
		}
		return m, nil
	})
}

// Model is a Gaussian-Bernoulli RBM with D visible and H hidden units.
type Model struct {
	nv, nh   int
	params   []float64
	fixedVar bool
}

var (
	_ model.Model            = (*Model)(nil)
	_ model.Spaced           = (*Model)(nil)
	_ model.Specifier        = (*Model)(nil)
	_ model.DataInitializer  = (*Model)(nil)
	_ model.Validator        = (*Model)(nil)
	_ model.EnergyGradient   = (*Model)(nil)
	_ sample.Provider        = (*Model)(nil)
	_ exact.HiddenEnumerable = (*Model)(nil)
)

// New returns a model with visible real units and hidden binary units,
// W = 0, b = 0, c = 0 and unit variances (z = 0): the standard normal over
// ℝ^D.
func New(visible, hidden int) *Model {
	if visible <= 0 || hidden <= 0 {
		panic(fmt.Sprintf("gbrbm: New(%d, %d): need visible > 0 and hidden > 0", visible, hidden))
	}
	return &Model{nv: visible, nh: hidden, params: make([]float64, visible*hidden+2*visible+hidden)}
}

// Dim is the number of visible units D.
func (m *Model) Dim() int { return m.nv }

// HiddenDim is the number of hidden units H.
func (m *Model) HiddenDim() int { return m.nh }

// Params returns θ = (W, b, c, z), aliasing the model.
func (m *Model) Params() []float64 { return m.params }

// Groups names the parameter ranges: "weights" [D, H] (penalized),
// "visible_bias" [D], "hidden_bias" [H], "log_variance" [D].
func (m *Model) Groups() []model.Group {
	d, h := m.nv, m.nh
	return []model.Group{
		{Name: "weights", Start: 0, Len: d * h, Shape: []int{d, h}, Penalized: true},
		{Name: "visible_bias", Start: d * h, Len: d, Shape: []int{d}},
		{Name: "hidden_bias", Start: d*h + d, Len: h, Shape: []int{h}},
		{Name: "log_variance", Start: d*h + d + h, Len: d, Shape: []int{d}},
	}
}

// Weights returns W (D×H), aliasing the model.
func (m *Model) Weights() *mat.Dense { return mat.NewDense(m.nv, m.nh, m.params[:m.nv*m.nh]) }

// VisibleBias returns b (length D), aliasing the model.
func (m *Model) VisibleBias() []float64 { return m.params[m.nv*m.nh : m.nv*m.nh+m.nv] }

// HiddenBias returns c (length H), aliasing the model.
func (m *Model) HiddenBias() []float64 {
	o := m.nv*m.nh + m.nv
	return m.params[o : o+m.nh]
}

// LogVariance returns z = log σ² (length D), aliasing the model.
func (m *Model) LogVariance() []float64 { return m.params[m.nv*m.nh+m.nv+m.nh:] }

// SetFixedVariance fixes (true) or frees (false) the visible variances:
// while fixed, the statistics of the log_variance group are zero and
// InitFromData leaves it unchanged.
func (m *Model) SetFixedVariance(fixed bool) { m.fixedVar = fixed }

// FixedVariance reports whether the visible variances are fixed.
func (m *Model) FixedVariance() bool { return m.fixedVar }

// Space returns ℝ^D.
func (m *Model) Space() model.Space { return model.RealSpace(m.nv) }

// Spec describes the model for saving: kind "gbrbm", Visible D, Hidden H,
// and Options[OptionFixedVariance] = "true" when the variances are fixed.
func (m *Model) Spec() model.Spec {
	s := model.Spec{Kind: Kind, Visible: m.nv, Hidden: m.nh}
	if m.fixedVar {
		s.Options = map[string]string{OptionFixedVariance: "true"}
	}
	return s
}

// Valid returns nil when every parameter is finite (every finite θ defines
// a proper density).
func (m *Model) Valid() error {
	for j, v := range m.params {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("gbrbm: parameter %d is %v", j, v)
		}
	}
	return nil
}

// invVariances returns 1/σ_i² (length D).
func (m *Model) invVariances() []float64 {
	z := m.LogVariance()
	out := make([]float64, m.nv)
	for i, v := range z {
		out[i] = math.Exp(-v)
	}
	return out
}

func checkRows(name string, x *mat.Dense, cols int, out []float64) int {
	n, c := x.Dims()
	if c != cols || (out != nil && len(out) != n) {
		panic(fmt.Sprintf("gbrbm: %s of %d×%d rows (%d outputs), want %d columns", name, n, c, len(out), cols))
	}
	return n
}

// hiddenInput writes c_j + Σ_i v_i W_ij/σ_i² into in (n × H) for the rows
// of v (n × D), given inv = 1/σ².
func (m *Model) hiddenInput(v *mat.Dense, inv []float64, in *mat.Dense) {
	n, _ := v.Dims()
	scaled := mat.NewDense(n, m.nv, nil)
	for r := range n {
		s, x := scaled.RawRowView(r), v.RawRowView(r)
		for i, xi := range x {
			s[i] = xi * inv[i]
		}
	}
	in.Mul(scaled, m.Weights())
	c := m.HiddenBias()
	for r := range n {
		row := in.RawRowView(r)
		for j := range row {
			row[j] += c[j]
		}
	}
}

// HiddenProb writes P(h_j = 1 | v_r) = σ(c_j + Σ_i v_ri W_ij/σ_i²) into
// prob (batch × H) for the rows v_r of v (batch × D).
func (m *Model) HiddenProb(v, prob *mat.Dense) {
	n := checkRows("HiddenProb", v, m.nv, nil)
	checkRows("HiddenProb", prob, m.nh, make([]float64, n))
	m.hiddenInput(v, m.invVariances(), prob)
	for r := range n {
		row := prob.RawRowView(r)
		for j, x := range row {
			row[j] = mathx.Sigmoid(x)
		}
	}
}

// VisibleMean writes the conditional mean E[v | h_r] = b + W h_r into mean
// (batch × D) for the rows h_r of h (batch × H); v | h is Gaussian with
// this mean and variances σ² (VisibleVariance).
func (m *Model) VisibleMean(h, mean *mat.Dense) {
	n := checkRows("VisibleMean", h, m.nh, nil)
	checkRows("VisibleMean", mean, m.nv, make([]float64, n))
	mean.Mul(h, m.Weights().T())
	b := m.VisibleBias()
	for r := range n {
		row := mean.RawRowView(r)
		for i := range row {
			row[i] += b[i]
		}
	}
}

// VisibleVariance returns σ² = exp(z) (length D, a copy).
func (m *Model) VisibleVariance() []float64 {
	out := make([]float64, m.nv)
	for i, z := range m.LogVariance() {
		out[i] = math.Exp(z)
	}
	return out
}

// FreeEnergy writes F(v_r) = Σ_i (v_ri - b_i)²/(2σ_i²) - Σ_j softplus(c_j +
// Σ_i v_ri W_ij/σ_i²) in nats for each row of v (batch × D) into out.
func (m *Model) FreeEnergy(v *mat.Dense, out []float64) {
	n := checkRows("FreeEnergy", v, m.nv, out)
	inv := m.invVariances()
	in := mat.NewDense(n, m.nh, nil)
	m.hiddenInput(v, inv, in)
	b := m.VisibleBias()
	for r := range n {
		f := 0.0
		for i, x := range v.RawRowView(r) {
			d := x - b[i]
			f += d * d * inv[i] / 2
		}
		for _, x := range in.RawRowView(r) {
			f -= mathx.Softplus(x)
		}
		out[r] = f
	}
}

// AddStats adds Σ_r w_r ∂F(v_r)/∂θ to sum (length len(Params())) for the
// rows v_r of v (batch × D), nil w meaning weight 1. With p_j =
// P(h_j = 1 | v):
//
//	∂F/∂W_ij = -p_j v_i/σ_i²,   ∂F/∂b_i = -(v_i - b_i)/σ_i²,   ∂F/∂c_j = -p_j,
//	∂F/∂z_i  = -(v_i - b_i)²/(2σ_i²) + (v_i/σ_i²) Σ_j W_ij p_j   (0 when fixed).
func (m *Model) AddStats(v *mat.Dense, w []float64, sum []float64) {
	n := checkRows("AddStats", v, m.nv, w)
	if len(sum) != len(m.params) {
		panic(fmt.Sprintf("gbrbm: AddStats into %d sums for %d parameters", len(sum), len(m.params)))
	}
	inv := m.invVariances()
	p := mat.NewDense(n, m.nh, nil)
	m.HiddenProb(v, p)
	d, h := m.nv, m.nh
	b := m.VisibleBias()
	sw, sb, sc, sz := sum[:d*h], sum[d*h:d*h+d], sum[d*h+d:d*h+d+h], sum[d*h+d+h:]
	// a_ri = w_r v_ri/σ_i²; the weight statistics are -aᵀp and the
	// interaction part of the log-variance statistics Σ_r a_ri (W p_r)_i,
	// both dense matrix products.
	a := mat.NewDense(n, d, nil)
	for r := range n {
		wr := 1.0
		if w != nil {
			wr = w[r]
		}
		ar := a.RawRowView(r)
		for i, xi := range v.RawRowView(r) {
			ar[i] = wr * xi * inv[i]
		}
	}
	ap := mat.NewDense(d, h, nil)
	ap.Mul(a.T(), p)
	for k, x := range ap.RawMatrix().Data {
		sw[k] -= x
	}
	var wp *mat.Dense
	if !m.fixedVar {
		wp = mat.NewDense(n, d, nil)
		wp.Mul(p, m.Weights().T())
	}
	for r := range n {
		wr := 1.0
		if w != nil {
			wr = w[r]
		}
		ar := a.RawRowView(r)
		var wpr []float64
		if wp != nil {
			wpr = wp.RawRowView(r)
		}
		for i, xi := range v.RawRowView(r) {
			dev := xi - b[i]
			sb[i] -= wr * dev * inv[i]
			if !m.fixedVar {
				sz[i] += -wr*dev*dev*inv[i]/2 + ar[i]*wpr[i]
			}
		}
		for j, pj := range p.RawRowView(r) {
			sc[j] -= wr * pj
		}
	}
}

// GradX writes ∂F/∂v_i = (v_i - b_i)/σ_i² - Σ_j P(h_j=1|v) W_ij/σ_i² at
// each row of v (batch × D) into grad (batch × D), for Langevin samplers.
func (m *Model) GradX(v, grad *mat.Dense) {
	n := checkRows("GradX", v, m.nv, nil)
	checkRows("GradX", grad, m.nv, make([]float64, n))
	inv := m.invVariances()
	p := mat.NewDense(n, m.nh, nil)
	m.HiddenProb(v, p)
	wp := mat.NewDense(n, m.nv, nil)
	wp.Mul(p, m.Weights().T())
	b := m.VisibleBias()
	for r := range n {
		g, x, s := grad.RawRowView(r), v.RawRowView(r), wp.RawRowView(r)
		for i, xi := range x {
			g[i] = (xi - b[i] - s[i]) * inv[i]
		}
	}
}

// Energy writes the joint energy E(v_r, h_r) into out for the rows of v
// (batch × D) and h (batch × H).
func (m *Model) Energy(v, h *mat.Dense, out []float64) {
	n := checkRows("Energy", v, m.nv, out)
	checkRows("Energy", h, m.nh, out)
	inv := m.invVariances()
	in := mat.NewDense(n, m.nh, nil)
	m.hiddenInput(v, inv, in)
	b := m.VisibleBias()
	for r := range n {
		e := 0.0
		for i, x := range v.RawRowView(r) {
			d := x - b[i]
			e += d * d * inv[i] / 2
		}
		hr := h.RawRowView(r)
		for j, x := range in.RawRowView(r) {
			e -= x * hr[j]
		}
		out[r] = e
	}
}

// HiddenFreeEnergy writes F(h_r) = -log ∫ exp(-E(v, h_r)) dv =
// -cᵀh - Σ_i (b_i u_i + u_i²/2)/σ_i² - ½ Σ_i log(2π σ_i²), u = W h_r, for
// each row of h (batch × H) into out.
func (m *Model) HiddenFreeEnergy(h *mat.Dense, out []float64) {
	n := checkRows("HiddenFreeEnergy", h, m.nh, out)
	inv := m.invVariances()
	u := mat.NewDense(n, m.nv, nil)
	u.Mul(h, m.Weights().T())
	b, c := m.VisibleBias(), m.HiddenBias()
	norm := 0.0
	for _, z := range m.LogVariance() {
		norm += (math.Log(2*math.Pi) + z) / 2
	}
	for r := range n {
		f := -norm
		for j, hj := range h.RawRowView(r) {
			f -= c[j] * hj
		}
		for i, ui := range u.RawRowView(r) {
			f -= (b[i]*ui + ui*ui/2) * inv[i]
		}
		out[r] = f
	}
}

// AddHiddenStats adds Σ_r w_r ∂F(h_r)/∂θ to sum for the rows h_r of h
// (batch × H), nil w meaning weight 1. With u = W h and μ = b + u:
//
//	∂F/∂W_ij = -μ_i h_j/σ_i²,   ∂F/∂b_i = -u_i/σ_i²,   ∂F/∂c_j = -h_j,
//	∂F/∂z_i  = (b_i u_i + u_i²/2)/σ_i² - ½   (0 when fixed),
//
// the expectations of ∂E/∂θ under the Gaussian v | h, so that
// <∂F(h)/∂θ>_p(h) = <∂F(v)/∂θ>_p(v) (exact.Averages).
func (m *Model) AddHiddenStats(h *mat.Dense, w []float64, sum []float64) {
	n := checkRows("AddHiddenStats", h, m.nh, w)
	if len(sum) != len(m.params) {
		panic(fmt.Sprintf("gbrbm: AddHiddenStats into %d sums for %d parameters", len(sum), len(m.params)))
	}
	inv := m.invVariances()
	u := mat.NewDense(n, m.nv, nil)
	u.Mul(h, m.Weights().T())
	d, nh := m.nv, m.nh
	b := m.VisibleBias()
	sw, sb, sc, sz := sum[:d*nh], sum[d*nh:d*nh+d], sum[d*nh+d:d*nh+d+nh], sum[d*nh+d+nh:]
	for r := range n {
		wr := 1.0
		if w != nil {
			wr = w[r]
		}
		hr := h.RawRowView(r)
		for i, ui := range u.RawRowView(r) {
			a := wr * (b[i] + ui) * inv[i]
			row := sw[i*nh : (i+1)*nh]
			for j, hj := range hr {
				row[j] -= a * hj
			}
			sb[i] -= wr * ui * inv[i]
			if !m.fixedVar {
				sz[i] += wr * ((b[i]*ui+ui*ui/2)*inv[i] - 0.5)
			}
		}
		for j, hj := range hr {
			sc[j] -= wr * hj
		}
	}
}

// InitFromData sets b to the column means of x (n × D), σ² to the column
// variances (divisor n, floored at MinInitVariance; left unchanged when the
// variances are fixed), c = 0 and W_ij to independent N(0, (0.01 σ_i)²)
// draws, so that each hidden input Σ_i v_i W_ij/σ_i² starts at the scale
// 0.01 Σ_i v_i/σ_i whatever the units of the data. A nil rng uses the
// fixed stream PCG(1, 0).
func (m *Model) InitFromData(x *mat.Dense, rng *rand.Rand) {
	n := checkRows("InitFromData", x, m.nv, nil)
	if n == 0 {
		panic("gbrbm: InitFromData with no rows")
	}
	if rng == nil {
		rng = rand.New(rand.NewPCG(1, 0))
	}
	mean, variance := columnMoments(x)
	copy(m.VisibleBias(), mean)
	if !m.fixedVar {
		z := m.LogVariance()
		for i, v := range variance {
			z[i] = math.Log(max(v, MinInitVariance))
		}
	}
	clear(m.HiddenBias())
	z := m.LogVariance()
	for i := range m.nv {
		sd := math.Exp(z[i] / 2)
		for j := range m.nh {
			m.params[i*m.nh+j] = 0.01 * sd * rng.NormFloat64()
		}
	}
}

// columnMoments returns the column means and variances (divisor n) of x.
func columnMoments(x *mat.Dense) (mean, variance []float64) {
	n, d := x.Dims()
	mean, variance = make([]float64, d), make([]float64, d)
	for r := range n {
		for i, v := range x.RawRowView(r) {
			mean[i] += v
		}
	}
	for i := range mean {
		mean[i] /= float64(n)
	}
	for r := range n {
		for i, v := range x.RawRowView(r) {
			variance[i] += (v - mean[i]) * (v - mean[i])
		}
	}
	for i := range variance {
		variance[i] /= float64(n)
	}
	return mean, variance
}
