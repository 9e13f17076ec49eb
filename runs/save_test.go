package runs_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model/rbm"
	"boltzmann/runs"
	"boltzmann/train"
)

// TestSaveInBackground: a save written in the background holds the state
// of the moment it was taken, whatever the trainer does afterwards:
// model.npz the parameters then, checkpoint.bin a state that a new trainer
// resumes to the same parameters; a save that cannot be written returns
// its error from Wait.
func TestSaveInBackground(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 9))
	x := mat.NewDense(40, 6, nil)
	for k := range x.RawMatrix().Data {
		x.RawMatrix().Data[k] = float64(rng.IntN(2))
	}
	newTrainer := func() *train.Trainer {
		m := rbm.New(6, 3)
		m.InitFromData(x, rand.New(rand.NewPCG(1, 0)))
		tr, err := train.New(m, x, &train.Settings{Epochs: 2, BatchSize: 10, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	dir := filepath.Join(t.TempDir(), "run")
	r, err := runs.Create(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.Config = &runs.Config{Model: rbm.New(6, 3).Spec(), Train: &runs.TrainConfig{Data: "x.npy", Epochs: 2, BatchSize: 10}}
	if err := r.WriteConfig(); err != nil {
		t.Fatal(err)
	}
	tr := newTrainer()
	if err := tr.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(tr.Model().Params())
	if err := r.SaveInBackground(tr); err != nil {
		t.Fatal(err)
	}
	p := tr.Model().Params()
	for i := range p { // the trainer moves on while the files are written
		p[i] = 7
	}
	if err := r.Wait(); err != nil {
		t.Fatal(err)
	}
	m, _, err := runs.LoadModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Params(), want) {
		t.Error("model.npz holds parameters changed after the snapshot")
	}
	resumed := newTrainer()
	if err := runs.ReadCheckpoint(dir, resumed); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(resumed.Model().Params(), want) {
		t.Error("checkpoint.bin does not restore the parameters of the snapshot")
	}

	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := r.SaveInBackground(tr); err != nil {
		t.Fatal(err) // the snapshot is taken; the write fails
	}
	if err := r.Wait(); err == nil {
		t.Error("Wait returned no error for a save into a removed directory")
	}
	if err := r.Wait(); err != nil {
		t.Errorf("a second Wait returned %v, want nil (no save in flight)", err)
	}
}
