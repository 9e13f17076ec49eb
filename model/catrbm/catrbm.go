// Package catrbm implements the categorical restricted Boltzmann machine: L
// visible sites with q states each (one-hot, such as the 21 symbols of a
// protein alignment) coupled to H Bernoulli hidden units h ∈ {0,1}^H,
//
//	E(v, h) = -Σ_i a_i(v_i) - Σ_j b_j h_j - Σ_{i,j} W_j(i, v_i) h_j   (nats),
//
// so that, summing out the hidden units, the free energy of a sequence is
//
//	F(v) = -Σ_i a_i(v_i) - Σ_j softplus(b_j + Σ_i W_j(i, v_i)),
//
// with softplus(x) = log(1 + e^x). Given v the hidden units are independent
// Bernoulli with P(h_j = 1 | v) = σ(b_j + Σ_i W_j(i, v_i)); given h the
// sites are independent with softmax conditionals
//
//	P(v_i = a | h) ∝ exp(a_i(a) + Σ_j W_j(i, a) h_j).
//
// # Configurations
//
// Like the Potts model (model/potts), a configuration is a vector of L
// integer codes 0, …, q-1 (msa.Alphabet codes) stored as float64 values.
// The model implements model.Discrete with States() = {0, …, q-1}; it does
// not implement model.Bipartite, whose visible units are Bernoulli. Gibbs is
// its block Gibbs sampler.
//
// # Parameter layout
//
// Params() is, in order, the weights W (L·q × H, row-major: W_j(i, a) at
// [(i·q+a)·H + j]), the visible biases a_i(a) at [L·q·H + i·q + a] and the
// hidden biases b_j at [L·q·H + L·q + j].
//
// # Gauge
//
// The distribution p(v) is unchanged by two families of transformations:
// adding a constant c_i to every a_i(a) (F shifts by -c_i), and adding
// d_ij to W_j(i, a) for every a while subtracting d_ij from b_j (the input
// of hidden unit j is unchanged). ZeroSumGauge fixes both freedoms by
// making Σ_a a_i(a) = 0 and Σ_a W_j(i, a) = 0, moving the means into b_j;
// free-energy differences are unchanged, so the model's distribution,
// its hidden conditionals and its samples are the same.
package catrbm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/parallel"
	"boltzmann/model"
)

// Kind is the model kind registered with model.Register.
const Kind = "catrbm"

func init() {
	model.Register(Kind, func(s model.Spec) (model.Model, error) {
		alpha := s.Options["alphabet"]
		q := s.States
		if q == 0 {
			q = len(alpha)
		}
		if s.Visible <= 0 || q <= 0 || s.Hidden <= 0 {
			return nil, fmt.Errorf("catrbm: spec needs visible > 0 sites, states > 0 and hidden > 0, got %d, %d, %d", s.Visible, q, s.Hidden)
		}
		if alpha != "" && len(alpha) != q {
			return nil, fmt.Errorf("catrbm: alphabet %q has %d symbols but the spec has %d states", alpha, len(alpha), q)
		}
		m := New(s.Visible, q, s.Hidden)
		m.Alphabet = alpha
		return m, nil
	})
}

// Model is a categorical RBM with L sites of q states and H hidden units.
// Create it with New.
type Model struct {
	// Alphabet is the string of the q symbols the codes stand for, or "".
	Alphabet string

	l, q, h int
	params  []float64
	states  []float64
}

var (
	_ model.Discrete        = (*Model)(nil)
	_ model.Spaced          = (*Model)(nil)
	_ model.Specifier       = (*Model)(nil)
	_ model.DataInitializer = (*Model)(nil)
)

// New returns a categorical RBM with l sites, q states, h hidden units and
// all parameters zero.
func New(l, q, h int) *Model {
	if l <= 0 || q <= 0 || q > 256 || h <= 0 {
		panic(fmt.Sprintf("catrbm: New needs l > 0, 0 < q <= 256 and h > 0, got %d, %d, %d", l, q, h))
	}
	m := &Model{l: l, q: q, h: h, params: make([]float64, l*q*h+l*q+h), states: make([]float64, q)}
	for a := range m.states {
		m.states[a] = float64(a)
	}
	return m
}

// L is the number of sites, Q the number of states, H the number of hidden
// units.
func (m *Model) L() int { return m.l }

// Q is the number of states per site.
func (m *Model) Q() int { return m.q }

// H is the number of hidden units.
func (m *Model) H() int { return m.h }

// Dim is the number of sites L.
func (m *Model) Dim() int { return m.l }

// States returns the codes 0, …, q-1.
func (m *Model) States() []float64 { return m.states }

// Space returns the codes {0, …, q-1}^L (each site one categorical unit).
func (m *Model) Space() model.Space { return model.CategoricalSpace(m.l, m.q) }

// Params returns W, a and b in the layout of the package documentation.
func (m *Model) Params() []float64 { return m.params }

// Weights returns W (L·q × H row-major); VisibleBias a (L·q); HiddenBias
// b (H). They alias Params.
func (m *Model) Weights() []float64 { return m.params[:m.l*m.q*m.h] }

// VisibleBias returns a_i(a) at [i·q+a]; it aliases Params.
func (m *Model) VisibleBias() []float64 {
	n := m.l * m.q * m.h
	return m.params[n : n+m.l*m.q]
}

// HiddenBias returns b_j; it aliases Params.
func (m *Model) HiddenBias() []float64 { return m.params[m.l*m.q*m.h+m.l*m.q:] }

// Groups returns "weights" [L·q, H] (penalized), "visible_bias" [L, q] and
// "hidden_bias" [H].
func (m *Model) Groups() []model.Group {
	lq := m.l * m.q
	return []model.Group{
		{Name: "weights", Start: 0, Len: lq * m.h, Shape: []int{lq, m.h}, Penalized: true},
		{Name: "visible_bias", Start: lq * m.h, Len: lq, Shape: []int{m.l, m.q}},
		{Name: "hidden_bias", Start: lq*m.h + lq, Len: m.h, Shape: []int{m.h}},
	}
}

// Spec returns {Kind: "catrbm", Visible: L, Hidden: H, States: q}, with the
// alphabet in Options["alphabet"] when it is set.
func (m *Model) Spec() model.Spec {
	s := model.Spec{Kind: Kind, Visible: m.l, Hidden: m.h, States: m.q}
	if m.Alphabet != "" {
		s.Options = map[string]string{"alphabet": m.Alphabet}
	}
	return s
}

// code converts a float64 code to an int, panicking on a non-state.
func (m *Model) code(v float64, i int) int {
	k := int(v)
	if k < 0 || k >= m.q || float64(k) != v {
		panic("catrbm: value " + strconv.FormatFloat(v, 'g', -1, 64) + " at site " + strconv.Itoa(i) +
			" is not a state code in [0, " + strconv.Itoa(m.q) + ")")
	}
	return k
}

// HiddenInput writes into in (length H) the inputs b_j + Σ_i W_j(i, v_i)
// of the hidden units for one configuration v (length L, codes).
func (m *Model) HiddenInput(v []float64, in []float64) {
	if len(v) != m.l || len(in) != m.h {
		panic(fmt.Sprintf("catrbm: HiddenInput of a length-%d configuration into %d values (L = %d, H = %d)", len(v), len(in), m.l, m.h))
	}
	copy(in, m.HiddenBias())
	w := m.Weights()
	for i, x := range v {
		row := w[(i*m.q+m.code(x, i))*m.h : (i*m.q+m.code(x, i)+1)*m.h]
		for j, wv := range row {
			in[j] += wv
		}
	}
}

// VisibleLogits writes into out (L·q) the conditional log-odds
// a_i(a) + Σ_j W_j(i, a) h_j of each site and state given the hidden
// configuration h (length H, values 0 or 1 or probabilities).
func (m *Model) VisibleLogits(h []float64, out []float64) {
	lq := m.l * m.q
	if len(h) != m.h || len(out) != lq {
		panic(fmt.Sprintf("catrbm: VisibleLogits of %d hidden values into %d (H = %d, L·q = %d)", len(h), len(out), m.h, lq))
	}
	w := m.Weights()
	copy(out, m.VisibleBias())
	for k := range lq {
		row := w[k*m.h : (k+1)*m.h]
		s := 0.0
		for j, hv := range h {
			s += row[j] * hv
		}
		out[k] += s
	}
}

// FreeEnergy writes F(v_r) in nats for each row of v (batch × L, codes).
func (m *Model) FreeEnergy(v *mat.Dense, out []float64) {
	n, d := v.Dims()
	if d != m.l || len(out) != n {
		panic(fmt.Sprintf("catrbm: FreeEnergy of %d×%d batch into %d outputs, want %d columns", n, d, len(out), m.l))
	}
	a := m.VisibleBias()
	const rows = 64
	parallel.For(parallel.Blocks(n, rows), func(blk int) {
		lo, hi := parallel.Range(blk, rows, n)
		in := make([]float64, m.h)
		for r := lo; r < hi; r++ {
			x := v.RawRowView(r)
			m.HiddenInput(x, in)
			f := 0.0
			for i, c := range x {
				f -= a[i*m.q+int(c)]
			}
			for _, z := range in {
				f -= softplus(z)
			}
			out[r] = f
		}
	})
}

// AddStats adds Σ_r w_r ∂F(v_r)/∂θ to sum, with
//
//	∂F/∂W_j(i,a) = -δ(v_i, a) σ_j,  ∂F/∂a_i(a) = -δ(v_i, a),  ∂F/∂b_j = -σ_j,
//
// σ_j = P(h_j = 1 | v). Parallel over fixed blocks of rows, summed in
// order: the result does not depend on the number of cores.
func (m *Model) AddStats(v *mat.Dense, w []float64, sum []float64) {
	n, d := v.Dims()
	if d != m.l || len(sum) != len(m.params) || (w != nil && len(w) != n) {
		panic(fmt.Sprintf("catrbm: AddStats of %d×%d batch, %d weights, %d sums; want %d columns and %d sums",
			n, d, len(w), len(sum), m.l, len(m.params)))
	}
	const rows = 256
	nb := parallel.Blocks(n, rows)
	parts := make([][]float64, nb)
	parallel.For(nb, func(blk int) {
		lo, hi := parallel.Range(blk, rows, n)
		s := make([]float64, len(m.params))
		in := make([]float64, m.h)
		nw := m.l * m.q * m.h
		for r := lo; r < hi; r++ {
			wr := 1.0
			if w != nil {
				wr = w[r]
			}
			x := v.RawRowView(r)
			m.HiddenInput(x, in)
			for j, z := range in {
				in[j] = wr * sigmoid(z)
				s[nw+m.l*m.q+j] -= in[j]
			}
			for i, c := range x {
				ia := i*m.q + int(c)
				s[nw+ia] -= wr
				row := s[ia*m.h : (ia+1)*m.h]
				for j, p := range in {
					row[j] -= p
				}
			}
		}
		parts[blk] = s
	})
	for _, s := range parts {
		for k, v := range s {
			sum[k] += v
		}
	}
}

// ZeroSumGauge moves the parameters to the zero-sum gauge, Σ_a a_i(a) = 0
// and Σ_a W_j(i, a) = 0 for every i, j, the means of W moving into the
// hidden biases. p(v) and P(h | v) are unchanged (see the package
// documentation).
func (m *Model) ZeroSumGauge() {
	q, h := m.q, m.h
	w, a, b := m.Weights(), m.VisibleBias(), m.HiddenBias()
	for i := range m.l {
		for j := range h {
			mean := 0.0
			for c := range q {
				mean += w[(i*q+c)*h+j]
			}
			mean /= float64(q)
			for c := range q {
				w[(i*q+c)*h+j] -= mean
			}
			b[j] += mean
		}
		mean := 0.0
		for c := range q {
			mean += a[i*q+c]
		}
		mean /= float64(q)
		for c := range q {
			a[i*q+c] -= mean
		}
	}
}

// InitFromFrequencies sets the visible biases to the independent-site
// model of the one-site frequencies fi (L·q, f_i(a) at [i·q+a]),
// a_i(a) = log f_i(a) - mean_a log f_i(a), the weights to N(0, 0.1²) draws
// from rng and the hidden biases to zero.
func (m *Model) InitFromFrequencies(fi []float64, rng *rand.Rand) {
	if len(fi) != m.l*m.q {
		panic(fmt.Sprintf("catrbm: InitFromFrequencies with %d frequencies, want %d", len(fi), m.l*m.q))
	}
	for k := range m.Weights() {
		m.params[k] = 0.1 * rng.NormFloat64()
	}
	clear(m.HiddenBias())
	a := m.VisibleBias()
	for i := range m.l {
		mean := 0.0
		for c := range m.q {
			mean += math.Log(max(fi[i*m.q+c], 1e-300))
		}
		mean /= float64(m.q)
		for c := range m.q {
			a[i*m.q+c] = math.Log(max(fi[i*m.q+c], 1e-300)) - mean
		}
	}
}

// InitFromData calls InitFromFrequencies with the frequencies of the rows
// of x (codes) mixed with 1/(N+1) of the uniform distribution, so that
// unseen states keep a finite bias.
func (m *Model) InitFromData(x *mat.Dense, rng *rand.Rand) {
	n, d := x.Dims()
	if d != m.l || n == 0 {
		panic(fmt.Sprintf("catrbm: InitFromData with %d×%d data, want %d columns", n, d, m.l))
	}
	fi := make([]float64, m.l*m.q)
	for r := range n {
		for i, v := range x.RawRowView(r) {
			fi[i*m.q+m.code(v, i)]++
		}
	}
	lambda := 1 / float64(n+1)
	for k := range fi {
		fi[k] = (1-lambda)*fi[k]/float64(n) + lambda/float64(m.q)
	}
	m.InitFromFrequencies(fi, rng)
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}
