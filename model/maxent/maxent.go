// Package maxent implements user-defined maximum-entropy models over
// discrete (typically binary) vectors: the user supplies feature functions
// φ_j(x) and the model is the exponential family
//
//	p_θ(x) = exp(-E_θ(x)) / Z_θ,   E_θ(x) = -Σ_j θ_j φ_j(x),
//
// with one parameter θ_j per feature. The sufficient statistics are
// O_j = ∂E/∂θ_j = -φ_j(x), so the log-likelihood gradient
// <O>_data - <O>_model vanishes exactly when the model reproduces the data's
// feature averages <φ_j>_data: the maximum-likelihood model is the
// distribution of maximum entropy with those averages (Jaynes 1957). Ising
// models are the special case of single-site features x_i and pair features
// x_i x_j.
//
// # Saving a model
//
// A maxent model is not registered with model.Register and has no Spec,
// because its features are Go code that cannot be stored in a file. To save
// a trained model, save its parameter vector, for example with
// codeberg.org/sbinet/npyio:
//
//	err := npyio.Write(f, m.Params())
//
// and record the feature order (Groups gives names and ranges). To restore
// it, build the model with the same features in the same order and copy the
// saved vector in:
//
//	m := maxent.New(dim, states, features...)
//	copy(m.Params(), saved)
//
// # Any model works
//
// This package is also the template for bringing a model of one's own: the
// samplers and the trainer take the model.Model interface and the optional
// interfaces next to it, never a concrete type. Any type with these five
// methods can be sampled and trained:
//
//	type MyModel struct{ theta []float64 }
//
//	func (m *MyModel) Dim() int                 { return 10 }
//	func (m *MyModel) Params() []float64        { return m.theta }
//	func (m *MyModel) Groups() []model.Group    { return []model.Group{{Name: "theta", Len: len(m.theta), Shape: []int{len(m.theta)}}} }
//	func (m *MyModel) FreeEnergy(x *mat.Dense, out []float64)     { /* F(x_r) in nats */ }
//	func (m *MyModel) AddStats(x *mat.Dense, w, sum []float64)    { /* sum += Σ_r w_r ∂F(x_r)/∂θ */ }
//
// Adding States makes it a model.Discrete; adding SiteDeltas a
// model.SiteEnergies, which single-site Gibbs and Metropolis samplers use;
// adding GradX a model.EnergyGradient, which MALA uses. Model in this
// package implements SiteEnergies generically, by re-evaluating the
// features; a hand-written model can do it much faster. The MALA example in
// package sample runs a complete user-defined model.
package maxent

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
)

// Feature is one feature function φ(x) of a configuration x (length Dim).
// It must not modify x and must be safe to call from several goroutines at
// once.
type Feature func(x []float64) float64

// Features evaluates all features of one configuration at once, which lets
// a user share work between features. Implementations must be safe for
// concurrent use.
type Features interface {
	// Len is the number of features K.
	Len() int
	// Eval writes φ_j(x) for j = 0, …, K-1 into phi (length K). It must
	// not modify x (length Dim).
	Eval(x []float64, phi []float64)
}

// Funcs is a list of Feature functions used as a Features.
type Funcs []Feature

// Len returns len(f).
func (f Funcs) Len() int { return len(f) }

// Eval writes f[j](x) into phi[j].
func (f Funcs) Eval(x []float64, phi []float64) {
	for j, fj := range f {
		phi[j] = fj(x)
	}
}

// Field returns the single-site feature φ(x) = x_i.
func Field(i int) Feature { return func(x []float64) float64 { return x[i] } }

// Coupling returns the pair feature φ(x) = x_i x_j.
func Coupling(i, j int) Feature { return func(x []float64) float64 { return x[i] * x[j] } }

// Model is a maximum-entropy model with energy E(x) = -Σ_j θ_j φ_j(x).
type Model struct {
	dim    int
	states []float64
	feat   Features
	theta  []float64
	groups []model.Group

	scratch sync.Pool // of *scratch
}

type scratch struct{ x, phi []float64 }

var (
	_ model.SiteEnergies = (*Model)(nil)
	_ model.Spaced       = (*Model)(nil)
)

// New returns the model over vectors of dim units, each taking a value in
// states (typically {0, 1} or {-1, +1}), with one parameter per feature,
// all zero (the uniform distribution).
func New(dim int, states []float64, features ...Feature) *Model {
	return NewFromFeatures(dim, states, Funcs(features))
}

// NewFromFeatures is New with the features given as a Features.
func NewFromFeatures(dim int, states []float64, f Features) *Model {
	if dim <= 0 {
		panic(fmt.Sprintf("maxent: dimension must be positive, got %d", dim))
	}
	if len(states) == 0 {
		panic("maxent: no states")
	}
	for i, s := range states {
		if math.IsNaN(s) || math.IsInf(s, 0) || slices.Contains(states[:i], s) {
			panic(fmt.Sprintf("maxent: states must be finite and distinct, got %v", states))
		}
	}
	k := f.Len()
	if k <= 0 {
		panic("maxent: no features")
	}
	m := &Model{
		dim:    dim,
		states: slices.Clone(states),
		feat:   f,
		theta:  make([]float64, k),
		groups: []model.Group{{Name: "theta", Start: 0, Len: k, Shape: []int{k}, Penalized: true}},
	}
	m.scratch.New = func() any { return &scratch{x: make([]float64, dim), phi: make([]float64, k)} }
	return m
}

// SetGroups names ranges of the parameter vector, for example "fields" for
// the single-site features and "couplings" for the pair features, so that
// penalties and saved files can treat them apart. The groups must be in
// order and cover all K parameters; Shape defaults to [Len]. By default
// there is one group "theta" of shape [K], penalized.
func (m *Model) SetGroups(groups ...model.Group) {
	next := 0
	gs := make([]model.Group, len(groups))
	for i, g := range groups {
		if g.Start != next || g.Len <= 0 {
			panic(fmt.Sprintf("maxent: SetGroups: group %q starts at %d with length %d, want start %d and positive length", g.Name, g.Start, g.Len, next))
		}
		if g.Shape == nil {
			g.Shape = []int{g.Len}
		}
		gs[i] = g
		next += g.Len
	}
	if next != len(m.theta) {
		panic(fmt.Sprintf("maxent: SetGroups: groups cover %d of %d parameters", next, len(m.theta)))
	}
	m.groups = gs
}

// Dim returns the number of units.
func (m *Model) Dim() int { return m.dim }

// States returns the values a unit can take. The slice must not be
// modified.
func (m *Model) States() []float64 { return m.states }

// Space returns States()^Dim (model.FiniteSpace).
func (m *Model) Space() model.Space { return model.FiniteSpace(m.dim, m.states) }

// Params returns θ (length K); it aliases the model.
func (m *Model) Params() []float64 { return m.theta }

// Groups returns the parameter groups (see SetGroups).
func (m *Model) Groups() []model.Group { return m.groups }

// Energy returns E(x) = -Σ_j θ_j φ_j(x) in nats for one configuration x
// (length Dim).
func (m *Model) Energy(x []float64) float64 {
	s := m.scratch.Get().(*scratch)
	e := m.energy(x, s.phi)
	m.scratch.Put(s)
	return e
}

func (m *Model) energy(x, phi []float64) float64 {
	m.feat.Eval(x, phi)
	e := 0.0
	for j, p := range phi {
		e -= m.theta[j] * p
	}
	return e
}

func (m *Model) checkBatch(name string, x *mat.Dense) int {
	n, d := x.Dims()
	if d != m.dim {
		panic(fmt.Sprintf("maxent: %s with %d columns for dimension %d", name, d, m.dim))
	}
	return n
}

// FreeEnergy writes E(x_r) in nats for each row of x (batch × Dim) into out
// (length batch); the model has no hidden units, so F = E.
func (m *Model) FreeEnergy(x *mat.Dense, out []float64) {
	n := m.checkBatch("FreeEnergy", x)
	if len(out) != n {
		panic(fmt.Sprintf("maxent: FreeEnergy with out of length %d for %d rows", len(out), n))
	}
	s := m.scratch.Get().(*scratch)
	defer m.scratch.Put(s)
	for r := range n {
		out[r] = m.energy(x.RawRowView(r), s.phi)
	}
}

// AddStats adds Σ_r w_r O(x_r) to sum (length K), with O_j = -φ_j(x). A nil
// w weights every row by 1.
func (m *Model) AddStats(x *mat.Dense, w []float64, sum []float64) {
	n := m.checkBatch("AddStats", x)
	if len(sum) != len(m.theta) || (w != nil && len(w) != n) {
		panic(fmt.Sprintf("maxent: AddStats with sum of length %d and %d weights for %d rows and %d parameters",
			len(sum), len(w), n, len(m.theta)))
	}
	s := m.scratch.Get().(*scratch)
	defer m.scratch.Put(s)
	for r := range n {
		wr := 1.0
		if w != nil {
			wr = w[r]
		}
		m.feat.Eval(x.RawRowView(r), s.phi)
		for j, p := range s.phi {
			sum[j] -= wr * p
		}
	}
}

// SiteDeltas writes E(x with x_i = States()[k]) - E(x) into out[k] for one
// configuration x (length Dim). It is generic, not fast: it evaluates all K
// features len(States())+1 times. It does not modify x and is safe for
// concurrent use.
func (m *Model) SiteDeltas(x []float64, i int, out []float64) {
	if len(x) != m.dim || i < 0 || i >= m.dim || len(out) != len(m.states) {
		panic(fmt.Sprintf("maxent: SiteDeltas with x of length %d, site %d, out of length %d for dimension %d and %d states",
			len(x), i, len(out), m.dim, len(m.states)))
	}
	s := m.scratch.Get().(*scratch)
	defer m.scratch.Put(s)
	copy(s.x, x)
	e0 := m.energy(s.x, s.phi)
	for k, v := range m.states {
		if v == x[i] {
			out[k] = 0
			continue
		}
		s.x[i] = v
		out[k] = m.energy(s.x, s.phi) - e0
	}
}
