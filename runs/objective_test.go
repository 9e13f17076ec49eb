package runs_test

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"boltzmann/runs"
	"boltzmann/train"
)

// TestTrainingObjective: the objective settings of a labeled run become the
// trainer's Objective and early stopping; a labeled config written before
// they existed reads as generative training without early stopping.
func TestTrainingObjective(t *testing.T) {
	for _, c := range []struct {
		cfg  runs.TrainConfig
		want train.Objective
	}{
		{runs.TrainConfig{}, nil},
		{runs.TrainConfig{Objective: "generative"}, nil},
		{runs.TrainConfig{Objective: "generative", Sparsity: 0.05, SparsityCost: 0.1}, train.Hybrid{Likelihood: 1, SparsityTarget: 0.05, SparsityCost: 0.1}},
		{runs.TrainConfig{Objective: "discriminative", Alpha: 3}, train.Hybrid{Conditional: 1}},
		{runs.TrainConfig{Objective: "hybrid", Alpha: 0.01, Sparsity: 0.1, SparsityCost: 1}, train.Hybrid{Conditional: 1, Likelihood: 0.01, SparsityTarget: 0.1, SparsityCost: 1}},
	} {
		got, err := c.cfg.TrainingObjective()
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%+v: %+v, %v; want %+v", c.cfg, got, err, c.want)
		}
	}
	if _, err := (&runs.TrainConfig{Objective: "bayes"}).TrainingObjective(); err == nil {
		t.Error("an unknown objective was accepted")
	}

	old := `{"version": 2, "model": {"kind": "rbm-labeled", "visible": 11, "hidden": 4, "options": {"classes": "2"}},
  "train": {"data": "x.npy", "labels": "y.npy", "method": "pcd", "k": 1, "chains": 0, "epochs": 3, "batch_size": 20,
    "optimizer": "sgd", "lr": 0.05, "schedule": "linear:0.001", "momentum": 0.5, "seed": 1, "data_seed": 0}}`
	cfg, err := runs.ReadConfig(writeConfig(t, old))
	if err != nil {
		t.Fatal(err)
	}
	if obj, err := cfg.Train.TrainingObjective(); obj != nil || err != nil {
		t.Errorf("old labeled config: objective %+v, %v", obj, err)
	}
	s, err := cfg.Train.Settings(nil, 100)
	if err != nil || s.Objective != nil || len(s.Convergers) != 0 {
		t.Errorf("old labeled config: settings %+v, %v", s, err)
	}
	cfg.Train.Objective, cfg.Train.Alpha, cfg.Train.Patience, cfg.Train.ValFraction = "hybrid", 0.01, 5, 0.2
	dir := t.TempDir()
	if err := runs.WriteConfig(dir, cfg); err != nil {
		t.Fatal(err)
	}
	back, err := runs.ReadConfig(dir)
	if err != nil || !reflect.DeepEqual(back.Train, cfg.Train) {
		t.Errorf("round trip: %+v, %v", back.Train, err)
	}
	s, _ = back.Train.Settings(nil, 100)
	if len(s.Convergers) != 1 || s.Convergers[0] != (train.EarlyStopping{Patience: 5}) {
		t.Errorf("convergers %+v", s.Convergers)
	}
}

// TestCurvesOfALabeledRun: a history with classification measurements gets
// two more panels (the PNG is taller than without them).
func TestCurvesOfALabeledRun(t *testing.T) {
	recs := make([]train.Record, 3)
	for i := range recs {
		var r train.Record
		_ = r.UnmarshalJSON([]byte(`{"epoch": 1, "train_pseudo_log_likelihood": -3, "reconstruction_error": 0.1}`))
		r.Epoch = i + 1
		recs[i] = r
	}
	dir := t.TempDir()
	if err := runs.WriteCurves(dir, recs); err != nil {
		t.Fatal(err)
	}
	plain, _ := os.Stat(filepath.Join(dir, runs.CurvesFile))
	for i := range recs {
		recs[i].TrainErr, recs[i].ValErr, recs[i].TrainCLL, recs[i].ValCLL = 0.2, 0.3, -0.5, math.NaN()
	}
	if err := runs.WriteCurves(dir, recs); err != nil {
		t.Fatal(err)
	}
	labeled, _ := os.Stat(filepath.Join(dir, runs.CurvesFile))
	if labeled.Size() <= plain.Size() {
		t.Errorf("curves.png of a labeled run has %d bytes, of a plain run %d", labeled.Size(), plain.Size())
	}
}
