package rbm_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/testmodels"
	"boltzmann/model/rbm"
	"boltzmann/sample"
)

// streams returns the per-block random streams of n chains.
func streams(n int, seed uint64) []*rand.Rand {
	rngs := make([]*rand.Rand, (n+sample.BlockSize-1)/sample.BlockSize)
	for b := range rngs {
		rngs[b] = rand.New(rand.NewPCG(seed, uint64(b)))
	}
	return rngs
}

// TestResidentKernelsMatchConverting: over several PCD updates (hidden-
// first transitions, the fused gradient and an SGD step applied by
// ranges, then v-first transitions long enough for the gathered products
// with Wᵀ), the resident float32 kernels give bit for bit the chains,
// hidden probabilities and parameters of the kernels on float64 chains
// converted at every call, with the same random words.
func TestResidentKernelsMatchConverting(t *testing.T) {
	base := testmodels.RBM(40, 24, 1, 5)
	// Negative hidden biases make the hidden states sparse, so that the
	// visible half-steps gather rows of Wᵀ.
	for j := range base.HiddenBias() {
		base.HiddenBias()[j] -= 2
	}
	a, b := float32Copy(base), float32Copy(base)
	const n = 72 // 4.5 blocks
	x := mixedSparse(n, 40, 7)
	h := mat.NewDense(n, 24, nil)
	xb, hb := mat.DenseCopyOf(x), mat.DenseCopyOf(h)
	pos := mixedSparse(30, 40, 8)
	ra, rb := streams(n, 3), streams(n, 3)
	s := a.UploadChains(nil, x, h)
	if !a.KeepsChains(s) || !b.KeepsChains(s) {
		t.Fatal("an RBM of the same sizes in float32 mode does not keep the chains")
	}
	ph, pb := mat.NewDense(n, 24, nil), mat.NewDense(n, 24, nil)
	ga, gb := make([]float64, len(a.Params())), make([]float64, len(b.Params()))
	step := func(p, g []float64) func(lo, hi int) {
		return func(lo, hi int) {
			for j := lo; j < hi; j++ {
				p[j] -= 0.05 * g[j]
			}
		}
	}
	for u := range 4 {
		a.GibbsStepsHiddenResident(s, ph, 2, sample.BlockSize, ra)
		b.GibbsStepsHidden(xb, hb, pb, 2, sample.BlockSize, rb)
		if !mat.Equal(ph, pb) {
			t.Fatalf("update %d: hidden probabilities differ", u)
		}
		a.PhaseDifferenceResidentApply(pos, nil, s, ga, step(a.Params(), ga))
		b.PhaseDifferenceHiddenApply(pos, nil, xb, pb, gb, step(b.Params(), gb))
		if !slices.Equal(ga, gb) || !slices.Equal(a.Params(), b.Params()) {
			t.Fatalf("update %d: gradients or parameters differ", u)
		}
	}
	defer rbm.SetTransposeMinWork(1)()
	a.GibbsStepsResident(s, 30, sample.BlockSize, ra)
	b.GibbsSteps(xb, hb, 30, sample.BlockSize, rb)
	xa, ha := mat.NewDense(n, 40, nil), mat.NewDense(n, 24, nil)
	s.Download(xa, ha)
	if !mat.Equal(xa, xb) || !mat.Equal(ha, hb) {
		t.Fatal("chains differ after v-first steps")
	}
	// The float64 chains were not touched by the resident kernels.
	if !mat.Equal(x, mixedSparse(n, 40, 7)) || mat.Sum(h) != 0 {
		t.Fatal("the resident kernels wrote the uploaded matrices")
	}
}
