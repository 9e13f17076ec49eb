package bmdca

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/exact"
	"boltzmann/info"
	"boltzmann/model"
	"boltzmann/model/catrbm"
	"boltzmann/model/potts"
	"boltzmann/msa"
	"boltzmann/sample"
	"boltzmann/train"
)

// randomPotts returns a Potts model with fields N(0, sh²) and couplings
// N(0, sj²).
func randomPotts(l, q int, sh, sj float64, seed uint64) *potts.Model {
	m := potts.New(l, q)
	rng := rand.New(rand.NewPCG(seed, 1))
	for i := range l {
		for a := range q {
			m.SetField(i, a, sh*rng.NormFloat64())
		}
		for j := i + 1; j < l; j++ {
			for a := range q {
				for b := range q {
					m.SetCoupling(i, j, a, b, sj*rng.NormFloat64())
				}
			}
		}
	}
	return m
}

// exactSeqs draws n independent sequences from m by enumeration.
func exactSeqs(t *testing.T, m model.Model, n int, seed uint64) [][]uint8 {
	t.Helper()
	s, err := exact.NewSampler(m)
	if err != nil {
		t.Fatal(err)
	}
	x := mat.NewDense(n, m.Dim(), nil)
	s.Draw(rand.New(rand.NewPCG(seed, 2)), x)
	return msa.SeqsFromCodes(x)
}

func codes(seqs [][]uint8) *mat.Dense {
	x := mat.NewDense(len(seqs), len(seqs[0]), nil)
	for r, s := range seqs {
		for i, c := range s {
			x.Set(r, i, float64(c))
		}
	}
	return x
}

// klFromTruth is KL(truth || fit) in nats, by enumeration.
func klFromTruth(t *testing.T, truth, fit model.Model) float64 {
	t.Helper()
	p, err := exact.NewDistribution(truth)
	if err != nil {
		t.Fatal(err)
	}
	q, err := exact.NewDistribution(fit)
	if err != nil {
		t.Fatal(err)
	}
	return info.KL(p.Prob, q.Prob)
}

// TestPearson checks r and the slope on an exact line and on anticorrelated
// data.
func TestPearson(t *testing.T) {
	r, s := Pearson([]float64{1, 2, 3, 4}, []float64{3, 5, 7, 9})
	if math.Abs(r-1) > 1e-15 || math.Abs(s-2) > 1e-15 {
		t.Errorf("line: r = %g, slope = %g, want 1, 2", r, s)
	}
	r, s = Pearson([]float64{1, 2, 3}, []float64{3, 2, 1})
	if math.Abs(r+1) > 1e-15 || math.Abs(s+1) > 1e-15 {
		t.Errorf("anticorrelated: r = %g, slope = %g", r, s)
	}
	if r, _ := Pearson([]float64{1, 1}, []float64{1, 2}); !math.IsNaN(r) {
		t.Errorf("constant x: r = %g, want NaN", r)
	}
}

// TestCountsMatchFrequencies checks that Counts/Connected reproduce
// msa.Frequencies and ConnectedCorrelations (tolerance 1e-12).
func TestCountsMatchFrequencies(t *testing.T) {
	m := randomPotts(5, 3, 0.5, 0.5, 3)
	seqs := exactSeqs(t, m, 500, 4)
	tgt := NewTarget(seqs, 3, nil, 0)
	flat := make([]uint8, 0, 500*5)
	for _, s := range seqs {
		flat = append(flat, s...)
	}
	var c Counts
	c.Count(flat, 5, 3)
	got := make([]float64, len(tgt.C))
	c.Connected(got)
	for k := range got {
		if math.Abs(got[k]-tgt.C[k]) > 1e-12 {
			t.Fatalf("entry %d: counts give %g, msa %g", k, got[k], tgt.C[k])
		}
	}
	for k, v := range c.Fi {
		if math.Abs(v/500-tgt.Fi[k]) > 1e-12 {
			t.Fatalf("f_i entry %d: %g vs %g", k, v/500, tgt.Fi[k])
		}
	}
}

// still is a sampler that leaves the chains unchanged, so that the
// gradient step can be checked on chosen chain states.
type still struct{}

func (still) Step(model.Model, *sample.Chains, int) {}

// TestPottsStepIsLikelihoodGradient checks the Potts fast path of the
// update against the generic one, θ -= lr (<∂E/∂θ>_data - <∂E/∂θ>_chains)
// with potts.AddStats (itself checked against finite differences in
// model/potts): both must give the same parameters (tolerance 1e-12).
func TestPottsStepIsLikelihoodGradient(t *testing.T) {
	truth := randomPotts(4, 3, 0.6, 0.6, 5)
	data := exactSeqs(t, truth, 300, 6)
	w := make([]float64, len(data))
	rng := rand.New(rand.NewPCG(7, 8))
	for k := range w {
		w[k] = 0.2 + rng.Float64()
	}
	tgt := NewTarget(data, 3, w, 0)
	start := randomPotts(4, 3, 0.3, 0.3, 9)
	chains := codes(exactSeqs(t, start, 160, 10))

	fast := potts.New(4, 3)
	copy(fast.Params(), start.Params())
	tr, err := New(fast, tgt, &Settings{Chains: 160, Sweeps: 1, LR: 0.3, Target: 1, MaxUpdates: 1, Sampler: still{}})
	if err != nil {
		t.Fatal(err)
	}
	tr.Chains().SetVisible(chains)
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tr.Updates() != 1 {
		t.Fatalf("%d updates, want 1", tr.Updates())
	}

	slow := potts.New(4, 3)
	copy(slow.Params(), start.Params())
	pos, neg := make([]float64, len(slow.Params())), make([]float64, len(slow.Params()))
	slow.AddStats(tgt.X, tgt.W, pos)
	slow.AddStats(chains, nil, neg)
	for k := range slow.Params() {
		slow.Params()[k] -= 0.3 * (pos[k] - neg[k]/160)
	}
	for k, v := range fast.Params() {
		if math.Abs(v-slow.Params()[k]) > 1e-12 {
			t.Fatalf("parameter %d: fast path %g, generic gradient %g", k, v, slow.Params()[k])
		}
	}
}

// TestLearnKnownPotts trains on 4000 sequences drawn exactly from a random
// Potts model (L = 4, q = 3, 81 configurations) without pseudocount or
// reweighting. The maximum-likelihood fit of N samples is at KL ≈ k/(2N)
// from the truth, with k = 32 free parameters (0.004 nats); the chains add
// Monte Carlo noise of the same order. The bound, KL(truth || fit) < 0.03
// nats, is about 7 times the observed value (0.004); the held-out log-likelihood of
// the fit must be within 0.03 nats per sequence of the truth's.
func TestLearnKnownPotts(t *testing.T) {
	truth := randomPotts(4, 3, 0.7, 0.7, 11)
	data := exactSeqs(t, truth, 4000, 12)
	held := codes(exactSeqs(t, truth, 4000, 13))
	tgt := NewTarget(data, 3, nil, 0)
	m := potts.New(4, 3)
	InitIndependent(m, tgt)
	klStart := klFromTruth(t, truth, m)
	tr, err := New(m, tgt, &Settings{Chains: 2000, Sweeps: 2, LR: 0.5, Target: 1, MaxUpdates: 150, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	kl := klFromTruth(t, truth, m)
	llTruth, _ := exact.LogLikelihood(truth, held, nil)
	llFit, _ := exact.LogLikelihood(m, held, nil)
	t.Logf("KL(truth||independent start) = %.4f, KL(truth||fit) = %.4f, held-out LL truth %.4f fit %.4f, final Pearson %.4f",
		klStart, kl, llTruth, llFit, tr.History()[len(tr.History())-1].Pearson)
	if kl > 0.03 {
		t.Errorf("KL(truth || fit) = %g nats, want < 0.03", kl)
	}
	if llFit < llTruth-0.03 {
		t.Errorf("held-out log-likelihood %g, truth %g", llFit, llTruth)
	}
}

// TestLearnCatRBM fits a categorical RBM (6 hidden units) with the generic
// latent-variable update to the data of TestLearnKnownPotts, and compares
// the Monte Carlo run (1000 chains, 2 sweeps per update) with 200 steps of
// gradient descent on the exact likelihood gradient from the same start:
// the KL divergences from the truth must agree within 0.01 nats (observed
// difference about 0.001; the Monte Carlo noise of the chain averages is
// about 1/sqrt(1000) of each statistic) and fall below a third of the
// start's.
func TestLearnCatRBM(t *testing.T) {
	truth := randomPotts(4, 3, 0.7, 0.7, 11)
	data := exactSeqs(t, truth, 4000, 12)
	tgt := NewTarget(data, 3, nil, 0)
	const lr, steps = 1.0, 200
	start := catrbm.New(4, 3, 6)
	start.InitFromFrequencies(tgt.Fi, rand.New(rand.NewPCG(1, 2)))
	klStart := klFromTruth(t, truth, start)

	gd := catrbm.New(4, 3, 6)
	copy(gd.Params(), start.Params())
	for range steps {
		g, err := exact.Gradient(gd, tgt.X, tgt.W)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range g {
			gd.Params()[k] -= lr * v
		}
	}
	klGD := klFromTruth(t, truth, gd)

	m := catrbm.New(4, 3, 6)
	copy(m.Params(), start.Params())
	tr, err := New(m, tgt, &Settings{Chains: 1000, Sweeps: 2, LR: lr, Target: 1, MaxUpdates: steps, Seed: 4, Sampler: catrbm.Gibbs{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	kl := klFromTruth(t, truth, m)
	t.Logf("catrbm: KL(truth||start) = %.4f, exact gradient descent %.4f, bmDCA loop %.4f", klStart, klGD, kl)
	if math.Abs(kl-klGD) > 0.01 {
		t.Errorf("KL after Monte Carlo training %g, after exact gradient descent %g", kl, klGD)
	}
	if kl > klStart/3 {
		t.Errorf("KL went from %g to %g, want below a third", klStart, kl)
	}
}

// TestResumeExact interrupts a run after 4 updates, restores it into a new
// trainer and checks that 8 updates give bit-identical parameters and
// history to an uninterrupted run.
func TestResumeExact(t *testing.T) {
	truth := randomPotts(5, 3, 0.5, 0.5, 21)
	tgt := NewTarget(exactSeqs(t, truth, 500, 22), 3, nil, -1)
	run := func(stopAt int) (*potts.Model, []train.Record) {
		m := potts.New(5, 3)
		InitIndependent(m, tgt)
		s := &Settings{Chains: 100, Sweeps: 3, LR: 0.1, Target: 1, MaxUpdates: stopAt, Seed: 5}
		tr, err := New(m, tgt, s)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if stopAt == 8 {
			return m, tr.History()
		}
		state, err := tr.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		m2 := potts.New(5, 3)
		s.MaxUpdates = 8
		tr2, err := New(m2, tgt, s)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr2.UnmarshalBinary(state); err != nil {
			t.Fatal(err)
		}
		if err := tr2.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return m2, tr2.History()
	}
	a, ha := run(8)
	b, hb := run(4)
	for k, v := range a.Params() {
		if v != b.Params()[k] {
			t.Fatalf("parameter %d: uninterrupted %g, resumed %g", k, v, b.Params()[k])
		}
	}
	if len(ha) != len(hb) {
		t.Fatalf("histories have %d and %d records", len(ha), len(hb))
	}
	for k := range ha {
		if ha[k].Pearson != hb[k].Pearson || ha[k].Update != hb[k].Update {
			t.Fatalf("record %d: %+v vs %+v", k, ha[k], hb[k])
		}
	}
	m := potts.New(5, 3)
	tr, err := New(m, tgt, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.UnmarshalBinary([]byte("junk")); err == nil {
		t.Error("junk state accepted")
	}
}

// TestConvergenceStops checks that a run stops at the target Pearson
// correlation without updating after the measurement.
func TestConvergenceStops(t *testing.T) {
	truth := randomPotts(4, 3, 0.5, 0.8, 31)
	tgt := NewTarget(exactSeqs(t, truth, 3000, 32), 3, nil, 0)
	m := potts.New(4, 3)
	copy(m.Params(), truth.Params())
	tr, err := New(m, tgt, &Settings{Chains: 3000, Sweeps: 20, Target: 0.9, MaxUpdates: 100})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tr.Status() != train.Converged || tr.Updates() != 0 || len(tr.History()) != 1 {
		t.Errorf("started at the truth: status %v after %d updates (%d records), want Converged after 0 (Pearson %g)",
			tr.Status(), tr.Updates(), len(tr.History()), tr.History()[0].Pearson)
	}
	for k, v := range m.Params() {
		if v != truth.Params()[k] {
			t.Fatalf("parameter %d changed after convergence", k)
		}
	}
}

// TestCoresIndependent checks that the result depends on the seed only:
// the same run with 1 and 4 threads gives bit-identical parameters.
func TestCoresIndependent(t *testing.T) {
	truth := randomPotts(6, 3, 0.5, 0.5, 41)
	tgt := NewTarget(exactSeqs(t, truth, 400, 42), 3, nil, -1)
	run := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		m := potts.New(6, 3)
		InitIndependent(m, tgt)
		tr, err := New(m, tgt, &Settings{Chains: 300, Sweeps: 2, LR: 0.2, Target: 1, MaxUpdates: 5, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return m.Params()
	}
	a, b := run(1), run(4)
	for k := range a {
		if a[k] != b[k] {
			t.Fatalf("parameter %d: %g with 1 thread, %g with 4", k, a[k], b[k])
		}
	}
}
