package linalg

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
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

// BenchmarkSgemmThreading compares ways of spreading the 100×784·784×500
// product over the cores: OpenBLAS's own threads on the whole product, or
// one-thread OpenBLAS calls on row chunks run by goroutines.
func BenchmarkSgemmThreading(b *testing.B) {
	a := fill32(make([]float32, gm*gk))
	w := blas32.General{Rows: gk, Cols: gn, Stride: gn, Data: fill32(make([]float32, gk*gn))}
	c := make([]float32, gm*gn)
	chunked := func(rows int) func() {
		return func() {
			var wg sync.WaitGroup
			next := make(chan int, gm)
			for lo := 0; lo < gm; lo += rows {
				next <- lo
			}
			close(next)
			for range runtime.GOMAXPROCS(0) {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for lo := range next {
						hi := min(lo+rows, gm)
						Gemm32(false, false, 1, blas32.General{Rows: hi - lo, Cols: gk, Stride: gk, Data: a[lo*gk:]}, w, 0,
							blas32.General{Rows: hi - lo, Cols: gn, Stride: gn, Data: c[lo*gn:]})
					}
				}()
			}
			wg.Wait()
		}
	}
	for _, tc := range []struct {
		name    string
		threads int
		run     func()
	}{
		{"blas-threads=1/whole", 1, chunked(gm)},
		{"blas-threads=NumCPU/whole", runtime.NumCPU(), chunked(gm)},
		{"blas-threads=1/goroutines-16-rows", 1, chunked(16)},
		{"blas-threads=1/goroutines-32-rows", 1, chunked(32)},
		{"blas-threads=1/goroutines-50-rows", 1, chunked(50)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			SetBLASThreads(tc.threads)
			defer SetBLASThreads(1)
			for b.Loop() {
				tc.run()
			}
			b.ReportMetric(2*gm*gk*gn*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkSparseMul100x784x500 is the product of 100 binary rows with a
// 784×500 matrix, gathered row by row, at densities around binarized
// MNIST's 13%; compare with BenchmarkSgemm100x784x500 (the same product,
// dense) to place the crossover that rbm.sparseFraction encodes.
func BenchmarkSparseMul100x784x500(b *testing.B) {
	for _, density := range []float64{0.05, 0.13, 0.2, 0.3, 0.5} {
		b.Run(fmt.Sprintf("density=%v", density), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			x := randomSparse(rng, gm, gk, density, true)
			w := fill32(make([]float32, gk*gn))
			out := make([]float32, gm*gn)
			var s Sparse32
			s.FromDense(x, gm, gk)
			b.ReportAllocs()
			for b.Loop() {
				s.Mul(0, gm, w, gn, gn, out, gn)
			}
			b.ReportMetric(2*gm*gk*gn*float64(b.N)/b.Elapsed().Seconds()/1e9, "dense-GFLOP/s")
		})
	}
}

// BenchmarkFromDense compresses 100 rows of 784 binary values with 13%
// ones at random places (images have longer runs of zeros).
func BenchmarkFromDense(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := randomSparse(rng, gm, gk, 0.13, true)
	var s Sparse32
	b.ReportAllocs()
	for b.Loop() {
		s.FromDense(x, gm, gk)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(gm*gk), "ns/entry")
}

// BenchmarkSparseMulLevels times the 13%-density product of
// BenchmarkSparseMul100x784x500 with each instruction-set level of the C
// gather kernel this CPU has (0 base C, 1 AVX2, 2 AVX-512; one level in the
// pure-Go build).
func BenchmarkSparseMulLevels(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := randomSparse(rng, gm, gk, 0.13, true)
	w := fill32(make([]float32, gk*gn))
	out := make([]float32, gm*gn)
	var s Sparse32
	s.FromDense(x, gm, gk)
	for _, l := range kernelLevels() {
		b.Run(fmt.Sprintf("level=%d", l), func(b *testing.B) {
			defer setKernelLevel(l)()
			for b.Loop() {
				s.Mul(0, gm, w, gn, gn, out, gn)
			}
		})
	}
}

// BenchmarkSgemmLevels times the products of one PCD update at each
// kernel level (the packed kernel shares products of this size among the
// cores, as gonum's Sgemm does): in the pure-Go build 0 is gonum's Sgemm, 1 the packed AVX2
// kernel; in the OpenBLAS build the levels are those of the C kernels and
// every product is OpenBLAS's. "NN" is x·W (100×784 times 784×500), "NT"
// h·Wᵀ (100×500 times the transpose of 784×500), "TN" the weight sums vᵀh
// of 200 stacked rows.
func BenchmarkSgemmLevels(b *testing.B) {
	w := fill32(make([]float32, gk*gn))
	x := fill32(make([]float32, 2*gm*gk))
	h := fill32(make([]float32, 2*gm*gn))
	cases := []struct {
		name   string
		tA, tB bool
		a, b   blas32.General
		c      blas32.General
		flops  float64
	}{
		{"NN", false, false, blas32.General{Rows: gm, Cols: gk, Stride: gk, Data: x}, blas32.General{Rows: gk, Cols: gn, Stride: gn, Data: w},
			blas32.General{Rows: gm, Cols: gn, Stride: gn, Data: make([]float32, gm*gn)}, 2 * gm * gk * gn},
		{"NT", false, true, blas32.General{Rows: gm, Cols: gn, Stride: gn, Data: h}, blas32.General{Rows: gk, Cols: gn, Stride: gn, Data: w},
			blas32.General{Rows: gm, Cols: gk, Stride: gk, Data: make([]float32, gm*gk)}, 2 * gm * gk * gn},
		{"TN", true, false, blas32.General{Rows: 2 * gm, Cols: gk, Stride: gk, Data: x}, blas32.General{Rows: 2 * gm, Cols: gn, Stride: gn, Data: h},
			blas32.General{Rows: gk, Cols: gn, Stride: gn, Data: make([]float32, gk*gn)}, 2 * 2 * gm * gk * gn},
	}
	for _, c := range cases {
		for _, l := range kernelLevels() {
			b.Run(fmt.Sprintf("%s/level=%d", c.name, l), func(b *testing.B) {
				defer setKernelLevel(l)()
				for b.Loop() {
					Gemm32(c.tA, c.tB, 1, c.a, c.b, 0, c.c)
				}
				b.ReportMetric(c.flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
