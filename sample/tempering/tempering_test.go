package tempering

import (
	"bytes"
	"math"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/exact"
	"boltzmann/internal/mathx"
	"boltzmann/internal/stattest"
	"boltzmann/internal/testmodels"
	"boltzmann/model"
	"boltzmann/model/ising"
	"boltzmann/sample"
)

// ferromagnet returns n ±1 spins with all couplings j and every field h:
// two modes (all up, all down) with probabilities in the ratio e^{2nh},
// separated by an energy barrier of about j·n²/4 nats.
func ferromagnet(n int, j, h float64) *ising.Model {
	m := ising.New(n, ising.PlusMinus)
	for a := range n {
		for b := a + 1; b < n; b++ {
			m.SetCoupling(a, b, j)
		}
		m.Fields()[a] = h
	}
	return m
}

// magnetization returns Σ_i x_i of row k.
func magnetization(x *mat.Dense, k int) float64 {
	s := 0.0
	for _, v := range x.RawRowView(k) {
		s += v
	}
	return s
}

// TestColdReplicaMatchesExactOnBimodalModel: on a 12-spin ferromagnet
// whose two modes hold about 70% and 30% of the probability and are
// separated by a barrier of about 18 nats, plain single-site Gibbs started
// in the minor mode stays there (fewer than 5% of 1,000 chains leave it in
// 450 sweeps, where 70% should be in the other mode), while the cold
// replicas of PT (5 replicas, ladder adapted during 150 transitions of
// burn-in, then 300 more) reproduce the exact distribution of all 4096
// states: one draw per independent PT chain, Pearson's chi-square test at
// p ≥ 1e-4 (bins with fewer than 5 expected draws pooled). The draws are
// independent across chains; within a chain, the integrated
// autocorrelation time τ of the cold replica's mode after burn-in must be
// below 1/15 of the 450 transitions from the start to the draw, so that
// the draws have forgotten the start (the test checks that too). τ is
// that of the mode indicator about its exact mean, so that a chain stuck
// in one mode counts as fully correlated.
func TestColdReplicaMatchesExactOnBimodalModel(t *testing.T) {
	const n, chains, burn, run = 12, 2000, 150, 300
	m := ferromagnet(n, 0.25, -0.035) // the field favours the down mode
	d, err := exact.NewDistribution(m)
	if err != nil {
		t.Fatal(err)
	}
	pUp := 0.0
	for idx, p := range d.Prob {
		x := mat.NewDense(1, n, nil)
		d.Space.Config(idx, x.RawRowView(0))
		if magnetization(x, 0) > 0 {
			pUp += p
		}
	}
	start := func(chains int) *sample.Chains {
		c := sample.NewChains(chains, n, 11)
		for k := range chains {
			row := c.Visible().RawRowView(k)
			for i := range row {
				row[i] = 1 // every chain in the up (minor) mode
			}
		}
		return c
	}
	upFraction := func(c *sample.Chains) float64 {
		up := 0
		for k := range c.Len() {
			if magnetization(c.Visible(), k) > 0 {
				up++
			}
		}
		return float64(up) / float64(c.Len())
	}

	g := start(1000)
	sample.SiteGibbs{}.Step(m, g, burn+run)
	if f := upFraction(g); f < 0.95 {
		t.Fatalf("plain Gibbs left the up mode (up fraction %.3f): the model is not bimodal enough for this test", f)
	}

	pt, err := New(Settings{Replicas: 5, MinBeta: 0.05, Adapt: burn})
	if err != nil {
		t.Fatal(err)
	}
	c := start(chains)
	pt.Step(m, c, burn)
	series := make([][]float64, 400) // mode of 500 chains' cold replicas (1: up)
	for k := range series {
		series[k] = make([]float64, run)
	}
	for s := range run {
		pt.Step(m, c, 1)
		for k := range series {
			if magnetization(c.Visible(), k) > 0 {
				series[k][s] = 1
			}
		}
	}
	tau := modeAutocorrTime(series, pUp)
	counts := make([]int, d.Space.Count)
	for k := range chains {
		counts[d.Space.Index(c.Visible().RawRowView(k))]++
	}
	stat, df, p := stattest.ChiSquare(counts, d.Prob, 5)
	diag := pt.Diagnostics()
	t.Logf("exact P(up) %.3f, Gibbs %.3f, PT %.3f; chi2 %.1f df %d p %.3g; tau %.1f; ladder %.3f; acceptance %.2f; round trip %.0f transitions",
		pUp, upFraction(g), upFraction(c), stat, df, p, tau, pt.Betas(), diag.MeanAcceptance(), diag.RoundTripTime(chains))
	if !(tau < (burn+run)/15) {
		t.Errorf("cold replica autocorrelation time %.1f transitions is not below %d: the draws may remember the start", tau, (burn+run)/15)
	}
	if df == 0 || p < 1e-4 {
		t.Errorf("cold replicas differ from the exact distribution: chi2 %.1f df %d p %.3g", stat, df, p)
	}
}

// modeAutocorrTime returns Sokal's windowed integrated autocorrelation
// time (window M ≥ 5τ) of the series u_k(t), centered at their exact mean
// mu and normalized by the pooled variance about it, with the
// autocovariances summed over chains.
func modeAutocorrTime(u [][]float64, mu float64) float64 {
	n := len(u[0])
	cov := func(t int) float64 {
		s := 0.0
		for _, x := range u {
			for i := 0; i+t < n; i++ {
				s += (x[i] - mu) * (x[i+t] - mu)
			}
		}
		return s
	}
	c0, tau := cov(0), 1.0
	for m := 1; m < n; m++ {
		tau += 2 * cov(m) / c0
		if float64(m) >= 5*tau {
			break
		}
	}
	return tau
}

// temperedProbs returns the exact distribution of m's visible states at
// inverse temperature beta, from the definition (p ∝ Σ_h e^{-βE(v,h)} for
// an RBM, enumerating h with Energy), over all 2^Dim binary states indexed
// with unit 0 the most significant bit.
func temperedProbs(m model.Bipartite, beta float64) []float64 {
	nv, nh := m.Dim(), m.HiddenDim()
	lw := make([]float64, 1<<nv)
	v, h := mat.NewDense(1<<nh, nv, nil), mat.NewDense(1<<nh, nh, nil)
	for j := range 1 << nh {
		setBits(h.RawRowView(j), j)
	}
	e := make([]float64, 1<<nh)
	for idx := range lw {
		for j := range 1 << nh {
			setBits(v.RawRowView(j), idx)
		}
		m.Energy(v, h, e)
		for j := range e {
			e[j] *= -beta
		}
		lw[idx] = mathx.LogSumExp(e)
	}
	lz := mathx.LogSumExp(lw)
	for i := range lw {
		lw[i] = math.Exp(lw[i] - lz)
	}
	return lw
}

func setBits(row []float64, idx int) {
	for i := range row {
		row[i] = float64(idx >> (len(row) - 1 - i) & 1)
	}
}

func bitsIndex(row []float64) int {
	idx := 0
	for _, v := range row {
		idx = idx<<1 | int(v)
	}
	return idx
}

// TestSwapDetailedBalance checks the swap move of a 2-replica PT on a
// 3×2 RBM (β = 1 and 0.4) against enumeration of the joint replica space
// (8 × 8 states). The exact swap probability of the move from (a, b) to
// (b, a) is A(a,b) = min(1, π_0(b)π_1(a) / (π_0(a)π_1(b))), π_β the exact
// tempered marginals computed from the joint energy; A satisfies detailed
// balance π_0(a)π_1(b)A(a,b) = π_0(b)π_1(a)A(b,a). Every joint state is
// put into 2,000 chains and the sampler's swap move alone is applied
// once: the swapped fraction of each state must match A(a,b) within 4.5
// binomial standard errors (64 states; the chance that any of them fails
// by accident is below 1e-3), and the flows π(a,b)·Â(a,b) and
// π(b,a)·Â(b,a) of the observed fractions must agree likewise.
func TestSwapDetailedBalance(t *testing.T) {
	const copies = 2000
	m := testmodels.RBM(3, 2, 1.5, 5)
	betas := []float64{1, 0.4}
	p0, p1 := temperedProbs(m, betas[0]), temperedProbs(m, betas[1])
	pt, err := New(Settings{Betas: betas, Adapt: -1})
	if err != nil {
		t.Fatal(err)
	}
	const states = 64
	n := states * copies
	c := sample.NewChains(n, 3, 3)
	for k := range n {
		setBits(c.Visible().RawRowView(k), (k%states)/8)
	}
	pt.start(c)
	for k := range n {
		setBits(pt.hot[0].Visible().RawRowView(k), k%8)
	}
	pt.prepare(m)
	pt.swap(c)
	swapped := make([]int, states)
	for k := range n {
		a, b := (k%states)/8, k%8
		switch {
		case bitsIndex(c.Visible().RawRowView(k)) == b && bitsIndex(pt.hot[0].Visible().RawRowView(k)) == a:
			if a != b {
				swapped[k%states]++
			}
		case bitsIndex(c.Visible().RawRowView(k)) != a || bitsIndex(pt.hot[0].Visible().RawRowView(k)) != b:
			t.Fatalf("chain %d left the states it was given", k)
		}
	}
	worst := 0.0
	frac := func(a, b int) (got, want, se float64) {
		want = min(1, p0[b]*p1[a]/(p0[a]*p1[b]))
		got = float64(swapped[a*8+b]) / copies
		return got, want, math.Sqrt(max(want*(1-want), 1.0/copies) / copies)
	}
	for s := range states {
		a, b := s/8, s%8
		if a == b {
			continue
		}
		got, want, se := frac(a, b)
		worst = max(worst, math.Abs(got-want)/se)
		if math.Abs(got-want) > 4.5*se {
			t.Errorf("state (%d,%d): swapped %.4f, exact %.4f (%.1f standard errors)", a, b, got, want, (got-want)/se)
		}
		// Detailed balance of the observed move.
		gotBack, _, seBack := frac(b, a)
		fab, fba := p0[a]*p1[b]*got, p0[b]*p1[a]*gotBack
		seFlow := math.Hypot(p0[a]*p1[b]*se, p0[b]*p1[a]*seBack)
		if math.Abs(fab-fba) > 4.5*seFlow {
			t.Errorf("flows (%d,%d)→(%d,%d) %.4g and back %.4g differ by %.1f standard errors", a, b, b, a, fab, fba, (fab-fba)/seFlow)
		}
	}
	t.Logf("largest deviation %.2f standard errors", worst)
}

// TestTwoReplicaJointMatchesProduct runs a 2-replica PT on a 4×3 RBM
// (β = 1 and 0.3) from a random start and compares the joint histogram of
// the two replicas' states (16 × 16 cells, one draw per independent chain
// after 60 transitions, far beyond this small model's mixing time) with
// the product of the exact tempered marginals by Pearson's chi-square
// test at p ≥ 1e-4: the swaps must leave the product distribution
// invariant.
func TestTwoReplicaJointMatchesProduct(t *testing.T) {
	const chains = 16000
	m := testmodels.RBM(4, 3, 1.5, 9)
	betas := []float64{1, 0.3}
	p0, p1 := temperedProbs(m, betas[0]), temperedProbs(m, betas[1])
	pt, err := New(Settings{Betas: betas, Adapt: -1})
	if err != nil {
		t.Fatal(err)
	}
	c := sample.NewChains(chains, 4, 21)
	c.Randomize([]float64{0, 1})
	pt.Step(m, c, 60)
	counts := make([]int, 256)
	probs := make([]float64, 256)
	for a := range 16 {
		for b := range 16 {
			probs[a*16+b] = p0[a] * p1[b]
		}
	}
	for k := range chains {
		counts[bitsIndex(c.Visible().RawRowView(k))*16+bitsIndex(pt.hot[0].Visible().RawRowView(k))]++
	}
	stat, df, p := stattest.ChiSquare(counts, probs, 5)
	acc := pt.Diagnostics().MeanAcceptance()
	t.Logf("chi2 %.1f df %d p %.3g; swap acceptance %.3f", stat, df, p, acc[0])
	if df == 0 || p < 1e-4 {
		t.Errorf("joint replica distribution differs from the product of the tempered ones: chi2 %.1f df %d p %.3g", stat, df, p)
	}
	if !(acc[0] > 0.05 && acc[0] < 1) {
		t.Errorf("swap acceptance %.3f: the test would not exercise the swaps", acc[0])
	}
}

// TestAdaptReachesTarget: on a 10-spin ferromagnet the adapted ladder of
// 3 replicas gives every pair a mean swap acceptance
// within 0.1 of the target 0.3 over the 300 transitions after 600 of
// adaptation with 400 chains (the binomial noise of the mean is about
// 0.01; what remains is the adaptation's own error). (With more replicas
// the pairs below β ≈ 0.08 accept more than 0.3 even at β ≈ 0 and the
// surplus replicas gather there, as the package doc says.)
func TestAdaptReachesTarget(t *testing.T) {
	m := ferromagnet(10, 0.5, -0.05)
	pt, err := New(Settings{Replicas: 3, Adapt: 600})
	if err != nil {
		t.Fatal(err)
	}
	c := sample.NewChains(400, 10, 5)
	c.Randomize([]float64{-1, 1})
	pt.Step(m, c, 900)
	d := pt.Diagnostics()
	acc := d.MeanAcceptance()
	t.Logf("ladder %.3f, acceptance %.3f, round trip %.1f transitions", pt.Betas(), acc, d.RoundTripTime(400))
	for p, a := range acc {
		if math.Abs(a-0.3) > 0.1 {
			t.Errorf("pair %d accepts %.3f, target 0.3", p, a)
		}
	}
	if d.Steps != 300 || d.RoundTrips == 0 {
		t.Errorf("diagnostics count %d steps and %d round trips, want 300 and some", d.Steps, d.RoundTrips)
	}
}

// TestDeterministicAndResumable: the same seed gives the same replicas on
// 1 and 2 cores, and a sampler serialized after 30 transitions, restored
// into a new one and run 30 more ends bit-identical to one run of 60.
func TestDeterministicAndResumable(t *testing.T) {
	m := testmodels.RBM(8, 4, 1.5, 2)
	run := func(procs int, split bool) ([]byte, []byte) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		pt, _ := New(Settings{Replicas: 4})
		c := sample.NewChains(50, 8, 4)
		c.Randomize([]float64{0, 1})
		pt.Step(m, c, 30)
		if split {
			b, err := pt.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			cb, _ := c.MarshalBinary()
			pt, _ = New(Settings{Replicas: 4})
			if err := pt.UnmarshalBinary(b); err != nil {
				t.Fatal(err)
			}
			c = new(sample.Chains)
			if err := c.UnmarshalBinary(cb); err != nil {
				t.Fatal(err)
			}
		}
		pt.Step(m, c, 30)
		cs, _ := c.MarshalBinary()
		ps, _ := pt.MarshalBinary()
		return cs, ps
	}
	c1, p1 := run(1, false)
	c2, p2 := run(2, false)
	c3, p3 := run(2, true)
	if !bytes.Equal(c1, c2) || !bytes.Equal(p1, p2) {
		t.Error("results differ between 1 and 2 cores")
	}
	if !bytes.Equal(c1, c3) || !bytes.Equal(p1, p3) {
		t.Error("a resumed sampler differs from an uninterrupted one")
	}
	other, _ := New(Settings{Replicas: 5})
	if err := other.UnmarshalBinary(p1); err == nil {
		t.Error("a 4-replica state was accepted by a 5-replica sampler")
	}
}

// TestSettingsChecked: settings out of range are refused.
func TestSettingsChecked(t *testing.T) {
	for _, s := range []Settings{
		{Replicas: 1}, {SwapAcceptance: 1.5}, {MinBeta: 2},
		{Betas: []float64{0.9, 0.5}}, {Betas: []float64{1, 1}}, {Replicas: 3, Betas: []float64{1, 0.5}},
	} {
		if _, err := New(s); err == nil {
			t.Errorf("%+v accepted", s)
		}
	}
}
