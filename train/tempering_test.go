package train_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"boltzmann/dataset"
	"boltzmann/exact"
	"boltzmann/internal/testmodels"
	"boltzmann/model/rbm"
	"boltzmann/optim"
	"boltzmann/sample"
	"boltzmann/sample/tempering"
	"boltzmann/train"
)

// quiet is a Monitor that measures nothing (the tests below measure the
// end result themselves).
type quiet struct{}

func (quiet) Events() train.Event                   { return 0 }
func (quiet) Measure(*train.Trainer, *train.Record) {}

// fitBarsAndStripesPT trains a 16×16 RBM for 200 epochs on the 1,000
// rows of builtin:bars-and-stripes (batches and chains of 20, SGD with
// momentum 0.5 and a learning rate decaying linearly from 0.1 to 0.002)
// with the given sampler (nil: PCD by block Gibbs) and centering, and
// returns KL(p_data || p_model) = -log 30 - <log p_model>_patterns in nats,
// p_data uniform over the 30 patterns.
func fitBarsAndStripesPT(t *testing.T, s sample.Sampler, centering bool) float64 {
	return fitBarsAndStripesSchedule(t, s, centering, 200, 0.1)
}

// fitBarsAndStripesSchedule is fitBarsAndStripesPT for the given number of epochs
// and initial learning rate lr (decaying linearly to lr/50).
func fitBarsAndStripesSchedule(t *testing.T, s sample.Sampler, centering bool, epochs int, lr float64) float64 {
	x, err := dataset.Builtin(dataset.BarsAndStripes, 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	m := rbm.New(16, 16)
	m.InitFromData(x, rand.New(rand.NewPCG(1, 0x1417)))
	set := &train.Settings{Epochs: epochs, BatchSize: 20, Seed: 1, Sampler: s, Monitor: quiet{},
		Optimizer: &optim.SGD{LR: optim.LinearDecay{Initial: lr, Final: lr / 50, Steps: 50 * epochs}, Momentum: 0.5}}
	if centering {
		set.Gradient = &rbm.Centering{}
	}
	tr, err := train.New(m, x, set)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	ll, err := exact.LogLikelihood(m, dataset.BarsAndStripesPatterns(4), nil)
	if err != nil {
		t.Fatal(err)
	}
	return -math.Log(30) - ll
}

// TestPTTrainingFitsBarsAndStripes: with the negative phase from the cold
// replicas of parallel tempering (3 replicas, ladder adapting throughout)
// and centered gradients, the RBM comes within KL ≤ 0.1 nats of the
// bars-and-stripes distribution (observed 0.061-0.072 over seeds 1-3),
// where PCD with the same settings and centering ends above 0.3 (observed
// 6.8-9.7: its chains stop mixing between the patterns and the updates
// run away). The bound is 0.03 nats above the worst seed observed.
func TestPTTrainingFitsBarsAndStripes(t *testing.T) {
	pt, err := tempering.New(tempering.Settings{Replicas: 3})
	if err != nil {
		t.Fatal(err)
	}
	klPT := fitBarsAndStripesPT(t, pt, true)
	klPCD := fitBarsAndStripesPT(t, nil, true)
	d := pt.Diagnostics()
	t.Logf("KL: PT %.3f, PCD %.3f; ladder %.3f, acceptance %.2f, %d round trips", klPT, klPCD, pt.Betas(), d.MeanAcceptance(), d.RoundTrips)
	if klPT > 0.1 {
		t.Errorf("PT training reaches KL %.3f nats, want at most 0.1", klPT)
	}
	if klPCD <= 0.3 {
		t.Errorf("PCD reaches KL %.3f nats: the test does not tell PT from PCD", klPCD)
	}
}

// TestResumeIsExactWithPTAndCentering: a run with parallel tempering and
// centering stopped after 2 epochs, serialized, restored into a fresh
// trainer (with a fresh sampler and centering) and continued for 3 more
// ends with bit-identical parameters, replicas and ladder to an
// uninterrupted 5-epoch run.
func TestResumeIsExactWithPTAndCentering(t *testing.T) {
	data := drawExact(t, testmodels.RBM(8, 4, 1, 1), 200, 3)
	newRun := func(epochs int) (*train.Trainer, *rbm.RBM, *tempering.Sampler) {
		m := rbm.New(8, 5)
		initModel(m, data, 1)
		pt, err := tempering.New(tempering.Settings{Replicas: 3})
		if err != nil {
			t.Fatal(err)
		}
		tr, err := train.New(m, data, &train.Settings{
			K: 2, Chains: 50, Epochs: epochs, BatchSize: 25, Seed: 4, Sampler: pt, Gradient: &rbm.Centering{},
			Optimizer: &optim.SGD{LR: optim.Constant(0.05), Momentum: 0.5},
		})
		if err != nil {
			t.Fatal(err)
		}
		return tr, m, pt
	}
	full, fm, fpt := newRun(5)
	if err := full.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	part, _, _ := newRun(2)
	if err := part.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	saved, err := part.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	resumed, rm, rpt := newRun(5)
	if err := resumed.UnmarshalBinary(saved); err != nil {
		t.Fatal(err)
	}
	if err := resumed.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for j, v := range fm.Params() {
		if rm.Params()[j] != v {
			t.Fatalf("parameter %d differs after resume: %v vs %v", j, rm.Params()[j], v)
		}
	}
	a, _ := fpt.MarshalBinary()
	b, _ := rpt.MarshalBinary()
	if string(a) != string(b) {
		t.Error("the PT state (replicas, ladder, diagnostics) differs after resume")
	}
	if fpt.Diagnostics().Steps != 5*8*2 {
		t.Errorf("PT ran %d transitions, want %d", fpt.Diagnostics().Steps, 5*8*2)
	}
}

// TestTrajectoryTrainingFitsBarsAndStripes: the negative phase from
// trajectory tempering over models saved along the same run
// (tempering.Online with its defaults: at most 8 levels, a snapshot
// whenever the current model's swap acceptance with the newest one falls
// below 0.3) with centered gradients, at the command's default schedule
// (100 epochs, SGD 0.05 decaying linearly to 0.001, batches and chains of
// 20), brings the RBM within KL ≤ 0.35 nats of the bars-and-stripes
// distribution (observed 0.24 with seed 1), where PCD with centering ends
// above 0.5 (observed 0.68). At the larger learning rate of
// TestPTTrainingFitsBarsAndStripes trajectory tempering does not keep up
// (KL 3.5-4.5 observed; see BENCHMARKS.md).
func TestTrajectoryTrainingFitsBarsAndStripes(t *testing.T) {
	if testing.Short() {
		t.Skip("trains for 100 epochs twice (a few seconds)")
	}
	tt, err := tempering.NewOnline(tempering.OnlineSettings{})
	if err != nil {
		t.Fatal(err)
	}
	kl := fitBarsAndStripesSchedule(t, tt, true, 100, 0.05)
	klPCD := fitBarsAndStripesSchedule(t, nil, true, 100, 0.05)
	t.Logf("KL: trajectory %.3f, PCD %.3f; %d levels saved at updates %v of %d, %d snapshots; running acceptance %.2f, %d round trips",
		kl, klPCD, tt.Levels(), tt.SavedAt(), 100*50, tt.Snapshots(), tt.Acceptance(), tt.RoundTrips())
	if kl > 0.35 {
		t.Errorf("trajectory tempering training reaches KL %.3f nats, want at most 0.35", kl)
	}
	if klPCD <= 0.5 {
		t.Errorf("PCD reaches KL %.3f nats: the test does not tell trajectory tempering from PCD", klPCD)
	}
}

// TestResumeIsExactWithTrajectoryTempering: as
// TestResumeIsExactWithPTAndCentering, with trajectory tempering over
// models saved along the run (at most 4 levels, a snapshot below a swap
// acceptance of 0.99 and a learning rate of 0.5, so that the ladder
// changes, and drops levels, in the first epochs and after the resume):
// stopped after 2 epochs, serialized and resumed for 3
// more, the parameters and the sampler's state (snapshots, running
// acceptances, replicas) are bit-identical to an uninterrupted run's.
func TestResumeIsExactWithTrajectoryTempering(t *testing.T) {
	data := drawExact(t, testmodels.RBM(8, 4, 1, 1), 200, 3)
	newRun := func(epochs int) (*train.Trainer, *rbm.RBM, *tempering.Online) {
		m := rbm.New(8, 5)
		initModel(m, data, 1)
		tt, err := tempering.NewOnline(tempering.OnlineSettings{Levels: 4, SwapAcceptance: 0.99})
		if err != nil {
			t.Fatal(err)
		}
		tr, err := train.New(m, data, &train.Settings{
			K: 2, Chains: 50, Epochs: epochs, BatchSize: 25, Seed: 4, Sampler: tt, Gradient: &rbm.Centering{},
			Optimizer: &optim.SGD{LR: optim.Constant(0.5), Momentum: 0.5},
		})
		if err != nil {
			t.Fatal(err)
		}
		return tr, m, tt
	}
	full, fm, ftt := newRun(5)
	if err := full.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	part, _, ptt := newRun(2)
	if err := part.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	saved, err := part.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	resumed, rm, rtt := newRun(5)
	if err := resumed.UnmarshalBinary(saved); err != nil {
		t.Fatal(err)
	}
	if err := resumed.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for j, v := range fm.Params() {
		if rm.Params()[j] != v {
			t.Fatalf("parameter %d differs after resume: %v vs %v", j, rm.Params()[j], v)
		}
	}
	a, _ := ftt.MarshalBinary()
	b, _ := rtt.MarshalBinary()
	if string(a) != string(b) {
		t.Error("the trajectory tempering state differs after resume")
	}
	t.Logf("snapshots: %d after 2 epochs, %d after 5 (levels now %d, saved at updates %v)", ptt.Snapshots(), ftt.Snapshots(), ftt.Levels(), ftt.SavedAt())
	if ptt.Snapshots() < 2 || ftt.Snapshots() <= max(ptt.Snapshots(), ftt.Levels()-1) {
		t.Errorf("%d snapshots after 2 epochs, %d after 5 with %d levels: the ladder did not change (and drop levels) on both sides of the resume",
			ptt.Snapshots(), ftt.Snapshots(), ftt.Levels())
	}
}
