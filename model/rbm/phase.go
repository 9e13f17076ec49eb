package rbm

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/linalg"
	"boltzmann/internal/parallel"
)

// PhaseDifference writes into grad the gradient of the negative
// log-likelihood estimated from the data rows pos (weights w, nil for equal
// weights) and the fantasy particles neg (both batch × V, see
// model.PhaseDifference):
//
//	∂/∂W_ij = -Σ_r c_r v_ri P(h_j=1|v_r),  ∂/∂a_i = -Σ_r c_r v_ri,
//	∂/∂b_j = -Σ_r c_r P(h_j=1|v_r),
//
// where c_r = w_r/Σw for the data rows and -1/n_neg for the particles. The
// two sets are stacked so that the weight gradient is a single (n_pos +
// n_neg)-row matrix product written straight into grad; in float32 mode the
// products run in float32 and the bias sums in float64.
func (r *RBM) PhaseDifference(pos *mat.Dense, w []float64, neg *mat.Dense, grad []float64) {
	r.PhaseDifferenceHidden(pos, w, neg, nil, grad)
}

// PhaseDifferenceHidden is PhaseDifference with the particles' hidden
// probabilities P(h=1|y_c) given in negHidden (n_neg × H), as
// GibbsStepsHidden leaves them, instead of computed; nil computes them.
func (r *RBM) PhaseDifferenceHidden(pos *mat.Dense, w []float64, neg, negHidden *mat.Dense, grad []float64) {
	r.phaseDifference(pos, w, neg, negHidden, grad, nil)
}

// PhaseDifferenceHiddenApply is PhaseDifferenceHidden that also hands each
// finished range of the gradient to apply(lo, hi), from the goroutine that
// computed it and while it is in that core's cache, so that the caller can
// take the optimizer step on params[lo:hi] (optim.RangeStepper) without
// another pass over memory. The ranges cover [0, len(grad)) once each;
// calls run concurrently and must write nothing but params[lo:hi] and
// grad[lo:hi]. In float32 mode the float32 copy of params[lo:hi] is
// refreshed right after apply returns, so a caller that writes the
// parameters only this way need not call ParamsChanged.
func (r *RBM) PhaseDifferenceHiddenApply(pos *mat.Dense, w []float64, neg, negHidden *mat.Dense, grad []float64, apply func(lo, hi int)) {
	if apply == nil {
		panic("rbm: PhaseDifferenceHiddenApply with a nil apply")
	}
	r.phaseDifference(pos, w, neg, negHidden, grad, apply)
}

func (r *RBM) phaseDifference(pos *mat.Dense, w []float64, neg, negHidden *mat.Dense, grad []float64, apply func(lo, hi int)) {
	checkRows("PhaseDifference", neg, r.nv, nil)
	r.phaseDifferenceFrom(pos, w, neg, negHidden, nil, grad, apply)
}

// phaseDifferenceFrom is phaseDifference with the particles and their
// hidden probabilities taken from the resident chains st when st is not
// nil (neg and negHidden are then unused).
func (r *RBM) phaseDifferenceFrom(pos *mat.Dense, w []float64, neg, negHidden *mat.Dense, st *chains32, grad []float64, apply func(lo, hi int)) {
	checkRows("PhaseDifference", pos, r.nv, w)
	if negHidden != nil {
		nn, _ := neg.Dims()
		if hn, hd := negHidden.Dims(); hn != nn || hd != r.nh {
			panic(fmt.Sprintf("rbm: PhaseDifferenceHidden with %d particles and %d×%d hidden probabilities", nn, hn, hd))
		}
	}
	if len(grad) != len(r.params) {
		panic(fmt.Sprintf("rbm: gradient buffer has length %d, want %d", len(grad), len(r.params)))
	}
	n1, _ := pos.Dims()
	var n2 int
	if st != nil {
		n2 = st.n
	} else {
		n2, _ = neg.Dims()
	}
	if n1 == 0 || n2 == 0 {
		panic("rbm: PhaseDifference of an empty set of rows")
	}
	cb := get64(n1 + n2)
	defer pool64.Put(cb)
	coef := *cb
	sw := float64(n1)
	if w != nil {
		sw = 0
		for _, x := range w {
			sw += x
		}
	}
	for k := range n1 {
		coef[k] = 1 / sw
		if w != nil {
			coef[k] = w[k] / sw
		}
	}
	for k := range n2 {
		coef[n1+k] = -1 / float64(n2)
	}
	row := func(k int) []float64 {
		if k < n1 {
			return pos.RawRowView(k)
		}
		return neg.RawRowView(k - n1)
	}
	// given returns the given hidden probabilities of stacked row k, or nil.
	given := func(k int) []float64 {
		if k < n1 || negHidden == nil {
			return nil
		}
		return negHidden.RawRowView(k - n1)
	}
	if st != nil {
		// The particles' rows come straight from the resident chains.
		r.phaseDifference32(n1, n1, row, given, st, coef, grad, apply)
		return
	}
	if r.f32 != nil {
		mid := n1 + n2 // rows [mid, n) have their probabilities given
		if negHidden != nil {
			mid = n1
		}
		r.phaseDifference32(n1, mid, row, given, nil, coef, grad, apply)
		return
	}
	r.phaseDifference64(row, given, coef, grad)
	if apply != nil {
		const block = 1 << 14
		parallel.For(parallel.Blocks(len(grad), block), func(k int) {
			apply(parallel.Range(k, block, len(grad)))
		})
	}
}

// phaseDifference32 is the float32 gradient of the n = len(coef) stacked
// rows, rows [0, n1) the data and [n1, n) the particles. Rows [0, mid)
// need their hidden probabilities computed, rows [mid, n) have them
// given. The float64 rows are row(k) and given(k); with st not nil the
// particles' rows and given probabilities are instead the resident x and
// ph of st (mid is then n1).
func (r *RBM) phaseDifference32(n1, mid int, row, given func(int) []float64, st *chains32, coef, grad []float64, apply func(lo, hi int)) {
	n, nv, nh := len(coef), r.nv, r.nh
	p := r.params32()
	vb, hb := get32(n*nv), get32(n*nh)
	defer pool32.Put(vb)
	defer pool32.Put(hb)
	v, h := *vb, *hb
	// v: the stacked rows; h: c_r P(h=1|v_r). Rows [0, mid) need their
	// probabilities computed, rows [mid, n) have them given; each kind is
	// split evenly among the cores.
	rc1, rc2 := chunk(mid, rowUnit, maxRows), chunk(n-mid, rowUnit, maxRows)
	nb1 := parallel.Blocks(mid, rc1)
	parallel.For(nb1+parallel.Blocks(n-mid, rc2), func(k int) {
		var lo, hi int
		if k < nb1 {
			lo, hi = parallel.Range(k, rc1, mid)
		} else {
			lo, hi = parallel.Range(k-nb1, rc2, n-mid)
			lo, hi = lo+mid, hi+mid
		}
		m := hi - lo
		vs, hs := v[lo*nv:hi*nv], h[lo*nh:hi*nh]
		for i := range m {
			if rk := lo + i; st != nil && rk >= n1 {
				st.k.Download32(vs[i*nv:(i+1)*nv], st.x, (rk-n1)*nv)
			} else {
				to32(vs[i*nv:(i+1)*nv], row(rk))
			}
		}
		if k < nb1 {
			hiddenProb32(p, vs, m, nv, nh, hs)
		} else {
			for i := range m {
				if st != nil {
					st.k.Download32(hs[i*nh:(i+1)*nh], st.ph, (lo+i-n1)*nh)
				} else {
					to32(hs[i*nh:(i+1)*nh], given(lo+i))
				}
			}
		}
		for i := range m {
			c := float32(coef[lo+i])
			hr := hs[i*nh : (i+1)*nh]
			for j := range hr {
				hr[j] *= c
			}
		}
	})
	nw := nv * nh
	ga, gb := grad[nw:nw+nv], grad[nw+nv:]
	// The weight gradient -Vᵀ(cH) over chunks of visible units, each with
	// its visible-bias components; one more piece sums the hidden biases.
	vs := sparseIfFew(v, n, nv) // nil unless v is sparse (binary data)
	if vs != nil {
		defer sparsePool.Put(vs)
	}
	vChunk := weightChunk(nv, vs != nil)
	nc := parallel.Blocks(nv, vChunk)
	parallel.For(nc+1, func(k int) {
		if k == nc {
			clear(gb)
			for r := range n {
				for j, x := range h[r*nh : (r+1)*nh] {
					gb[j] -= float64(x)
				}
			}
			if apply != nil {
				apply(nw+nv, len(grad))
				p.k.Upload64(p.b, 0, r.params[nw+nv:])
			}
			return
		}
		lo, hi := parallel.Range(k, vChunk, nv)
		gbuf, vab := get32((hi-lo)*nh), get64(hi-lo)
		weightSums32(p.k, vs, v, n, nv, nh, h, coef, lo, hi, *gbuf, *vab)
		for i, x := range *vab {
			ga[lo+i] = -x
		}
		dst := grad[lo*nh : hi*nh]
		for i, g := range *gbuf {
			dst[i] = -float64(g)
		}
		pool32.Put(gbuf)
		pool64.Put(vab)
		if apply != nil {
			apply(lo*nh, hi*nh)
			apply(nw+lo, nw+hi)
			p.k.Upload64(p.w, lo*nh, r.params[lo*nh:hi*nh])
			p.k.Upload64(p.a, lo, r.params[nw+lo:nw+hi])
		}
	})
	if apply != nil {
		// Every range of the float32 copy was refreshed after its update;
		// only the transposed weights are out of date.
		p.staleT.Store(true)
		p.stale.Store(false)
	}
}

func (r *RBM) phaseDifference64(row, given func(int) []float64, coef, grad []float64) {
	n, nv, nh := len(coef), r.nv, r.nh
	vb, hb := get64(n*nv), get64(n*nh)
	defer pool64.Put(vb)
	defer pool64.Put(hb)
	v, ph := mat.NewDense(n, nv, *vb), mat.NewDense(n, nh, *hb)
	for k := range n {
		copy(v.RawRowView(k), row(k))
	}
	mid := n // rows [mid, n) have their probabilities given
	for mid > 0 && given(mid-1) != nil {
		mid--
	}
	if mid > 0 {
		r.HiddenProb(v.Slice(0, mid, 0, nv).(*mat.Dense), ph.Slice(0, mid, 0, nh).(*mat.Dense))
	}
	for k := mid; k < n; k++ {
		copy(ph.RawRowView(k), given(k))
	}
	for k := range n {
		hr := ph.RawRowView(k)
		for j := range hr {
			hr[j] *= coef[k]
		}
	}
	nw := nv * nh
	linalg.Gemm64(true, false, -1, v.RawMatrix(), ph.RawMatrix(), 0, gen64(nv, nh, grad[:nw]))
	ga, gb := grad[nw:nw+nv], grad[nw+nv:]
	clear(ga)
	clear(gb)
	for k := range n {
		c := coef[k]
		for i, x := range v.RawRowView(k) {
			ga[i] -= c * x
		}
		for j, x := range ph.RawRowView(k) {
			gb[j] -= x
		}
	}
}
