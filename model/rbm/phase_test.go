package rbm_test

import (
	"math"
	"runtime"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/exact"
	"boltzmann/internal/stattest"
	"boltzmann/internal/testmodels"
	"boltzmann/model"
	"boltzmann/model/rbm"
	"boltzmann/sample"
)

var _ model.PhaseDifference = (*rbm.RBM)(nil)

// TestPhaseDifferenceMatchesAddStats: the one-pass gradient equals the
// weighted mean of AddStats over the data rows minus the mean over the
// particles, to 1e-12 relative in float64 and 1e-5 relative in float32
// mode, for row counts that do not fill the 16-row blocks.
func TestPhaseDifferenceMatchesAddStats(t *testing.T) {
	r := testmodels64(t)
	w := make([]float64, 37)
	for i := range w {
		w[i] = 0.25 + float64(i%5)
	}
	for _, tc := range []struct {
		pos, neg *mat.Dense
		weights  []float64
	}{
		{randomBinary(37, 100, 11), randomBinary(53, 100, 12), nil},
		{randomBinary(37, 100, 11), randomBinary(53, 100, 12), w},
		{mixedSparse(37, 100, 11), mixedSparse(53, 100, 12), w}, // gathered and GEMM row products
		{mixedSparse(37, 100, 11).Slice(0, 5, 0, 100).(*mat.Dense), // sparse stacked gradient
			mixedSparse(53, 100, 12).Slice(0, 6, 0, 100).(*mat.Dense), w[:5]},
	} {
		pos, neg, weights := tc.pos, tc.neg, tc.weights
		n1, _ := pos.Dims()
		n2, _ := neg.Dims()
		np := len(r.Params())
		sp, sn := make([]float64, np), make([]float64, np)
		r.AddStats(pos, weights, sp)
		r.AddStats(neg, nil, sn)
		cp := float64(n1)
		if weights != nil {
			cp = 0
			for _, x := range weights {
				cp += x
			}
		}
		want := make([]float64, np)
		scale := 0.0
		for j := range want {
			want[j] = sp[j]/cp - sn[j]/float64(n2)
			scale = max(scale, math.Abs(want[j]))
		}
		for _, tc := range []struct {
			name string
			m    *rbm.RBM
			tol  float64
		}{{"float64", r, 1e-12}, {"float32", float32Copy(r), 1e-5}} {
			got := make([]float64, np)
			for j := range got {
				got[j] = math.NaN() // every component must be written
			}
			tc.m.PhaseDifference(pos, weights, neg, got)
			for j := range want {
				if d := math.Abs(got[j] - want[j]); !(d <= tc.tol*scale) {
					t.Fatalf("%s, weighted=%v: component %d is %v, want %v", tc.name, weights != nil, j, got[j], want[j])
				}
			}
		}
	}
}

func testmodels64(t *testing.T) *rbm.RBM {
	t.Helper()
	r := rbm.New(100, 37)
	p := r.Params()
	for j := range p {
		p[j] = 0.3 * math.Sin(float64(7*j+1))
	}
	return r
}

// TestPhaseDifferenceHiddenMatches: given the particles' exact hidden
// probabilities, PhaseDifferenceHidden equals PhaseDifference.
func TestPhaseDifferenceHiddenMatches(t *testing.T) {
	r := testmodels64(t)
	pos, neg := randomBinary(21, 100, 13), randomBinary(45, 100, 14)
	for _, m := range []*rbm.RBM{r, float32Copy(r)} {
		ph := mat.NewDense(45, 37, nil)
		r.HiddenProb(neg, ph)
		np := len(r.Params())
		want, got := make([]float64, np), make([]float64, np)
		m.PhaseDifference(pos, nil, neg, want)
		m.PhaseDifferenceHidden(pos, nil, neg, ph, got)
		for j := range want {
			if d := math.Abs(got[j] - want[j]); !(d <= 1e-6) {
				t.Fatalf("float32=%v: component %d is %v with given probabilities, %v computed", m.Float32(), j, got[j], want[j])
			}
		}
	}
}

// TestGibbsStepsHiddenMatchesExact runs 16,000 chains of the hidden-first
// kernel (float64 and float32) for 60 transitions h → v → h from random
// hidden states and compares the histogram of the final visible states
// with the exact distribution (Pearson chi-square, fails when p < 1e-4);
// the returned probabilities must be P(h=1|v) of the final visible states.
func TestGibbsStepsHiddenMatchesExact(t *testing.T) {
	r := testmodels.RBM(6, 3, 1.0, 1)
	d, err := exact.NewDistribution(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"float64", "float32", "generic"} {
		m := rbm.New(6, 3)
		copy(m.Params(), r.Params())
		m.SetFloat32(kind == "float32")
		var b model.Bipartite = m
		if kind == "generic" { // hides the fused kernel
			b = struct{ model.Bipartite }{m}
		}
		c := sample.NewChains(16000, 6, 9)
		c.SetHidden(randomBinary(16000, 3, 10))
		ph := mat.NewDense(16000, 3, nil)
		sample.BlockGibbs{}.StepHidden(b, c, 60, ph)
		counts := make([]int, d.Space.Count)
		for i := range c.Len() {
			counts[d.Space.Index(c.Visible().RawRowView(i))]++
		}
		stat, df, p := stattest.ChiSquare(counts, d.Prob, 5)
		t.Logf("%s: chi2=%.1f df=%d p=%.3g", kind, stat, df, p)
		if df == 0 || p < 1e-4 {
			t.Errorf("%s: distribution differs from exact: chi2=%.1f df=%d p=%.3g", kind, stat, df, p)
		}
		want := mat.NewDense(16000, 3, nil)
		r.HiddenProb(c.Visible(), want)
		for i, v := range want.RawMatrix().Data {
			if math.Abs(ph.RawMatrix().Data[i]-v) > 1e-5 {
				t.Fatalf("%s: P(h|v) entry %d is %v, want %v", kind, i, ph.RawMatrix().Data[i], v)
			}
		}
	}
}

// TestGibbsStepsHiddenIndependentOfGOMAXPROCS: the states depend on the
// seed only, and so do the probabilities, up to the float32 rounding that
// OpenBLAS varies with the row count of a call (see chunk in fast.go).
func TestGibbsStepsHiddenIndependentOfGOMAXPROCS(t *testing.T) {
	r := testmodels.RBM(50, 20, 0.3, 3)
	for _, f32 := range []bool{false, true} {
		r.SetFloat32(f32)
		run := func(procs int) []float64 {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			c := sample.NewChains(100, 50, 3)
			c.Randomize([]float64{0, 1})
			ph := mat.NewDense(100, 20, nil)
			sample.BlockGibbs{}.StepHidden(r, c, 5, ph)
			return append(append(c.Visible().RawMatrix().Data, c.Hidden().RawMatrix().Data...), ph.RawMatrix().Data...)
		}
		a, b := run(1), run(4)
		for i := range a {
			tol := 0.0
			if f32 && i >= 100*70 { // the probabilities
				tol = 1e-6
			}
			if math.Abs(a[i]-b[i]) > tol {
				t.Fatalf("float32=%v: state differs at %d between GOMAXPROCS=1 and 4: %v, %v", f32, i, a[i], b[i])
			}
		}
	}
}

// TestPhaseDifferenceHiddenApply: the ranges handed to apply cover the
// gradient once each, the gradient is that of PhaseDifferenceHidden, and
// after apply has stepped the parameters the float32 copy matches them
// without ParamsChanged (sparse data: gathered products and gradient).
func TestPhaseDifferenceHiddenApply(t *testing.T) {
	base := testmodels64(t)
	pos, neg := mixedSparse(21, 100, 15).Slice(0, 9, 0, 100).(*mat.Dense), mixedSparse(33, 100, 16).Slice(0, 12, 0, 100).(*mat.Dense)
	for _, f32 := range []bool{false, true} {
		m := rbm.New(100, 37)
		copy(m.Params(), base.Params())
		m.SetFloat32(f32)
		ph := mat.NewDense(12, 37, nil)
		m.HiddenProb(neg, ph)
		np := len(m.Params())
		want, got := make([]float64, np), make([]float64, np)
		m.PhaseDifferenceHidden(pos, nil, neg, ph, want)
		p := m.Params()
		var mu sync.Mutex
		seen := make([]int, np)
		m.PhaseDifferenceHiddenApply(pos, nil, neg, ph, got, func(lo, hi int) {
			mu.Lock()
			for i := lo; i < hi; i++ {
				seen[i]++
			}
			mu.Unlock()
			for i := lo; i < hi; i++ {
				p[i] -= 0.5 * got[i]
			}
		})
		for j := range want {
			if seen[j] != 1 {
				t.Fatalf("float32=%v: component %d handed to apply %d times", f32, j, seen[j])
			}
			if d := math.Abs(got[j] - want[j]); !(d <= 1e-12*(1+math.Abs(want[j]))) {
				t.Fatalf("float32=%v: component %d is %v, want %v", f32, j, got[j], want[j])
			}
		}
		ref := rbm.New(100, 37)
		copy(ref.Params(), p)
		x := mixedSparse(10, 100, 17)
		p64, p32 := mat.NewDense(10, 37, nil), mat.NewDense(10, 37, nil)
		ref.HiddenProb(x, p64)
		m.HiddenProb(x, p32) // no ParamsChanged: the copy must be current
		v64, v32 := mat.NewDense(10, 100, nil), mat.NewDense(10, 100, nil)
		ref.VisibleProb(p64, v64)
		m.VisibleProb(p64, v32)
		if !mat.EqualApprox(p32, p64, 1e-5) || !mat.EqualApprox(v32, v64, 1e-5) {
			t.Fatalf("float32=%v: conditionals after the applied step differ from float64", f32)
		}
	}
}
