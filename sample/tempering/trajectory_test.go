package tempering

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/exact"
	"boltzmann/internal/mathx"
	"boltzmann/internal/stattest"
	"boltzmann/internal/testmodels"
	"boltzmann/model"
	"boltzmann/model/rbm"
	"boltzmann/sample"
)

// trajectoryOf returns K+1 rbms along a straight path to target: model k
// has target's weights times (k/K)² and its biases, so model 0 has zero
// weights and log Z = Σ softplus(a) + Σ softplus(b).
func trajectoryOf(target *rbm.RBM, K int) []model.Model {
	out := make([]model.Model, K+1)
	nw := target.Dim() * target.HiddenDim()
	for k := range out {
		r := rbm.New(target.Dim(), target.HiddenDim())
		p, q := r.Params(), target.Params()
		s := math.Pow(float64(k)/float64(K), 2)
		for i := range p {
			p[i] = q[i]
			if i < nw {
				p[i] *= s
			}
		}
		out[k] = r
	}
	return out
}

func zeroWeightLogZ(r *rbm.RBM) float64 {
	z := 0.0
	for _, a := range r.VisibleBias() {
		z += mathx.Softplus(a)
	}
	for _, b := range r.HiddenBias() {
		z += mathx.Softplus(b)
	}
	return z
}

// TestTrajectoryMatchesExact: trajectory tempering over 9 models on the
// way to an 8×4 rbm with strong weights (scale 2.5; model 0 has zero
// weights), the ladder chosen by ChooseLadder for acceptance ≥ 0.3 from
// 400 pilot draws of 50 Gibbs steps per model, 1,000 independent chains,
// 100 transitions of burn-in and 200 more. The final model's replicas
// reproduce its exact distribution over the 256 visible states (one draw
// per chain, chi-square at p ≥ 1e-4, bins under 5 expected pooled); the
// integrated autocorrelation time of the final level's free energy after
// burn-in (about its exact mean) must be below 300/15 transitions, so
// that the draws have forgotten the start. Bridge's log Z of the final
// model from the 200 transitions, started at the exact log Z of model 0,
// matches exact enumeration within 4 jackknife standard errors (20 groups
// of chains), and the error bar is below 0.05 nats so that the check has
// teeth.
func TestTrajectoryMatchesExact(t *testing.T) {
	const chains, burn, run = 1000, 100, 200
	target := testmodels.RBM(8, 4, 2.5, 14)
	traj := trajectoryOf(target, 8)
	pilot := make([]*mat.Dense, len(traj))
	for k, m := range traj {
		c := sample.NewChains(400, 8, uint64(100+k))
		c.Randomize([]float64{0, 1})
		sample.DefaultSampler(m).Step(m, c, 50)
		pilot[k] = c.Visible()
	}
	levels, acc := ChooseLadder(traj, pilot, 0.3)
	if levels[0] != len(traj)-1 || levels[len(levels)-1] != 0 {
		t.Fatalf("ladder %v does not run from the final model to model 0", levels)
	}
	ladder := make([]model.Model, 0, len(levels)-1)
	for _, l := range levels[1:] {
		ladder = append(ladder, traj[l])
	}
	final := traj[len(traj)-1]
	d, err := exact.NewDistribution(final)
	if err != nil {
		t.Fatal(err)
	}
	bridge := NewBridge(len(levels), chains, 20)
	recording := false
	ts, err := New(Settings{Models: ladder, OnSwap: func(p int, fwd, rev []float64) {
		if recording {
			bridge.Add(p, fwd, rev)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	c := sample.NewChains(chains, 8, 5)
	c.Randomize([]float64{0, 1})
	ts.Step(final, c, burn)
	recording = true
	// Exact mean free energy, and the series of 300 chains.
	x := mat.NewDense(d.Space.Count, 8, nil)
	for idx := range d.Space.Count {
		d.Space.Config(idx, x.RawRowView(idx))
	}
	f := make([]float64, d.Space.Count)
	final.FreeEnergy(x, f)
	meanF := 0.0
	for idx, p := range d.Prob {
		meanF += p * f[idx]
	}
	series := make([][]float64, 300)
	for k := range series {
		series[k] = make([]float64, run)
	}
	fc := make([]float64, chains)
	for s := range run {
		ts.Step(final, c, 1)
		final.FreeEnergy(c.Visible(), fc)
		for k := range series {
			series[k][s] = fc[k]
		}
	}
	tau := modeAutocorrTime(series, meanF)
	counts := make([]int, d.Space.Count)
	for k := range chains {
		counts[d.Space.Index(c.Visible().RawRowView(k))]++
	}
	stat, df, p := stattest.ChiSquare(counts, d.Prob, 5)
	diag := ts.Diagnostics()
	logZ, se := bridge.LogZ(zeroWeightLogZ(traj[0].(*rbm.RBM)))
	t.Logf("ladder %v (pilot acceptance %.2f); swap acceptance %.2f; round trips %d; tau %.1f; chi2 %.1f df %d p %.3g; log Z %.4f ± %.4f, exact %.4f",
		levels, acc, diag.MeanAcceptance(), diag.RoundTrips, tau, stat, df, p, logZ, se, d.LogZ)
	if !(tau < (burn+run)/15) {
		t.Errorf("final level autocorrelation time %.1f is not below %d transitions", tau, (burn+run)/15)
	}
	if df == 0 || p < 1e-4 {
		t.Errorf("final-model replicas differ from the exact distribution: chi2 %.1f df %d p %.3g", stat, df, p)
	}
	if !(se < 0.05) || math.Abs(logZ-d.LogZ) > 4*se {
		t.Errorf("log Z along the trajectory %.4f ± %.4f, exact %.4f (%.1f standard errors)", logZ, se, d.LogZ, (logZ-d.LogZ)/se)
	}
	if diag.RoundTrips == 0 {
		t.Errorf("no round trip along the ladder")
	}
}

// TestTrajectorySwapDetailedBalance checks the swap move between two
// different 3×2 rbms (not tempered copies of one model) by enumeration of
// the joint space of the two levels' visible states (8 × 8), as
// TestSwapDetailedBalance does for inverse temperatures: every joint
// state in 2,000 chains, one swap move; each state's swapped fraction
// matches min(1, π_0(b)π_1(a)/(π_0(a)π_1(b))) within 4.5 binomial
// standard errors, and the observed flows of (a,b) → (b,a) and back agree
// within 4.5 standard errors.
func TestTrajectorySwapDetailedBalance(t *testing.T) {
	const copies, states = 2000, 64
	m0, m1 := testmodels.RBM(3, 2, 1.5, 5), testmodels.RBM(3, 2, 1.5, 6)
	p0, p1 := temperedProbs(m0, 1), temperedProbs(m1, 1)
	ts, err := New(Settings{Models: []model.Model{m1}})
	if err != nil {
		t.Fatal(err)
	}
	n := states * copies
	c := sample.NewChains(n, 3, 3)
	for k := range n {
		setBits(c.Visible().RawRowView(k), (k%states)/8)
	}
	ts.start(c)
	for k := range n {
		setBits(ts.hot[0].Visible().RawRowView(k), k%8)
	}
	ts.prepare(m0)
	ts.swap(c)
	swapped := make([]int, states)
	for k := range n {
		a, b := (k%states)/8, k%8
		switch {
		case bitsIndex(c.Visible().RawRowView(k)) == b && bitsIndex(ts.hot[0].Visible().RawRowView(k)) == a:
			if a != b {
				swapped[k%states]++
			}
		case bitsIndex(c.Visible().RawRowView(k)) != a || bitsIndex(ts.hot[0].Visible().RawRowView(k)) != b:
			t.Fatalf("chain %d left the states it was given", k)
		}
	}
	frac := func(a, b int) (got, want, se float64) {
		want = min(1, p0[b]*p1[a]/(p0[a]*p1[b]))
		got = float64(swapped[a*8+b]) / copies
		return got, want, math.Sqrt(max(want*(1-want), 1.0/copies) / copies)
	}
	nontrivial := 0
	for s := range states {
		a, b := s/8, s%8
		if a == b {
			continue
		}
		got, want, se := frac(a, b)
		if want < 0.9 {
			nontrivial++
		}
		if math.Abs(got-want) > 4.5*se {
			t.Errorf("state (%d,%d): swapped %.4f, exact %.4f", a, b, got, want)
		}
		gotBack, _, seBack := frac(b, a)
		fab, fba := p0[a]*p1[b]*got, p0[b]*p1[a]*gotBack
		if seFlow := math.Hypot(p0[a]*p1[b]*se, p0[b]*p1[a]*seBack); math.Abs(fab-fba) > 4.5*seFlow {
			t.Errorf("flows (%d,%d)→(%d,%d) %.4g and back %.4g differ", a, b, b, a, fab, fba)
		}
	}
	if nontrivial < 10 {
		t.Errorf("only %d joint states with swap probability below 0.9: the models are too alike for the test", nontrivial)
	}
}

// TestBridgeTwoIndependentModels: for two 6-unit zero-weight rbms with
// different biases (both sampled exactly by one block Gibbs step) the
// Bennett estimate of log Z_0 - log Z_1 from 200 chains × 50 swaps
// matches the analytic difference within 4 jackknife standard errors,
// and the jackknife error is within a factor 2 of the spread of the
// estimate over 10 independent repetitions.
func TestBridgeTwoIndependentModels(t *testing.T) {
	a, b := rbm.New(6, 2), rbm.New(6, 2)
	for i := range a.VisibleBias() {
		a.VisibleBias()[i] = 0.3 * float64(i)
		b.VisibleBias()[i] = -0.2 * float64(i)
	}
	want := zeroWeightLogZ(a) - zeroWeightLogZ(b)
	var ests []float64
	var ses []float64
	for rep := range 10 {
		br := NewBridge(2, 200, 10)
		ts, err := New(Settings{Models: []model.Model{b}, OnSwap: br.Add})
		if err != nil {
			t.Fatal(err)
		}
		c := sample.NewChains(200, 6, uint64(40+rep))
		ts.Step(a, c, 100)
		est, se := br.LogRatios()
		ests, ses = append(ests, est[0]), append(ses, se[0])
		if math.Abs(est[0]-want) > 4*se[0] {
			t.Errorf("repetition %d: %.4f ± %.4f, exact %.4f", rep, est[0], se[0], want)
		}
	}
	_, spread := stattest.MeanAndStdErr(ests)
	spread *= math.Sqrt(float64(len(ests)))
	meanSE, _ := stattest.MeanAndStdErr(ses)
	t.Logf("exact %.4f; estimates %.4f; jackknife error %.4f, spread %.4f", want, ests, meanSE, spread)
	if meanSE > 2*spread || meanSE < spread/2 {
		t.Errorf("jackknife error %.4f is not within a factor 2 of the spread %.4f", meanSE, spread)
	}
}
