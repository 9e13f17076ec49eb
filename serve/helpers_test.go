package serve

import (
	"context"
	"path/filepath"
	"testing"

	"boltzmann/dataset"
	"boltzmann/model"
	"boltzmann/runs"
	"boltzmann/train"
)

// testRun is a run directory of an rbm on 4×4 bars and stripes (image
// data) and the trainer that writes it.
type testRun struct {
	dir string
	run *runs.Run
	tr  *train.Trainer
}

// newTestRun creates the run directory dir/name with its config.json
// and a trainer of epochs epochs that saves every epoch (and calls the
// extra recorders after saving); it trains nothing.
func newTestRun(t testing.TB, dir, name string, epochs int, extra ...train.Recorder) *testRun {
	t.Helper()
	tc := &runs.TrainConfig{Data: "builtin:bars-and-stripes:4", N: 400, Method: "pcd", K: 1, Epochs: epochs, BatchSize: 20,
		Optimizer: "sgd", LR: 0.05, Schedule: "constant", Momentum: 0.5, Seed: 1}
	x, err := dataset.Read(tc.Data, tc.ReadOptions())
	if err != nil {
		t.Fatal(err)
	}
	m, err := runs.NewModel(model.Spec{Kind: "rbm", Hidden: 12}, x, tc.Seed)
	if err != nil {
		t.Fatal(err)
	}
	r, err := runs.Create(filepath.Join(dir, name), false)
	if err != nil {
		t.Fatal(err)
	}
	r.Config = &runs.Config{Model: m.(model.Specifier).Spec(), Train: tc}
	if err := r.WriteConfig(); err != nil {
		t.Fatal(err)
	}
	n, _ := x.Dims()
	s, err := r.Config.Train.Settings(m, n)
	if err != nil {
		t.Fatal(err)
	}
	s.Recorders = append(append(s.Recorders, r.Saver(1)), extra...)
	tr, err := train.New(m, x, s)
	if err != nil {
		t.Fatal(err)
	}
	return &testRun{dir: r.Dir, run: r, tr: tr}
}

// finishedRun returns the directory of a run trained for epochs epochs.
func finishedRun(t testing.TB, dir, name string, epochs int) string {
	t.Helper()
	r := newTestRun(t, dir, name, epochs)
	if err := r.tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return r.dir
}
