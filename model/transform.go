package model

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Transform describes a model p(x) = exp(-F(x))/Z changed in three ways
// that samplers and estimators need, applied to the joint energy E of the
// model (E = F for a fully visible model):
//
//	E_t(x, h) = Beta·E(x, h) - Σ_i f_i x_i - w Σ_i [x_i = e_i],    x_i = c_i where clamped,
//
// that is, tempering to inverse temperature Beta (p_β ∝ e^{-βE}), an extra
// visible field f in nats (the log-odds of noisy evidence on binary units
// in denoising; the base-rate part (1-β)a_A of an AIS path), evidence for
// states e (a reward of w nats for each unit in its observed state: noisy
// observations of units with more than two states) and clamping (the
// clamped units are held at observed values c: sampling the transformed
// model samples p(x_free | x_clamped), as inpainting needs).
//
// The interpolation E_β = (1-β)E_A + βE_B between a base model E_A(x) =
// -a_Aᵀx (independent units) and a target E_B is the transform with Beta =
// β and Field = (1-β)a_A (Interpolation); for an RBM it is again an RBM,
// with W' = βW, b' = βb, a' = (1-β)a_A + βa_B.
//
// Field, Evidence and Clamp may hold fewer rows than there are chains: chain (row) k
// of a batch uses row k mod rows of each, so one row applies to every chain
// and n rows to n·replicas chains. A nil *Transform is the identity.
type Transform struct {
	// Beta is the inverse temperature β multiplying the model's energy.
	Beta float64
	// Field, if not nil, holds rows × Dim extra visible fields f in nats:
	// the energy gains -Σ_i f_i x_i. It is not multiplied by Beta.
	Field *mat.Dense
	// Clamp, if not nil, holds rows × Dim clamped values: a non-NaN entry
	// holds its unit at that value (which must be one of the model's
	// states); NaN entries are free.
	Clamp *mat.Dense
	// Evidence, if not nil, holds rows × Dim observed states e (NaN: no
	// observation); the energy gains -EvidenceWeight·Σ_i [x_i = e_i].
	// Only discrete models that are not bipartite take it (binary units
	// take the equivalent Field).
	Evidence *mat.Dense
	// EvidenceWeight is the reward w in nats of a unit in its observed
	// state, not multiplied by Beta.
	EvidenceWeight float64
}

// Tempering returns the transform to inverse temperature beta.
func Tempering(beta float64) *Transform { return &Transform{Beta: beta} }

// Interpolation returns the transform of the annealing path from the
// independent-unit base model E_A(x) = -Σ_i base_i x_i (base: visible
// biases or fields in nats, length Dim) at β = 0 to the model at β = 1:
// E_β = (1-β)E_A + βE, that is Beta = β and Field = (1-β)·base (one row).
func Interpolation(beta float64, base []float64) *Transform {
	f := make([]float64, len(base))
	for i, a := range base {
		f[i] = (1 - beta) * a
	}
	return &Transform{Beta: beta, Field: mat.NewDense(1, len(base), f)}
}

// IsIdentity reports whether t changes nothing (nil, or Beta 1 with neither
// field nor clamp).
func (t *Transform) IsIdentity() bool {
	return t == nil || (t.Beta == 1 && t.OnlyTempers())
}

// OnlyTempers reports whether t at most tempers: no field, clamp or
// evidence (nil tempers by β = 1). A sampler that knows nothing of
// transforms can then run on the tempered copy (Transformed.Scaled).
func (t *Transform) OnlyTempers() bool {
	return t == nil || (t.Field == nil && t.Clamp == nil && t.Evidence == nil)
}

// EvidenceRow returns the observed states of chain k (length Dim, NaN =
// none), or nil when t has no evidence.
func (t *Transform) EvidenceRow(k int) []float64 {
	if t == nil || t.Evidence == nil {
		return nil
	}
	r, _ := t.Evidence.Dims()
	return t.Evidence.RawRowView(k % r)
}

// InvTemp returns Beta, or 1 for a nil transform.
func (t *Transform) InvTemp() float64 {
	if t == nil {
		return 1
	}
	return t.Beta
}

// FieldRow returns the field row of chain k (length Dim), or nil when t has
// no field.
func (t *Transform) FieldRow(k int) []float64 {
	if t == nil || t.Field == nil {
		return nil
	}
	r, _ := t.Field.Dims()
	return t.Field.RawRowView(k % r)
}

// ClampRow returns the clamp row of chain k (length Dim, NaN = free), or
// nil when t clamps nothing.
func (t *Transform) ClampRow(k int) []float64 {
	if t == nil || t.Clamp == nil {
		return nil
	}
	r, _ := t.Clamp.Dims()
	return t.Clamp.RawRowView(k % r)
}

// Check returns an error if t does not fit a model of dim units: a
// non-finite Beta, or a field or clamp with another number of columns or
// with non-finite fields.
func (t *Transform) Check(dim int) error {
	if t == nil {
		return nil
	}
	if math.IsNaN(t.Beta) || math.IsInf(t.Beta, 0) {
		return fmt.Errorf("model: transform with inverse temperature %v", t.Beta)
	}
	for _, m := range []struct {
		name string
		x    *mat.Dense
	}{{"field", t.Field}, {"clamp", t.Clamp}, {"evidence", t.Evidence}} {
		if m.x == nil {
			continue
		}
		if _, c := m.x.Dims(); c != dim {
			return fmt.Errorf("model: transform %s has %d columns for %d units", m.name, c, dim)
		}
	}
	if t.Evidence != nil && (math.IsNaN(t.EvidenceWeight) || math.IsInf(t.EvidenceWeight, 0)) {
		return fmt.Errorf("model: transform evidence weight %v", t.EvidenceWeight)
	}
	if t.Field != nil {
		r, _ := t.Field.Dims()
		for k := range r {
			for _, v := range t.Field.RawRowView(k) {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("model: transform field %v", v)
				}
			}
		}
	}
	return nil
}

// ApplyClamp sets the clamped units of every row k of x (batch × Dim) to
// their values in t.
func (t *Transform) ApplyClamp(x *mat.Dense) {
	if t == nil || t.Clamp == nil {
		return
	}
	n, _ := x.Dims()
	for k := range n {
		row := x.RawRowView(k)
		for i, c := range t.ClampRow(k) {
			if !math.IsNaN(c) {
				row[i] = c
			}
		}
	}
}

// BipartiteTransformer is implemented by bipartite models that evaluate
// and sample their transforms themselves (rbm.RBM), without a copy of
// their parameters: the transformed RBM has the conditionals
//
//	P(h_j=1 | v) = σ(β(b_j + (vᵀW)_j)),  P(v_i=1 | h) = σ(β(a_i + (Wh)_i) + f_i)
//
// with clamped v_i held at their values.
type BipartiteTransformer interface {
	Bipartite
	// HiddenProbTransformed writes P_t(h_j=1 | v_r) into prob (batch × H).
	HiddenProbTransformed(t *Transform, v, prob *mat.Dense)
	// VisibleProbTransformed writes P_t(v_i=1 | h_r) into prob (batch ×
	// Dim); a clamped unit has probability equal to its value.
	VisibleProbTransformed(t *Transform, h, prob *mat.Dense)
	// FreeEnergyTransformed writes F_t(v_r) = -log Σ_h exp(-E_t(v_r, h))
	// in nats into out (clamping does not change it).
	FreeEnergyTransformed(t *Transform, v *mat.Dense, out []float64)
	// GibbsStepsTransformed is GibbsSteps (BlockGibbsKernel) of the
	// transformed model: clamped units are set to their values first and
	// after every visible half-step.
	GibbsStepsTransformed(t *Transform, x, h *mat.Dense, steps, blockSize int, rngs []*rand.Rand)
}

// AnnealingKernel is implemented by bipartite models with a fused step of
// annealed importance sampling between two transforms of themselves
// (rbm.RBM): AnnealStep adds log f_to(x_r) - log f_from(x_r), f_t =
// exp(-F_t), to logw[r] for every row x_r of x and then, if move, advances
// x and h by one block Gibbs transition v → h → v of the model transformed
// by to. The two share the product vᵀW. Neither transform may clamp; rows
// are split into random-stream blocks as for BlockGibbsKernel.
type AnnealingKernel interface {
	BipartiteTransformer
	AnnealStep(from, to *Transform, x, h *mat.Dense, logw []float64, move bool, blockSize int, rngs []*rand.Rand)
}

// Transformed is a model seen through a Transform: its free energy,
// statistics and (for bipartite models) conditionals are those of the
// transformed model. Samplers recognize it (Base, Transform) and run the
// base model's fast kernels with the transform. Params and Groups are those
// of the base model.
type Transformed interface {
	Model
	// Base returns the untransformed model.
	Base() Model
	// Transform returns the transform (not nil).
	Transform() *Transform
	// Scaled returns the base model with every parameter multiplied by
	// Beta (the base itself when Beta is 1): for models whose energy is
	// linear in their parameters (every model of this module) its energy
	// is Beta·E. A BipartiteTransformer base needs no copy; for it the copy
	// is made on the first call (for samplers of the base's own that know
	// nothing of transforms), and Scaled returns nil if the base is not a
	// Specifier.
	Scaled() Model
	// SetBeta changes the transform's inverse temperature (and refreshes
	// the scaled copy): annealing reuses one transformed model this way.
	SetBeta(beta float64)
}

// NewTransformed returns m seen through t. The result implements Discrete
// when m does, and Bipartite when m does (then with t's field only if m is
// a BipartiteTransformer). A Beta other than 1 needs m to be a
// BipartiteTransformer or a Specifier (it is rebuilt with scaled
// parameters; see Transformed.Scaled). Later changes of m's parameters are
// seen only by a BipartiteTransformer base; call SetBeta to refresh a copy.
func NewTransformed(m Model, t *Transform) (Transformed, error) {
	if t == nil {
		t = &Transform{Beta: 1}
	}
	if err := t.Check(m.Dim()); err != nil {
		return nil, err
	}
	tm := &transformed{base: m, t: t}
	_, fast := m.(BipartiteTransformer)
	if !fast {
		if err := tm.rescale(); err != nil {
			return nil, err
		}
	}
	d, discrete := m.(Discrete)
	if !discrete {
		if t.Evidence != nil {
			return nil, fmt.Errorf("model: evidence for states needs a discrete model, got %T", m)
		}
		return tm, nil
	}
	if states := d.States(); t.Clamp != nil {
		r, _ := t.Clamp.Dims()
		for k := range r {
			for _, c := range t.Clamp.RawRowView(k) {
				if !math.IsNaN(c) && StateIndex(states, c) < 0 {
					return nil, fmt.Errorf("model: clamped value %v is not one of the states %v", c, states)
				}
			}
		}
	}
	td := &transformedDiscrete{tm}
	if b, ok := m.(Bipartite); ok {
		if t.Evidence != nil {
			return nil, fmt.Errorf("model: %T takes evidence on its binary units as a Field, not as Evidence", m)
		}
		if !fast && t.Field != nil {
			return nil, fmt.Errorf("model: %T cannot take an extra visible field (it is not a model.BipartiteTransformer)", m)
		}
		return &transformedBipartite{td, b}, nil
	}
	return td, nil
}

type transformed struct {
	base   Model
	t      *Transform
	scaled Model
}

// rescale builds (or refreshes) the β-scaled copy of the base; a
// BipartiteTransformer base's copy is refreshed only once Scaled made it.
func (m *transformed) rescale() error {
	if _, ok := m.base.(BipartiteTransformer); ok && m.scaled == nil {
		return nil
	}
	return m.makeScaled()
}

func (m *transformed) makeScaled() error {
	if m.t.Beta == 1 {
		m.scaled = m.base
		return nil
	}
	if m.scaled == nil || m.scaled == m.base {
		s, ok := m.base.(Specifier)
		if !ok {
			return fmt.Errorf("model: cannot temper %T: it does not describe itself with a Spec", m.base)
		}
		c, err := New(s.Spec())
		if err != nil {
			return fmt.Errorf("model: cannot temper %T: %w", m.base, err)
		}
		m.scaled = c
	}
	p, q := m.scaled.Params(), m.base.Params()
	if t, ok := m.base.(Temperer); ok {
		return t.TemperParams(m.t.Beta, p)
	}
	for i, v := range q {
		p[i] = m.t.Beta * v
	}
	return nil
}

func (m *transformed) SetBeta(beta float64) {
	m.t.Beta = beta
	if err := m.rescale(); err != nil {
		panic(err.Error()) // the copy was made at construction
	}
}

func (m *transformed) Base() Model           { return m.base }
func (m *transformed) Transform() *Transform { return m.t }
func (m *transformed) Scaled() Model {
	if m.scaled == nil && m.makeScaled() != nil {
		return nil
	}
	return m.scaled
}
func (m *transformed) Dim() int          { return m.base.Dim() }
func (m *transformed) Params() []float64 { return m.base.Params() }
func (m *transformed) Groups() []Group   { return m.base.Groups() }

// FreeEnergy writes F_t(x_r) = F_βθ(x_r) - f·x_r.
func (m *transformed) FreeEnergy(x *mat.Dense, out []float64) {
	if b, ok := m.base.(BipartiteTransformer); ok {
		b.FreeEnergyTransformed(m.t, x, out)
		return
	}
	m.scaled.FreeEnergy(x, out)
	subtractField(m.t, x, out)
}

// subtractField subtracts the field and evidence terms of t from the free
// energies out of the rows of x.
func subtractField(t *Transform, x *mat.Dense, out []float64) {
	if t.Field == nil && t.Evidence == nil {
		return
	}
	for k := range out {
		s := 0.0
		for i, f := range t.FieldRow(k) {
			s += f * x.At(k, i)
		}
		for i, e := range t.EvidenceRow(k) {
			if x.At(k, i) == e { // false for NaN: no observation
				s += t.EvidenceWeight
			}
		}
		out[k] -= s
	}
}

// AddStats adds Σ_r w_r ∂F_t(x_r)/∂θ = β Σ_r w_r (∂F/∂θ)(βθ) to sum (for
// a Temperer base, the chain rule through its TemperParams).
func (m *transformed) AddStats(x *mat.Dense, w []float64, sum []float64) {
	s := m.Scaled()
	if s == nil {
		panic(fmt.Sprintf("model: AddStats of a tempered %T needs a Specifier", m.base))
	}
	tmp := make([]float64, len(sum))
	s.AddStats(x, w, tmp)
	if t, ok := m.base.(Temperer); ok {
		t.TemperStats(m.t.Beta, tmp)
		for i, v := range tmp {
			sum[i] += v
		}
		return
	}
	for i, v := range tmp {
		sum[i] += m.t.Beta * v
	}
}

type transformedDiscrete struct{ *transformed }

func (m *transformedDiscrete) States() []float64 { return m.base.(Discrete).States() }

// Space is the base model's space: a transform changes probabilities, not
// which configurations exist (clamped units keep values of their space).
func (m *transformedDiscrete) Space() Space { return m.base.(Discrete).Space() }

type transformedBipartite struct {
	*transformedDiscrete
	b Bipartite
}

func (m *transformedBipartite) HiddenDim() int { return m.b.HiddenDim() }

func (m *transformedBipartite) HiddenProb(v, prob *mat.Dense) {
	if b, ok := m.base.(BipartiteTransformer); ok {
		b.HiddenProbTransformed(m.t, v, prob)
		return
	}
	m.scaled.(Bipartite).HiddenProb(v, prob)
}

func (m *transformedBipartite) VisibleProb(h, prob *mat.Dense) {
	if b, ok := m.base.(BipartiteTransformer); ok {
		b.VisibleProbTransformed(m.t, h, prob)
		return
	}
	m.scaled.(Bipartite).VisibleProb(h, prob)
	m.t.ApplyClamp(prob)
}

func (m *transformedBipartite) HiddenFreeEnergy(h *mat.Dense, out []float64) {
	s := m.Scaled()
	if m.t.Field != nil || m.t.Clamp != nil || s == nil {
		panic("model: HiddenFreeEnergy of a transformed model is only available for pure tempering of a Specifier")
	}
	s.(Bipartite).HiddenFreeEnergy(h, out)
}

func (m *transformedBipartite) AddHiddenStats(h *mat.Dense, w []float64, sum []float64) {
	s := m.Scaled()
	if m.t.Field != nil || m.t.Clamp != nil || s == nil {
		panic("model: AddHiddenStats of a transformed model is only available for pure tempering of a Specifier")
	}
	tmp := make([]float64, len(sum))
	s.(Bipartite).AddHiddenStats(h, w, tmp)
	for i, v := range tmp {
		sum[i] += m.t.Beta * v
	}
}

// Energy writes E_t(v_r, h_r) = β E(v_r, h_r) - f·v_r.
func (m *transformedBipartite) Energy(v, h *mat.Dense, out []float64) {
	m.b.Energy(v, h, out)
	for k := range out {
		out[k] *= m.t.Beta
	}
	subtractField(m.t, v, out)
}

// RowVarDeltaFunc is a VarDeltaFunc for the configuration x of chain r: it
// writes into out[k] the energy change of setting the variable v (a unit or
// a one-hot block of the model's space) to its value k, or reports skip
// when a unit of v is clamped (and writes nothing).
type RowVarDeltaFunc func(r int, x []float64, v Var, out []float64) (skip bool)

// NewRowVarDeltas returns a RowVarDeltaFunc for m. For a Transformed model
// it uses the scaled copy's own deltas (NewVarDeltas) and adds the chain's
// field, -Σ_{i∈v} f_i·(x'_i - x_i) for the changed configuration x', and
// its evidence, -w·Σ_{i∈v} ([x'_i = e_i] - [x_i = e_i]); other models never
// skip. The function owns scratch space: use one per
// goroutine.
func NewRowVarDeltas(m Discrete) RowVarDeltaFunc {
	tm, ok := m.(Transformed)
	if !ok {
		f := NewVarDeltas(m)
		return func(_ int, x []float64, v Var, out []float64) bool { f(x, v, out); return false }
	}
	t := tm.Transform()
	base, field := m, false // FreeEnergy-based deltas of m itself include the field
	if sd, ok := tm.Scaled().(Discrete); ok {
		base, field = sd, t.Field != nil || t.Evidence != nil
	}
	f := NewVarDeltas(base)
	alt := make([]float64, m.Dim())
	return func(r int, x []float64, v Var, out []float64) bool {
		if c := t.ClampRow(r); c != nil {
			for i := v.Start; i < v.Start+v.Len; i++ {
				if !math.IsNaN(c[i]) {
					return true
				}
			}
		}
		f(x, v, out)
		if field {
			fr, er := t.FieldRow(r), t.EvidenceRow(r)
			lo, hi := v.Start, v.Start+v.Len
			copy(alt[lo:hi], x[lo:hi])
			for k := range out {
				v.Set(alt, k)
				d := 0.0
				for i := lo; i < hi; i++ {
					if fr != nil {
						d += fr[i] * (alt[i] - x[i])
					}
					if er != nil {
						d += t.EvidenceWeight * (indicator(alt[i] == er[i]) - indicator(x[i] == er[i]))
					}
				}
				out[k] -= d
			}
		}
		return false
	}
}

func indicator(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Temperer is implemented by models whose energy is not linear in their
// parameters (gbrbm.Model, whose variances enter through log σ²), so that
// β·E is not the energy at βθ: the tempered copy of a Transformed model
// (Scaled) then takes its parameters from TemperParams, and its statistics
// are mapped back by TemperStats.
type Temperer interface {
	Model
	// TemperParams writes into dst (length len(Params())) the parameters
	// θ' of a model of the same spec whose joint energy is β·E_θ, or
	// returns an error for a β that has no such model (β ≤ 0 for a
	// density that is not normalizable at β = 0).
	TemperParams(beta float64, dst []float64) error
	// TemperStats turns, in place, sums of ∂F/∂θ' at θ' = TemperParams(β)
	// into sums of ∂F_β/∂θ, F_β(x; θ) = F(x; θ'(θ)): the chain rule.
	TemperStats(beta float64, stats []float64)
}
