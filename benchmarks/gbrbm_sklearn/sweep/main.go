// Command sweep trains Gaussian-Bernoulli RBMs with the library's trainer
// on the files that benchmarks/gbrbm_sklearn/run.py writes (train.npy,
// val.npy, test.npy in a directory) and prints the exact validation and
// test log-likelihoods, in nats per row of those files, for settings that
// the command line would take as flags. It builds the trainer as `boltzmann
// train --model gbrbm` does (runs.TrainConfig.Settings, runs.NewModel) but
// writes nothing, so that many settings can be compared quickly; the figures
// in BENCHMARKS.md come from run.py, which runs the command itself.
//
//	go run ./benchmarks/gbrbm_sklearn/sweep -dir /tmp/gbrbm-sklearn/wine -standardize zca -updates 3000 -seeds 1,2,3
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
	"boltzmann/exact"
	"boltzmann/model"
	"boltzmann/model/gbrbm"
	"boltzmann/runs"
	"boltzmann/train"
)

type quiet struct{}

func (quiet) Events() train.Event                   { return 0 }
func (quiet) Measure(*train.Trainer, *train.Record) {}

func main() {
	dir := flag.String("dir", "", "directory with train.npy, val.npy, test.npy")
	std := flag.String("standardize", "columns", "none, columns, zca or pca")
	hidden := flag.Int("hidden", 16, "hidden units")
	updates := flag.Int("updates", 3000, "parameter updates (epochs = updates / (n/batch))")
	lr := flag.Float64("lr", 0.01, "initial learning rate (Adam)")
	sched := flag.String("schedule", "", "learning-rate schedule (default: linear decay to 1/50)")
	method := flag.String("method", "pcd", "cd or pcd")
	k := flag.Int("k", 1, "Gibbs transitions per update")
	batch := flag.Int("batch", 100, "minibatch size")
	chains := flag.Int("chains", 0, "persistent chains (0: the batch size)")
	l2 := flag.Float64("l2", 0, "L2 penalty on the weights")
	fixed := flag.Bool("fixed-variance", false, "keep the variances at their initial values")
	seeds := flag.String("seeds", "1", "comma-separated trainer seeds")
	monitor := flag.Bool("monitor", false, "keep the default epoch monitor (exact log-likelihood every epoch; slow)")
	flag.Parse()

	read := func(name string) *mat.Dense {
		x, err := dataset.Read(filepath.Join(*dir, name), dataset.ReadOptions{})
		if err != nil {
			log.Fatal(err)
		}
		return x
	}
	xtr, xva, xte := read("train.npy"), read("val.npy"), read("test.npy")
	n, d := xtr.Dims()
	var mean []float64
	var a *mat.Dense
	switch *std {
	case "none":
	case "columns":
		s, err := runs.NewStandardization(xtr)
		if err != nil {
			log.Fatal(err)
		}
		mean, a = s.Mean, mat.NewDense(d, d, nil)
		for i, v := range s.Std {
			a.Set(i, i, 1/v)
		}
	case gbrbm.WhitenZCA, gbrbm.WhitenPCA:
		var err error
		if mean, a, err = gbrbm.NewWhitening(xtr, *std); err != nil {
			log.Fatal(err)
		}
	default:
		log.Fatalf("unknown -standardize %q", *std)
	}
	whiten := func(x *mat.Dense) *mat.Dense {
		if a == nil {
			return x
		}
		w := gbrbm.NewWhitened(gbrbm.New(d, 1), mean, a)
		return w.Whiten(x)
	}
	vtr := whiten(xtr)
	epochs := max(1, int(math.Round(float64(*updates)/float64(max(1, n / *batch)))))
	for _, ss := range strings.Split(*seeds, ",") {
		seed, err := strconv.ParseUint(ss, 10, 64)
		if err != nil {
			log.Fatal(err)
		}
		spec := model.Spec{Kind: gbrbm.Kind, Hidden: *hidden}
		if *fixed {
			spec.Options = map[string]string{gbrbm.OptionFixedVariance: "true"}
		}
		m, err := runs.NewModel(spec, vtr, seed)
		if err != nil {
			log.Fatal(err)
		}
		sc := *sched
		if sc == "" {
			sc = "linear:" + strconv.FormatFloat(*lr/50, 'g', -1, 64) // the command's default
		}
		tc := &runs.TrainConfig{Method: *method, K: *k, Chains: *chains, Epochs: epochs, BatchSize: *batch,
			Optimizer: "adam", LR: *lr, Schedule: sc, L2: *l2, Seed: seed}
		s, err := tc.Settings(m, n)
		if err != nil {
			log.Fatal(err)
		}
		if !*monitor {
			s.Monitor = quiet{}
		}
		tr, err := train.New(m, vtr, s)
		if err != nil {
			log.Fatal(err)
		}
		t0 := time.Now()
		if err := tr.Run(context.Background()); err != nil {
			log.Fatal(err)
		}
		secs := time.Since(t0).Seconds()
		var data model.Model = m
		if a != nil {
			data = gbrbm.NewWhitened(m.(*gbrbm.Model), mean, a)
		}
		ll := func(x *mat.Dense) float64 {
			v, err := exact.LogLikelihood(data, x, nil)
			if err != nil {
				log.Fatal(err)
			}
			return v
		}
		fmt.Printf("dir=%s std=%s hidden=%d updates=%d lr=%g sched=%q method=%s k=%d batch=%d chains=%d l2=%g fixed=%v seed=%d: train %.3f val %.3f test %.3f (%.1f s)\n",
			filepath.Base(*dir), *std, *hidden, epochs*max(1, n / *batch), *lr, sc, *method, *k, *batch, *chains, *l2, *fixed, seed,
			ll(xtr), ll(xva), ll(xte), secs)
		_ = sc
	}
}
