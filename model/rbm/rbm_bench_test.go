package rbm_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model/rbm"
	"boltzmann/sample"
)

// The MNIST-sized model of the performance issue: 784 visible, 500 hidden,
// batches of 100.
func benchModel(f32 bool) (*rbm.RBM, *mat.Dense) {
	r := rbm.New(784, 500)
	r.InitRandom(rand.New(rand.NewPCG(1, 1)), 0.01)
	r.SetFloat32(f32)
	return r, randomBinary(100, 784, 2)
}

func modes(b *testing.B, fn func(b *testing.B, f32 bool)) {
	for _, f32 := range []bool{false, true} {
		name := "float64"
		if f32 {
			name = "float32"
		}
		b.Run(name, func(b *testing.B) { b.ReportAllocs(); fn(b, f32) })
	}
}

func BenchmarkHiddenProb(b *testing.B) {
	modes(b, func(b *testing.B, f32 bool) {
		r, x := benchModel(f32)
		p := mat.NewDense(100, 500, nil)
		for b.Loop() {
			r.HiddenProb(x, p)
		}
	})
}

func BenchmarkFreeEnergy(b *testing.B) {
	r, x := benchModel(false)
	out := make([]float64, 100)
	b.ReportAllocs()
	for b.Loop() {
		r.FreeEnergy(x, out)
	}
}

func BenchmarkAddStats(b *testing.B) {
	modes(b, func(b *testing.B, f32 bool) {
		r, x := benchModel(f32)
		sum := make([]float64, len(r.Params()))
		for b.Loop() {
			r.AddStats(x, nil, sum)
		}
	})
}

// BenchmarkBlockGibbs reports chain-steps per second for 1000 chains.
func BenchmarkBlockGibbs(b *testing.B) {
	modes(b, func(b *testing.B, f32 bool) {
		r, _ := benchModel(f32)
		c := sample.NewChains(1000, 784, 3)
		c.Randomize([]float64{0, 1})
		sample.BlockGibbs{}.Step(r, c, 1)
		for b.Loop() {
			sample.BlockGibbs{}.Step(r, c, 1)
		}
		b.ReportMetric(1000*float64(b.N)/b.Elapsed().Seconds(), "chain-steps/s")
	})
}

// bernoulliRows returns n×d rows of independent bits that are one with
// probability p (0.13 is binarized MNIST's fraction of pixels on).
func bernoulliRows(n, d int, p float64, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 3))
	x := mat.NewDense(n, d, nil)
	for i := range n {
		for j := range d {
			if rng.Float64() < p {
				x.Set(i, j, 1)
			}
		}
	}
	return x
}

// BenchmarkPhaseDifference is the gradient of one PCD update of the MNIST
// model: 100 data rows and 100 particles, with MNIST's density of ones
// (13%, gathered products) and with half the units on (dense GEMMs).
func BenchmarkPhaseDifference(b *testing.B) {
	for _, density := range []float64{0.13, 0.5} {
		b.Run(fmt.Sprintf("density=%v", density), func(b *testing.B) {
			modes(b, func(b *testing.B, f32 bool) {
				r, _ := benchModel(f32)
				pos, neg := bernoulliRows(100, 784, density, 4), bernoulliRows(100, 784, density, 5)
				grad := make([]float64, len(r.Params()))
				for b.Loop() {
					r.PhaseDifference(pos, nil, neg, grad)
				}
			})
		})
	}
}

// BenchmarkVisibleProbSparseHidden: P(v|h) for 1000 hidden rows with 20%
// of the units on, gathered from the transposed weights, which are made
// again after every parameter change as in training.
func BenchmarkVisibleProbSparseHidden(b *testing.B) {
	r, _ := benchModel(true)
	h := bernoulliRows(1000, 500, 0.2, 6)
	p := mat.NewDense(1000, 784, nil)
	b.ReportAllocs()
	for b.Loop() {
		r.ParamsChanged()
		r.VisibleProb(h, p)
	}
}
