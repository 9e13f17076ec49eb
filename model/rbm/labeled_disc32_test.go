package rbm_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model/rbm"
)

// TestConditionalFloat32MatchesFloat64: in float32 mode, ClassLogProb,
// ConditionalLogLikelihood and AddConditionalGradient (float32 products and
// class kernels) agree with the float64 code, which the finite-difference
// test checks: log p(c|x) to 1e-5 absolute and every gradient entry to
// 1e-5 of the gradient's largest entry, on a model of 70 data units, 4
// classes and 37 hidden units (not a multiple of the vector width) with
// parameters of float32 precision, and 53 rows (several blocks) with
// weights and unlabeled rows.
func TestConditionalFloat32MatchesFloat64(t *testing.T) {
	const nd, nc, nh, n = 70, 4, 37, 53
	l := rbm.NewLabeled(nd, nc, nh)
	rng := rand.New(rand.NewPCG(32, 64))
	for i := range l.Params() {
		l.Params()[i] = float64(float32(0.5 * rng.NormFloat64()))
	}
	x := mat.NewDense(n, nd, nil)
	y := make([]int, n)
	w := make([]float64, n)
	for r := range n {
		for i := range nd {
			x.Set(r, i, float64(rng.IntN(2)))
		}
		y[r] = rng.IntN(nc)
		if r%7 == 3 {
			y[r] = rbm.Unlabeled
		}
		w[r] = 0.5 + rng.Float64()
	}
	v := l.Concat(x, y)

	measure := func() (lp *mat.Dense, logp, errs, count float64, grad []float64, glp, gc float64) {
		lp = mat.NewDense(n, nc, nil)
		l.ClassLogProb(x, lp)
		logp, errs, count = l.ConditionalLogLikelihood(v, w)
		grad = make([]float64, len(l.Params()))
		glp, gc = l.AddConditionalGradient(v, w, grad)
		return
	}
	lp64, logp64, errs64, count64, g64, glp64, gc64 := measure()
	l.RBM().SetFloat32(true)
	defer l.RBM().SetFloat32(false)
	lp32, logp32, errs32, count32, g32, glp32, gc32 := measure()

	for r := range n {
		for c := range nc {
			if d := math.Abs(lp32.At(r, c) - lp64.At(r, c)); d > 1e-5 {
				t.Fatalf("log p(%d | x_%d): float32 %v, float64 %v", c, r, lp32.At(r, c), lp64.At(r, c))
			}
		}
	}
	if math.Abs(logp32-logp64) > 1e-4 || errs32 != errs64 || count32 != count64 {
		t.Errorf("ConditionalLogLikelihood: float32 %v %v %v, float64 %v %v %v", logp32, errs32, count32, logp64, errs64, count64)
	}
	if math.Abs(glp32-glp64) > 1e-4 || gc32 != gc64 {
		t.Errorf("AddConditionalGradient returns: float32 %v %v, float64 %v %v", glp32, gc32, glp64, gc64)
	}
	scale := 0.0
	for _, g := range g64 {
		scale = max(scale, math.Abs(g))
	}
	if scale == 0 {
		t.Fatal("zero gradient")
	}
	for j := range g64 {
		if d := math.Abs(g32[j] - g64[j]); d > 1e-5*scale {
			t.Fatalf("gradient entry %d: float32 %v, float64 %v (largest entry %v)", j, g32[j], g64[j], scale)
		}
	}
}
