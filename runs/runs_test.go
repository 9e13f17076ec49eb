package runs_test

import (
	"errors"
	"math"
	"testing"

	"boltzmann/internal/testmodels"
	"boltzmann/runs"
	"boltzmann/train"
)

func TestModelAndHistoryRoundTrip(t *testing.T) {
	dir := t.TempDir()
	m := testmodels.RBM(5, 3, 1, 1)
	if err := runs.WriteConfig(dir, &runs.Config{Model: m.Spec()}); err != nil {
		t.Fatal(err)
	}
	if err := runs.SaveModel(dir, m); err != nil {
		t.Fatal(err)
	}
	got, cfg, err := runs.LoadModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Model.Kind != "rbm" {
		t.Fatalf("kind %q", cfg.Model.Kind)
	}
	for j, v := range m.Params() {
		if got.Params()[j] != v {
			t.Fatalf("parameter %d: %v, want %v", j, got.Params()[j], v)
		}
	}
	nan := math.NaN()
	recs := []train.Record{{Epoch: 1, Updates: 10, TrainLL: -3.5, ValLL: nan, LogZ: 2, TrainPL: nan, ValPL: nan, Recon: 0.1}}
	if err := runs.WriteHistory(dir, recs); err != nil {
		t.Fatal(err)
	}
	back, err := runs.ReadHistory(dir)
	if err != nil || len(back) != 1 || back[0].TrainLL != -3.5 || !math.IsNaN(back[0].ValLL) {
		t.Fatalf("history round trip: %+v, %v", back, err)
	}
	if err := runs.WriteCurves(dir, recs); err != nil {
		t.Fatal(err)
	}
}

func TestNotARunDirectory(t *testing.T) {
	_, _, err := runs.LoadModel(t.TempDir())
	if !errors.Is(err, runs.ErrNotRunDir) {
		t.Fatalf("got %v, want ErrNotRunDir", err)
	}
}
