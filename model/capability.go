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

// ChainState is the state of a set of chains as a resident kernel keeps
// it between calls, in the memory its kernels run on (the float32 chains
// of an RBM in float32 mode; device memory for a device kernel set). Only
// kernels that accept it (ResidentGibbsKernel.KeepsChains) read or advance
// it; the host reads it back with Download. sample.Chains owns one and
// keeps its float64 view in step with it.
type ChainState interface {
	// Download writes the visible states into x (chains × Dim) and the
	// hidden ones into h (chains × HiddenDim); either may be nil.
	Download(x, h *mat.Dense)
}

// ResidentGibbsKernel is implemented by bipartite models whose block Gibbs
// kernels can keep the chains' states resident between calls instead of
// converting them from and to the float64 matrices at every call
// (rbm.RBM in float32 mode). The transitions, random streams and
// arithmetic are those of GibbsSteps and GibbsStepsHidden, bit for bit.
type ResidentGibbsKernel interface {
	BlockGibbsKernel
	HiddenBlockGibbsKernel
	// ChainsResident reports whether the model keeps chains resident now;
	// when it does not, the methods below must not be called.
	ChainsResident() bool
	// KeepsChains reports whether the model's kernels can advance s in
	// place (s was made by a model with the same kernel set and layer
	// sizes).
	KeepsChains(s ChainState) bool
	// UploadChains returns a resident copy of the visible states x
	// (chains × Dim) and hidden states h (chains × HiddenDim), reusing the
	// memory of s when s is not nil and KeepsChains(s).
	UploadChains(s ChainState, x, h *mat.Dense) ChainState
	// GibbsStepsResident is GibbsSteps on the resident chains s.
	GibbsStepsResident(s ChainState, steps, blockSize int, rngs []*rand.Rand)
	// GibbsStepsHiddenResident is GibbsStepsHidden on the resident chains
	// s. The probabilities P(h=1|v) of the final visible states stay with
	// s (for ResidentPhaseDifference) and are also written into ph unless
	// ph is nil.
	GibbsStepsHiddenResident(s ChainState, ph *mat.Dense, steps, blockSize int, rngs []*rand.Rand)
}

// ResidentPhaseDifference is implemented by models whose fused gradient
// (FusedPhaseDifference) reads the particles straight from resident chains
// (rbm.RBM in float32 mode): the visible states of s and the hidden
// probabilities that the last GibbsStepsHiddenResident on s left there
// take the place of neg and negHidden, bit for bit.
type ResidentPhaseDifference interface {
	FusedPhaseDifference
	ResidentGibbsKernel
	PhaseDifferenceResidentApply(pos *mat.Dense, w []float64, s ChainState, grad []float64, apply func(lo, hi int))
}
