package runs_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"boltzmann/dataset"
	"boltzmann/model"
	"boltzmann/runs"
	"boltzmann/train"
)

func modelSpec() model.Spec { return model.Spec{Kind: "rbm", Visible: 9, Hidden: 4} }

// Example trains an rbm into a run directory as 'boltzmann train' does:
// the config first, a save after every epoch with the checkpoint last,
// and then resumes the run for two more epochs.
func Example() {
	tmp, _ := os.MkdirTemp("", "run")
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "bas")

	tc := &runs.TrainConfig{Data: "builtin:bars-and-stripes:3", N: 200, Method: "pcd", K: 1, Epochs: 2, BatchSize: 20,
		Optimizer: "sgd", LR: 0.05, Schedule: "constant", Momentum: 0.5, Seed: 1}
	x, err := dataset.Read(tc.Data, tc.ReadOptions())
	if err != nil {
		log.Fatal(err)
	}
	m, err := runs.NewModel(model.Spec{Kind: "rbm", Hidden: 8}, x, tc.Seed)
	if err != nil {
		log.Fatal(err)
	}
	r, err := runs.Create(dir, false)
	if err != nil {
		log.Fatal(err)
	}
	r.Config = &runs.Config{Model: m.(model.Specifier).Spec(), Train: tc}
	if err := r.WriteConfig(); err != nil {
		log.Fatal(err)
	}
	trainer := func(r *runs.Run, m model.Model) *train.Trainer {
		s, err := r.Config.Train.Settings(m, 200)
		if err != nil {
			log.Fatal(err)
		}
		s.Recorders = append(s.Recorders, r.Saver(1))
		tr, err := train.New(m, x, s)
		if err != nil {
			log.Fatal(err)
		}
		return tr
	}
	if err := trainer(r, m).Run(context.Background()); err != nil {
		log.Fatal(err)
	}

	// Later: open the run, train to 4 epochs.
	r, err = runs.Open(dir)
	if err != nil {
		log.Fatal(err)
	}
	m, err = r.LoadModel()
	if err != nil {
		log.Fatal(err)
	}
	r.Config.Train.Epochs = 4
	tr := trainer(r, m)
	if err := r.Resume(tr); err != nil {
		log.Fatal(err)
	}
	fmt.Println("resumed at epoch", tr.Epoch())
	if err := r.WriteConfig(); err != nil {
		log.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		log.Fatal(err)
	}
	h, _ := runs.ReadHistory(dir)
	fmt.Println("epochs in history.jsonl:", len(h))
	// Output:
	// resumed at epoch 2
	// epochs in history.jsonl: 4
}
