package train_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
	"boltzmann/model/rbm"
	"boltzmann/optim"
	"boltzmann/train"
)

// BenchmarkTrainPCD times epochs of PCD-1 by block Gibbs on a 784×256 RBM
// with SGD and momentum (the fused update): 10 updates of minibatch 100 per
// epoch on sparse random binary rows, monitoring cut to one row. One op is
// one epoch; updates/s counts parameter updates.
func BenchmarkTrainPCD(b *testing.B) {
	const nv, nh, rows, batch = 784, 256, 1000, 100
	rng := rand.New(rand.NewPCG(1, 2))
	x := mat.NewDense(rows, nv, nil)
	for i := range rows {
		for j := range nv {
			if rng.Float64() < 0.15 {
				x.Set(i, j, 1)
			}
		}
	}
	for _, f32 := range []bool{false, true} {
		name := "float64"
		if f32 {
			name = "float32"
		}
		b.Run(name, func(b *testing.B) {
			r := rbm.New(nv, nh)
			r.InitFromData(x, rand.New(rand.NewPCG(1, 2)))
			r.SetFloat32(f32)
			tr, err := train.New(r, x, &train.Settings{
				Method: train.PCD, K: 1, BatchSize: batch, Epochs: 1 << 30, Seed: 1, MonitorRows: 1,
				Optimizer: &optim.SGD{LR: optim.Constant(0.01), Momentum: 0.5},
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if err := tr.RunEpoch(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*rows/batch)/b.Elapsed().Seconds(), "updates/s")
		})
	}
}

// mnistImages is the training-image file of the repository's ../shared
// data (read-only; benchmarks skip without it).
const mnistImages = "../../shared/data/mnist/train-images-idx3-ubyte.gz"

// BenchmarkTrainPCDMNIST times epochs of PCD-1 on the MNIST model of
// BENCHMARKS.md: a 784×500 RBM in float32, 100 persistent chains,
// minibatch 100, SGD with momentum (the fused update), on the first 2000
// training images binarized at 0.5; monitoring is cut to one row. One op
// is one epoch of 20 updates; updates/s counts parameter updates.
func BenchmarkTrainPCDMNIST(b *testing.B) {
	const nh, rows, batch = 500, 2000, 100
	x, err := dataset.Read(mnistImages, dataset.ReadOptions{Limit: rows, Binarize: dataset.BinarizeThreshold})
	if err != nil {
		b.Skipf("MNIST not available: %v", err)
	}
	r := rbm.New(784, nh)
	r.InitFromData(x, rand.New(rand.NewPCG(1, 2)))
	r.SetFloat32(true)
	tr, err := train.New(r, x, &train.Settings{
		Method: train.PCD, K: 1, BatchSize: batch, Chains: batch, Epochs: 1 << 30, Seed: 1, MonitorRows: 1,
		Optimizer: &optim.SGD{LR: optim.Constant(0.01), Momentum: 0.5},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if err := tr.RunEpoch(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*rows/batch)/b.Elapsed().Seconds(), "updates/s")
}
