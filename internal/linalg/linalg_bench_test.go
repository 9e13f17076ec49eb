package linalg

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// The product of one PCD update: a batch of 100 rows times the 784×500
// weight matrix.
const gm, gk, gn = 100, 784, 500

func fill32(x []float32) []float32 {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

func fill64(x []float64) []float64 {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

func BenchmarkSgemm100x784x500(b *testing.B) {
	a := blas32.General{Rows: gm, Cols: gk, Stride: gk, Data: fill32(make([]float32, gm*gk))}
	w := blas32.General{Rows: gk, Cols: gn, Stride: gn, Data: fill32(make([]float32, gk*gn))}
	c := blas32.General{Rows: gm, Cols: gn, Stride: gn, Data: make([]float32, gm*gn)}
	for b.Loop() {
		Gemm32(false, false, 1, a, w, 0, c)
	}
	b.ReportMetric(2*gm*gk*gn*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkDgemm100x784x500(b *testing.B) {
	a := blas64.General{Rows: gm, Cols: gk, Stride: gk, Data: fill64(make([]float64, gm*gk))}
	w := blas64.General{Rows: gk, Cols: gn, Stride: gn, Data: fill64(make([]float64, gk*gn))}
	c := blas64.General{Rows: gm, Cols: gn, Stride: gn, Data: make([]float64, gm*gn)}
	for b.Loop() {
		Gemm64(false, false, 1, a, w, 0, c)
	}
	b.ReportMetric(2*gm*gk*gn*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkSampleSigmoid32(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	in := make([]float32, 1000)
	for i := range in {
		in[i] = float32(rng.NormFloat64())
	}
	bias, dst, u := make([]float32, 1000), make([]float32, 1000), make([]uint32, 1000)
	for b.Loop() {
		Uniforms(rng, u)
		SampleSigmoid32(in, bias, u, dst, 1, 1000)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/unit")
}

func BenchmarkExp32(b *testing.B) {
	s := float32(0)
	x := float32(-3)
	for b.Loop() {
		s += Exp32(x)
		x += 1e-6
	}
	_ = s
}
