// Package ising implements the fully visible pairwise Boltzmann machine (the
// "Ising model" of machine learning): N binary units s with fields h and
// symmetric couplings J with zero diagonal,
//
//	E(s) = -Σ_i h_i s_i - Σ_{i<j} J_ij s_i s_j   (nats).
//
// The units take values in {0,1} or in {-1,+1} (the Encoding); energies,
// samples and data all use the model's encoding, so data in ±1 come back
// from the samplers in ±1. Both encodings describe the same family of
// distributions but their parameters differ.
package ising

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
)

// Kind is the model kind under which Ising models are registered and saved.
const Kind = "ising"

// Encoding is the pair of values a unit takes.
type Encoding string

const (
	// ZeroOne units take values in {0, 1} (lattice gas / Boltzmann machine).
	ZeroOne Encoding = "01"
	// PlusMinus units take values in {-1, +1} (spins).
	PlusMinus Encoding = "pm1"
)

// States returns the two values of the encoding, low first.
func (e Encoding) States() []float64 {
	if e == PlusMinus {
		return []float64{-1, 1}
	}
	return []float64{0, 1}
}

func init() {
	model.Register(Kind, func(s model.Spec) (model.Model, error) {
		if s.Visible <= 0 {
			return nil, fmt.Errorf("ising: need visible > 0, got %d", s.Visible)
		}
		enc := Encoding(s.Encode)
		switch enc {
		case "":
			enc = ZeroOne
		case ZeroOne, PlusMinus:
		default:
			return nil, fmt.Errorf("ising: unknown encoding %q (use %q or %q)", s.Encode, ZeroOne, PlusMinus)
		}
		return New(s.Visible, enc), nil
	})
}

// Model is a fully visible pairwise model. Its parameter vector is the N×N
// coupling matrix J (row-major, symmetric, zero diagonal: both J_ij and J_ji
// are stored and always equal) followed by the fields h (N).
type Model struct {
	n      int
	enc    Encoding
	states []float64
	params []float64
}

var (
	_ model.SiteEnergies = (*Model)(nil)
	_ model.Spaced       = (*Model)(nil)
	_ model.Specifier    = (*Model)(nil)
)

// New returns a model of n units in encoding enc with all parameters zero.
func New(n int, enc Encoding) *Model {
	if n <= 0 {
		panic(fmt.Sprintf("ising: New(%d): size must be positive", n))
	}
	if enc != ZeroOne && enc != PlusMinus {
		panic(fmt.Sprintf("ising: unknown encoding %q", enc))
	}
	return &Model{n: n, enc: enc, states: enc.States(), params: make([]float64, n*n+n)}
}

// Dim is the number of units N.
func (m *Model) Dim() int { return m.n }

// Encoding is the encoding of the units.
func (m *Model) Encoding() Encoding { return m.enc }

// States returns the two values a unit takes.
func (m *Model) States() []float64 { return m.states }

// Space returns {0,1}^n or {-1,+1}^n by the encoding.
func (m *Model) Space() model.Space { return model.FiniteSpace(m.n, m.states) }

// Params returns θ = (J, h), aliasing the model.
func (m *Model) Params() []float64 { return m.params }

// Couplings returns J as an N×N matrix aliasing the model. Keep it
// symmetric with a zero diagonal when writing to it, or use SetCoupling.
func (m *Model) Couplings() *mat.Dense { return mat.NewDense(m.n, m.n, m.params[:m.n*m.n]) }

// Fields returns h (length N), aliasing the model.
func (m *Model) Fields() []float64 { return m.params[m.n*m.n:] }

// Coupling returns J_ij.
func (m *Model) Coupling(i, j int) float64 { return m.params[i*m.n+j] }

// SetCoupling sets J_ij = J_ji = v; i must differ from j.
func (m *Model) SetCoupling(i, j int, v float64) {
	if i == j {
		panic("ising: SetCoupling on the diagonal")
	}
	m.params[i*m.n+j] = v
	m.params[j*m.n+i] = v
}

// Groups names "couplings" [N,N] (penalized) and "fields" [N].
func (m *Model) Groups() []model.Group {
	return []model.Group{
		{Name: "couplings", Start: 0, Len: m.n * m.n, Shape: []int{m.n, m.n}, Penalized: true},
		{Name: "fields", Start: m.n * m.n, Len: m.n, Shape: []int{m.n}},
	}
}

// Spec describes the model for saving.
func (m *Model) Spec() model.Spec {
	return model.Spec{Kind: Kind, Visible: m.n, Encode: string(m.enc)}
}

func (m *Model) check(name string, x *mat.Dense, out []float64) int {
	r, c := x.Dims()
	if c != m.n || (out != nil && len(out) != r) {
		panic(fmt.Sprintf("ising: %s: got %d×%d input and %d outputs for %d units", name, r, c, len(out), m.n))
	}
	return r
}

// FreeEnergy writes E(s_r) for each row s_r of x (batch × N) into out.
func (m *Model) FreeEnergy(x *mat.Dense, out []float64) {
	r := m.check("FreeEnergy", x, out)
	var xj mat.Dense
	xj.Mul(x, m.Couplings())
	h := m.Fields()
	for k := range r {
		s := x.RawRowView(k)
		e := 0.0
		for i, si := range s {
			e -= si * (h[i] + 0.5*xj.At(k, i))
		}
		out[k] = e
	}
}

// AddStats adds Σ_r w_r ∂E(s_r)/∂θ to sum: ∂E/∂J_ij = -½ s_i s_j for i ≠ j
// (each of the two stored entries carries half of the pair's term) and
// ∂E/∂h_i = -s_i.
func (m *Model) AddStats(x *mat.Dense, w []float64, sum []float64) {
	r := m.check("AddStats", x, w)
	if len(sum) != len(m.params) {
		panic(fmt.Sprintf("ising: stats buffer has length %d, want %d", len(sum), len(m.params)))
	}
	xw := x
	if w != nil {
		xw = mat.NewDense(r, m.n, nil)
		for k := range r {
			row, src := xw.RawRowView(k), x.RawRowView(k)
			for i, v := range src {
				row[i] = w[k] * v
			}
		}
	}
	gj := mat.NewDense(m.n, m.n, sum[:m.n*m.n])
	var ss mat.Dense
	ss.Mul(xw.T(), x)
	ss.Scale(0.5, &ss)
	gj.Sub(gj, &ss)
	for i := range m.n {
		sum[i*m.n+i] += ss.At(i, i) // the diagonal is not a parameter
	}
	gh := sum[m.n*m.n:]
	for k := range r {
		for i, v := range xw.RawRowView(k) {
			gh[i] -= v
		}
	}
}

// LocalField returns h_i + Σ_j J_ij s_j for one configuration s.
func (m *Model) LocalField(s []float64, i int) float64 {
	return m.params[m.n*m.n+i] + floats.Dot(m.params[i*m.n:(i+1)*m.n], s)
}

// SiteDeltas writes E(s with s_i = States()[k]) - E(s) into out[k].
func (m *Model) SiteDeltas(s []float64, i int, out []float64) {
	u := m.LocalField(s, i)
	for k, v := range m.states {
		out[k] = -(v - s[i]) * u
	}
}

// InitFromData sets the couplings to zero and the fields to those of the
// independent-unit model with the data's marginals (its maximum-likelihood
// solution), clamped away from ±∞ for units that never change:
// h_i = logit(p_i) in the {0,1} encoding, atanh(<s_i>) in ±1.
func (m *Model) InitFromData(x *mat.Dense, _ *rand.Rand) {
	n, d := x.Dims()
	if d != m.n || n == 0 {
		panic(fmt.Sprintf("ising: InitFromData with %d×%d data for %d units", n, d, m.n))
	}
	clear(m.params[:m.n*m.n])
	h := m.Fields()
	for i := range h {
		s := 0.0
		for k := range n {
			s += x.At(k, i)
		}
		mean := s / float64(n)
		if m.enc == PlusMinus {
			p := min(max((mean+1)/2, 1e-3), 1-1e-3)
			h[i] = math.Atanh(2*p - 1)
		} else {
			p := min(max(mean, 1e-3), 1-1e-3)
			h[i] = math.Log(p / (1 - p))
		}
	}
}
