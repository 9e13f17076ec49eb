// Package potts implements the Potts model of direct coupling analysis
// (DCA) over L sites with q states each (q = 21 for protein alignments):
//
//	E(x) = -Σ_i h_i(x_i) - Σ_{i<j} J_ij(x_i, x_j)   (nats),
//
// with fields h_i(a) and couplings J_ij(a, b) = J_ji(b, a), J_ii = 0. It
// offers the model.Model interfaces for training by Boltzmann learning
// (bmDCA, as in adabmDCA 2.0), a fast Gibbs sampler, gauge fixing, the
// adabmDCA parameter file format and contact prediction.
//
// # Configurations
//
// A configuration is a vector of L integer codes 0, …, q-1, the codes of an
// msa.Alphabet (gap = 0 for proteins). Batches are *mat.Dense values with one
// configuration per row and the codes stored as float64.
//
// # Parameter layout
//
// Params() is the fields, then the couplings as one symmetric L·q × L·q
// matrix (row-major), the layout of a one-hot vector times a coupling
// matrix:
//
//	h_i(a)     at Params()[i·q + a]
//	J_ij(a, b) at Params()[L·q + (i·q+a)·L·q + (j·q+b)]
//
// Each coupling is stored twice, at [i·q+a, j·q+b] and at [j·q+b, i·q+a],
// and the diagonal blocks J_ii are zero. The two copies are one tied
// parameter: the energy uses their mean, AddStats adds the derivative with
// respect to the tied parameter to both copies, so a gradient step keeps the
// matrix symmetric, and the diagonal blocks receive no gradient. SetCoupling
// writes both copies; Symmetrize repairs a matrix edited by hand.
package potts

import (
	"fmt"
	"strconv"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/parallel"
	"boltzmann/model"
)

// Kind is the model kind registered with model.Register.
const Kind = "potts"

func init() {
	model.Register(Kind, func(s model.Spec) (model.Model, error) {
		alpha := s.Options["alphabet"]
		q := s.States
		if q == 0 {
			q = len(alpha)
		}
		if s.Visible <= 0 || q <= 0 {
			return nil, fmt.Errorf("potts: spec needs visible > 0 sites and states > 0 (or an alphabet), got %d and %d", s.Visible, q)
		}
		if alpha != "" && len(alpha) != q {
			return nil, fmt.Errorf("potts: alphabet %q has %d symbols but the spec has %d states", alpha, len(alpha), q)
		}
		m := New(s.Visible, q)
		m.Alphabet = alpha
		return m, nil
	})
}

// Model is a Potts model with L sites and q states. Create it with New.
type Model struct {
	// Alphabet is the string of the q symbols that the codes stand for
	// (such as msa.Protein.Symbols()), or "" if unknown. It is saved in the
	// Spec and used by WriteAdabmDCA.
	Alphabet string

	l, q   int
	params []float64
	states []float64
}

var (
	_ model.SiteEnergies = (*Model)(nil)
	_ model.Spaced       = (*Model)(nil)
	_ model.Specifier    = (*Model)(nil)
)

// New returns a Potts model with l sites, q states and all parameters zero
// (the uniform distribution).
func New(l, q int) *Model {
	if l <= 0 || q <= 0 || q > 256 {
		panic(fmt.Sprintf("potts: New needs l > 0 and 0 < q <= 256, got %d, %d", l, q))
	}
	lq := l * q
	m := &Model{l: l, q: q, params: make([]float64, lq+lq*lq), states: make([]float64, q)}
	for a := range m.states {
		m.states[a] = float64(a)
	}
	return m
}

// L is the number of sites.
func (m *Model) L() int { return m.l }

// Q is the number of states per site.
func (m *Model) Q() int { return m.q }

// Dim is the number of sites L.
func (m *Model) Dim() int { return m.l }

// States returns the codes 0, …, q-1 as float64 values.
func (m *Model) States() []float64 { return m.states }

// Space returns the codes {0, …, q-1}^L.
func (m *Model) Space() model.Space { return model.CategoricalSpace(m.l, m.q) }

// Params returns fields and couplings in the layout of the package
// documentation. It aliases the model's storage.
func (m *Model) Params() []float64 { return m.params }

// Fields returns the L·q fields, h_i(a) at [i·q+a]. It aliases Params.
func (m *Model) Fields() []float64 { return m.params[:m.l*m.q] }

// Couplings returns the L·q × L·q coupling matrix, J_ij(a,b) at
// [(i·q+a)·L·q + j·q+b]. It aliases Params.
func (m *Model) Couplings() []float64 { return m.params[m.l*m.q:] }

// Groups returns "fields" [L, q] (not penalized) and "couplings"
// [L·q, L·q] (penalized).
func (m *Model) Groups() []model.Group {
	lq := m.l * m.q
	return []model.Group{
		{Name: "fields", Start: 0, Len: lq, Shape: []int{m.l, m.q}},
		{Name: "couplings", Start: lq, Len: lq * lq, Shape: []int{lq, lq}, Penalized: true},
	}
}

// Spec returns {Kind: "potts", Visible: L, States: q} with the alphabet in
// Options["alphabet"] when it is set.
func (m *Model) Spec() model.Spec {
	s := model.Spec{Kind: Kind, Visible: m.l, States: m.q}
	if m.Alphabet != "" {
		s.Options = map[string]string{"alphabet": m.Alphabet}
	}
	return s
}

// Field returns h_i(a).
func (m *Model) Field(i, a int) float64 { return m.params[m.checkSite(i, a)] }

// SetField sets h_i(a).
func (m *Model) SetField(i, a int, v float64) { m.params[m.checkSite(i, a)] = v }

// Coupling returns J_ij(a, b), the mean of its two stored copies (zero for
// i == j).
func (m *Model) Coupling(i, j, a, b int) float64 {
	if i == j {
		return 0
	}
	ia, jb := m.checkSite(i, a), m.checkSite(j, b)
	return m.pair(ia, jb)
}

// SetCoupling sets J_ij(a, b) = J_ji(b, a) = v. It panics if i == j.
func (m *Model) SetCoupling(i, j, a, b int, v float64) {
	if i == j {
		panic(fmt.Sprintf("potts: SetCoupling on the diagonal block i = j = %d", i))
	}
	ia, jb := m.checkSite(i, a), m.checkSite(j, b)
	lq := m.l * m.q
	c := m.Couplings()
	c[ia*lq+jb] = v
	c[jb*lq+ia] = v
}

// pair returns the symmetrised coupling between the one-hot indices ia and
// jb (i·q+a and j·q+b).
func (m *Model) pair(ia, jb int) float64 {
	lq := m.l * m.q
	c := m.params[lq:]
	return 0.5 * (c[ia*lq+jb] + c[jb*lq+ia])
}

// Symmetrize replaces both copies of every coupling by their mean and sets
// the diagonal blocks J_ii to zero.
func (m *Model) Symmetrize() {
	lq, q := m.l*m.q, m.q
	c := m.Couplings()
	for r := range lq {
		for s := r; s < lq; s++ {
			v := 0.5 * (c[r*lq+s] + c[s*lq+r])
			if r/q == s/q {
				v = 0
			}
			c[r*lq+s], c[s*lq+r] = v, v
		}
	}
}

func (m *Model) checkSite(i, a int) int {
	if i < 0 || i >= m.l || a < 0 || a >= m.q {
		panic(fmt.Sprintf("potts: site %d, state %d out of range for L = %d, q = %d", i, a, m.l, m.q))
	}
	return i*m.q + a
}

// code converts a float64 code to an int, panicking on a value that is not
// one of the model's states.
func (m *Model) code(v float64, i int) int {
	k := int(v)
	if k < 0 || k >= m.q || float64(k) != v {
		panic("potts: value " + strconv.FormatFloat(v, 'g', -1, 64) + " at site " + strconv.Itoa(i) +
			" is not a state code in [0, " + strconv.Itoa(m.q) + ")")
	}
	return k
}

// Energy returns E(x) in nats for the configuration of codes x (length L).
func (m *Model) Energy(x []uint8) float64 {
	if len(x) != m.l {
		panic(fmt.Sprintf("potts: Energy of a configuration of length %d, want %d", len(x), m.l))
	}
	q, lq := m.q, m.l*m.q
	c := m.params[lq:]
	e := 0.0
	for i, xi := range x {
		if int(xi) >= q {
			panic(fmt.Sprintf("potts: code %d at site %d, want < %d", xi, i, q))
		}
		ia := i*q + int(xi)
		e -= m.params[ia]
		for j := i + 1; j < m.l; j++ {
			jb := j*q + int(x[j])
			e -= 0.5 * (c[ia*lq+jb] + c[jb*lq+ia])
		}
	}
	return e
}

// FreeEnergy writes the energy E(x_r) of each row of x (batch × L, codes as
// float64) into out; the Potts model has no hidden units.
func (m *Model) FreeEnergy(x *mat.Dense, out []float64) {
	n, d := x.Dims()
	if d != m.l || len(out) != n {
		panic(fmt.Sprintf("potts: FreeEnergy of %d×%d batch into %d outputs, want %d columns", n, d, len(out), m.l))
	}
	const rows = 64
	parallel.For(parallel.Blocks(n, rows), func(b int) {
		lo, hi := parallel.Range(b, rows, n)
		codes := make([]uint8, m.l)
		for r := lo; r < hi; r++ {
			for i, v := range x.RawRowView(r) {
				codes[i] = uint8(m.code(v, i))
			}
			out[r] = m.Energy(codes)
		}
	})
}

// AddStats adds Σ_r w_r O(x_r) to sum for the rows x_r of x (codes as
// float64), where O = ∂E/∂θ is minus the one-hot statistics:
//
//	fields:    O_{h_i(a)}    = -δ(x_i, a),
//	couplings: O_{J_ij(a,b)} = -δ(x_i, a) δ(x_j, b)   (i ≠ j, both copies).
//
// So sum/Σw is minus the frequencies f_i(a) and f_ij(a, b). The counts are
// accumulated by integer indexing in parallel over sites; the result does
// not depend on the number of cores.
func (m *Model) AddStats(x *mat.Dense, w []float64, sum []float64) {
	n, d := x.Dims()
	l, q, lq := m.l, m.q, m.l*m.q
	if d != l || len(sum) != len(m.params) || (w != nil && len(w) != n) {
		panic(fmt.Sprintf("potts: AddStats of %d×%d batch, %d weights, %d sums; want %d columns and %d sums",
			n, d, len(w), len(sum), l, len(m.params)))
	}
	// off[r·L+j] = j·q + x_rj, the one-hot index of site j of row r.
	off := make([]int32, n*l)
	for r := range n {
		for j, v := range x.RawRowView(r) {
			off[r*l+j] = int32(j*q + m.code(v, j))
		}
	}
	fields, coup := sum[:lq], sum[lq:]
	parallel.For(l, func(i int) {
		for r := range n {
			wr := 1.0
			if w != nil {
				wr = w[r]
			}
			o := off[r*l : (r+1)*l : (r+1)*l]
			ia := int(o[i])
			fields[ia] -= wr
			row := coup[ia*lq : (ia+1)*lq : (ia+1)*lq]
			for j, jb := range o {
				if j != i {
					row[jb] -= wr
				}
			}
		}
	})
}

// SiteDeltas writes into out[a] the energy change E(x with x_i = a) - E(x)
// for each state a, for one configuration x (length L, codes as float64).
func (m *Model) SiteDeltas(x []float64, i int, out []float64) {
	if len(x) != m.l || len(out) != m.q || i < 0 || i >= m.l {
		panic(fmt.Sprintf("potts: SiteDeltas at site %d of a length-%d configuration into %d outputs (L = %d, q = %d)",
			i, len(x), len(out), m.l, m.q))
	}
	q := m.q
	xi := m.code(x[i], i)
	for a := range out {
		out[a] = -m.params[i*q+a]
	}
	for j, v := range x {
		if j == i {
			continue
		}
		jb := j*q + m.code(v, j)
		for a := range out {
			out[a] -= m.pair(i*q+a, jb)
		}
	}
	ref := out[xi]
	for a := range out {
		out[a] -= ref
	}
	out[xi] = 0
}
