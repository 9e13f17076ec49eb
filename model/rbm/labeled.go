package rbm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/mathx"
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
// The label block is a softmax group: its only allowed configurations are
// the C one-hot vectors, and given h exactly one label unit is on with
// P(y = c | h) ∝ exp(a_{D+c} + (Wh)_{D+c}). VisibleProb writes these class
// probabilities in the label columns and LabeledGibbs samples them as one
// categorical draw; HiddenFreeEnergy and AddHiddenStats sum over the C
// one-hot vectors, so exact enumeration of the hidden layer (the smaller
// side) is exact for this model. FreeEnergy, AddStats, Energy and
// HiddenProb are those of the plain RBM and are meaningful on rows whose
// label block is one-hot.
//
// The class posterior needs no partition function:
// p(y|x) ∝ exp(-F(x, e_y)) (ClassLogProb).
type Labeled struct {
	*RBM
	nd, nc int
}

var (
	_ model.Bipartite       = (*Labeled)(nil)
	_ model.Specifier       = (*Labeled)(nil)
	_ model.DataInitializer = (*Labeled)(nil)
	_ sample.Sampler        = LabeledGibbs{}
)

// NewLabeled returns a labeled RBM with dataDim data units, classes label
// units and hidden hidden units, all parameters zero.
func NewLabeled(dataDim, classes, hidden int) *Labeled {
	if dataDim <= 0 || classes < 2 || hidden <= 0 {
		panic(fmt.Sprintf("rbm: NewLabeled(%d, %d, %d): need dataDim > 0, classes >= 2, hidden > 0", dataDim, classes, hidden))
	}
	return &Labeled{RBM: New(dataDim+classes, hidden), nd: dataDim, nc: classes}
}

// DataDim is the number D of data units (the first D visible units).
func (l *Labeled) DataDim() int { return l.nd }

// Classes is the number C of label units (the last C visible units).
func (l *Labeled) Classes() int { return l.nc }

// Spec describes the model for saving: kind "rbm-labeled", Visible = D + C,
// Options["classes"] = C.
func (l *Labeled) Spec() model.Spec {
	s := l.RBM.Spec()
	s.Kind = LabeledKind
	s.Options = map[string]string{"classes": strconv.Itoa(l.nc), "data_dim": strconv.Itoa(l.nd)}
	return s
}

// VisibleProb writes P(x_i = 1 | h) in the data columns and the softmax
// P(y = c | h) in the label columns of prob (batch × (D+C)).
func (l *Labeled) VisibleProb(h, prob *mat.Dense) {
	l.visibleInput(h, prob)
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
	checkRows("HiddenFreeEnergy", h, l.nh, out)
	n, _ := h.Dims()
	in := mat.NewDense(n, l.nv, nil)
	l.visibleInput(h, in)
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
	checkRows("AddHiddenStats", h, l.nh, w)
	n, _ := h.Dims()
	pv := mat.NewDense(n, l.nv, nil)
	l.VisibleProb(h, pv)
	l.addPairStats(pv, h, w, sum)
}

// InitFromData initializes from rows of [x, one-hot y] (n × (D+C)): weights
// N(0, 0.01²), data biases log(p_i/(1-p_i)), label biases log p_c (the class
// frequencies, floored at 1e-3), hidden biases zero.
func (l *Labeled) InitFromData(x *mat.Dense, rng *rand.Rand) {
	l.RBM.InitFromData(x, rng)
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
// data x (n × D) and labels in [0, C).
func (l *Labeled) Concat(x *mat.Dense, labels []int) *mat.Dense {
	n, d := x.Dims()
	if d != l.nd || len(labels) != n {
		panic(fmt.Sprintf("rbm: Concat with %d×%d data and %d labels for %d data units", n, d, len(labels), l.nd))
	}
	out := mat.NewDense(n, l.nv, nil)
	for k := range n {
		row := out.RawRowView(k)
		copy(row, x.RawRowView(k))
		y := labels[k]
		if y < 0 || y >= l.nc {
			panic(fmt.Sprintf("rbm: Concat: label %d of row %d is outside [0, %d)", y, k, l.nc))
		}
		row[l.nd+y] = 1
	}
	return out
}

// ClassLogProb writes log p(y = c | x_r) into out (n × C) for data rows x
// (n × D), computed exactly from the free energies: log p(c|x) =
// -F(x, e_c) - log Σ_c' exp(-F(x, e_c')). No partition function is needed.
func (l *Labeled) ClassLogProb(x, out *mat.Dense) {
	n, d := x.Dims()
	if r, c := out.Dims(); d != l.nd || r != n || c != l.nc {
		panic(fmt.Sprintf("rbm: ClassLogProb with %d×%d data and %d×%d output, want D = %d and C = %d", n, d, r, c, l.nd, l.nc))
	}
	wd := l.w.Slice(0, l.nd, 0, l.nh)
	u := mat.NewDense(n, l.nh, nil)
	u.Mul(x, wd)
	a, b := l.VisibleBias(), l.HiddenBias()
	for k := range n {
		uk := u.RawRowView(k)
		neg := out.RawRowView(k) // -F(x, e_c) + aᵀx (the common term cancels)
		for c := range l.nc {
			wc := l.w.RawRowView(l.nd + c)
			f := a[l.nd+c]
			for j, v := range uk {
				f += mathx.Softplus(v + b[j] + wc[j])
			}
			neg[c] = f
		}
		lse := mathx.LogSumExp(neg)
		for c := range neg {
			neg[c] -= lse
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
// transition, which ignores them only through h).
type LabeledGibbs struct{}

// Step advances every chain by n transitions. m must be a *Labeled.
func (LabeledGibbs) Step(m model.Model, c *sample.Chains, n int) {
	l, ok := m.(*Labeled)
	if !ok {
		panic(fmt.Sprintf("rbm: LabeledGibbs needs a *rbm.Labeled model, got %T", m))
	}
	if n <= 0 {
		return
	}
	nc := c.Len()
	if c.H == nil {
		c.H = mat.NewDense(nc, l.nh, nil)
	}
	ph := mat.NewDense(nc, l.nh, nil)
	pv := mat.NewDense(nc, l.nv, nil)
	for range n {
		l.HiddenProb(c.X, ph)
		c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
			for r := lo; r < hi; r++ {
				bernoulli(rng, ph.RawRowView(r), c.H.RawRowView(r))
			}
		})
		l.VisibleProb(c.H, pv)
		c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
			for r := lo; r < hi; r++ {
				p, x := pv.RawRowView(r), c.X.RawRowView(r)
				bernoulli(rng, p[:l.nd], x[:l.nd])
				y := x[l.nd:]
				clear(y)
				y[categorical(rng, p[l.nd:])] = 1
			}
		})
	}
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
