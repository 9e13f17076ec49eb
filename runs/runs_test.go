package runs_test

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"boltzmann/dataset"
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

func TestLoadModelChecksShapes(t *testing.T) {
	dir := t.TempDir()
	m := testmodels.RBM(8, 32, 1, 1)
	if err := runs.WriteConfig(dir, &runs.Config{Model: m.Spec()}); err != nil {
		t.Fatal(err)
	}
	var arrays []dataset.Array
	for _, g := range m.Groups() {
		shape := g.Shape
		if g.Name == "weights" {
			shape = []int{4, 64} // same number of values, other shape
		}
		arrays = append(arrays, dataset.Array{Name: g.Name, Shape: shape, Data: g.Slice(m.Params())})
	}
	if err := dataset.WriteNPZ(filepath.Join(dir, runs.ModelFile), arrays); err != nil {
		t.Fatal(err)
	}
	_, _, err := runs.LoadModel(dir)
	if err == nil || !strings.Contains(err.Error(), "array weights has shape (4,64), the model needs (8,32)") {
		t.Fatalf("got %v", err)
	}
}

func TestLoadModelCorruptArchive(t *testing.T) {
	dir := t.TempDir()
	m := testmodels.RBM(5, 3, 1, 1)
	if err := runs.WriteConfig(dir, &runs.Config{Model: m.Spec()}); err != nil {
		t.Fatal(err)
	}
	if err := runs.SaveModel(dir, m); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, runs.ModelFile)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	// The CRC-32 of the first member in the central directory.
	cd := bytes.Index(b, []byte("PK\x01\x02"))
	b[cd+16] ^= 1
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = runs.LoadModel(dir)
	if err == nil || !strings.Contains(err.Error(), `model.npz: array "weights": CRC-32 mismatch (the file is corrupt; re-create it)`) {
		t.Fatalf("got %v", err)
	}
}
