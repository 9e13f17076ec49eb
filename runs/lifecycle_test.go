package runs_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"boltzmann/runs"
)

// The config.json of a version-1 run on rows of data: settings specific to
// a kind and the data seed were strings in "train.options".
const v1Train = `{
  "version": 1,
  "model": {"kind": "rbm", "visible": 9, "hidden": 8},
  "train": {"data": "builtin:bars-and-stripes:3", "binarize": "threshold", "n": 1000, "method": "pcd", "k": 1,
    "chains": 0, "epochs": 3, "batch_size": 20, "optimizer": "sgd", "lr": 0.05, "schedule": "linear:0.001",
    "momentum": 0.5, "seed": 1, "options": {"data_seed": "7"}}
}`

// The config.json of a version-1 bmDCA run.
const v1BMDCA = `{
  "version": 1,
  "model": {"kind": "potts", "visible": 6, "states": 21, "options": {"alphabet": "protein"}},
  "train": {"data": "family.fasta", "method": "bmdca", "k": 2, "chains": 64, "epochs": 0, "batch_size": 0,
    "optimizer": "sgd", "lr": 0.05, "seed": 1, "options": {"alphabet": "protein", "max_updates": "6",
    "pseudocount": "-1", "reweight": "0.8", "save_every": "4", "target_pearson": "0.95"}}
}`

func writeConfig(t *testing.T, content string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, runs.ConfigFile), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestReadVersion1Config(t *testing.T) {
	c, err := runs.ReadConfig(writeConfig(t, v1Train))
	if err != nil {
		t.Fatal(err)
	}
	want := &runs.TrainConfig{Data: "builtin:bars-and-stripes:3", Binarize: "threshold", N: 1000, DataSeed: 7, Method: "pcd",
		K: 1, Epochs: 3, BatchSize: 20, Optimizer: "sgd", LR: 0.05, Schedule: "linear:0.001", Momentum: 0.5, Seed: 1}
	if c.BMDCA != nil || !reflect.DeepEqual(c.Train, want) || c.Model.Kind != "rbm" || c.Model.Hidden != 8 {
		t.Errorf("version-1 train config read as %+v / %+v", c.Train, c.BMDCA)
	}

	dir := writeConfig(t, v1BMDCA)
	c, err = runs.ReadConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	wantB := &runs.BMDCAConfig{Data: "family.fasta", Alphabet: "protein", Reweight: 0.8, Pseudocount: -1, TargetPearson: 0.95,
		MaxUpdates: 6, SaveEvery: 4, Sweeps: 2, Chains: 64, LR: 0.05, Seed: 1}
	if c.Train != nil || !reflect.DeepEqual(c.BMDCA, wantB) {
		t.Errorf("version-1 bmDCA config read as %+v / %+v", c.Train, c.BMDCA)
	}

	// Rewritten, it is read back identically in the current form.
	if err := runs.WriteConfig(dir, c); err != nil {
		t.Fatal(err)
	}
	back, err := runs.ReadConfig(dir)
	if err != nil || back.Version != 2 || !reflect.DeepEqual(back, c) {
		t.Errorf("round trip: %+v, %v; want %+v", back, err, c)
	}

	if _, err := runs.ReadConfig(writeConfig(t, `{"version": 1, "model": {"kind": "potts"}, "train": {"method": "bmdca", "options": {"reweight": "x"}}}`)); err == nil {
		t.Error("a version-1 bmDCA config with unreadable options was accepted")
	}
}

func TestCreateOpen(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "run")
	r, err := runs.Create(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	r.Config = &runs.Config{Model: modelSpec(), Train: &runs.TrainConfig{Data: "x.npy", Method: "pcd"}}
	if err := r.WriteConfig(); err != nil {
		t.Fatal(err)
	}
	if _, err := runs.Create(dir, true); !errors.Is(err, runs.ErrLocked) {
		t.Errorf("Create of a directory another Run holds: %v, want ErrLocked", err)
	}
	o, err := runs.Open(dir)
	if err != nil || o.Config.Train.Data != "x.npy" {
		t.Fatalf("Open: %+v, %v", o, err)
	}
	if err := o.Resume(nil); err == nil {
		t.Error("Resume of a run without checkpoint succeeded")
	}
	r.Close()
	if err := os.WriteFile(filepath.Join(dir, runs.CheckpointFile), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := runs.Create(dir, false); !errors.Is(err, runs.ErrExists) {
		t.Errorf("Create of a run directory with a checkpoint: %v, want ErrExists", err)
	}

	// Discard removes only a directory that Create made.
	r2, err := runs.Create(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, runs.ConfigFile)); err == nil {
		t.Error("Create with force kept config.json")
	}
	if _, err := os.Stat(filepath.Join(dir, runs.CheckpointFile)); err == nil {
		t.Error("Create with force kept checkpoint.bin")
	}
	r2.Discard()
	if _, err := os.Stat(dir); err != nil {
		t.Error("Discard removed a directory that existed before Create")
	}
	r.Discard()
	if _, err := os.Stat(dir); err == nil {
		t.Error("Discard kept the directory Create made")
	}

	file := filepath.Join(tmp, "file")
	os.WriteFile(file, nil, 0o644)
	if _, err := runs.Create(file, true); !errors.Is(err, runs.ErrNotDir) {
		t.Errorf("Create of a file: %v, want ErrNotDir", err)
	}
	if _, err := runs.Open(tmp); !errors.Is(err, runs.ErrNotRunDir) {
		t.Errorf("Open of a plain directory: %v, want ErrNotRunDir", err)
	}
}

// FuzzConfig: any bytes as config.json are read without a panic; what is
// read is written back and read again to the same settings.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(v1Train))
	f.Add([]byte(v1BMDCA))
	f.Add([]byte(`{"version": 2, "model": {"kind": "rbm", "visible": 9, "hidden": 4}, "train": {"data": "x.npy", "method": "pcd", "k": 1, "epochs": 2, "batch_size": 10, "optimizer": "sgd", "lr": 0.05, "seed": 1, "data_seed": 0, "chains": 0}}`))
	f.Add([]byte(`{"version": 2, "model": {"kind": "potts", "visible": 5, "states": 21}, "bmdca": {"data": "a.fasta", "alphabet": "protein", "reweight": 0.8, "pseudocount": -1, "target_pearson": 0.95, "max_updates": 10, "save_every": 5, "sweeps": 10, "chains": 100, "lr": 0.05, "seed": 1}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, runs.ConfigFile), data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := runs.ReadConfig(dir)
		if err != nil {
			return
		}
		if err := runs.WriteConfig(dir, c); err != nil {
			t.Fatalf("a config read could not be written: %v", err)
		}
		back, err := runs.ReadConfig(dir)
		if err != nil || !reflect.DeepEqual(back.Train, c.Train) || !reflect.DeepEqual(back.BMDCA, c.BMDCA) || back.Model.Kind != c.Model.Kind {
			t.Fatalf("config changed on a round trip: %+v / %+v (%v)", c, back, err)
		}
	})
}
