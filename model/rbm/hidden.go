package rbm

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/linalg"
	"boltzmann/internal/mathx"
	"boltzmann/internal/parallel"
)

// GibbsStepsHidden advances the chains whose hidden states are the rows of
// h (n×H, values 0/1) by steps block Gibbs transitions h → v → h, leaving
// the last visible draws in x (n×V) and, in ph (n×H), the probabilities
// P(h=1|v) of the last visible states, from which the last h were drawn.
//
// This is the order of the persistent chains of PCD as scikit-learn's
// BernoulliRBM runs them: the probabilities that the negative phase needs
// come out of the last half-step instead of one more matrix product. Rows
// [k·blockSize, (k+1)·blockSize) use rngs[k] only, as in GibbsSteps, so the
// result depends on the streams alone.
func (r *RBM) GibbsStepsHidden(x, h, ph *mat.Dense, steps, blockSize int, rngs []*rand.Rand) {
	n, d := x.Dims()
	hn, hd := h.Dims()
	pn, pd := ph.Dims()
	if d != r.nv || hn != n || hd != r.nh || pn != n || pd != r.nh || blockSize <= 0 || parallel.Blocks(n, blockSize) != len(rngs) {
		panic(fmt.Sprintf("rbm: GibbsStepsHidden with %d×%d visible, %d×%d hidden, %d×%d probabilities, %d streams of %d rows",
			n, d, hn, hd, pn, pd, len(rngs), blockSize))
	}
	if steps <= 0 {
		return
	}
	if r.f32 != nil {
		r.gibbsHidden32(x, h, ph, steps, blockSize, rngs)
		return
	}
	r.gibbsHidden64(x, h, ph, steps, blockSize, rngs)
}

func (r *RBM) gibbsHidden32(x, h, ph *mat.Dense, steps, blockSize int, rngs []*rand.Rand) {
	n, _ := x.Dims()
	nv, nh := r.nv, r.nh
	w, a, b := r.params32()
	wg := gen32(nv, nh, w)
	gr := chunk(n, blockSize, max(maxRows/blockSize*blockSize, blockSize))
	parallel.For(parallel.Blocks(n, gr), func(g int) {
		lo, hi := parallel.Range(g, gr, n)
		m := hi - lo
		vb, hb := get32(m*nv), get32(m*nh)
		inv, inh := get32(m*nv), get32(m*nh)
		ws := getWork(m * max(nv, nh))
		u := ws.u
		uniforms := func(cols int) {
			for r0 := lo; r0 < hi; r0 += blockSize {
				r1 := min(r0+blockSize, hi)
				linalg.Uniforms(rngs[r0/blockSize], u[(r0-lo)*cols:(r1-lo)*cols])
			}
		}
		for i := range m {
			to32((*hb)[i*nh:(i+1)*nh], h.RawRowView(lo+i))
		}
		for range steps {
			linalg.Gemm32(false, true, 1, gen32(m, nh, *hb), wg, 0, gen32(m, nv, *inv))
			uniforms(nv)
			linalg.SampleSigmoid32(*inv, a, u, *vb, m, nv)
			linalg.Gemm32(false, false, 1, gen32(m, nv, *vb), wg, 0, gen32(m, nh, *inh))
			uniforms(nh)
			linalg.SampleSigmoid32(*inh, b, u, *hb, m, nh)
		}
		workPool.Put(ws)
		// The probabilities of the last half-step, from its pre-activations.
		linalg.SigmoidBias32(*inh, b, *inh, m, nh)
		for i := range m {
			to64(x.RawRowView(lo+i), (*vb)[i*nv:(i+1)*nv])
			to64(h.RawRowView(lo+i), (*hb)[i*nh:(i+1)*nh])
			to64(ph.RawRowView(lo+i), (*inh)[i*nh:(i+1)*nh])
		}
		pool32.Put(vb)
		pool32.Put(hb)
		pool32.Put(inv)
		pool32.Put(inh)
	})
}

func (r *RBM) gibbsHidden64(x, h, ph *mat.Dense, steps, blockSize int, rngs []*rand.Rand) {
	n, _ := x.Dims()
	nv, nh := r.nv, r.nh
	a, b := r.visibleBias(), r.hiddenBias()
	wg := gen64(nv, nh, r.params[:nv*nh])
	gr := chunk(n, blockSize, max(maxRows/blockSize*blockSize, blockSize))
	parallel.For(parallel.Blocks(n, gr), func(g int) {
		lo, hi := parallel.Range(g, gr, n)
		m := hi - lo
		xs, hs, ps := x.RawMatrix(), h.RawMatrix(), ph.RawMatrix()
		xg := blas64.General{Rows: m, Cols: nv, Stride: xs.Stride, Data: xs.Data[lo*xs.Stride:]}
		hg := blas64.General{Rows: m, Cols: nh, Stride: hs.Stride, Data: hs.Data[lo*hs.Stride:]}
		pg := blas64.General{Rows: m, Cols: nh, Stride: ps.Stride, Data: ps.Data[lo*ps.Stride:]}
		inv := get64(m * nv)
		for range steps {
			linalg.Gemm64(false, true, 1, hg, wg, 0, gen64(m, nv, *inv))
			for i := range m {
				sample64(rngs[(lo+i)/blockSize], (*inv)[i*nv:(i+1)*nv], a, x.RawRowView(lo+i))
			}
			linalg.Gemm64(false, false, 1, xg, wg, 0, pg)
			for i := range m {
				p, hr := ph.RawRowView(lo+i), h.RawRowView(lo+i)
				rng := rngs[(lo+i)/blockSize]
				for j := range p {
					p[j] = mathx.Sigmoid(p[j] + b[j])
					if rng.Float64() < p[j] {
						hr[j] = 1
					} else {
						hr[j] = 0
					}
				}
			}
		}
		pool64.Put(inv)
	})
}
