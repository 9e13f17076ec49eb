package train_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/exact"
	"boltzmann/internal/testmodels"
	"boltzmann/model"
	"boltzmann/model/gaussian"
	"boltzmann/model/ising"
	"boltzmann/model/rbm"
	"boltzmann/optim"
	"boltzmann/sample"
	"boltzmann/train"
)

// drawExact returns n samples drawn exactly from m.
func drawExact(t *testing.T, m model.Model, n int, seed uint64) *mat.Dense {
	t.Helper()
	s, err := exact.NewSampler(m)
	if err != nil {
		t.Fatal(err)
	}
	x := mat.NewDense(n, m.Dim(), nil)
	s.Draw(rand.New(rand.NewPCG(seed, 99)), x)
	return x
}

func initModel(m model.Model, x *mat.Dense, seed uint64) {
	m.(model.DataInitializer).InitFromData(x, rand.New(rand.NewPCG(seed, 7)))
}

// TestIsingRecoversKnownModel trains a fully visible model by PCD with
// single-site Gibbs on 20,000 samples drawn exactly from a random 10-spin
// model. Its exact held-out log-likelihood must come within 0.02 nats per
// sample of the true model's (the finite-sample gap alone is about
// #params/2N ≈ 0.0014 nats), and its couplings and fields within 0.1 RMS
// of the truth (the statistical error of ~55 parameters from 20,000
// samples is ≈ 0.02-0.03).
func TestIsingRecoversKnownModel(t *testing.T) {
	if testing.Short() {
		t.Skip("learning test skipped in -short mode")
	}
	truth := testmodels.Ising(10, ising.PlusMinus, 0.6, 21)
	data := drawExact(t, truth, 20000, 1)
	val := drawExact(t, truth, 20000, 2)
	m := ising.New(10, ising.PlusMinus)
	initModel(m, data, 1)
	const epochs = 30
	steps := epochs * 20000 / 100
	tr, err := train.New(m, data, &train.Settings{
		Method: train.PCD, K: 1, Chains: 1000, Epochs: epochs, BatchSize: 100, Seed: 5,
		Optimizer: &optim.Adam{LR: optim.LinearDecay{Initial: 0.02, Final: 0.001, Steps: steps}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	llTrue, _ := exact.LogLikelihood(truth, val, nil)
	llFit, _ := exact.LogLikelihood(m, val, nil)
	rmsJ, rmsH := paramRMS(truth, m)
	t.Logf("held-out LL: true %.4f, fit %.4f (gap %.4f); RMS error couplings %.3f, fields %.3f", llTrue, llFit, llTrue-llFit, rmsJ, rmsH)
	if llTrue-llFit > 0.02 {
		t.Errorf("held-out log-likelihood %.4f is more than 0.02 nats below the true model's %.4f", llFit, llTrue)
	}
	if rmsJ > 0.1 || rmsH > 0.1 {
		t.Errorf("parameters not recovered: RMS error couplings %.3f, fields %.3f", rmsJ, rmsH)
	}
}

func paramRMS(a, b *ising.Model) (j, h float64) {
	n := a.Dim()
	for i := range n {
		for k := i + 1; k < n; k++ {
			d := a.Coupling(i, k) - b.Coupling(i, k)
			j += d * d
		}
		d := a.Fields()[i] - b.Fields()[i]
		h += d * d
	}
	return math.Sqrt(j / float64(n*(n-1)/2)), math.Sqrt(h / float64(n))
}

// barsAndStripes returns the 14 distinct 3×3 bars-and-stripes patterns.
func barsAndStripes() *mat.Dense {
	var rows [][]float64
	seen := map[[9]float64]bool{}
	for code := range 8 {
		for _, vertical := range []bool{false, true} {
			var p [9]float64
			for r := range 3 {
				for c := range 3 {
					line := r
					if vertical {
						line = c
					}
					if code>>line&1 == 1 {
						p[r*3+c] = 1
					}
				}
			}
			if !seen[p] {
				seen[p] = true
				rows = append(rows, p[:])
			}
		}
	}
	x := mat.NewDense(len(rows), 9, nil)
	for i, r := range rows {
		x.SetRow(i, r)
	}
	return x
}

// TestRBMLikelihoodRisesKLFalls trains an RBM on bars-and-stripes and
// checks with exact enumeration that the log-likelihood of the data rises
// (every 20 epochs) and KL(p_data || p_model) = -S_data - L falls from
// 3.6 nats to below 1.2 in 60 epochs of PCD-10 (with exact gradients the
// same RBM reaches 0.03 nats; PCD's slow mixing between the 14 modes is
// what limits it, as is well known for bars-and-stripes).
func TestRBMLikelihoodRisesKLFalls(t *testing.T) {
	if testing.Short() {
		t.Skip("learning test skipped in -short mode")
	}
	pats := barsAndStripes()
	n := 1400
	data := mat.NewDense(n, 9, nil)
	for i := range n {
		data.SetRow(i, pats.RawRowView(i%14))
	}
	sData := math.Log(14) // uniform over 14 patterns
	m := rbm.New(9, 12)
	initModel(m, data, 3)
	kl := func() float64 {
		ll, err := exact.LogLikelihood(m, pats, nil)
		if err != nil {
			t.Fatal(err)
		}
		return -sData - ll
	}
	klStart := kl()
	var lls []float64
	tr, err := train.New(m, data, &train.Settings{
		Method: train.PCD, K: 10, Chains: 100, Epochs: 60, BatchSize: 20, Seed: 9,
		Optimizer: &optim.Adam{LR: optim.Constant(0.003)},
		Recorders: []train.Recorder{train.RecorderFunc(func(tr *train.Trainer, r train.Record) error {
			if r.Event == train.EpochEvent {
				lls = append(lls, r.TrainLL)
			}
			return nil
		})},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	klEnd := kl()
	t.Logf("KL start %.3f, end %.3f; LL epoch 1 %.3f, epoch 60 %.3f", klStart, klEnd, lls[0], lls[len(lls)-1])
	if !(klStart > 3 && klEnd < 1.2) {
		t.Errorf("KL(data||model) went from %.3f to %.3f; want from > 3 to < 1.2", klStart, klEnd)
	}
	for e := 20; e < len(lls); e += 20 {
		if !(lls[e] > lls[e-20]) {
			t.Errorf("log-likelihood fell from epoch %d (%.3f) to %d (%.3f)", e-19, lls[e-20], e+1, lls[e])
		}
	}
	if !(lls[len(lls)-1] > lls[0]+1) {
		t.Errorf("log-likelihood did not rise: epoch 1 %.3f, last %.3f", lls[0], lls[len(lls)-1])
	}
}

func smallRun(t *testing.T, m model.Model, data *mat.Dense, epochs int, method train.Method) *train.Trainer {
	tr, err := train.New(m, data, &train.Settings{
		Method: method, K: 2, Chains: 50, Epochs: epochs, BatchSize: 25, Seed: 4,
		Optimizer: &optim.SGD{LR: optim.Constant(0.05), Momentum: 0.5},
		Penalty:   optim.Penalty{L1: 1e-3, L2: 1e-3},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestResumeIsExact: a run stopped after 2 epochs, serialized, restored
// into a fresh trainer and continued for 3 more ends with bit-identical
// parameters to an uninterrupted 5-epoch run.
func TestResumeIsExact(t *testing.T) {
	data := drawExact(t, testmodels.RBM(8, 4, 1, 1), 200, 3)
	for _, method := range []train.Method{train.PCD, train.CD} {
		full := rbm.New(8, 5)
		initModel(full, data, 1)
		if err := smallRun(t, full, data, 5, method).Run(context.Background()); err != nil {
			t.Fatal(err)
		}

		part := rbm.New(8, 5)
		initModel(part, data, 1)
		tr := smallRun(t, part, data, 2, method)
		if err := tr.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		saved, err := tr.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		resumed := rbm.New(8, 5) // fresh parameters: all come from the checkpoint
		tr2 := smallRun(t, resumed, data, 5, method)
		if err := tr2.UnmarshalBinary(saved); err != nil {
			t.Fatal(err)
		}
		if err := tr2.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		for j, v := range full.Params() {
			if resumed.Params()[j] != v {
				t.Fatalf("%s: parameter %d differs after resume: %v vs %v", method, j, resumed.Params()[j], v)
			}
		}
		if len(tr2.History()) != 5 {
			t.Fatalf("%s: resumed history has %d epochs", method, len(tr2.History()))
		}
	}
}

// TestTrainingIndependentOfGOMAXPROCS: same seed, same parameters.
func TestTrainingIndependentOfGOMAXPROCS(t *testing.T) {
	data := drawExact(t, testmodels.Ising(8, ising.ZeroOne, 1, 1), 300, 3)
	run := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		m := ising.New(8, ising.ZeroOne)
		initModel(m, data, 1)
		if err := smallRun(t, m, data, 3, train.PCD).Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return m.Params()
	}
	a, b := run(1), run(3)
	for j := range a {
		if a[j] != b[j] {
			t.Fatalf("parameter %d differs between GOMAXPROCS=1 and 3", j)
		}
	}
}

// poisoned is an RBM whose statistics become NaN after a number of calls,
// standing in for a run whose parameters blow up.
type poisoned struct {
	*rbm.RBM
	calls, after int
}

func (p *poisoned) AddStats(x *mat.Dense, w, sum []float64) {
	p.RBM.AddStats(x, w, sum)
	if p.calls++; p.calls > p.after {
		sum[0] = math.NaN()
	}
}

// PhaseDifferenceHidden counts as the two AddStats calls it replaces.
func (p *poisoned) PhaseDifferenceHidden(pos *mat.Dense, w []float64, neg, ph *mat.Dense, grad []float64) {
	p.RBM.PhaseDifferenceHidden(pos, w, neg, ph, grad)
	if p.calls += 2; p.calls > p.after {
		grad[0] = math.NaN()
	}
}

// PhaseDifferenceHiddenApply (the fused update) counts the same and
// poisons the gradient before the range holding component 0 is applied.
func (p *poisoned) PhaseDifferenceHiddenApply(pos *mat.Dense, w []float64, neg, ph *mat.Dense, grad []float64, apply func(lo, hi int)) {
	p.calls += 2
	poison := p.calls > p.after
	p.RBM.PhaseDifferenceHiddenApply(pos, w, neg, ph, grad, func(lo, hi int) {
		if poison && lo == 0 {
			grad[0] = math.NaN()
		}
		apply(lo, hi)
	})
}

// PhaseDifference counts as the two AddStats calls it replaces.
func (p *poisoned) PhaseDifference(pos *mat.Dense, w []float64, neg *mat.Dense, grad []float64) {
	p.RBM.PhaseDifference(pos, w, neg, grad)
	if p.calls += 2; p.calls > p.after {
		grad[0] = math.NaN()
	}
}

// TestDivergenceKeepsLastGoodParameters: when the parameters become NaN in
// the middle of epoch 2, training stops with ErrDiverged and the model keeps
// the parameters of epoch 1, the last good checkpoint.
func TestDivergenceKeepsLastGoodParameters(t *testing.T) {
	data := drawExact(t, testmodels.RBM(8, 4, 1, 1), 200, 3)
	r := rbm.New(8, 4)
	initModel(r, data, 1)
	m := &poisoned{RBM: r, after: 2*10 + 7} // 10 updates per epoch, 2 AddStats calls each
	var afterEpoch1 []float64
	tr, err := train.New(m, data, &train.Settings{
		Epochs: 3, BatchSize: 20,
		Recorders: []train.Recorder{train.RecorderFunc(func(tr *train.Trainer, r train.Record) error {
			if r.Event == train.EpochEvent && tr.Epoch() == 1 {
				afterEpoch1 = append([]float64(nil), m.Params()...)
			}
			return nil
		})},
	})
	if err != nil {
		t.Fatal(err)
	}
	err = tr.Run(context.Background())
	if !errors.Is(err, train.ErrDiverged) {
		t.Fatalf("got %v, want ErrDiverged", err)
	}
	t.Log(err)
	if tr.Epoch() != 1 {
		t.Fatalf("%d epochs completed, want 1", tr.Epoch())
	}
	for j, v := range m.Params() {
		if v != afterEpoch1[j] {
			t.Fatal("parameters not restored to the last good epoch")
		}
	}
}

func TestPhaseMerge(t *testing.T) {
	m := testmodels.Ising(5, ising.PlusMinus, 1, 2)
	x := drawExact(t, m, 40, 1)
	all := train.NewPhase(len(m.Params()))
	all.Add(m, x, nil)
	a, b := train.NewPhase(len(m.Params())), train.NewPhase(len(m.Params()))
	a.Add(m, x.Slice(0, 15, 0, 5).(*mat.Dense), nil)
	b.Add(m, x.Slice(15, 40, 0, 5).(*mat.Dense), nil)
	a.Merge(b)
	if a.Count != all.Count {
		t.Fatalf("count %v, want %v", a.Count, all.Count)
	}
	for j := range a.Sum {
		if math.Abs(a.Sum[j]-all.Sum[j]) > 1e-12 {
			t.Fatalf("merged sum %d = %v, want %v", j, a.Sum[j], all.Sum[j])
		}
	}
}

// TestGaussianReachesAnalyticSolution trains the Gaussian model with the
// Monte Carlo loop (exact draws as fantasy particles) on 5,000 samples of
// a correlated 3-D Gaussian and compares with the analytic maximum-
// likelihood solution (data mean, inverse data covariance): every entry of
// the mean and precision within 0.05 (the Monte Carlo noise of the final
// iterates with 2,000 fantasy particles and a decayed learning rate is
// about 0.01).
func TestGaussianReachesAnalyticSolution(t *testing.T) {
	truth := gaussian.New(3)
	if err := truth.SetMeanCovariance([]float64{1, -2, 0.5}, mat.NewSymDense(3, []float64{
		1.0, 0.6, 0.2,
		0.6, 2.0, -0.5,
		0.2, -0.5, 0.8,
	})); err != nil {
		t.Fatal(err)
	}
	data := mat.NewDense(5000, 3, nil)
	truth.SampleExact(rand.New(rand.NewPCG(1, 1)), data)
	want, err := gaussian.FitMaxLikelihood(data)
	if err != nil {
		t.Fatal(err)
	}
	m := gaussian.New(3)
	const epochs = 40
	steps := epochs * 5000 / 250
	tr, err := train.New(m, data, &train.Settings{
		Chains: 2000, BatchSize: 250, Epochs: epochs, Seed: 2,
		Optimizer: &optim.Adam{LR: optim.LinearDecay{Initial: 0.05, Final: 0.002, Steps: steps}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu, _ := m.Mean()
	wantMu, _ := want.Mean()
	for i := range mu {
		if math.Abs(mu[i]-wantMu[i]) > 0.05 {
			t.Errorf("mean[%d] = %.4f, analytic %.4f", i, mu[i], wantMu[i])
		}
	}
	a, wa := m.Precision(), want.Precision()
	for i := range 3 {
		for j := range 3 {
			if math.Abs(a.At(i, j)-wa.At(i, j)) > 0.05 {
				t.Errorf("precision[%d,%d] = %.4f, analytic %.4f", i, j, a.At(i, j), wa.At(i, j))
			}
		}
	}
	last := tr.History()[epochs-1]
	t.Logf("final mean %.3f vs %.3f; exact train LL %.4f", mu, wantMu, last.TrainLL)
}

// wholeStep hides the RangeStepper methods of an optimizer, so that the
// Trainer takes its separate passes.
type wholeStep struct{ optim.Optimizer }

// TestFusedUpdateMatches: PCD on an RBM with an optimizer that steps by
// ranges (the fused update) ends bit for bit where the separate passes do,
// in float64 and float32 mode, with momentum and both penalties, on
// sparse binary data (gathered products).
func TestFusedUpdateMatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	data := mat.NewDense(120, 30, nil)
	for i := range 120 {
		for j := range 30 {
			if rng.Float64() < 0.15+0.5*float64((i+j)%3/2) {
				data.Set(i, j, 1)
			}
		}
	}
	for _, f32 := range []bool{false, true} {
		run := func(fused bool) []float64 {
			r := rbm.New(30, 12)
			initModel(r, data, 1)
			r.SetFloat32(f32)
			var opt optim.Optimizer = &optim.SGD{LR: optim.Constant(0.05), Momentum: 0.5}
			if !fused {
				opt = wholeStep{opt}
			}
			tr, err := train.New(r, data, &train.Settings{
				Method: train.PCD, K: 1, BatchSize: 20, Epochs: 3, Seed: 4, Optimizer: opt,
				Penalty: optim.Penalty{L1: 1e-3, L2: 1e-3, Proximal: true},
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := tr.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			return append([]float64(nil), r.Params()...)
		}
		a, b := run(true), run(false)
		for j := range a {
			if a[j] != b[j] {
				t.Fatalf("float32=%v: parameter %d is %v fused, %v in separate passes", f32, j, a[j], b[j])
			}
		}
	}
}

// TestBlockGibbsOnLabeledIsAnError: asking for plain block Gibbs on a
// labeled RBM (whose label block must stay one-hot) fails in New.
func TestBlockGibbsOnLabeledIsAnError(t *testing.T) {
	l := rbm.NewLabeled(4, 3, 2)
	data := mat.NewDense(6, l.Dim(), nil)
	for i := range 6 {
		data.Set(i, 4+i%3, 1)
	}
	if _, err := train.New(l, data, &train.Settings{Sampler: sample.BlockGibbs{}}); err == nil {
		t.Fatal("no error for block Gibbs on a labeled RBM")
	}
	if _, err := train.New(l, data, nil); err != nil {
		t.Fatalf("default sampler: %v", err)
	}
}
