package train_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/testmodels"
	"boltzmann/internal/testprocs"
	"boltzmann/model"
	"boltzmann/model/ising"
	"boltzmann/model/rbm"
	"boltzmann/optim"
	"boltzmann/sample/tempering"
	"boltzmann/train"
)

// parallelCase builds a model and its settings for one rank.
type parallelCase struct {
	name  string
	data  *mat.Dense
	model func() model.Model
	set   func() train.Settings
	// exact: the phases by rbm.ExactStats (fixed point, one partial per
	// rank) under the BlockReducer.
	exact bool
}

// runRanks trains c on n in-process ranks (n = 0: one process without a
// Comm), starting from state (nil: fresh) and stopping after epochs, and
// returns rank 0's parameters and checkpoint, after checking that every
// rank has the same parameters.
func runRanks(t *testing.T, c parallelCase, n int, state []byte, epochs int) ([]float64, []byte) {
	t.Helper()
	ranks := max(n, 1)
	g := testprocs.New(ranks)
	params := make([][]float64, ranks)
	var ckpt []byte
	errs := make([]error, ranks)
	var wg sync.WaitGroup
	for r := range ranks {
		wg.Go(func() {
			m := c.model()
			s := c.set()
			s.Epochs = epochs
			red := &train.BlockReducer{}
			if n > 0 {
				red.Comm = g.Comm(r)
			}
			s.Reducer = red
			if c.exact {
				s.PositiveStats = rbm.ExactStats{RBM: m.(*rbm.RBM)}
				s.NegativeStats = s.PositiveStats
			}
			tr, err := train.New(m, c.data, &s)
			if err == nil && state != nil {
				err = tr.UnmarshalBinary(state)
			}
			if err == nil {
				err = tr.Run(context.Background())
			}
			if err == nil {
				b, merr := tr.MarshalBinary()
				switch {
				case r == 0:
					ckpt, err = b, merr
				case !errors.Is(merr, train.ErrNotRoot):
					err = merr
				}
			}
			errs[r], params[r] = err, append([]float64(nil), m.Params()...)
		})
	}
	wg.Wait()
	for r := range ranks {
		if errs[r] != nil {
			t.Fatalf("%s, %d ranks: rank %d: %v", c.name, n, r, errs[r])
		}
		for j := range params[0] {
			if params[r][j] != params[0][j] {
				t.Fatalf("%s, %d ranks: rank %d parameter %d is %v, rank 0 %v", c.name, n, r, j, params[r][j], params[0][j])
			}
		}
	}
	return params[0], ckpt
}

func parallelCases(t *testing.T) []parallelCase {
	idata := drawExact(t, testmodels.Ising(8, ising.ZeroOne, 1, 1), 120, 3)
	rdata := drawExact(t, testmodels.RBM(8, 4, 1, 1), 200, 3)
	sgd := func() optim.Optimizer { return &optim.SGD{LR: optim.Constant(0.05), Momentum: 0.5} }
	weights := make([]float64, 200)
	for i := range weights {
		weights[i] = 0.5 + float64(i%7)/7
	}
	newRBM := func(f32 bool) func() model.Model {
		return func() model.Model {
			m := rbm.New(8, 5)
			m.SetFloat32(f32)
			initModel(m, rdata, 1)
			return m
		}
	}
	return []parallelCase{
		{"ising pcd", idata, func() model.Model { m := ising.New(8, ising.ZeroOne); initModel(m, idata, 1); return m },
			func() train.Settings {
				return train.Settings{K: 2, Chains: 60, BatchSize: 20, Seed: 4, Optimizer: sgd()}
			}, false},
		{"ising cached", idata, func() model.Model { m := ising.New(8, ising.ZeroOne); initModel(m, idata, 1); return m },
			func() train.Settings {
				return train.Settings{K: 1, Chains: 50, Seed: 5, Positive: train.Cached{}, Optimizer: sgd()}
			}, false},
		{"rbm pcd float32 weighted", rdata, newRBM(true), func() train.Settings {
			return train.Settings{K: 1, Chains: 70, BatchSize: 40, Seed: 2, Weights: weights, Optimizer: sgd()}
		}, false},
		{"rbm cd float64", rdata, newRBM(false), func() train.Settings {
			return train.Settings{Method: train.CD, K: 1, BatchSize: 50, Seed: 3, Optimizer: sgd()}
		}, false},
		{"rbm full batch", rdata, newRBM(false), func() train.Settings {
			return train.Settings{K: 1, Chains: 48, Seed: 6, Positive: train.FullBatch{}, Optimizer: sgd()}
		}, false},
		{"rbm pcd float32 exact", rdata, newRBM(true), func() train.Settings {
			return train.Settings{K: 1, Chains: 70, BatchSize: 20, Seed: 2, Optimizer: sgd()}
		}, true},
		{"rbm cd exact", rdata, newRBM(false), func() train.Settings {
			return train.Settings{Method: train.CD, K: 1, BatchSize: 50, Seed: 3, Optimizer: sgd()}
		}, true},
		// Parallel tempering (replicas per chain, a ladder adapted to every
		// process's acceptances) with centered gradients (offsets from the
		// reduced positive phase).
		{"rbm pcd pt centering", rdata, newRBM(true), func() train.Settings {
			pt, err := tempering.New(tempering.Settings{Replicas: 3})
			if err != nil {
				t.Fatal(err)
			}
			return train.Settings{K: 1, Chains: 70, BatchSize: 40, Seed: 7, Optimizer: sgd(), Sampler: pt, Gradient: &rbm.Centering{}}
		}, false},
	}
}

// TestBlockReducerIndependentOfRanks: with a BlockReducer the parameters
// are bit for bit the same in one process and on 2 and 3 ranks (chains and
// rows split unevenly, a rank without minibatch rows), for the two-phase
// path of a fully visible model (minibatch and cached positive phase) and
// of an RBM (PCD in float32 with row weights, CD, full batch); they agree
// with the run without a Reducer to rounding.
func TestBlockReducerIndependentOfRanks(t *testing.T) {
	for _, c := range parallelCases(t) {
		want, _ := runRanks(t, c, 0, nil, 2)
		for _, n := range []int{1, 2, 3} {
			got, _ := runRanks(t, c, n, nil, 2)
			for j := range want {
				if got[j] != want[j] {
					t.Fatalf("%s, %d ranks: parameter %d is %v, %v in one process", c.name, n, j, got[j], want[j])
				}
			}
		}
		m := c.model()
		s := c.set()
		s.Epochs = 2
		tr, err := train.New(m, c.data, &s)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		for j, v := range m.Params() {
			if d := v - want[j]; d > 1e-6 || d < -1e-6 {
				t.Fatalf("%s: parameter %d is %v without a Reducer, %v with blocks", c.name, j, v, want[j])
			}
		}
	}
}

// TestBlockReducerResumeOtherRanks: a checkpoint made on 2 ranks resumes
// on 3 (and one made on 3 in one process) and ends bit for bit as the
// uninterrupted one-process run.
func TestBlockReducerResumeOtherRanks(t *testing.T) {
	for _, c := range parallelCases(t)[2:4] {
		want, _ := runRanks(t, c, 0, nil, 3)
		_, ck := runRanks(t, c, 2, nil, 1)
		_, ck3 := runRanks(t, c, 3, ck, 2)
		// (The checkpoints' bytes are not compared: their history holds
		// wall-clock seconds, whose encoding varies in length.)
		got, _ := runRanks(t, c, 0, ck3, 3)
		for j := range want {
			if got[j] != want[j] {
				t.Fatalf("%s: resumed parameter %d is %v, uninterrupted %v", c.name, j, got[j], want[j])
			}
		}
	}
}

// TestBlockReducerTemperingResumeOtherRanks: parallel tempering's
// replicas, walkers and ladder are gathered into the checkpoint and shared
// out again, so a PT run checkpointed on 2 ranks and resumed on 3, then in
// one process, ends bit for bit as the uninterrupted one-process run, and
// its ladder and diagnostics are the one-process ones.
func TestBlockReducerTemperingResumeOtherRanks(t *testing.T) {
	c := parallelCases(t)[len(parallelCases(t))-1]
	want, wantCk := runRanks(t, c, 0, nil, 3)
	_, ck := runRanks(t, c, 2, nil, 1)
	_, ck3 := runRanks(t, c, 3, ck, 2)
	got, gotCk := runRanks(t, c, 0, ck3, 3)
	for j := range want {
		if got[j] != want[j] {
			t.Fatalf("resumed parameter %d is %v, uninterrupted %v", j, got[j], want[j])
		}
	}
	ladder := func(ck []byte) ([]float64, tempering.Diagnostics) {
		m := c.model()
		s := c.set()
		tr, err := train.New(m, c.data, &s)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.UnmarshalBinary(ck); err != nil {
			t.Fatal(err)
		}
		pt := s.Sampler.(*tempering.Sampler)
		return pt.Betas(), pt.Diagnostics()
	}
	wb, wd := ladder(wantCk)
	gb, gd := ladder(gotCk)
	for r := range wb {
		if gb[r] != wb[r] {
			t.Fatalf("resumed ladder %v, uninterrupted %v", gb, wb)
		}
	}
	if gd.RoundTrips != wd.RoundTrips || gd.Steps != wd.Steps || gd.Acceptance[0] != wd.Acceptance[0] {
		t.Fatalf("resumed diagnostics %+v, uninterrupted %+v", gd, wd)
	}
	if wd.Steps == 0 || wd.Attempts[0] != wd.Steps/2*70 && wd.Attempts[0] != (wd.Steps+1)/2*70 {
		t.Fatalf("diagnostics %+v do not count the 70 chains of every step", wd)
	}
}

// TestBlockReducerStopsTogether: a cancellation seen by one rank stops
// every rank at the same update, with the parameters of the last epoch.
func TestBlockReducerStopsTogether(t *testing.T) {
	c := parallelCases(t)[0]
	g := testprocs.New(2)
	errs := make([]error, 2)
	params := make([][]float64, 2)
	var wg sync.WaitGroup
	for r := range 2 {
		wg.Go(func() {
			m := c.model()
			s := c.set()
			s.Epochs = 3
			s.Reducer = &train.BlockReducer{Comm: g.Comm(r)}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if r == 1 {
				s.Recorders = append(s.Recorders, train.RecorderFunc(func(tr *train.Trainer, rec train.Record) error {
					if rec.Event == train.UpdateEvent && rec.Updates == 8 {
						cancel()
					}
					return nil
				}))
			}
			tr, err := train.New(m, c.data, &s)
			if err != nil {
				errs[r] = err
				return
			}
			errs[r] = tr.Run(ctx)
			params[r] = m.Params()
		})
	}
	wg.Wait()
	for r, err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("rank %d: %v, want context.Canceled", r, err)
		}
	}
	for j := range params[0] {
		if params[0][j] != params[1][j] {
			t.Fatalf("parameter %d: %v on rank 0, %v on rank 1", j, params[0][j], params[1][j])
		}
	}
}
