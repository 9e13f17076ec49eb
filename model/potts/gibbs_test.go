package potts

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"boltzmann/model"
	"boltzmann/sample"
)

// chiSquare compares the counts of independent draws with the exact
// probabilities p, merging the bins whose expected count is below 5 into one
// (and refusing to judge if that bin is still too small). It returns the
// statistic and its degrees of freedom.
func chiSquare(t *testing.T, counts []int, p []float64, n int) (float64, int) {
	t.Helper()
	var stat, restObs, restExp float64
	bins := 0
	for k, pk := range p {
		exp := pk * float64(n)
		if exp < 5 {
			restObs += float64(counts[k])
			restExp += exp
			continue
		}
		d := float64(counts[k]) - exp
		stat += d * d / exp
		bins++
	}
	if restExp > 0 {
		if restExp < 5 && bins > 0 {
			// Too small to test on its own: the other bins already
			// constrain it through the total.
			return stat, bins - 1
		}
		d := restObs - restExp
		stat += d * d / restExp
		bins++
	}
	if bins < 2 {
		t.Fatal("too few bins with expected count >= 5 to judge")
	}
	return stat, bins - 1
}

// TestGibbsExact runs many independent chains and compares the distribution
// of their final states with exact enumeration. Chains are independent, so
// their final states are independent draws (no autocorrelation to correct
// for) from the distribution after the burn-in; with 40 sweeps of these
// small, moderately coupled models the remaining bias is far below the
// statistical error. The chi-square test has significance 1e-4 per case (a
// correct sampler fails about once in 10,000 seeds; the seed is fixed).
func TestGibbsExact(t *testing.T) {
	cases := []struct {
		l, q   int
		sh, sj float64
	}{
		{4, 3, 0.8, 0.6}, // generic path, two states per word
		{5, 2, 0.5, 0.8}, // one word per row
		{3, 5, 0.5, 0.5}, // odd q: unused high half of the last word
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for _, tc := range cases {
		_, m := newBrute(rng, tc.l, tc.q, tc.sh, tc.sj)
		_, p := enumerate(m)
		const n = 20000
		c := sample.NewChains(n, tc.l, 42)
		var g Gibbs
		g.Step(m, c, 40)
		counts := make([]int, len(p))
		for r := range n {
			s := 0
			for i := tc.l - 1; i >= 0; i-- {
				s = s*tc.q + int(c.Visible().At(r, i))
			}
			counts[s]++
		}
		stat, df := chiSquare(t, counts, p, n)
		crit := distuv.ChiSquared{K: float64(df)}.Quantile(1 - 1e-4)
		t.Logf("L=%d q=%d: chi² = %.1f with %d degrees of freedom (critical %.1f)", tc.l, tc.q, stat, df, crit)
		if stat > crit {
			t.Errorf("L=%d q=%d: chi² = %.1f > %.1f: sampler does not match the exact distribution", tc.l, tc.q, stat, crit)
		}
	}
}

// TestGibbsProtein checks the unrolled q = 21 path: on L = 3 the one-site
// marginals of independent chains must match the exact marginals (chi-square
// per site, significance 1e-4 each).
func TestGibbsProtein(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	_, m := newBrute(rng, 3, 21, 0.7, 0.4)
	x, p := enumerate(m)
	const n = 20000
	c := sample.NewChains(n, 3, 7)
	c.Randomize(m.States())
	Sweep(m, c, 30)
	for i := range 3 {
		exact := make([]float64, 21)
		for s, ps := range p {
			exact[int(x.At(s, i))] += ps
		}
		counts := make([]int, 21)
		for r := range n {
			counts[int(c.Visible().At(r, i))]++
		}
		stat, df := chiSquare(t, counts, exact, n)
		crit := distuv.ChiSquared{K: float64(df)}.Quantile(1 - 1e-4)
		if stat > crit {
			t.Errorf("site %d: chi² = %.1f > %.1f", i, stat, crit)
		}
	}
}

// TestGibbsFieldsAccuracy compares the sampler's quantized local fields with
// exact energy differences on a protein-sized site (L = 53, q = 21).
func TestGibbsFieldsAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	m := randomModel(rng, 53, 21, 1, 0.3)
	var g Gibbs
	g.prepare(m)
	x := make([]uint8, 53)
	xf := make([]float64, 53)
	for k := range x {
		x[k] = uint8(rng.IntN(21))
		xf[k] = float64(x[k])
	}
	sums := make([]uint64, g.w)
	hf := make([]float32, 21)
	deltas := make([]float64, 21)
	worst := 0.0
	for i := range 53 {
		g.siteSums(i, 21, x, sums)
		g.fields(i, sums, hf)
		m.SiteDeltas(xf, i, deltas)
		// hf[a] - hf[x_i] must equal -(E(x_i = a) - E(x)).
		for a := range 21 {
			got := float64(hf[a] - hf[x[i]])
			worst = math.Max(worst, math.Abs(got+deltas[a]))
		}
	}
	// float32 fields of magnitude ~10 carry errors of a few 1e-6.
	if worst > 2e-5 {
		t.Errorf("worst local-field error %g nats", worst)
	}
	for _, v := range []float32{0, -1e-3, -0.5, -1, -3.7, -20, -86.9} {
		if got, want := float64(exp32(v)), math.Exp(float64(v)); math.Abs(got-want) > 1e-6*want {
			t.Errorf("exp32(%g) = %g, want %g", v, got, want)
		}
	}
	if exp32(-100) != 0 {
		t.Error("exp32(-100) != 0")
	}
}

// TestGibbsDeterministic checks that the chains depend on the seed only,
// not on the number of cores, and that a Step of n sweeps equals n Steps.
func TestGibbsDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	m := randomModel(rng, 7, 21, 0.5, 0.3)
	run := func(procs, steps, per int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		c := sample.NewChains(300, 7, 5) // 19 blocks, 3 groups
		var g Gibbs
		for range steps {
			g.Step(m, c, per)
		}
		return c.Visible().RawMatrix().Data
	}
	a, b, d := run(1, 1, 6), run(4, 1, 6), run(2, 3, 2)
	for k := range a {
		if a[k] != b[k] || a[k] != d[k] {
			t.Fatalf("chain state %d differs: %g (1 core), %g (4 cores), %g (3 steps)", k, a[k], b[k], d[k])
		}
	}
}

// TestGibbsSeesChangedParameters: the coupling table kept between Steps is
// rebuilt as soon as the model's parameters change, in a field or in a
// coupling, and a Step after the change samples the changed model.
func TestGibbsSeesChangedParameters(t *testing.T) {
	const l, q, n = 6, 4, 64
	rng := rand.New(rand.NewPCG(3, 3))
	m := randomModel(rng, l, q, 0.3, 0.2)
	c := sample.NewChains(n, l, 5)
	c.Randomize(m.States())
	var g Gibbs
	g.Step(m, c, 3)
	onlyState := func(site, a int) {
		t.Helper()
		for r := range n {
			if got := int(c.Visible().At(r, site)); got != a {
				t.Fatalf("chain %d: site %d in state %d, want %d after the parameter change", r, site, got, a)
			}
		}
	}
	// A field of 60 nats makes state 2 of site 0 certain.
	m.SetField(0, 2, 60)
	g.Step(m, c, 1)
	onlyState(0, 2)
	// A coupling of 60 nats between state 2 of site 0 and state 1 of
	// site 3 makes state 1 of site 3 certain given site 0.
	m.SetCoupling(0, 3, 2, 1, 60)
	g.Step(m, c, 1)
	onlyState(3, 1)
}

// TestGibbsTemperedExact: Gibbs of a tempered view of a Potts model
// (model.Transformed with β = 0.45 and β = 2, what parallel tempering
// runs at each level) samples p_β ∝ p^β: chi-square against enumeration
// as in TestGibbsExact (significance 1e-4); DefaultSampler of the view is
// the model's own Gibbs, not a sampler on a tempered copy.
func TestGibbsTemperedExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	_, m := newBrute(rng, 4, 3, 0.8, 0.6)
	_, p := enumerate(m)
	for _, beta := range []float64{0.45, 2} {
		tm, err := model.NewTransformed(m, &model.Transform{Beta: beta})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := sample.DefaultSampler(tm).(*Gibbs); !ok {
			t.Fatalf("DefaultSampler of the tempered view is %T, not *Gibbs", sample.DefaultSampler(tm))
		}
		pb, z := make([]float64, len(p)), 0.0
		for k, v := range p {
			pb[k] = math.Pow(v, beta)
			z += pb[k]
		}
		for k := range pb {
			pb[k] /= z
		}
		const n = 20000
		c := sample.NewChains(n, 4, 43)
		var g Gibbs
		g.Step(tm, c, 40)
		counts := make([]int, len(p))
		for r := range n {
			s := 0
			for i := 3; i >= 0; i-- {
				s = s*3 + int(c.Visible().At(r, i))
			}
			counts[s]++
		}
		stat, df := chiSquare(t, counts, pb, n)
		crit := distuv.ChiSquared{K: float64(df)}.Quantile(1 - 1e-4)
		t.Logf("β = %v: chi² = %.1f with %d degrees of freedom (critical %.1f)", beta, stat, df, crit)
		if stat > crit {
			t.Errorf("β = %v: chi² = %.1f > %.1f: the tempered sampler does not match p^β", beta, stat, crit)
		}
		if g2, _ := chiSquare(t, counts, p, n); g2 < crit {
			t.Errorf("β = %v: the draws also fit the untempered distribution (chi² %.1f): the test has no power", beta, g2)
		}
	}
}
