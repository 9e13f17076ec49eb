package model

import (
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// The interfaces below are the fast paths that samplers and the trainer
// look for. A model package that implements one states it with a
// compile-time check, for example
//
//	var _ model.BlockGibbsKernel = (*RBM)(nil)
//
// so that a changed signature breaks the build instead of silently turning
// the fast path off. Every kernel computes the same transition as the
// generic code it replaces; tests compare the two.

// BlockGibbsKernel is implemented by bipartite models with a fused block
// Gibbs kernel (rbm.RBM). GibbsSteps advances the chains x (chains × Dim)
// and h (chains × HiddenDim) by steps transitions v → h → v; rows
// [k·blockSize, (k+1)·blockSize) use rngs[k] only, so that results do not
// depend on the number of cores.
type BlockGibbsKernel interface {
	Bipartite
	GibbsSteps(x, h *mat.Dense, steps, blockSize int, rngs []*rand.Rand)
}

// HiddenBlockGibbsKernel is implemented by bipartite models with a fused
// hidden-first block Gibbs kernel (rbm.RBM): steps transitions h → v → h
// from the hidden states h, writing P(h=1|v) of the final visible states
// into ph (chains × HiddenDim); rows are split into random-stream blocks as
// for BlockGibbsKernel.
type HiddenBlockGibbsKernel interface {
	Bipartite
	GibbsStepsHidden(x, h, ph *mat.Dense, steps, blockSize int, rngs []*rand.Rand)
}

// SiteSweeper is implemented by models with a fast heat-bath sweep over
// their sites (ising.Model): sweeps full sweeps of every row of x, rows
// split into random-stream blocks as for BlockGibbsKernel.
type SiteSweeper interface {
	Discrete
	GibbsSweeps(x *mat.Dense, sweeps, blockSize int, rngs []*rand.Rand)
}

// HiddenPhaseDifference is implemented by bipartite models that take the
// particles' hidden probabilities from the sampler (rbm.RBM), saving the
// matrix product that recomputing them would cost. It writes the gradient
// of -L into grad like PhaseDifference, with negHidden (chains × HiddenDim)
// holding P(h=1|v) of the rows of neg.
type HiddenPhaseDifference interface {
	Bipartite
	PhaseDifferenceHidden(pos *mat.Dense, w []float64, neg, negHidden *mat.Dense, grad []float64)
}

// FusedPhaseDifference is implemented by models that hand each finished
// range [lo, hi) of the gradient to apply (the penalty, the optimizer step
// and the finite-value check) while it is still in the cache of the core
// that computed it, and keep any derived copy of their parameters (such as
// a float32 copy) current themselves.
type FusedPhaseDifference interface {
	HiddenPhaseDifference
	PhaseDifferenceHiddenApply(pos *mat.Dense, w []float64, neg, negHidden *mat.Dense, grad []float64, apply func(lo, hi int))
}
