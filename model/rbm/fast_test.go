package rbm_test

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/exact"
	"boltzmann/internal/stattest"
	"boltzmann/internal/testmodels"
	"boltzmann/model/rbm"
	"boltzmann/sample"
)

// float32Copy returns a copy of r in float32 mode.
func float32Copy(r *rbm.RBM) *rbm.RBM {
	f := rbm.New(r.Dim(), r.HiddenDim())
	copy(f.Params(), r.Params())
	f.SetFloat32(true)
	return f
}

func randomBinary(n, d int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := mat.NewDense(n, d, nil)
	for i := range n {
		for j := range d {
			x.Set(i, j, float64(rng.IntN(2)))
		}
	}
	return x
}

// mixedSparse returns n×d binary rows whose densities cycle through 5%,
// 12%, 60% and 20%, so that both the gathered (sparse) and the GEMM
// (dense) products of the float32 path run, in runs of rows of each kind.
func mixedSparse(n, d int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 2))
	x := mat.NewDense(n, d, nil)
	density := []float64{0.05, 0.12, 0.6, 0.2}
	for i := range n {
		for j := range d {
			if rng.Float64() < density[(i/3)%len(density)] {
				x.Set(i, j, 1)
			}
		}
	}
	return x
}

// TestFloat32StatsMatchFloat64: the float32 AddStats and AddHiddenStats sums
// (nonnegative terms, products in float32, sums in float64) agree with the
// float64 reference within 1e-5 relative to the largest sum, and the
// conditionals within 1e-5 absolute (float32 has 24 bits: about 6e-8 per
// operation, 1e-6 after a 100-term dot product).
func TestFloat32StatsMatchFloat64(t *testing.T) {
	r := testmodels.RBM(100, 37, 0.5, 4)
	f := float32Copy(r)
	x := randomBinary(70, 100, 5)
	w := make([]float64, 70)
	for i := range w {
		w[i] = 0.5 + float64(i%7)
	}
	hb := randomBinary(70, 37, 6)
	xs := mixedSparse(70, 100, 7)
	// Grayscale-like rows: the sparse pattern of xs with values in (0, 1].
	xg := mixedSparse(70, 100, 7)
	for i, v := range xg.RawMatrix().Data {
		if v != 0 {
			xg.RawMatrix().Data[i] = float64(i%10+1) / 10
		}
	}
	for _, tc := range []struct {
		name string
		run  func(m *rbm.RBM, sum []float64)
	}{
		{"AddStats", func(m *rbm.RBM, s []float64) { m.AddStats(x, nil, s) }},
		{"AddStats/weighted", func(m *rbm.RBM, s []float64) { m.AddStats(x, w, s) }},
		{"AddStats/sparse", func(m *rbm.RBM, s []float64) { m.AddStats(xs, w, s) }},
		{"AddStats/sparse-grayscale", func(m *rbm.RBM, s []float64) { m.AddStats(xg, w, s) }},
		{"AddStats/sparse-rows", func(m *rbm.RBM, s []float64) { m.AddStats(xs.Slice(0, 6, 0, 100).(*mat.Dense), nil, s) }},
		{"AddHiddenStats", func(m *rbm.RBM, s []float64) { m.AddHiddenStats(hb, w, s) }},
	} {
		want := make([]float64, len(r.Params()))
		got := make([]float64, len(r.Params()))
		tc.run(r, want)
		tc.run(f, got)
		scale := 0.0
		for _, v := range want {
			scale = max(scale, math.Abs(v))
		}
		for j := range want {
			if d := math.Abs(got[j] - want[j]); d > 1e-5*scale {
				t.Fatalf("%s: parameter %d: float32 %v, float64 %v", tc.name, j, got[j], want[j])
			}
		}
	}
	defer rbm.SetTransposeMinWork(1)()
	hs := mixedSparse(70, 37, 8) // sparse hidden rows: products gathered from Wᵀ
	for _, in := range []*mat.Dense{x, xs, xg, hb, hs} {
		toHidden, out := in != hb && in != hs, 37
		if !toHidden {
			out = 100
		}
		n, _ := in.Dims()
		p64, p32 := mat.NewDense(n, out, nil), mat.NewDense(n, out, nil)
		if toHidden {
			r.HiddenProb(in, p64)
			f.HiddenProb(in, p32)
		} else {
			r.VisibleProb(in, p64)
			f.VisibleProb(in, p32)
		}
		for i, v := range p64.RawMatrix().Data {
			if d := math.Abs(p32.RawMatrix().Data[i] - v); d > 1e-5 {
				t.Fatalf("conditional (toHidden=%v) %d: float32 %v, float64 %v", toHidden, i, p32.RawMatrix().Data[i], v)
			}
		}
	}
}

// TestFloat32MirrorRefresh: writes through Params are seen by the float32
// path, and ParamsChanged covers writes through a slice kept from before.
func TestFloat32MirrorRefresh(t *testing.T) {
	r := testmodels.RBM(8, 4, 1, 2)
	f := float32Copy(r)
	x := randomBinary(5, 8, 1)
	p64, p32 := mat.NewDense(5, 4, nil), mat.NewDense(5, 4, nil)
	kept := f.Params()
	f.HiddenProb(x, p32)
	for i := range kept {
		kept[i] *= -1
		r.Params()[i] *= -1
	}
	f.ParamsChanged()
	f.HiddenProb(x, p32)
	r.HiddenProb(x, p64)
	if !mat.EqualApprox(p32, p64, 1e-5) {
		t.Fatal("float32 mirror not refreshed after ParamsChanged")
	}
	f.HiddenBias()[0] += 3
	r.HiddenBias()[0] += 3
	f.HiddenProb(x, p32)
	r.HiddenProb(x, p64)
	if !mat.EqualApprox(p32, p64, 1e-5) {
		t.Fatal("float32 mirror not refreshed after HiddenBias")
	}
	// The transposed copy used for sparse hidden rows follows too.
	defer rbm.SetTransposeMinWork(1)()
	h := mat.NewDense(5, 4, []float64{1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0})
	v64, v32 := mat.NewDense(5, 8, nil), mat.NewDense(5, 8, nil)
	f.VisibleProb(h, v32)
	f.Weights().Set(0, 0, 2.5)
	r.Weights().Set(0, 0, 2.5)
	f.VisibleProb(h, v32)
	r.VisibleProb(h, v64)
	if !mat.EqualApprox(v32, v64, 1e-5) {
		t.Fatal("transposed float32 weights not refreshed after Weights")
	}
}

// TestFastGibbsMatchesExact runs 16,000 independent chains of the fused
// block Gibbs kernel (float64 and float32 modes) for 60 transitions from a
// random start and compares the histogram of the final states with the
// exact distribution (Pearson chi-square; fails when p < 1e-4, the expected
// false-failure rate with this fixed seed).
func TestFastGibbsMatchesExact(t *testing.T) {
	r := testmodels.RBM(6, 3, 1.0, 1)
	sparse := testmodels.RBM(6, 3, 1.0, 1)
	for j := range sparse.HiddenBias() {
		sparse.HiddenBias()[j] = -2 // mostly one hidden unit on at most: gathered from Wᵀ
	}
	for _, tc := range []struct {
		r   *rbm.RBM
		f32 bool
	}{{r, false}, {r, true}, {sparse, true}} {
		r, f32 := tc.r, tc.f32
		d, err := exact.NewDistribution(r)
		if err != nil {
			t.Fatal(err)
		}
		m := rbm.New(6, 3)
		copy(m.Params(), r.Params())
		m.SetFloat32(f32)
		c := sample.NewChains(16000, 6, 7)
		c.Randomize([]float64{0, 1})
		sample.BlockGibbs{}.Step(m, c, 60)
		counts := make([]int, d.Space.Count)
		for i := range c.Len() {
			counts[d.Space.Index(c.Visible().RawRowView(i))]++
		}
		stat, df, p := stattest.ChiSquare(counts, d.Prob, 5)
		t.Logf("float32=%v: chi2=%.1f df=%d p=%.3g TV=%.4f", f32, stat, df, p, stattest.TotalVariation(counts, d.Prob))
		if df == 0 || p < 1e-4 {
			t.Errorf("float32=%v: distribution differs from exact: chi2=%.1f df=%d p=%.3g", f32, stat, df, p)
		}
	}
}

// TestFastGibbsIndependentOfGOMAXPROCS: the fused kernel's result depends on
// the seed only.
func TestFastGibbsIndependentOfGOMAXPROCS(t *testing.T) {
	r := testmodels.RBM(50, 20, 0.3, 3)
	sparse := testmodels.RBM(50, 20, 0.3, 3)
	for i := range sparse.VisibleBias() {
		sparse.VisibleBias()[i] = -2 // about 12% of the visible units on: gathered products
	}
	for _, tc := range []struct {
		r   *rbm.RBM
		f32 bool
	}{{r, false}, {r, true}, {sparse, true}} {
		r, f32 := tc.r, tc.f32
		r.SetFloat32(f32)
		run := func(procs int) []float64 {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			c := sample.NewChains(100, 50, 3)
			c.Randomize([]float64{0, 1})
			sample.BlockGibbs{}.Step(r, c, 5)
			return append(c.Visible().RawMatrix().Data, c.Hidden().RawMatrix().Data...)
		}
		a, b := run(1), run(4)
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("float32=%v: state differs at %d between GOMAXPROCS=1 and 4", f32, i)
			}
		}
	}
}

// TestNoAllocations: the float64 methods reuse pooled buffers.
func TestNoAllocations(t *testing.T) {
	r := testmodels.RBM(30, 10, 0.3, 3)
	x := randomBinary(8, 30, 2)
	out := make([]float64, 8)
	sum := make([]float64, len(r.Params()))
	if a := testing.AllocsPerRun(20, func() { r.FreeEnergy(x, out) }); a > 1 {
		t.Errorf("FreeEnergy allocates %v times per call", a)
	}
	if a := testing.AllocsPerRun(20, func() { r.AddStats(x, out, sum) }); a > 1 {
		t.Errorf("AddStats allocates %v times per call", a)
	}
}
