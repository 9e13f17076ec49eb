package rbm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/mathx"
	"boltzmann/internal/parallel"
	"boltzmann/model"
	"boltzmann/sample"
)

// LabeledKind is the model kind under which labeled RBMs are registered and
// saved.
const LabeledKind = "rbm-labeled"

func init() {
	model.Register(LabeledKind, func(s model.Spec) (model.Model, error) {
		c, err := strconv.Atoi(s.Options["classes"])
		if err != nil || c < 2 {
			return nil, fmt.Errorf("rbm: an %s spec needs options.classes >= 2, got %q", LabeledKind, s.Options["classes"])
		}
		if s.Visible <= c || s.Hidden <= 0 {
			return nil, fmt.Errorf("rbm: %s needs visible > classes and hidden > 0, got visible %d, classes %d, hidden %d", LabeledKind, s.Visible, c, s.Hidden)
		}
		return NewLabeled(s.Visible-c, c, s.Hidden), nil
	})
}

// Labeled is an RBM over data and class labels (Larochelle & Bengio 2008,
// "Classification using discriminative restricted Boltzmann machines": the
// generative "joint" RBM). Its visible vector is the concatenation
// [x, y] of D binary data units x and a one-hot block y of C label units,
// so Dim() = D + C, and the energy is the RBM energy of that vector,
//
//	E(x, y, h) = -aᵀ[x,y] - bᵀh - [x,y]ᵀWh.
//
// Its Space is {0,1}^D × one-hot(C): the label block's only allowed
// configurations are the C one-hot vectors e_c, so Z sums over 2^D·C
// visible configurations (not 2^(D+C)). Given h exactly one label unit is
// on with P(y = c | h) ∝ exp(a_{D+c} + (Wh)_{D+c}). VisibleProb writes
// these class probabilities in the label columns and LabeledGibbs samples
// them as one categorical draw; HiddenFreeEnergy and AddHiddenStats sum over
// the C one-hot vectors, so exact enumeration of the hidden layer is exact
// for this model. FreeEnergy, AddStats, Energy and HiddenProb are those of
// the plain RBM on [x, y] and are meaningful on rows whose label block is
// one-hot; FreeEnergyData marginalizes the label block of rows holding only
// the D data units. A row [x, 0] with an all-zero label block is a row
// whose label is unknown: FreeEnergy, AddStats and PhaseDifference give it
// the free energy and statistics of the data marginal p(x), so it
// contributes to generative training only (see labeled_disc.go, which also
// holds the exact conditional log-likelihood log p(y|x) and its gradient,
// model.Conditional, for discriminative and hybrid training).
//
// # Parameter layout
//
// The parameters are those of a plain (D+C)×H RBM (RBM returns it): W is
// (D+C)×H row-major, rows 0…D-1 the data units and rows D…D+C-1 the label
// units (row D+c is the weight vector of class c); then a (D+C), a_{D+c}
// the bias of class c; then b (H). Groups are the RBM's ("weights",
// "visible_bias", "hidden_bias"), so saved files are those of an RBM.
//
// # What is not exposed
//
// Labeled composes the plain RBM instead of embedding it. The RBM's fused
// block Gibbs kernels (GibbsSteps, GibbsStepsHidden), FlipDeltas and its
// float32 mode would treat the label units as independent bits, and are
// not methods of Labeled (PseudoLogLikelihood takes FlipDeltas' place,
// with the label block as one variable); PhaseDifference (a difference of
// AddStats sums, correct on one-hot rows) is forwarded, and so are the
// transformed conditionals of model.BipartiteTransformer, with the label
// block as one categorical variable (VisibleProbTransformed,
// GibbsStepsTransformed). Code that needs the plain weight
// layout uses RBM(), knowing that the label block is then just C more bits.
//
// The class posterior needs no partition function:
// p(y|x) ∝ exp(-F(x, e_y)) (ClassLogProb).
type Labeled struct {
	rbm    *RBM
	nd, nc int
}

var (
	_ model.Bipartite       = (*Labeled)(nil)
	_ model.Discrete        = (*Labeled)(nil)
	_ model.Spaced          = (*Labeled)(nil)
	_ model.Specifier       = (*Labeled)(nil)
	_ model.DataInitializer = (*Labeled)(nil)
	_ model.PhaseDifference = (*Labeled)(nil)
	_ sample.Provider       = (*Labeled)(nil)
	_ sample.Sampler        = LabeledGibbs{}

	_ model.BipartiteTransformer = (*Labeled)(nil)
)

// NewLabeled returns a labeled RBM with dataDim data units, classes label
// units and hidden hidden units, all parameters zero.
func NewLabeled(dataDim, classes, hidden int) *Labeled {
	if dataDim <= 0 || classes < 2 || hidden <= 0 {
		panic(fmt.Sprintf("rbm: NewLabeled(%d, %d, %d): need dataDim > 0, classes >= 2, hidden > 0", dataDim, classes, hidden))
	}
	return &Labeled{rbm: New(dataDim+classes, hidden), nd: dataDim, nc: classes}
}

// RBM returns the plain (D+C)×H RBM that holds the parameters, aliasing
// them. Its methods treat the label units as independent bits: use it
// for the weight layout, not for sampling or enumeration.
func (l *Labeled) RBM() *RBM { return l.rbm }

// Dim is the number of visible units D + C.
func (l *Labeled) Dim() int { return l.rbm.nv }

// HiddenDim is the number of hidden units H.
func (l *Labeled) HiddenDim() int { return l.rbm.nh }

// Params returns θ = (W, a, b) in the layout of the type documentation,
// aliasing the model.
func (l *Labeled) Params() []float64 { return l.rbm.Params() }

// Groups names the parameter ranges as for an RBM of D + C visible units.
func (l *Labeled) Groups() []model.Group { return l.rbm.Groups() }

// Weights returns W ((D+C)×H, label rows last), aliasing the model.
func (l *Labeled) Weights() *mat.Dense { return l.rbm.Weights() }

// VisibleBias returns a (length D+C, class biases last), aliasing the model.
func (l *Labeled) VisibleBias() []float64 { return l.rbm.VisibleBias() }

// HiddenBias returns b (length H), aliasing the model.
func (l *Labeled) HiddenBias() []float64 { return l.rbm.HiddenBias() }

// States returns {0, 1}, the values of every unit; the label block is
// further constrained to be one-hot (Space).
func (l *Labeled) States() []float64 { return []float64{0, 1} }

// Space returns {0,1}^D × one-hot(C).
func (l *Labeled) Space() model.Space {
	return model.Concat(model.BinarySpace(l.nd), model.OneHotSpace(l.nc))
}

// FreeEnergy writes F(v_r) for each row v_r = [x, y] of v (batch × (D+C)),
// y one-hot; a row with an all-zero label block (label unknown) gets the
// free energy F(x) of the data marginal (FreeEnergyData).
func (l *Labeled) FreeEnergy(v *mat.Dense, out []float64) {
	l.rbm.FreeEnergy(v, out)
	idx := l.unlabeledRows(v)
	if idx == nil {
		return
	}
	x := mat.NewDense(len(idx), l.nd, nil)
	for k, r := range idx {
		copy(x.RawRowView(k), v.RawRowView(r)[:l.nd])
	}
	f := make([]float64, len(idx))
	l.FreeEnergyData(x, f)
	for k, r := range idx {
		out[r] = f[k]
	}
}

// AddStats adds Σ_r w_r ∂F(v_r)/∂θ to sum for rows [x, y] with y one-hot;
// a row with an all-zero label block adds ∂F(x)/∂θ = Σ_c p(c|x) ∂F(x,
// e_c)/∂θ, the statistics of the data marginal.
func (l *Labeled) AddStats(v *mat.Dense, w []float64, sum []float64) {
	if idx := l.unlabeledRows(v); idx != nil {
		v, w = l.expandUnlabeled(v, w, idx)
	}
	l.rbm.AddStats(v, w, sum)
}

// Energy writes E(v_r, h_r) into out.
func (l *Labeled) Energy(v, h *mat.Dense, out []float64) { l.rbm.Energy(v, h, out) }

// HiddenProb writes P(h_j=1 | v_r) into prob (batch × H).
func (l *Labeled) HiddenProb(v, prob *mat.Dense) { l.rbm.HiddenProb(v, prob) }

// PhaseDifference writes the Monte Carlo gradient of -L for the rows of pos
// and neg (both with one-hot label blocks) into grad, as RBM.PhaseDifference;
// a row of pos with an all-zero label block enters with the statistics of
// the data marginal, as in AddStats.
func (l *Labeled) PhaseDifference(pos *mat.Dense, w []float64, neg *mat.Dense, grad []float64) {
	if idx := l.unlabeledRows(pos); idx != nil {
		pos, w = l.expandUnlabeled(pos, w, idx)
	}
	l.rbm.PhaseDifference(pos, w, neg, grad)
}

// DataDim is the number D of data units (the first D visible units).
func (l *Labeled) DataDim() int { return l.nd }

// Classes is the number C of label units (the last C visible units).
func (l *Labeled) Classes() int { return l.nc }

// Spec describes the model for saving: kind "rbm-labeled", Visible = D + C,
// Options["classes"] = C.
func (l *Labeled) Spec() model.Spec {
	s := l.rbm.Spec()
	s.Kind = LabeledKind
	s.Options = map[string]string{"classes": strconv.Itoa(l.nc), "data_dim": strconv.Itoa(l.nd)}
	return s
}

// VisibleProb writes P(x_i = 1 | h) in the data columns and the softmax
// P(y = c | h) in the label columns of prob (batch × (D+C)).
func (l *Labeled) VisibleProb(h, prob *mat.Dense) {
	checkRows("VisibleProb", h, l.rbm.nh, nil)
	checkRows("VisibleProb", prob, l.rbm.nv, nil)
	l.rbm.visibleInput(h, prob)
	n, _ := prob.Dims()
	for k := range n {
		row := prob.RawRowView(k)
		for i, x := range row[:l.nd] {
			row[i] = mathx.Sigmoid(x)
		}
		softmaxInPlace(row[l.nd:])
	}
}

func softmaxInPlace(z []float64) {
	lse := mathx.LogSumExp(z)
	for c, v := range z {
		z[c] = math.Exp(v - lse)
	}
}

// HiddenFreeEnergy writes F(h) = -bᵀh - Σ_{i<D} softplus(a_i + (Wh)_i)
// - log Σ_c exp(a_{D+c} + (Wh)_{D+c}) for each row of h (batch × H).
func (l *Labeled) HiddenFreeEnergy(h *mat.Dense, out []float64) {
	checkRows("HiddenFreeEnergy", h, l.rbm.nh, out)
	n, _ := h.Dims()
	in := mat.NewDense(n, l.rbm.nv, nil)
	l.rbm.visibleInput(h, in)
	b := l.HiddenBias()
	for k := range n {
		row := in.RawRowView(k)
		f := -dot(b, h.RawRowView(k))
		for _, x := range row[:l.nd] {
			f -= mathx.Softplus(x)
		}
		out[k] = f - mathx.LogSumExp(row[l.nd:])
	}
}

// AddHiddenStats adds Σ_r w_r ∂F(h_r)/∂θ to sum, with the visible
// expectations of VisibleProb (softmax for the label block).
func (l *Labeled) AddHiddenStats(h *mat.Dense, w []float64, sum []float64) {
	checkRows("AddHiddenStats", h, l.rbm.nh, w)
	n, _ := h.Dims()
	pv := mat.NewDense(n, l.rbm.nv, nil)
	l.VisibleProb(h, pv)
	l.rbm.addPairStats(pv, h, w, sum)
}

// InitFromData initializes from rows of [x, one-hot y] (n × (D+C)): weights
// N(0, 0.01²), data biases log(p_i/(1-p_i)), label biases log p_c (the class
// frequencies, floored at 1e-3), hidden biases zero. A nil rng uses the
// fixed-seed default of RBM.InitFromData.
func (l *Labeled) InitFromData(x *mat.Dense, rng *rand.Rand) {
	l.rbm.InitFromData(x, rng)
	n, _ := x.Dims()
	a := l.VisibleBias()
	for c := range l.nc {
		s := 0.0
		for k := range n {
			s += x.At(k, l.nd+c)
		}
		a[l.nd+c] = math.Log(max(s/float64(n), 1e-3))
	}
}

// Concat returns the visible rows [x_r, one-hot(labels_r)] (n × (D+C)) for
// data x (n × D) and labels in [0, C); the label Unlabeled (-1) gives an
// all-zero label block, a row whose label is unknown.
func (l *Labeled) Concat(x *mat.Dense, labels []int) *mat.Dense {
	n, d := x.Dims()
	if d != l.nd || len(labels) != n {
		panic(fmt.Sprintf("rbm: Concat with %d×%d data and %d labels for %d data units", n, d, len(labels), l.nd))
	}
	out := mat.NewDense(n, l.rbm.nv, nil)
	for k := range n {
		row := out.RawRowView(k)
		copy(row, x.RawRowView(k))
		y := labels[k]
		if y == Unlabeled {
			continue
		}
		if y < 0 || y >= l.nc {
			panic(fmt.Sprintf("rbm: Concat: label %d of row %d is outside [0, %d) (or -1, unknown)", y, k, l.nc))
		}
		row[l.nd+y] = 1
	}
	return out
}

// ClassLogProb writes log p(y = c | x_r) into out (n × C) for data rows x
// (n × D), computed exactly from the free energies: log p(c|x) =
// -F(x, e_c) - log Σ_c' exp(-F(x, e_c')). No partition function is needed.
func (l *Labeled) ClassLogProb(x, out *mat.Dense) {
	l.negLabelFreeEnergies("ClassLogProb", x, out)
	n, _ := x.Dims()
	for k := range n {
		neg := out.RawRowView(k)
		lse := mathx.LogSumExp(neg)
		for c := range neg {
			neg[c] -= lse
		}
	}
}

// FreeEnergyData writes, for each row x_r of x (n × D data units, no
// labels), the free energy of the data marginal p(x) = Σ_y p(x, y):
//
//	F(x) = -log Σ_c exp(-F(x, e_c)),
//
// the label block summed out exactly, into out (length n). With log Z of
// the labeled model, -F(x) - log Z is log p(x); F(x, e_c) - F(x) is
// -log p(c | x).
func (l *Labeled) FreeEnergyData(x *mat.Dense, out []float64) {
	n, _ := x.Dims()
	if len(out) != n {
		panic(fmt.Sprintf("rbm: FreeEnergyData of %d rows into %d outputs", n, len(out)))
	}
	neg := mat.NewDense(n, l.nc, nil)
	l.negLabelFreeEnergies("FreeEnergyData", x, neg)
	for k := range n {
		out[k] = -mathx.LogSumExp(neg.RawRowView(k))
	}
}

// negLabelFreeEnergies writes -F(x_r, e_c) into out (n × C) for the data
// rows x (n × D): aᵀx + a_{D+c} + Σ_j softplus(b_j + (xᵀW)_j + W_{D+c,j}).
func (l *Labeled) negLabelFreeEnergies(name string, x, out *mat.Dense) {
	r := l.rbm
	n, d := x.Dims()
	if or, oc := out.Dims(); d != l.nd || or != n || oc != l.nc {
		panic(fmt.Sprintf("rbm: %s with %d×%d data and %d×%d output, want D = %d and C = %d", name, n, d, or, oc, l.nd, l.nc))
	}
	if r.f32 != nil {
		l.negLabelFreeEnergies32(x, out)
		return
	}
	wd := r.w.Slice(0, l.nd, 0, r.nh)
	u := mat.NewDense(n, r.nh, nil)
	u.Mul(x, wd)
	a, b := r.visibleBias(), r.hiddenBias()
	for k := range n {
		uk := u.RawRowView(k)
		ax := dot(a[:l.nd], x.RawRowView(k))
		neg := out.RawRowView(k)
		for c := range l.nc {
			wc := r.w.RawRowView(l.nd + c)
			f := ax + a[l.nd+c]
			for j, v := range uk {
				f += mathx.Softplus(v + b[j] + wc[j])
			}
			neg[c] = f
		}
	}
}

// Predict writes argmax_c p(c | x_r) for each row of x (n × D) into out.
func (l *Labeled) Predict(x *mat.Dense, out []int) {
	n, _ := x.Dims()
	lp := mat.NewDense(n, l.nc, nil)
	l.ClassLogProb(x, lp)
	for k := range n {
		best := 0
		for c, v := range lp.RawRowView(k) {
			if v > lp.At(k, best) {
				best = c
			}
		}
		out[k] = best
	}
}

// LabeledGibbs is block Gibbs sampling for a Labeled RBM: h from P(h | x, y),
// then the data units as independent Bernoullis and the label block as one
// categorical draw from P(y | h), so every chain's label block stays one-hot.
// The chains' label blocks must start one-hot (or are made so by the first
// transition, which ignores them only through h). A model.Transformed
// labeled RBM is sampled through its transform (GibbsStepsTransformed):
// tempered, with the field on every unit, clamped data units held, and a
// clamped label block held at its class.
type LabeledGibbs struct{}

// Step advances every chain by n transitions. m must be a *Labeled or a
// model.Transformed whose base is one.
func (LabeledGibbs) Step(m model.Model, c *sample.Chains, n int) {
	var t *model.Transform
	if tm, ok := m.(model.Transformed); ok {
		m, t = tm.Base(), tm.Transform()
	}
	l, ok := m.(*Labeled)
	if !ok {
		panic(fmt.Sprintf("rbm: LabeledGibbs needs a *rbm.Labeled model, got %T", m))
	}
	if n <= 0 {
		return
	}
	if c.Hidden() == nil {
		c.SetHidden(mat.NewDense(c.Len(), l.rbm.nh, nil))
	}
	l.gibbs(t, c.Visible(), c.Hidden(), n, c.ForBlocks)
}

// gibbs runs steps transitions of the chains x (n × (D+C)) and h (n × H)
// of the model transformed by t (nil: the model itself); forBlocks runs
// its function on every block of rows with the block's random stream.
func (l *Labeled) gibbs(t *model.Transform, x, h *mat.Dense, steps int, forBlocks func(func(lo, hi int, rng *rand.Rand))) {
	if !t.IsIdentity() {
		l.checkLabelClamp(t)
		t.ApplyClamp(x)
	}
	nc, _ := x.Dims()
	ph := mat.NewDense(nc, l.rbm.nh, nil)
	pv := mat.NewDense(nc, l.rbm.nv, nil)
	for range steps {
		if t.IsIdentity() {
			l.HiddenProb(x, ph)
		} else {
			l.HiddenProbTransformed(t, x, ph)
		}
		forBlocks(func(lo, hi int, rng *rand.Rand) {
			for r := lo; r < hi; r++ {
				bernoulli(rng, ph.RawRowView(r), h.RawRowView(r))
			}
		})
		if t.IsIdentity() {
			l.VisibleProb(h, pv)
		} else {
			l.visibleProbTransformed(t, h, pv)
		}
		forBlocks(func(lo, hi int, rng *rand.Rand) {
			for r := lo; r < hi; r++ {
				p, xr := pv.RawRowView(r), x.RawRowView(r)
				bernoulli(rng, p[:l.nd], xr[:l.nd])
				y := xr[l.nd:]
				clear(y)
				y[categorical(rng, p[l.nd:])] = 1
			}
		})
		// A clamped unit has probability equal to its value (0 or 1) and a
		// clamped label block is one-hot, so the draws above hold them.
	}
}

// checkLabelClamp panics unless every clamp row of t leaves the label block
// free (all NaN) or clamps it whole to a one-hot vector.
func (l *Labeled) checkLabelClamp(t *model.Transform) {
	if t.Clamp == nil {
		return
	}
	rows, _ := t.Clamp.Dims()
	label := model.Var{Start: l.nd, Len: l.nc, OneHot: true}
	for k := range rows {
		y := t.Clamp.RawRowView(k)[l.nd:]
		free := 0
		for _, v := range y {
			if math.IsNaN(v) {
				free++
			}
		}
		if free == l.nc {
			continue
		}
		if free > 0 || label.Get(t.Clamp.RawRowView(k)) < 0 {
			panic(fmt.Sprintf("rbm: clamp row %d of a labeled RBM must leave the label block free or clamp it to a one-hot vector, got %v", k, y))
		}
	}
}

// HiddenProbTransformed writes P_t(h_j=1 | v_r) = σ(β(b_j + (v_rᵀW)_j))
// into prob (batch × H), v_r = [x, y] with y one-hot.
func (l *Labeled) HiddenProbTransformed(t *model.Transform, v, prob *mat.Dense) {
	l.rbm.HiddenProbTransformed(t, v, prob)
}

// FreeEnergyTransformed writes F_t(v_r) = β F(v_r) - f_rᵀv_r into out for
// rows v_r = [x, y] with y one-hot (clamping does not change it).
func (l *Labeled) FreeEnergyTransformed(t *model.Transform, v *mat.Dense, out []float64) {
	l.rbm.FreeEnergyTransformed(t, v, out)
}

// VisibleProbTransformed writes, for every row h_r of h (batch × H), the
// conditionals of the transformed model into prob (batch × (D+C)): with
// z = β(a + Wh_r) + f_r, σ(z_i) in the data columns and the softmax of the
// label block's z in the label columns; clamped data units get their value
// and a clamped label block its one-hot vector.
func (l *Labeled) VisibleProbTransformed(t *model.Transform, h, prob *mat.Dense) {
	if !t.IsIdentity() {
		l.checkLabelClamp(t)
	}
	l.visibleProbTransformed(t, h, prob)
}

func (l *Labeled) visibleProbTransformed(t *model.Transform, h, prob *mat.Dense) {
	if err := t.Check(l.rbm.nv); err != nil {
		panic("rbm: VisibleProbTransformed: " + err.Error())
	}
	checkRows("VisibleProbTransformed", h, l.rbm.nh, nil)
	checkRows("VisibleProbTransformed", prob, l.rbm.nv, nil)
	l.rbm.visibleInput(h, prob)
	beta := t.InvTemp()
	n, _ := prob.Dims()
	for k := range n {
		row := prob.RawRowView(k)
		for i := range row {
			row[i] *= beta
		}
		for i, f := range t.FieldRow(k) {
			row[i] += f
		}
		for i, x := range row[:l.nd] {
			row[i] = mathx.Sigmoid(x)
		}
		softmaxInPlace(row[l.nd:])
	}
	t.ApplyClamp(prob) // a clamped label block is a one-hot vector (checkLabelClamp)
}

// GibbsStepsTransformed advances the chains x (n × (D+C)) and h (n × H)
// by steps transitions of LabeledGibbs of the model transformed by t
// (model.BipartiteTransformer). Rows [k·blockSize, (k+1)·blockSize) draw
// from rngs[k] only, in the order LabeledGibbs draws them.
func (l *Labeled) GibbsStepsTransformed(t *model.Transform, x, h *mat.Dense, steps, blockSize int, rngs []*rand.Rand) {
	n, d := x.Dims()
	hn, hd := h.Dims()
	if d != l.rbm.nv || hn != n || hd != l.rbm.nh || blockSize <= 0 || parallel.Blocks(n, blockSize) != len(rngs) {
		panic(fmt.Sprintf("rbm: GibbsStepsTransformed with %d×%d visible, %d×%d hidden, %d streams of %d rows", n, d, hn, hd, len(rngs), blockSize))
	}
	if !t.IsIdentity() {
		l.checkLabelClamp(t)
		t.ApplyClamp(x)
	}
	l.gibbs(t, x, h, steps, func(fn func(lo, hi int, rng *rand.Rand)) {
		parallel.For(len(rngs), func(b int) {
			lo, hi := parallel.Range(b, blockSize, n)
			fn(lo, hi, rngs[b])
		})
	})
}

func bernoulli(rng *rand.Rand, p, dst []float64) {
	for j, pj := range p {
		if rng.Float64() < pj {
			dst[j] = 1
		} else {
			dst[j] = 0
		}
	}
}

// categorical draws c with probability p[c] (p sums to 1).
func categorical(rng *rand.Rand, p []float64) int {
	u := rng.Float64()
	for c, v := range p {
		u -= v
		if u < 0 {
			return c
		}
	}
	return len(p) - 1
}

// Sampler returns LabeledGibbs, which keeps the label block one-hot; the
// trainer and the command line use it for labeled RBMs (sample.Provider).
func (l *Labeled) Sampler() sample.Sampler { return LabeledGibbs{} }

// PseudoLogLikelihood returns the weighted mean over the rows [x, y] of v
// (n × (D+C), y one-hot; nil w: equal weights) of the pseudo-log-likelihood
// over the variables of the model's space,
//
//	PL(x, y) = Σ_{i<D} log p(x_i | x_-i, y) + log p(y | x),
//
// in nats per sample: the data units one by one (from the flip energy
// changes, as for an RBM) and the label block as one categorical variable
// (ClassLogProb), never a label bit alone. estimate.PseudoLogLikelihood
// uses it for labeled RBMs. Rows with an all-zero label block (label
// unknown) are skipped; with no labeled row the result is NaN.
func (l *Labeled) PseudoLogLikelihood(v *mat.Dense, w []float64) float64 {
	n, d := v.Dims()
	if d != l.rbm.nv || (w != nil && len(w) != n) {
		panic(fmt.Sprintf("rbm: PseudoLogLikelihood of %d×%d rows (%d weights) for %d visible units", n, d, len(w), l.rbm.nv))
	}
	df := mat.NewDense(n, d, nil)
	l.rbm.FlipDeltas(v, df)
	lp := mat.NewDense(n, l.nc, nil)
	l.ClassLogProb(v.Slice(0, n, 0, l.nd).(*mat.Dense), lp)
	s, sw := 0.0, 0.0
	for r := range n {
		y := l.label(v.RawRowView(r), r)
		if y == Unlabeled {
			continue
		}
		pl := lp.At(r, y)
		for _, dv := range df.RawRowView(r)[:l.nd] {
			pl -= mathx.Softplus(-dv)
		}
		wr := 1.0
		if w != nil {
			wr = w[r]
		}
		s += wr * pl
		sw += wr
	}
	if sw == 0 {
		return math.NaN()
	}
	return s / sw
}
