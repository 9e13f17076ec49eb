package rbm

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/linalg"
	"boltzmann/internal/mathx"
	"boltzmann/internal/parallel"
	"boltzmann/model"
)

// chunk returns how many of n rows one goroutine multiplies at a time: an
// even share of the rows per core, rounded up to a multiple of unit and at
// most maxRows. One product per share matters: OpenBLAS repacks the whole
// weight matrix for every call, which costs as much as the arithmetic for
// a 16-row call. The random draws depend on the chains' streams only, never
// on the number of cores (TestFastGibbsIndependentOfGOMAXPROCS). The
// arithmetic does too in float64 mode with gonum's BLAS; OpenBLAS's float32
// kernels, however, can round a row differently with the number of rows in
// the call, so with -tags openblas a
// float32 run repeats bit for bit only on the same number of cores, and
// otherwise agrees to float32 rounding.
func chunk(n, unit, maxRows int) int {
	p := runtime.GOMAXPROCS(0)
	c := (n + p - 1) / p
	c = (c + unit - 1) / unit * unit
	return max(min(c, maxRows), unit)
}

const (
	rowUnit = 16  // rows are chunked in multiples of the chain block size
	maxRows = 256 // bounds the scratch per goroutine
)

// mirror is the float32 copy of the parameters used in float32 mode, kept
// resident in the memory of its kernel set k: W (V×H), a (1×V), b (1×H).
type mirror struct {
	k       linalg.Kernels
	mu      sync.Mutex
	stale   atomic.Bool
	w, a, b linalg.Matrix32
	// wt is Wᵀ (H×V), made on demand from w for gathered products with
	// sparse hidden states; staleT is set whenever w is refreshed.
	staleT atomic.Bool
	wt     linalg.Matrix32
}

// SetFloat32 turns float32 mode on or off. In float32 mode HiddenProb,
// VisibleProb, AddStats, AddHiddenStats and GibbsSteps compute with a float32
// copy of the parameters (the sums of AddStats are still accumulated in
// float64), kept in the memory of the build's kernel set (linalg.Default);
// FreeEnergy, HiddenFreeEnergy and Energy always use float64. The
// copy is refreshed before the next computation after any call of Params,
// Weights, VisibleBias, HiddenBias, an Init method or ParamsChanged, so code
// that writes parameters through a slice obtained after its last computation
// (as train.Trainer does, once per update) needs nothing more; code that keeps
// such a slice across computations must call ParamsChanged after writing.
// Probabilities agree with float64 to about 1e-6 and AddStats sums to
// 1e-5 relative (tested). Only float32 mode gathers the products of sparse
// binary states (see sparseFraction). With the openblas build it trains a
// 784×500 RBM on MNIST about four times as fast and samples (GibbsSteps)
// four to five times as fast as float64; in the pure-Go build the two
// modes train about equally fast (BENCHMARKS.md).
func (r *RBM) SetFloat32(on bool) {
	if !on {
		r.f32 = nil
		return
	}
	if r.f32 == nil {
		k := linalg.Default()
		m := &mirror{
			k: k,
			w: k.NewMatrix32(r.nv, r.nh),
			a: k.NewMatrix32(1, r.nv),
			b: k.NewMatrix32(1, r.nh),
		}
		m.stale.Store(true)
		r.f32 = m
	}
}

// Float32 reports whether float32 mode is on.
func (r *RBM) Float32() bool { return r.f32 != nil }

// ParamsChanged tells the model that its parameters were written through a
// slice it handed out earlier (only needed in float32 mode; see SetFloat32).
func (r *RBM) ParamsChanged() {
	if r.f32 != nil {
		r.f32.stale.Store(true)
	}
}

// params32 returns the float32 mirror with W, a and b refreshed if stale.
func (r *RBM) params32() *mirror {
	m := r.f32
	if m.stale.Load() {
		m.mu.Lock()
		if m.stale.Load() {
			nw := r.nv * r.nh
			parallel.For(parallel.Blocks(nw, 1<<16), func(k int) {
				lo, hi := parallel.Range(k, 1<<16, nw)
				m.k.Upload64(m.w, lo, r.params[lo:hi])
			})
			m.k.Upload64(m.a, 0, r.params[nw:nw+r.nv])
			m.k.Upload64(m.b, 0, r.params[nw+r.nv:])
			m.staleT.Store(true)
			m.stale.Store(false)
		}
		m.mu.Unlock()
	}
	return m
}

// weightsT32 returns the float32 weights transposed (H×V row-major),
// refreshing them if the weights changed since the last call. (The copy
// costs 0.27–0.4 ms for 784×500 on the development machine,
// BenchmarkTransposeWeights; see transposePays.)
func (r *RBM) weightsT32() linalg.Matrix32 {
	m := r.params32()
	if m.staleT.Load() {
		m.mu.Lock()
		if m.staleT.Load() {
			if m.wt == nil {
				m.wt = m.k.NewMatrix32(r.nh, r.nv)
			}
			m.k.Transpose32(m.wt, m.w)
			m.staleT.Store(false)
		}
		m.mu.Unlock()
	}
	return m.wt
}

func to32(dst []float32, src []float64) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = float32(x)
	}
}

func to64(dst []float64, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = float64(x)
	}
}

// Scratch buffers are pooled so that no method allocates in steady state.
var (
	pool32 sync.Pool
	pool64 sync.Pool
)

func get32(n int) *[]float32 {
	p, _ := pool32.Get().(*[]float32)
	if p == nil || cap(*p) < n {
		s := make([]float32, n)
		p = &s
	}
	*p = (*p)[:n]
	return p
}

func get64(n int) *[]float64 {
	p, _ := pool64.Get().(*[]float64)
	if p == nil || cap(*p) < n {
		s := make([]float64, n)
		p = &s
	}
	*p = (*p)[:n]
	return p
}

// work holds the random words of one block.
type work struct{ u []uint32 }

var workPool sync.Pool

func getWork(n int) *work {
	w, _ := workPool.Get().(*work)
	if w == nil {
		w = new(work)
	}
	if cap(w.u) < n {
		w.u = make([]uint32, n)
	}
	w.u = w.u[:n]
	return w
}

func gen32(rows, cols int, data []float32) blas32.General {
	return blas32.General{Rows: rows, Cols: cols, Stride: cols, Data: data}
}

func gen64(rows, cols int, data []float64) blas64.General {
	return blas64.General{Rows: rows, Cols: cols, Stride: cols, Data: data}
}

// prob32 writes σ(bias + x·W) (toHidden) or σ(bias + x·Wᵀ) into prob, for
// the rows of x, in float32, in parallel over chunks of rows.
func (r *RBM) prob32(x, prob *mat.Dense, toHidden bool) {
	n, _ := x.Dims()
	p := r.params32()
	in, out, bias := r.nv, r.nh, p.b
	var wt linalg.Matrix32
	if !toHidden {
		in, out, bias = r.nh, r.nv, p.a
		if transposePays(n, 1) && fewOnes(x) {
			wt = r.weightsT32()
		}
	}
	rc := chunk(n, rowUnit, maxRows)
	parallel.For(parallel.Blocks(n, rc), func(k int) {
		lo, hi := parallel.Range(k, rc, n)
		m := hi - lo
		xb, pb := get32(m*in), get32(m*out)
		for i := range m {
			to32((*xb)[i*in:(i+1)*in], x.RawRowView(lo+i))
		}
		var s *linalg.Sparse32
		if toHidden || wt != nil {
			s = sparseRows(*xb, m, in)
			defer sparsePool.Put(s)
		}
		product32(p, s, *xb, 0, m, r.nv, r.nh, wt, toHidden, *pb)
		p.k.SigmoidBias32(*pb, bias, *pb, m, out)
		for i := range m {
			to64(prob.RawRowView(lo+i), (*pb)[i*out:(i+1)*out])
		}
		pool32.Put(xb)
		pool32.Put(pb)
	})
}

// addPairStats32 adds -Σ_r w_r (v_r p_rᵀ, v_r, p_r) to sum where p_r is
// σ(b + v_rW) (hidden) when fromVisible, else x are hidden rows and v_r =
// σ(a + W h_r). The products are float32, the sums float64.
func (r *RBM) addPairStats32(x *mat.Dense, wts []float64, sum []float64, fromVisible bool) {
	if len(sum) != len(r.params) {
		panic(fmt.Sprintf("rbm: stats buffer has length %d, want %d", len(sum), len(r.params)))
	}
	n, _ := x.Dims()
	nv, nh := r.nv, r.nh
	p := r.params32()
	vb, hb := get32(n*nv), get32(n*nh)
	v, h := *vb, *hb
	// Fill v and h (n×V, n×H): the given layer and the other layer's
	// conditional probabilities.
	rc := chunk(n, rowUnit, maxRows)
	parallel.For(parallel.Blocks(n, rc), func(k int) {
		lo, hi := parallel.Range(k, rc, n)
		m := hi - lo
		vs, hs := v[lo*nv:hi*nv], h[lo*nh:hi*nh]
		if fromVisible {
			for i := range m {
				to32(vs[i*nv:(i+1)*nv], x.RawRowView(lo+i))
			}
			hiddenProb32(p, vs, m, nv, nh, hs)
		} else {
			for i := range m {
				to32(hs[i*nh:(i+1)*nh], x.RawRowView(lo+i))
			}
			p.k.MulW32(hs, m, p.w, true, vs)
			p.k.SigmoidBias32(vs, p.a, vs, m, nv)
		}
		if wts != nil { // h ← w·h, row by row
			for i := range m {
				wk := float32(wts[lo+i])
				row := hs[i*nh : (i+1)*nh]
				for j := range row {
					row[j] *= wk
				}
			}
		}
	})
	nw := nv * nh
	ga, gb := sum[nw:nw+nv], sum[nw+nv:]
	// Weight statistics Vᵀ(wH) over fixed chunks of visible units, each
	// with its part of the visible-bias sums; one more piece does the
	// hidden-bias sums.
	var vs *linalg.Sparse32 // v as a sparse matrix if it is one (binary data)
	if fromVisible {
		if vs = sparseIfFew(v, n, nv); vs != nil {
			defer sparsePool.Put(vs)
		}
	}
	vChunk := weightChunk(nv, vs != nil)
	nc := parallel.Blocks(nv, vChunk)
	parallel.For(nc+1, func(k int) {
		if k == nc {
			for r := range n {
				for j, x := range h[r*nh : (r+1)*nh] {
					gb[j] -= float64(x)
				}
			}
			return
		}
		lo, hi := parallel.Range(k, vChunk, nv)
		gbuf, vab := get32((hi-lo)*nh), get64(hi-lo)
		weightSums32(p.k, vs, v, n, nv, nh, h, wts, lo, hi, *gbuf, *vab)
		for i, x := range *vab {
			ga[lo+i] -= x
		}
		dst := sum[lo*nh : hi*nh]
		for i, g := range *gbuf {
			dst[i] -= float64(g)
		}
		pool32.Put(gbuf)
		pool64.Put(vab)
	})
	pool32.Put(vb)
	pool32.Put(hb)
}

// GibbsSteps advances the chains whose visible states are the rows of x
// (n×V, values 0/1) by steps block Gibbs transitions v → h → v, leaving the
// last hidden draws in h (n×H). Rows [k·blockSize, (k+1)·blockSize) are
// drawn with rngs[k] only and are updated by one goroutine, so the result
// depends on the streams alone, never on the number of cores. In float32
// mode the whole transition runs in float32 with 24-bit uniforms.
func (r *RBM) GibbsSteps(x, h *mat.Dense, steps, blockSize int, rngs []*rand.Rand) {
	r.checkChains("GibbsSteps", x, h, blockSize, rngs)
	if steps <= 0 {
		return
	}
	if r.f32 != nil {
		r.gibbs32(nil, x, h, nil, nil, false, steps, blockSize, rngs)
		return
	}
	r.gibbs64(nil, x, h, nil, steps, blockSize, rngs)
}

// checkChains panics unless x (n×V) and h (n×H) are chains of r whose
// rows split into len(rngs) random-stream blocks of blockSize rows.
func (r *RBM) checkChains(name string, x, h *mat.Dense, blockSize int, rngs []*rand.Rand) {
	n, d := x.Dims()
	hn, hd := h.Dims()
	if d != r.nv || hn != n || hd != r.nh || blockSize <= 0 || parallel.Blocks(n, blockSize) != len(rngs) {
		panic(fmt.Sprintf("rbm: %s with %d×%d visible, %d×%d hidden, %d streams of %d rows", name, n, d, hn, hd, len(rngs), blockSize))
	}
}

// gibbs32 and gibbs64 split the chains into groups of whole blocks, one
// product per group and half-step; each block draws from its own stream.
// A transition is v → h → v (GibbsSteps) or, with hiddenFirst, h → v → h
// (GibbsStepsHidden), and then the probabilities P(h=1|v) of the last
// visible states are kept: in ph (gibbs64, and gibbs32 on float64 chains)
// or in st.ph. A non-nil t (only without hiddenFirst) transforms the model
// (GibbsStepsTransformed): the pre-activations are multiplied by β, the
// visible ones gain the field, and clamped units are reset after every
// visible half-step; nil t costs nothing.
//
// gibbs32 runs on the resident float32 chains st when st is not nil (x, h
// and ph are then unused), otherwise on float32 copies of the rows of the
// float64 chains x and h, converted at the start and back at the end of
// the call. The arithmetic and the random words are the same either way.
func (r *RBM) gibbs32(t *model.Transform, x, h, ph *mat.Dense, st *chains32, hiddenFirst bool, steps, blockSize int, rngs []*rand.Rand) {
	nv, nh := r.nv, r.nh
	var n int
	if st != nil {
		n = st.n
	} else {
		n, _ = x.Dims()
	}
	p := r.params32()
	a, b := p.a, p.b
	var tf *transform32
	if t != nil {
		tf = newTransform32(p, t)
		a, b = tf.a, tf.b
	}
	var wt linalg.Matrix32 // Wᵀ, to gather products with sparse hidden states
	if transposePays(n, steps) {
		few := false
		if st != nil {
			few = st.fewOnesHidden()
		} else {
			few = fewOnes(h)
		}
		if few {
			wt = r.weightsT32()
		}
	}
	gr := chunk(n, blockSize, max(maxRows/blockSize*blockSize, blockSize))
	parallel.For(parallel.Blocks(n, gr), func(g int) {
		lo, hi := parallel.Range(g, gr, n)
		m := hi - lo
		// vs and hs are the float32 states of the rows [lo, hi).
		var vs, hs []float32
		var vb, hb *[]float32
		if st != nil {
			vs, hs = st.k.Map32(st.x, lo*nv, m*nv), st.k.Map32(st.h, lo*nh, m*nh)
		} else {
			vb, hb = get32(m*nv), get32(m*nh)
			vs, hs = *vb, *hb
			for i := range m {
				if hiddenFirst {
					to32(hs[i*nh:(i+1)*nh], h.RawRowView(lo+i))
				} else {
					to32(vs[i*nv:(i+1)*nv], x.RawRowView(lo+i))
				}
			}
		}
		inv, inh := get32(m*nv), get32(m*nh)
		ws := getWork(m * max(nv, nh))
		u := ws.u
		// uniforms fills the first m·cols words of u, block by block.
		uniforms := func(cols int) {
			for r0 := lo; r0 < hi; r0 += blockSize {
				r1 := min(r0+blockSize, hi)
				linalg.Uniforms(rngs[r0/blockSize], u[(r0-lo)*cols:(r1-lo)*cols])
			}
		}
		sp := sparsePool.Get().(*linalg.Sparse32)
		toHidden := func() {
			sp.FromDense(vs, m, nv)
			product32(p, sp, vs, 0, m, nv, nh, nil, true, *inh)
			if tf != nil {
				tf.scale(*inh)
			}
			uniforms(nh)
			p.k.SampleSigmoid32(*inh, b, u, hs, m, nh)
		}
		toVisible := func() {
			if wt != nil {
				sp.FromDense(hs, m, nh)
			}
			product32(p, sp, hs, 0, m, nv, nh, wt, false, *inv)
			if tf != nil {
				tf.visible(*inv, lo, m, nv)
			}
			uniforms(nv)
			p.k.SampleSigmoid32(*inv, a, u, vs, m, nv)
			if tf != nil {
				tf.clamp(vs, lo, m, nv)
			}
		}
		transitions(steps, !hiddenFirst, toHidden, toVisible)
		workPool.Put(ws)
		sparsePool.Put(sp)
		if st != nil {
			if hiddenFirst { // the probabilities of the last half-step
				pr := st.k.Map32(st.ph, lo*nh, m*nh)
				p.k.SigmoidBias32(*inh, b, pr, m, nh)
				st.k.Unmap32(st.ph, lo*nh, pr)
			}
			st.k.Unmap32(st.x, lo*nv, vs)
			st.k.Unmap32(st.h, lo*nh, hs)
		} else {
			if hiddenFirst {
				p.k.SigmoidBias32(*inh, b, *inh, m, nh)
			}
			for i := range m {
				to64(x.RawRowView(lo+i), vs[i*nv:(i+1)*nv])
				to64(h.RawRowView(lo+i), hs[i*nh:(i+1)*nh])
				if hiddenFirst {
					to64(ph.RawRowView(lo+i), (*inh)[i*nh:(i+1)*nh])
				}
			}
			pool32.Put(vb)
			pool32.Put(hb)
		}
		pool32.Put(inv)
		pool32.Put(inh)
	})
}

func (r *RBM) gibbs64(t *model.Transform, x, h, ph *mat.Dense, steps, blockSize int, rngs []*rand.Rand) {
	n, _ := x.Dims()
	nv, nh := r.nv, r.nh
	a, b := r.visibleBias(), r.hiddenBias()
	beta := t.InvTemp()
	if t != nil {
		a, b = scaled64(beta, a), scaled64(beta, b)
	}
	wg := gen64(nv, nh, r.params[:nv*nh])
	gr := chunk(n, blockSize, max(maxRows/blockSize*blockSize, blockSize))
	parallel.For(parallel.Blocks(n, gr), func(g int) {
		lo, hi := parallel.Range(g, gr, n)
		m := hi - lo
		xs := x.RawMatrix()
		hs := h.RawMatrix()
		xg := blas64.General{Rows: m, Cols: nv, Stride: xs.Stride, Data: xs.Data[lo*xs.Stride:]}
		hg := blas64.General{Rows: m, Cols: nh, Stride: hs.Stride, Data: hs.Data[lo*hs.Stride:]}
		inv, inh := get64(m*nv), get64(m*nh)
		toHidden := func() {
			linalg.Gemm64(false, false, beta, xg, wg, 0, gen64(m, nh, *inh))
			for i := range m {
				sample64(rngs[(lo+i)/blockSize], (*inh)[i*nh:(i+1)*nh], b, h.RawRowView(lo+i))
			}
		}
		toVisible := func() {
			linalg.Gemm64(false, true, beta, hg, wg, 0, gen64(m, nv, *inv))
			for i := range m {
				in := (*inv)[i*nv : (i+1)*nv]
				for j, f := range t.FieldRow(lo + i) {
					in[j] += f
				}
				xr := x.RawRowView(lo + i)
				sample64(rngs[(lo+i)/blockSize], in, a, xr)
				clampRow(t.ClampRow(lo+i), xr)
			}
		}
		transitions(steps, ph == nil, toHidden, toVisible)
		if ph != nil { // the probabilities the last hidden states were drawn from
			for i := range m {
				p, in := ph.RawRowView(lo+i), (*inh)[i*nh:(i+1)*nh]
				for j, v := range in {
					p[j] = mathx.Sigmoid(v + b[j])
				}
			}
		}
		pool64.Put(inv)
		pool64.Put(inh)
	})
}

// transitions runs steps block Gibbs transitions v → h → v (visibleFirst)
// or h → v → h from the two half-steps.
func transitions(steps int, visibleFirst bool, toHidden, toVisible func()) {
	first, second := toVisible, toHidden
	if visibleFirst {
		first, second = toHidden, toVisible
	}
	for range steps {
		first()
		second()
	}
}

func sample64(rng *rand.Rand, in, bias, dst []float64) {
	bias = bias[:len(in)]
	dst = dst[:len(in)]
	for j, x := range in {
		if rng.Float64() < mathx.Sigmoid(x+bias[j]) {
			dst[j] = 1
		} else {
			dst[j] = 0
		}
	}
}
