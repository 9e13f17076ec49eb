package runs_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model/rbm"
	"boltzmann/optim"
	"boltzmann/runs"
	"boltzmann/train"
)

// scriptedValidation is a Monitor that gives epoch e the validation error
// errs[e-1] (and the same mean log p(y|x) to every epoch).
type scriptedValidation []float64

func (scriptedValidation) Events() train.Event { return train.EpochEvent }

func (s scriptedValidation) Measure(_ *train.Trainer, r *train.Record) {
	r.ValErr, r.ValCLL = s[r.Epoch-1], -1
}

// TestSaveKeepsBestValidationModel: in a run with a validation error,
// model.npz holds the parameters of the best epoch so far after every
// save, those of the best epoch when early stopping ends the run (not the
// last epoch's, which checkpoint.bin keeps, so that --resume goes on from
// them), and those of a later, better epoch of the resumed run.
func TestSaveKeepsBestValidationModel(t *testing.T) {
	const n = 60
	rng := rand.New(rand.NewPCG(3, 18))
	x := mat.NewDense(n, 6, nil)
	y := make([]int, n)
	for r := range n {
		for i := range 6 {
			x.Set(r, i, float64(rng.IntN(2)))
		}
		y[r] = int(x.At(r, 0) + x.At(r, 1))
	}
	l := rbm.NewLabeled(6, 3, 4)
	v := l.Concat(x, y)
	l.InitFromData(v, rand.New(rand.NewPCG(3, 1)))
	dir := filepath.Join(t.TempDir(), "run")
	r, err := runs.Create(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	r.Config = &runs.Config{Model: l.Spec(), Train: &runs.TrainConfig{Data: "x.npy", Labels: "y.npy", Epochs: 6, BatchSize: 10}}
	if err := r.WriteConfig(); err != nil {
		t.Fatal(err)
	}
	// Validation errors: best at epoch 2, no better one by epoch 4 (patience
	// 2 stops there); the resumed run improves at epoch 5.
	script := scriptedValidation{0.5, 0.3, 0.4, 0.35, 0.2, 0.25}
	var params [][]float64 // parameters after each epoch, index 0: epoch 1
	var saved [][]float64  // model.npz after each epoch's save
	newTrainer := func(r *runs.Run, m *rbm.Labeled, epochs int) *train.Trainer {
		snap := train.RecorderFunc(func(tr *train.Trainer, rec train.Record) error {
			if rec.Event == train.EpochEvent {
				params = append(params, slices.Clone(tr.Model().Params()))
			}
			return nil
		})
		after := train.RecorderFunc(func(tr *train.Trainer, rec train.Record) error {
			if rec.Event == train.EpochEvent {
				m, _, err := runs.LoadModel(dir)
				if err != nil {
					return err
				}
				saved = append(saved, slices.Clone(m.Params()))
			}
			return nil
		})
		tr, err := train.New(m, v, &train.Settings{Objective: train.Hybrid{Conditional: 1}, Epochs: epochs, BatchSize: 10, Seed: 1,
			Optimizer: &optim.SGD{LR: optim.Constant(0.3)}, Validation: v, Monitor: script,
			Convergers: []train.Converger{train.EarlyStopping{Patience: 2}},
			Recorders:  []train.Recorder{snap, r.Saver(1), after}})
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	tr := newTrainer(r, l, 6)
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tr.Status() != train.Converged || tr.Epoch() != 4 {
		t.Fatalf("status %v at epoch %d, want early stopping at epoch 4", tr.Status(), tr.Epoch())
	}
	for e, want := range []int{1, 2, 2, 2} {
		if !slices.Equal(saved[e], params[want-1]) {
			t.Errorf("after epoch %d model.npz does not hold the parameters of epoch %d", e+1, want)
		}
	}
	if slices.Equal(params[1], params[3]) {
		t.Fatal("the parameters did not change after the best epoch: the test cannot tell the epochs apart")
	}
	r.Close()

	// Resume: the checkpoint holds the last epoch; model.npz stays the best
	// until a better epoch (5) replaces it.
	r, err = runs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Lock(); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	m, err := r.LoadModel()
	if err != nil {
		t.Fatal(err)
	}
	tr = newTrainer(r, m.(*rbm.Labeled), 6)
	if err := r.Resume(tr); err != nil {
		t.Fatal(err)
	}
	if tr.Epoch() != 4 || !slices.Equal(tr.Model().Params(), params[3]) {
		t.Fatalf("resumed at epoch %d, parameters of the last epoch: %v", tr.Epoch(), slices.Equal(tr.Model().Params(), params[3]))
	}
	tr.SetLimits(6, 0)
	// Patience counts from the best epoch (2): epoch 5 improves, 6 does not.
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tr.Epoch() != 6 || len(saved) != 6 {
		t.Fatalf("resumed run ended at epoch %d with %d saves", tr.Epoch(), len(saved))
	}
	if !slices.Equal(saved[4], params[4]) || !slices.Equal(saved[5], params[4]) {
		t.Error("after the resumed epochs model.npz does not hold the parameters of epoch 5, the new best")
	}
}
