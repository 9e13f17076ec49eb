// Package rbm implements the Bernoulli-Bernoulli restricted Boltzmann
// machine: visible units v ∈ {0,1}^V and hidden units h ∈ {0,1}^H with the
// energy
//
//	E(v, h) = -aᵀv - bᵀh - vᵀWh
//
// (nats), where W is V×H, a the visible and b the hidden biases. Summing out
// the hidden layer gives the free energy
//
//	F(v) = -aᵀv - Σ_j softplus(b_j + (vᵀW)_j),
//
// and summing out the visible layer F(h) = -bᵀh - Σ_i softplus(a_i + (Wh)_i).
// The conditionals factorize: P(h_j=1|v) = σ(b_j + (vᵀW)_j) and
// P(v_i=1|h) = σ(a_i + (Wh)_i), which block Gibbs sampling uses.
package rbm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/linalg"
	"boltzmann/internal/mathx"
	"boltzmann/model"
)

// Kind is the model kind under which RBMs are registered and saved.
const Kind = "rbm"

func init() {
	model.Register(Kind, func(s model.Spec) (model.Model, error) {
		if s.Visible <= 0 || s.Hidden <= 0 {
			return nil, fmt.Errorf("rbm: need visible > 0 and hidden > 0, got %d and %d", s.Visible, s.Hidden)
		}
		return New(s.Visible, s.Hidden), nil
	})
}

// RBM is a Bernoulli-Bernoulli restricted Boltzmann machine. Its parameter
// vector is laid out as W (V×H, row-major), then a (V), then b (H).
type RBM struct {
	nv, nh int
	params []float64
	w      *mat.Dense    // V×H view of params
	a, b   *mat.VecDense // views of params
	f32    *mirror       // float32 copy of params in float32 mode, else nil
}

var (
	_ model.Bipartite = (*RBM)(nil)
	_ model.Discrete  = (*RBM)(nil)
	_ model.Specifier = (*RBM)(nil)
	_ model.Spaced    = (*RBM)(nil)
)

// New returns an RBM with V visible and H hidden units and all parameters
// zero.
func New(visible, hidden int) *RBM {
	if visible <= 0 || hidden <= 0 {
		panic(fmt.Sprintf("rbm: New(%d, %d): sizes must be positive", visible, hidden))
	}
	r := &RBM{nv: visible, nh: hidden, params: make([]float64, visible*hidden+visible+hidden)}
	r.w = mat.NewDense(visible, hidden, r.params[:visible*hidden])
	r.a = mat.NewVecDense(visible, r.params[visible*hidden:visible*hidden+visible])
	r.b = mat.NewVecDense(hidden, r.params[visible*hidden+visible:])
	return r
}

// Dim is the number of visible units V.
func (r *RBM) Dim() int { return r.nv }

// HiddenDim is the number of hidden units H.
func (r *RBM) HiddenDim() int { return r.nh }

// Params returns θ = (W, a, b), aliasing the model.
func (r *RBM) Params() []float64 { r.ParamsChanged(); return r.params }

// Weights returns the V×H weight matrix W, aliasing the model.
func (r *RBM) Weights() *mat.Dense { r.ParamsChanged(); return r.w }

// VisibleBias returns a (length V), aliasing the model.
func (r *RBM) VisibleBias() []float64 { r.ParamsChanged(); return r.visibleBias() }

// HiddenBias returns b (length H), aliasing the model.
func (r *RBM) HiddenBias() []float64 { r.ParamsChanged(); return r.hiddenBias() }

func (r *RBM) visibleBias() []float64 { return r.params[r.nv*r.nh : r.nv*r.nh+r.nv] }
func (r *RBM) hiddenBias() []float64  { return r.params[r.nv*r.nh+r.nv:] }

// Groups names the parameter ranges "weights" [V,H], "visible_bias" [V] and
// "hidden_bias" [H]; only the weights are penalized by default.
func (r *RBM) Groups() []model.Group {
	nw := r.nv * r.nh
	return []model.Group{
		{Name: "weights", Start: 0, Len: nw, Shape: []int{r.nv, r.nh}, Penalized: true},
		{Name: "visible_bias", Start: nw, Len: r.nv, Shape: []int{r.nv}},
		{Name: "hidden_bias", Start: nw + r.nv, Len: r.nh, Shape: []int{r.nh}},
	}
}

// States returns {0, 1}.
func (r *RBM) States() []float64 { return []float64{0, 1} }

// Space returns {0,1}^V.
func (r *RBM) Space() model.Space { return model.BinarySpace(r.nv) }

// Spec describes the model for saving.
func (r *RBM) Spec() model.Spec {
	return model.Spec{Kind: Kind, Visible: r.nv, Hidden: r.nh, Encode: "01"}
}

// InitRandom sets W to independent N(0, std²) draws and leaves the biases
// unchanged (Hinton 2010, "A practical guide to training RBMs": std 0.01).
func (r *RBM) InitRandom(rng *rand.Rand, std float64) {
	r.ParamsChanged()
	for i := range r.nv * r.nh {
		r.params[i] = std * rng.NormFloat64()
	}
}

// InitVisibleBias sets a_i = log(p_i/(1-p_i)) where p_i is the mean of
// column i of x (batch × V), clamped to [eps, 1-eps] with eps = 1e-3, so the
// model starts with the data's marginals (the "base-rate" model when W = 0).
func (r *RBM) InitVisibleBias(x *mat.Dense) {
	n, d := x.Dims()
	if d != r.nv || n == 0 {
		panic(fmt.Sprintf("rbm: InitVisibleBias with %d×%d data for %d visible units", n, d, r.nv))
	}
	a := r.VisibleBias()
	sum := make([]float64, d) // column sums, each over the rows in order
	for k := range n {
		for i, v := range x.RawRowView(k) {
			sum[i] += v
		}
	}
	for i, s := range sum {
		p := min(max(s/float64(n), 1e-3), 1-1e-3)
		a[i] = math.Log(p / (1 - p))
	}
}

// hiddenInput writes b + vW into in (batch × H).
func (r *RBM) hiddenInput(v, in *mat.Dense) {
	in.Mul(v, r.w)
	b := r.hiddenBias()
	n, _ := in.Dims()
	for k := range n {
		row := in.RawRowView(k)
		for j := range row {
			row[j] += b[j]
		}
	}
}

// visibleInput writes a + hWᵀ into in (batch × V).
func (r *RBM) visibleInput(h, in *mat.Dense) {
	in.Mul(h, r.w.T())
	a := r.visibleBias()
	n, _ := in.Dims()
	for k := range n {
		row := in.RawRowView(k)
		for i := range row {
			row[i] += a[i]
		}
	}
}

func checkRows(name string, x *mat.Dense, cols int, out []float64) {
	n, c := x.Dims()
	if c != cols || (out != nil && len(out) != n) {
		panic(fmt.Sprintf("rbm: %s: got %d×%d input and %d outputs, want %d columns", name, n, c, len(out), cols))
	}
}

// FreeEnergy writes F(v_r) for each row of v (batch × V) into out.
func (r *RBM) FreeEnergy(v *mat.Dense, out []float64) {
	checkRows("FreeEnergy", v, r.nv, out)
	n, _ := v.Dims()
	buf := get64(n * r.nh)
	defer pool64.Put(buf)
	in := mat.NewDense(n, r.nh, *buf)
	r.hiddenInput(v, in)
	marginalFreeEnergy(v, r.visibleBias(), in, out)
}

// HiddenFreeEnergy writes F(h_r) for each row of h (batch × H) into out.
func (r *RBM) HiddenFreeEnergy(h *mat.Dense, out []float64) {
	checkRows("HiddenFreeEnergy", h, r.nh, out)
	n, _ := h.Dims()
	buf := get64(n * r.nv)
	defer pool64.Put(buf)
	in := mat.NewDense(n, r.nv, *buf)
	r.visibleInput(h, in)
	marginalFreeEnergy(h, r.hiddenBias(), in, out)
}

// marginalFreeEnergy writes -biasᵀx_r - Σ_j softplus(in_rj) for each row:
// the free energy of one layer x with the other layer, whose inputs are in,
// summed out.
func marginalFreeEnergy(x *mat.Dense, bias []float64, in *mat.Dense, out []float64) {
	for k := range out {
		f := -dot(bias, x.RawRowView(k))
		for _, u := range in.RawRowView(k) {
			f -= mathx.Softplus(u)
		}
		out[k] = f
	}
}

// Energy writes E(v_r, h_r) into out.
func (r *RBM) Energy(v, h *mat.Dense, out []float64) {
	checkRows("Energy", v, r.nv, out)
	checkRows("Energy", h, r.nh, out)
	n, _ := v.Dims()
	buf := get64(n * r.nh)
	defer pool64.Put(buf)
	vw := mat.NewDense(n, r.nh, *buf)
	vw.Mul(v, r.w)
	a, b := r.visibleBias(), r.hiddenBias()
	for k := range n {
		hk := h.RawRowView(k)
		out[k] = -dot(a, v.RawRowView(k)) - dot(b, hk) - dot(vw.RawRowView(k), hk)
	}
}

// HiddenProb writes P(h_j=1 | v_r) into prob (batch × H).
func (r *RBM) HiddenProb(v, prob *mat.Dense) {
	if r.f32 != nil {
		checkRows("HiddenProb", v, r.nv, nil)
		checkRows("HiddenProb", prob, r.nh, nil)
		r.prob32(v, prob, true)
		return
	}
	r.hiddenInput(v, prob)
	sigmoidInPlace(prob)
}

// VisibleProb writes P(v_i=1 | h_r) into prob (batch × V).
func (r *RBM) VisibleProb(h, prob *mat.Dense) {
	if r.f32 != nil {
		checkRows("VisibleProb", h, r.nh, nil)
		checkRows("VisibleProb", prob, r.nv, nil)
		r.prob32(h, prob, false)
		return
	}
	r.visibleInput(h, prob)
	sigmoidInPlace(prob)
}

// AddStats adds Σ_r w_r ∂F(v_r)/∂θ to sum:
// ∂F/∂W_ij = -v_i P(h_j=1|v), ∂F/∂a_i = -v_i, ∂F/∂b_j = -P(h_j=1|v).
func (r *RBM) AddStats(v *mat.Dense, w []float64, sum []float64) {
	checkRows("AddStats", v, r.nv, w)
	if r.f32 != nil {
		r.addPairStats32(v, w, sum, true)
		return
	}
	n, _ := v.Dims()
	buf := get64(n * r.nh)
	defer pool64.Put(buf)
	ph := mat.NewDense(n, r.nh, *buf)
	r.HiddenProb(v, ph)
	r.addPairStats(v, ph, w, sum)
}

// AddHiddenStats adds Σ_r w_r ∂F(h_r)/∂θ to sum:
// ∂F/∂W_ij = -P(v_i=1|h) h_j, ∂F/∂a_i = -P(v_i=1|h), ∂F/∂b_j = -h_j.
func (r *RBM) AddHiddenStats(h *mat.Dense, w []float64, sum []float64) {
	checkRows("AddHiddenStats", h, r.nh, w)
	if r.f32 != nil {
		r.addPairStats32(h, w, sum, false)
		return
	}
	n, _ := h.Dims()
	buf := get64(n * r.nv)
	defer pool64.Put(buf)
	pv := mat.NewDense(n, r.nv, *buf)
	r.VisibleProb(h, pv)
	r.addPairStats(pv, h, w, sum)
}

// addPairStats adds -Σ_r w_r (v_r h_rᵀ, v_r, h_r) to sum.
func (r *RBM) addPairStats(v, h *mat.Dense, w []float64, sum []float64) {
	if len(sum) != len(r.params) {
		panic(fmt.Sprintf("rbm: stats buffer has length %d, want %d", len(sum), len(r.params)))
	}
	n, _ := v.Dims()
	hw := h.RawMatrix()
	if w != nil {
		buf := get64(n * r.nh)
		defer pool64.Put(buf)
		for k := range n {
			row, dst := h.RawRowView(k), (*buf)[k*r.nh:(k+1)*r.nh]
			for j, x := range row {
				dst[j] = w[k] * x
			}
		}
		hw = gen64(n, r.nh, *buf)
	}
	nw := r.nv * r.nh
	linalg.Gemm64(true, false, -1, v.RawMatrix(), hw, 1, gen64(r.nv, r.nh, sum[:nw]))
	ga, gb := sum[nw:nw+r.nv], sum[nw+r.nv:]
	for k := range n {
		wk := 1.0
		if w != nil {
			wk = w[k]
		}
		for i, x := range v.RawRowView(k) {
			ga[i] -= wk * x
		}
		for j, x := range hw.Data[k*hw.Stride : k*hw.Stride+r.nh] {
			gb[j] -= x
		}
	}
}

func sigmoidInPlace(m *mat.Dense) {
	n, _ := m.Dims()
	for k := range n {
		row := m.RawRowView(k)
		for j, x := range row {
			row[j] = mathx.Sigmoid(x)
		}
	}
}

func dot(x, y []float64) float64 {
	s := 0.0
	for i, v := range x {
		s += v * y[i]
	}
	return s
}

// InitFromData starts training the way Hinton (2010) recommends: weights
// N(0, 0.01²), visible biases log(p_i/(1-p_i)) from the data's marginals,
// hidden biases zero. A nil rng draws the weights from the fixed-seed
// stream PCG(1, 0), so that the result is reproducible.
func (r *RBM) InitFromData(x *mat.Dense, rng *rand.Rand) {
	if rng == nil {
		rng = defaultInitRand()
	}
	r.InitRandom(rng, 0.01)
	r.InitVisibleBias(x)
	clear(r.HiddenBias())
}

// defaultInitRand is the stream InitFromData draws from when given none:
// PCG(1, 0), fixed so that InitFromData(x, nil) is reproducible.
func defaultInitRand() *rand.Rand { return rand.New(rand.NewPCG(1, 0)) }
