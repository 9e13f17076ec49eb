package rbm

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/linalg"
	"boltzmann/internal/parallel"
	"boltzmann/model"
)

var (
	_ model.ResidentGibbsKernel     = (*RBM)(nil)
	_ model.ResidentPhaseDifference = (*RBM)(nil)
	_ model.ChainState              = (*chains32)(nil)
)

// chains32 is a set of chains kept resident in the memory of a kernel set
// in float32 mode: the visible states x (n×V), the hidden states h (n×H)
// and the probabilities ph (n×H) P(h=1|v) of the visible states after the
// last hidden-first call, the negative phase's hidden statistic. States are
// 0 or 1, so the float32 copy holds them exactly.
type chains32 struct {
	k         linalg.Kernels
	n, nv, nh int
	x, h, ph  linalg.Matrix32
}

// Download writes the resident states into x (n×V) and h (n×H); either
// may be nil.
func (s *chains32) Download(x, h *mat.Dense) {
	if x != nil {
		s.download(x, s.x, s.nv, "visible")
	}
	if h != nil {
		s.download(h, s.h, s.nh, "hidden")
	}
}

func (s *chains32) download(dst *mat.Dense, src linalg.Matrix32, cols int, what string) {
	if r, c := dst.Dims(); r != s.n || c != cols {
		panic(fmt.Sprintf("rbm: Download of %d×%d %s states into %d×%d", s.n, cols, what, r, c))
	}
	const rows = 64
	parallel.For(parallel.Blocks(s.n, rows), func(b int) {
		lo, hi := parallel.Range(b, rows, s.n)
		for i := lo; i < hi; i++ {
			s.k.Download64(dst.RawRowView(i), src, i*cols)
		}
	})
}

// fewOnesHidden is fewOnes of the resident hidden states.
func (s *chains32) fewOnesHidden() bool {
	hs := s.k.Map32(s.h, 0, s.n*s.nh)
	defer s.k.Unmap32(s.h, 0, hs)
	nnz := 0
	for _, v := range hs {
		if v != 0 {
			nnz++
		}
	}
	return float64(nnz) <= sparseFraction*float64(len(hs))
}

// ChainsResident reports whether the RBM keeps chains resident: in float32
// mode, in the memory of its kernel set (model.ResidentGibbsKernel).
func (r *RBM) ChainsResident() bool { return r.f32 != nil }

// KeepsChains reports whether s is a resident chain state that r's
// float32 kernels can advance: made by an RBM of the same layer sizes in
// the memory of the same kernel set.
func (r *RBM) KeepsChains(s model.ChainState) bool {
	c, ok := s.(*chains32)
	return ok && r.f32 != nil && c.k == r.f32.k && c.nv == r.nv && c.nh == r.nh
}

// UploadChains returns the visible states x (n×V) and hidden states h
// (n×H) as float32 chains in the memory of r's kernel set, in the memory
// of s if r keeps s and it has n chains (its hidden probabilities are then
// kept). It panics unless r is in float32 mode.
func (r *RBM) UploadChains(s model.ChainState, x, h *mat.Dense) model.ChainState {
	if r.f32 == nil {
		panic("rbm: UploadChains needs float32 mode (SetFloat32)")
	}
	n, d := x.Dims()
	if hn, hd := h.Dims(); d != r.nv || hn != n || hd != r.nh {
		panic(fmt.Sprintf("rbm: UploadChains of %d×%d visible and %d×%d hidden states into a %d×%d RBM", n, d, hn, hd, r.nv, r.nh))
	}
	c, ok := s.(*chains32)
	if !ok || !r.KeepsChains(s) || c.n != n {
		k := r.f32.k
		c = &chains32{k: k, n: n, nv: r.nv, nh: r.nh,
			x: k.NewMatrix32(n, r.nv), h: k.NewMatrix32(n, r.nh), ph: k.NewMatrix32(n, r.nh)}
	}
	const rows = 64
	parallel.For(parallel.Blocks(n, rows), func(b int) {
		lo, hi := parallel.Range(b, rows, n)
		for i := lo; i < hi; i++ {
			c.k.Upload64(c.x, i*r.nv, x.RawRowView(i))
			c.k.Upload64(c.h, i*r.nh, h.RawRowView(i))
		}
	})
	return c
}

// resident returns s as r's resident chains, panicking unless r keeps s
// and its rows split into len(rngs) streams of blockSize rows.
func (r *RBM) resident(name string, s model.ChainState, blockSize int, rngs []*rand.Rand) *chains32 {
	if !r.KeepsChains(s) {
		panic(fmt.Sprintf("rbm: %s with chains %T that this RBM does not keep (float32 mode %v)", name, s, r.f32 != nil))
	}
	c := s.(*chains32)
	if blockSize <= 0 || parallel.Blocks(c.n, blockSize) != len(rngs) {
		panic(fmt.Sprintf("rbm: %s with %d chains, %d streams of %d rows", name, c.n, len(rngs), blockSize))
	}
	return c
}

// GibbsStepsResident is GibbsSteps on resident chains (UploadChains):
// the same transitions, random words and float32 arithmetic, without the
// conversions from and to float64.
func (r *RBM) GibbsStepsResident(s model.ChainState, steps, blockSize int, rngs []*rand.Rand) {
	c := r.resident("GibbsStepsResident", s, blockSize, rngs)
	if steps > 0 {
		r.gibbs32(nil, nil, nil, nil, c, false, steps, blockSize, rngs)
	}
}

// GibbsStepsHiddenResident is GibbsStepsHidden on resident chains: the
// probabilities P(h=1|v) of the last visible states stay with s, where
// PhaseDifferenceResidentApply reads them, and are also written into ph
// (n×H) unless ph is nil.
func (r *RBM) GibbsStepsHiddenResident(s model.ChainState, ph *mat.Dense, steps, blockSize int, rngs []*rand.Rand) {
	c := r.resident("GibbsStepsHiddenResident", s, blockSize, rngs)
	if steps <= 0 {
		return
	}
	r.gibbs32(nil, nil, nil, nil, c, true, steps, blockSize, rngs)
	if ph != nil {
		c.download(ph, c.ph, c.nh, "hidden-probability")
	}
}

// PhaseDifferenceResidentApply is PhaseDifferenceHiddenApply with the
// particles and their hidden probabilities taken from the resident
// chains s, as the last GibbsStepsHiddenResident on s left them: the same
// float32 operands, so the same gradient bit for bit, without converting
// the chains to float64 and back.
func (r *RBM) PhaseDifferenceResidentApply(pos *mat.Dense, w []float64, s model.ChainState, grad []float64, apply func(lo, hi int)) {
	if apply == nil {
		panic("rbm: PhaseDifferenceResidentApply with a nil apply")
	}
	if !r.KeepsChains(s) {
		panic(fmt.Sprintf("rbm: PhaseDifferenceResidentApply with chains %T that this RBM does not keep (float32 mode %v)", s, r.f32 != nil))
	}
	r.phaseDifferenceFrom(pos, w, nil, nil, s.(*chains32), grad, apply)
}
