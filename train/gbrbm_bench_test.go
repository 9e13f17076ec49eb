package train_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model/gbrbm"
	"boltzmann/train"
)

// BenchmarkTrainGBRBM times epochs of PCD-1 on a 400×100 Gaussian-Bernoulli
// RBM with the default optimizer (Adam): 10 updates of minibatch 100 per
// epoch on standard normal rows, monitoring cut to one row, the size of
// the grey-level MNIST benchmark. One op is one epoch; samples/s counts
// minibatch rows.
func BenchmarkTrainGBRBM(b *testing.B) {
	const nv, nh, rows, batch = 400, 100, 1000, 100
	rng := rand.New(rand.NewPCG(1, 2))
	x := mat.NewDense(rows, nv, nil)
	for i := range rows {
		for j := range nv {
			x.Set(i, j, rng.NormFloat64())
		}
	}
	m := gbrbm.New(nv, nh)
	m.InitFromData(x, rand.New(rand.NewPCG(1, 2)))
	tr, err := train.New(m, x, &train.Settings{Method: train.PCD, K: 1, BatchSize: batch, Epochs: 1 << 30, Seed: 1, MonitorRows: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if err := tr.RunEpoch(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*rows)/b.Elapsed().Seconds(), "samples/s")
}
