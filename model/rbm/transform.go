package rbm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/linalg"
	"boltzmann/internal/mathx"
	"boltzmann/internal/parallel"
	"boltzmann/model"
)

var (
	_ model.BlockGibbsKernel       = (*RBM)(nil)
	_ model.HiddenBlockGibbsKernel = (*RBM)(nil)
	_ model.HiddenPhaseDifference  = (*RBM)(nil)
	_ model.FusedPhaseDifference   = (*RBM)(nil)
	_ model.BipartiteTransformer   = (*RBM)(nil)
	_ model.AnnealingKernel        = (*RBM)(nil)
)

// The transformed RBM (model.Transform) has the energy
//
//	E_t(v, h) = -βaᵀv - βbᵀh - βvᵀWh - fᵀv,
//
// an RBM with parameters (βW, βa + f, βb), f the row of the field that
// belongs to the chain: the conditionals are P(h_j=1|v) = σ(β(b_j +
// (vᵀW)_j)) and P(v_i=1|h) = σ(β(a_i + (Wh)_i) + f_i), and the free energy
// F_t(v) = -βaᵀv - fᵀv - Σ_j softplus(β(b_j + (vᵀW)_j)).

// checkTransform panics if t does not fit r or clamps where it may not.
func (r *RBM) checkTransform(name string, t *model.Transform, clampOK bool) {
	if err := t.Check(r.nv); err != nil {
		panic("rbm: " + name + ": " + err.Error())
	}
	if !clampOK && t != nil && t.Clamp != nil {
		panic("rbm: " + name + " with a clamping transform")
	}
}

// GibbsStepsTransformed advances the chains x (n×V) and h (n×H) by steps
// block Gibbs transitions v → h → v of the model transformed by t (nil: the
// model itself, exactly GibbsSteps), with the float32 kernels in float32
// mode. Clamped units of x are set to their values first and after every
// visible half-step, which is exact Gibbs sampling of p(v_free |
// v_clamped). Rows use the random streams as in GibbsSteps.
func (r *RBM) GibbsStepsTransformed(t *model.Transform, x, h *mat.Dense, steps, blockSize int, rngs []*rand.Rand) {
	if t.IsIdentity() {
		r.GibbsSteps(x, h, steps, blockSize, rngs)
		return
	}
	r.checkTransform("GibbsStepsTransformed", t, true)
	r.checkChains("GibbsStepsTransformed", x, h, blockSize, rngs)
	t.ApplyClamp(x)
	if steps <= 0 {
		return
	}
	if r.f32 != nil {
		r.gibbs32(t, x, h, nil, nil, false, steps, blockSize, rngs)
		return
	}
	r.gibbs64(t, x, h, nil, steps, blockSize, rngs)
}

// HiddenProbTransformed writes P_t(h_j=1 | v_r) = σ(β(b_j + (v_rᵀW)_j))
// into prob (batch × H), in float64.
func (r *RBM) HiddenProbTransformed(t *model.Transform, v, prob *mat.Dense) {
	r.checkTransform("HiddenProbTransformed", t, true)
	checkRows("HiddenProbTransformed", v, r.nv, nil)
	r.hiddenInput(v, prob)
	prob.Scale(t.InvTemp(), prob)
	sigmoidInPlace(prob)
}

// VisibleProbTransformed writes P_t(v_i=1 | h_r) = σ(β(a_i + (Wh_r)_i) +
// f_ri) into prob (batch × V), in float64; clamped units get their value.
func (r *RBM) VisibleProbTransformed(t *model.Transform, h, prob *mat.Dense) {
	r.checkTransform("VisibleProbTransformed", t, true)
	checkRows("VisibleProbTransformed", h, r.nh, nil)
	r.visibleInput(h, prob)
	prob.Scale(t.InvTemp(), prob)
	n, _ := prob.Dims()
	for k := range n {
		row := prob.RawRowView(k)
		for i, f := range t.FieldRow(k) {
			row[i] += f
		}
	}
	sigmoidInPlace(prob)
	t.ApplyClamp(prob)
}

// FreeEnergyTransformed writes F_t(v_r) = -βaᵀv_r - f_rᵀv_r - Σ_j
// softplus(β(b_j + (v_rᵀW)_j)) into out, in float64.
func (r *RBM) FreeEnergyTransformed(t *model.Transform, v *mat.Dense, out []float64) {
	r.checkTransform("FreeEnergyTransformed", t, true)
	checkRows("FreeEnergyTransformed", v, r.nv, out)
	beta := t.InvTemp()
	n, _ := v.Dims()
	buf := get64(n * r.nh)
	defer pool64.Put(buf)
	in := mat.NewDense(n, r.nh, *buf)
	r.hiddenInput(v, in)
	a := r.visibleBias()
	for k := range out {
		vk := v.RawRowView(k)
		f := -beta*dot(a, vk) - dot(t.FieldRow(k), vk)
		for _, u := range in.RawRowView(k) {
			f -= mathx.Softplus(beta * u)
		}
		out[k] = f
	}
}

// AnnealStep is one step of annealed importance sampling between the
// transforms from and to of r (model.AnnealingKernel): with u = b + vᵀW,
//
//	logw_r += (β_to - β_from) aᵀv + (f_to - f_from)ᵀv
//	          + Σ_j [softplus(β_to u_j) - softplus(β_from u_j)],
//
// and then, if move, h is drawn from σ(β_to u) (the same u) and v from
// P_to(v | h). The product vᵀW is float32 (gathered for sparse v) in
// float32 mode, the log-weights are summed in float64 either way. Rows
// use the random streams as in GibbsSteps.
func (r *RBM) AnnealStep(from, to *model.Transform, x, h *mat.Dense, logw []float64, move bool, blockSize int, rngs []*rand.Rand) {
	r.checkTransform("AnnealStep", from, false)
	r.checkTransform("AnnealStep", to, false)
	n, d := x.Dims()
	hn, hd := h.Dims()
	if d != r.nv || hn != n || hd != r.nh || len(logw) != n || blockSize <= 0 || parallel.Blocks(n, blockSize) != len(rngs) {
		panic(fmt.Sprintf("rbm: AnnealStep with %d×%d visible, %d×%d hidden, %d weights, %d streams of %d rows", n, d, hn, hd, len(logw), len(rngs), blockSize))
	}
	if r.f32 != nil {
		r.anneal32(from, to, x, h, logw, move, blockSize, rngs)
		return
	}
	r.anneal64(from, to, x, h, logw, move, blockSize, rngs)
}

// annealWeight adds the log-weight of row v with hidden inputs u (b + vᵀW,
// float64) to *lw and, if hrow is not nil, draws hrow from σ(β_to u) with
// the uniforms draw() returns.
func annealWeight(from, to *model.Transform, k int, a, v []float64, u func(j int) float64, nh int, lw *float64, hrow []float64, draw func(j int) float64) {
	bf, bt := from.InvTemp(), to.InvTemp()
	s := (bt - bf) * dot(a, v)
	s += dot(to.FieldRow(k), v) - dot(from.FieldRow(k), v)
	for j := range nh {
		x := u(j)
		d, sigTo := softplusDiff(bt*x, bf*x)
		s += d
		if hrow != nil {
			if draw(j) < sigTo {
				hrow[j] = 1
			} else {
				hrow[j] = 0
			}
		}
	}
	*lw += s
}

// softplusDiff returns softplus(y) - softplus(z) and σ(y) for y, z of the
// same sign, with two exponentials and one logarithm: with e_y = e^{-|y|},
// softplus(y) = max(y, 0) + log1p(e_y), and log1p(e_y) - log1p(e_z) =
// log1p((e_y - e_z)/(1 + e_z)), as accurate as the two logarithms.
func softplusDiff(y, z float64) (d, sig float64) {
	ey, ez := math.Exp(-math.Abs(y)), math.Exp(-math.Abs(z))
	d = math.Log1p((ey - ez) / (1 + ez))
	if y >= 0 {
		return d + max(y, 0) - max(z, 0), 1 / (1 + ey)
	}
	return d, ey / (1 + ey)
}

func (r *RBM) anneal32(from, to *model.Transform, x, h *mat.Dense, logw []float64, move bool, blockSize int, rngs []*rand.Rand) {
	n, _ := x.Dims()
	nv, nh := r.nv, r.nh
	p := r.params32()
	tf := newTransform32(p, to)
	a64, b64 := r.visibleBias(), r.hiddenBias()
	// The hidden states are binary: their product with Wᵀ is always
	// gathered (its cost is proportional to the ones), and
	// the transposed copy is made once per run (the weights do not change
	// during AIS). One task per block of chains balances the cores for
	// the usual 100 runs (7 blocks), where a share per core would not.
	var wt linalg.Matrix32
	if move {
		wt = r.weightsT32()
	}
	gr := blockSize
	parallel.For(parallel.Blocks(n, gr), func(g int) {
		lo, hi := parallel.Range(g, gr, n)
		m := hi - lo
		vb, hb := get32(m*nv), get32(m*nh)
		inv, inh := get32(m*nv), get32(m*nh)
		ws := getWork(m * max(nv, nh))
		sp := sparsePool.Get().(*linalg.Sparse32)
		for i := range m {
			to32((*vb)[i*nv:(i+1)*nv], x.RawRowView(lo+i))
		}
		sp.FromDense(*vb, m, nv)
		product32(p, sp, *vb, 0, m, nv, nh, nil, true, *inh)
		for i := range m {
			k := lo + i
			ui := (*inh)[i*nh : (i+1)*nh]
			var hrow []float64
			var draw func(int) float64
			if move {
				hrow = h.RawRowView(k)
				u := ws.u[:nh]
				linalg.Uniforms(rngs[k/blockSize], u)
				draw = func(j int) float64 { return float64(u[j]>>8) * 0x1p-24 }
			}
			annealWeight(from, to, k, a64, x.RawRowView(k), func(j int) float64 { return float64(ui[j]) + b64[j] }, nh, &logw[k], hrow, draw)
			if move {
				to32((*hb)[i*nh:(i+1)*nh], hrow)
			}
		}
		if move {
			sp.FromDense(*hb, m, nh)
			p.k.SparseMulW32(sp, 0, m, wt, *inv)
			tf.visible(*inv, lo, m, nv)
			for r0 := lo; r0 < hi; r0 += blockSize {
				r1 := min(r0+blockSize, hi)
				u := ws.u[:(r1-r0)*nv]
				linalg.Uniforms(rngs[r0/blockSize], u)
				p.k.SampleSigmoid32((*inv)[(r0-lo)*nv:(r1-lo)*nv], tf.a, u, (*vb)[(r0-lo)*nv:(r1-lo)*nv], r1-r0, nv)
			}
			for i := range m {
				to64(x.RawRowView(lo+i), (*vb)[i*nv:(i+1)*nv])
			}
		}
		workPool.Put(ws)
		sparsePool.Put(sp)
		pool32.Put(vb)
		pool32.Put(hb)
		pool32.Put(inv)
		pool32.Put(inh)
	})
}

func (r *RBM) anneal64(from, to *model.Transform, x, h *mat.Dense, logw []float64, move bool, blockSize int, rngs []*rand.Rand) {
	n, _ := x.Dims()
	nv, nh := r.nv, r.nh
	a, b := r.visibleBias(), r.hiddenBias()
	beta := to.InvTemp()
	ta := scaled64(beta, a)
	wg := gen64(nv, nh, r.params[:nv*nh])
	gr := chunk(n, blockSize, max(maxRows/blockSize*blockSize, blockSize))
	parallel.For(parallel.Blocks(n, gr), func(g int) {
		lo, hi := parallel.Range(g, gr, n)
		m := hi - lo
		xs, hs := x.RawMatrix(), h.RawMatrix()
		xg := blas64.General{Rows: m, Cols: nv, Stride: xs.Stride, Data: xs.Data[lo*xs.Stride:]}
		hg := blas64.General{Rows: m, Cols: nh, Stride: hs.Stride, Data: hs.Data[lo*hs.Stride:]}
		inv, inh := get64(m*nv), get64(m*nh)
		linalg.Gemm64(false, false, 1, xg, wg, 0, gen64(m, nh, *inh))
		for i := range m {
			k := lo + i
			ui := (*inh)[i*nh : (i+1)*nh]
			var hrow []float64
			var draw func(int) float64
			if move {
				hrow = h.RawRowView(k)
				rng := rngs[k/blockSize]
				draw = func(int) float64 { return rng.Float64() }
			}
			annealWeight(from, to, k, a, x.RawRowView(k), func(j int) float64 { return ui[j] + b[j] }, nh, &logw[k], hrow, draw)
		}
		if move {
			linalg.Gemm64(false, true, beta, hg, wg, 0, gen64(m, nv, *inv))
			for i := range m {
				in := (*inv)[i*nv : (i+1)*nv]
				for j, f := range to.FieldRow(lo + i) {
					in[j] += f
				}
				sample64(rngs[(lo+i)/blockSize], in, ta, x.RawRowView(lo+i))
			}
		}
		pool64.Put(inv)
		pool64.Put(inh)
	})
}

// transform32 is a transform prepared for the float32 kernels: βa and βb
// in float32 in the kernels' memory, and the field rows in float32.
type transform32 struct {
	t     *model.Transform
	beta  float32
	a, b  linalg.Matrix32
	field []float32 // rows × V, or nil
	rows  int
}

// newTransform32 prepares t for the float32 parameters p: βa and βb are
// the float32 biases times β in float32 (1×V and 1×H).
func newTransform32(p *mirror, t *model.Transform) *transform32 {
	tf := &transform32{t: t, beta: float32(t.InvTemp())}
	tf.a, tf.b = scaledBias32(p, p.a, tf.beta), scaledBias32(p, p.b, tf.beta)
	if t != nil && t.Field != nil {
		r, c := t.Field.Dims()
		tf.rows = r
		tf.field = make([]float32, r*c)
		for k := range r {
			to32(tf.field[k*c:(k+1)*c], t.Field.RawRowView(k))
		}
	}
	return tf
}

// scaledBias32 returns β·bias (1×n) as a new matrix of p's kernels.
func scaledBias32(p *mirror, bias linalg.Matrix32, beta float32) linalg.Matrix32 {
	_, n := bias.Dims()
	x := make([]float32, n)
	p.k.Download32(x, bias, 0)
	for i := range x {
		x[i] *= beta
	}
	out := p.k.NewMatrix32(1, n)
	p.k.Upload32(out, 0, x)
	return out
}

// scale multiplies the hidden pre-activations by β.
func (tf *transform32) scale(in []float32) {
	if tf.beta == 1 {
		return
	}
	for j := range in {
		in[j] *= tf.beta
	}
}

// visible turns the m rows of hWᵀ (chains lo…lo+m-1) into β·hWᵀ + f; the
// bias βa is added by the sampling kernel.
func (tf *transform32) visible(in []float32, lo, m, nv int) {
	tf.scale(in[:m*nv])
	if tf.field == nil {
		return
	}
	for i := range m {
		k := (lo + i) % tf.rows
		f := tf.field[k*nv : (k+1)*nv]
		row := in[i*nv : (i+1)*nv]
		for j, x := range f {
			row[j] += x
		}
	}
}

// clamp resets the clamped units of the m float32 rows v (chains lo…).
func (tf *transform32) clamp(v []float32, lo, m, nv int) {
	if tf.t.Clamp == nil {
		return
	}
	for i := range m {
		row := v[i*nv : (i+1)*nv]
		for j, c := range tf.t.ClampRow(lo + i) {
			if !math.IsNaN(c) {
				row[j] = float32(c)
			}
		}
	}
}

// clampRow sets the clamped entries (non-NaN c) of x; nil c clamps nothing.
func clampRow(c, x []float64) {
	for i, v := range c {
		if !math.IsNaN(v) {
			x[i] = v
		}
	}
}

func scaled64(beta float64, x []float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = beta * v
	}
	return out
}
