package rbm

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

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
		r.gibbs32(nil, x, h, ph, nil, true, steps, blockSize, rngs)
		return
	}
	r.gibbs64(nil, x, h, ph, steps, blockSize, rngs)
}
