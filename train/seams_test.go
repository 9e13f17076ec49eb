package train_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/testmodels"
	"boltzmann/model"
	"boltzmann/model/gaussian"
	"boltzmann/model/ising"
	"boltzmann/model/rbm"
	"boltzmann/optim"
	"boltzmann/train"
)

// isingRun trains an Ising model (generic two-phase path: no one-pass
// phase difference) for 3 epochs with the given positive phase, batch size
// and reducer, and returns its parameters.
func isingRun(t *testing.T, data *mat.Dense, pos train.Positive, batch int, red train.Reducer) []float64 {
	t.Helper()
	m := ising.New(8, ising.ZeroOne)
	initModel(m, data, 1)
	tr, err := train.New(m, data, &train.Settings{
		Method: train.PCD, K: 2, Chains: 60, Epochs: 3, BatchSize: batch, Seed: 4, Positive: pos, Reducer: red,
		Optimizer: &optim.SGD{LR: optim.Constant(0.05), Momentum: 0.5},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return append([]float64(nil), m.Params()...)
}

// TestCachedPositiveEqualsMinibatch: for a fully visible model the cached
// positive phase is the phase of the whole data set: bit-identical to the
// full batch recomputed at each update, and equal to rounding (1e-12; the
// minibatch sums the permuted rows in another order) to a minibatch that
// is the whole data set.
func TestCachedPositiveEqualsMinibatch(t *testing.T) {
	data := drawExact(t, testmodels.Ising(8, ising.ZeroOne, 1, 1), 120, 3)
	cached := isingRun(t, data, train.Cached{}, 0, nil)
	full := isingRun(t, data, train.FullBatch{}, 0, nil)
	mini := isingRun(t, data, train.Minibatch{}, 120, nil)
	for j := range cached {
		if cached[j] != full[j] {
			t.Fatalf("parameter %d: cached %v, full batch %v", j, cached[j], full[j])
		}
		if math.Abs(cached[j]-mini[j]) > 1e-12 {
			t.Fatalf("parameter %d: cached %v, whole-data minibatch %v", j, cached[j], mini[j])
		}
	}
	// Precomputed statistics are the same as statistics computed by New.
	m := ising.New(8, ising.ZeroOne)
	stats := train.NewPhase(len(m.Params()))
	stats.Add(m, data, nil)
	pre := isingRun(t, data, train.Cached{Stats: stats}, 0, nil)
	for j := range cached {
		if cached[j] != pre[j] {
			t.Fatalf("parameter %d: cached %v, precomputed %v", j, cached[j], pre[j])
		}
	}
}

// twoProcesses is a stand-in Reducer for two processes that hold the same
// data and chains: the totals are twice the sums and counts, which leaves
// the gradient bit for bit unchanged (scaling by 2 is exact).
type twoProcesses struct{ calls int }

func (r *twoProcesses) Reduce(pos, neg *train.Phase) error {
	r.calls++
	for _, p := range []*train.Phase{pos, neg} {
		for j := range p.Sum {
			p.Sum[j] *= 2
		}
		p.Count *= 2
	}
	return nil
}

// identity is a stand-in Reducer that leaves the sums unchanged.
type identity struct{ calls int }

func (r *identity) Reduce(pos, neg *train.Phase) error { r.calls++; return nil }

// TestReducer: on the two-phase path a Reducer that leaves the sums
// unchanged (or doubles sums and counts) gives bit-identical parameters to
// no Reducer, and is called once per update; with the cached positive
// phase the cached sums survive the reduction. On an RBM the Reducer makes
// the fused update step aside: it is called at every update, and the
// parameters agree with the fused run to rounding (1e-9 after one epoch).
func TestReducer(t *testing.T) {
	data := drawExact(t, testmodels.Ising(8, ising.ZeroOne, 1, 1), 120, 3)
	for _, pos := range []train.Positive{train.Minibatch{}, train.Cached{}} {
		want := isingRun(t, data, pos, 20, nil)
		for _, red := range []train.Reducer{&identity{}, &twoProcesses{}} {
			got := isingRun(t, data, pos, 20, red)
			for j := range want {
				if got[j] != want[j] {
					t.Fatalf("%T with %T: parameter %d is %v, %v without a reducer", pos, red, j, got[j], want[j])
				}
			}
		}
		r := &identity{}
		isingRun(t, data, pos, 20, r)
		wantCalls := 3 * 6
		if _, ok := pos.(train.Cached); ok {
			wantCalls = 3
		}
		if r.calls != wantCalls {
			t.Errorf("%T: reducer called %d times, want %d", pos, r.calls, wantCalls)
		}
	}

	rdata := drawExact(t, testmodels.RBM(8, 4, 1, 1), 200, 3)
	run := func(red train.Reducer) []float64 {
		m := rbm.New(8, 5)
		initModel(m, rdata, 1)
		tr, err := train.New(m, rdata, &train.Settings{K: 1, Epochs: 1, BatchSize: 20, Seed: 2, Reducer: red,
			Optimizer: &optim.SGD{LR: optim.Constant(0.05), Momentum: 0.5}})
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return m.Params()
	}
	r := &identity{}
	a, b := run(nil), run(r)
	if r.calls != 10 {
		t.Errorf("RBM: reducer called %d times, want 10", r.calls)
	}
	for j := range a {
		if math.Abs(a[j]-b[j]) > 1e-9 {
			t.Fatalf("RBM: parameter %d is %v fused, %v through the reducer", j, a[j], b[j])
		}
	}
}

// stopAt converges at the update record of update n (before its step).
type stopAt struct{ n int }

func (s stopAt) Converged(_ *train.Trainer, r train.Record) train.Status {
	if r.Event == train.UpdateEvent && r.Update == s.n {
		return train.Converged
	}
	return train.NotTerminated
}

// measureUpdates is a Monitor of update records (it records the sweeps so
// far as the Pearson field).
type measureUpdates struct{}

func (measureUpdates) Events() train.Event { return train.UpdateEvent }
func (measureUpdates) Measure(t *train.Trainer, r *train.Record) {
	r.Pearson = float64(t.Sweeps())
}

// TestConvergerAndRecorders: a Converger that fires at update 7 stops the
// run before that update's step, with status Converged, the parameters of
// a run limited to 7 updates, and the Recorders told of every update and
// epoch record in order; a second Run does nothing.
func TestConvergerAndRecorders(t *testing.T) {
	data := drawExact(t, testmodels.Ising(8, ising.ZeroOne, 1, 1), 100, 3)
	var recs []train.Record
	rec := train.RecorderFunc(func(_ *train.Trainer, r train.Record) error { recs = append(recs, r); return nil })
	newRun := func(s train.Settings) (*train.Trainer, []float64) {
		m := ising.New(8, ising.ZeroOne)
		initModel(m, data, 1)
		s.K, s.Chains, s.BatchSize, s.Seed, s.Epochs = 3, 30, 20, 4, 10
		s.Optimizer = &optim.SGD{LR: optim.Constant(0.05), Momentum: 0.5}
		tr, err := train.New(m, data, &s)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return tr, m.Params()
	}
	tr, got := newRun(train.Settings{Monitor: measureUpdates{}, Convergers: []train.Converger{stopAt{7}}, Recorders: []train.Recorder{rec}})
	lim, want := newRun(train.Settings{MaxUpdates: 7})
	if tr.Status() != train.Converged || tr.Updates() != 7 || lim.Status() != train.MaxUpdates {
		t.Fatalf("status %v after %d updates, limited run %v; want Converged after 7, MaxUpdates", tr.Status(), tr.Updates(), lim.Status())
	}
	for j := range want {
		if got[j] != want[j] {
			t.Fatalf("parameter %d: converged run %v, run of 7 updates %v", j, got[j], want[j])
		}
	}
	// 5 updates per epoch: updates 0-4, epoch 1, updates 5-6, update 7
	// (converged, no step).
	var kinds []train.Event
	for _, r := range recs {
		kinds = append(kinds, r.Event)
	}
	u, e := train.UpdateEvent, train.EpochEvent
	wantKinds := []train.Event{u, u, u, u, u, e, u, u, u}
	if len(kinds) != len(wantKinds) {
		t.Fatalf("recorded %v, want %v", kinds, wantKinds)
	}
	for k, r := range recs {
		if r.Event != wantKinds[k] {
			t.Fatalf("recorded %v, want %v", kinds, wantKinds)
		}
		if r.Event == u {
			steps := min(r.Update+1, 7)
			if r.Updates != steps || r.Sweeps != 3*(r.Update+1) || r.Pearson != float64(r.Sweeps) {
				t.Errorf("record %d: %+v", k, r)
			}
		}
	}
	if h := tr.History(); len(h) != 8 || h[7].Update != 7 {
		t.Errorf("history has %d update records, want 8", len(h))
	}
	if err := tr.Run(context.Background()); err != nil || tr.Updates() != 7 || len(recs) != len(wantKinds) {
		t.Errorf("second Run of a converged run: %v, %d updates, %d records", err, tr.Updates(), len(recs))
	}

	// A Recorder's error stops the run and is returned.
	boom := errors.New("boom")
	m := ising.New(8, ising.ZeroOne)
	tr2, err := train.New(m, data, &train.Settings{BatchSize: 20, Recorders: []train.Recorder{train.RecorderFunc(
		func(tr *train.Trainer, r train.Record) error {
			if r.Event == train.EpochEvent {
				return boom
			}
			return nil
		})}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr2.Run(context.Background()); !errors.Is(err, boom) || tr2.Status() != train.Failed || tr2.Epoch() != 1 {
		t.Errorf("recorder error: Run returned %v, status %v after %d epochs", err, tr2.Status(), tr2.Epoch())
	}
	// A canceled context.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tr3, _ := train.New(ising.New(8, ising.ZeroOne), data, nil)
	if err := tr3.Run(ctx); !errors.Is(err, context.Canceled) || tr3.Status() != train.Canceled {
		t.Errorf("canceled: %v, status %v", err, tr3.Status())
	}
}

// TestRecordJSON: NaN measurements are omitted, update records carry
// "update", and a line of an older bmDCA history reads back.
func TestRecordJSON(t *testing.T) {
	r := train.Record{Event: train.EpochEvent, Epoch: 2, Updates: 20, Seconds: 1.5, LR: 0.05, TrainLL: -3.5,
		GradNorm: math.NaN(), LogZ: math.NaN(), ValLL: math.NaN(), TrainPL: math.NaN(), ValPL: math.NaN(), Recon: 0.1,
		Pearson: math.NaN(), Slope: math.NaN(), PearsonFi: math.NaN()}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["pearson"]; ok || m["train_log_likelihood"] != -3.5 || m["updates"] != 20.0 || m["update"] != nil {
		t.Errorf("epoch record as JSON: %s", b)
	}
	var back train.Record
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Event != train.EpochEvent || back.TrainLL != -3.5 || !math.IsNaN(back.ValLL) || back.Updates != 20 {
		t.Errorf("read back %+v", back)
	}
	old := `{"update":3,"sweeps":40,"seconds":1.2,"pearson":0.91,"slope":0.8,"pearson_fi":0.99,"lr":0.05}`
	if err := json.Unmarshal([]byte(old), &back); err != nil {
		t.Fatal(err)
	}
	if back.Event != train.UpdateEvent || back.Update != 3 || back.Updates != 3 || back.Sweeps != 40 || back.Pearson != 0.91 || !math.IsNaN(back.TrainLL) {
		t.Errorf("old bmDCA line read as %+v", back)
	}
}

// TestDefaultOptimizer: the command's optimizers, SGD for discrete models
// and Adam for continuous ones, decaying to 1/50 over the run's updates.
func TestDefaultOptimizer(t *testing.T) {
	data := drawExact(t, testmodels.RBM(8, 4, 1, 1), 200, 3)
	tr, err := train.New(rbm.New(8, 4), data, &train.Settings{Epochs: 5, BatchSize: 20})
	if err != nil {
		t.Fatal(err)
	}
	sgd, ok := tr.Settings().Optimizer.(*optim.SGD)
	if !ok || sgd.Momentum != 0.5 || sgd.LR != (optim.LinearDecay{Initial: 0.05, Final: 0.001, Steps: 50}) {
		t.Errorf("default optimizer of an RBM: %#v", tr.Settings().Optimizer)
	}
	var cont model.Model = gaussian.New(3)
	adam, ok := train.DefaultOptimizer(cont, 100).(*optim.Adam)
	if !ok || adam.LR != (optim.LinearDecay{Initial: 0.01, Final: 0.0002, Steps: 100}) {
		t.Errorf("default optimizer of a Gaussian: %#v", adam)
	}
}
