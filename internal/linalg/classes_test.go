package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestClassKernels checks ClassSoftplus32 and ClassCombine32, at every
// instruction-set level of the build and in the Go loop, against float64
// arithmetic: softplus sums to 2e-6 relative (plus 1e-5 absolute), the
// sigmoids to 1e-6, the combined sums to 1e-5. Inputs span |o| up to 40,
// both signs, and lengths that are not multiples of the vector width.
func TestClassKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, nh := range []int{1, 7, 16, 37, 300} {
		const nc = 4
		u, bias, wc := make([]float32, nh), make([]float32, nh), make([]float32, nc*nh)
		for j := range u {
			u[j] = float32(rng.NormFloat64() * 10)
			bias[j] = float32(rng.NormFloat64())
			if j%11 == 0 {
				u[j] = float32(40 * (2*rng.Float64() - 1))
			}
		}
		for i := range wc {
			wc[i] = float32(rng.NormFloat64())
		}
		d := []float32{0.3, -0.5, 0, 0.2}
		wantSP := make([]float64, nc)
		wantSig := make([]float64, nc*nh)
		wantG := make([]float64, nh)
		for c := range nc {
			for j := range nh {
				o := float64(u[j]) + float64(bias[j]) + float64(wc[c*nh+j])
				wantSP[c] += math.Max(o, 0) + math.Log1p(math.Exp(-math.Abs(o)))
				s := 1 / (1 + math.Exp(-o))
				wantSig[c*nh+j] = s
				wantG[j] += float64(d[c]) * s
			}
		}
		run := func(name string, sp func(sp []float64, sig, tmp []float32), comb func(sig, g, acw []float32)) {
			t.Run(fmt.Sprintf("%s/nh=%d", name, nh), func(t *testing.T) {
				got, sig, tmp := make([]float64, nc), make([]float32, nc*nh), make([]float32, nh)
				sp(got, sig, tmp)
				for c := range nc {
					if e := math.Abs(got[c] - wantSP[c]); e > 2e-6*math.Abs(wantSP[c])+1e-5 {
						t.Fatalf("softplus sum of class %d: %v, want %v", c, got[c], wantSP[c])
					}
				}
				for i, s := range sig {
					if math.Abs(float64(s)-wantSig[i]) > 1e-6 {
						t.Fatalf("sigmoid %d: %v, want %v", i, s, wantSig[i])
					}
				}
				only := make([]float64, nc)
				sp(only, nil, tmp)
				for c := range nc {
					if only[c] != got[c] {
						t.Fatalf("softplus sum of class %d without sigmoids: %v, with: %v", c, only[c], got[c])
					}
				}
				g, acw := make([]float32, nh), make([]float32, nc*nh)
				for i := range acw {
					acw[i] = 1
				}
				g[0] = 99 // overwritten
				comb(sig, g, acw)
				for j := range nh {
					if math.Abs(float64(g[j])-wantG[j]) > 1e-5 {
						t.Fatalf("g[%d] = %v, want %v", j, g[j], wantG[j])
					}
				}
				for i, a := range acw {
					if want := 1 + float64(d[i/nh])*wantSig[i]; math.Abs(float64(a)-want) > 1e-5 {
						t.Fatalf("acw[%d] = %v, want %v", i, a, want)
					}
				}
			})
		}
		for _, l := range kernelLevels() {
			restore := setKernelLevel(l)
			run(fmt.Sprintf("level%d", l),
				func(sp []float64, sig, tmp []float32) { ClassSoftplus32(u, bias, wc, nc, nh, sp, sig, tmp) },
				func(sig, g, acw []float32) { ClassCombine32(sig, d, nc, nh, g, acw) })
			restore()
		}
		run("go",
			func(sp []float64, sig, tmp []float32) { classSoftplusGo(u, bias, wc, nc, nh, sp, sig, tmp) },
			func(sig, g, acw []float32) { classCombineGo(sig, d, nc, nh, g, acw) })
	}
}

// BenchmarkClassSoftplus32 times the class terms of one row of a labeled
// RBM with 10 classes and 1,500 hidden units (15,000 softplus and sigmoid
// values), at each kernel level.
func BenchmarkClassSoftplus32(b *testing.B) {
	const nc, nh = 10, 1500
	rng := rand.New(rand.NewPCG(1, 2))
	u, bias, wc := make([]float32, nh), make([]float32, nh), make([]float32, nc*nh)
	for j := range u {
		u[j] = float32(rng.NormFloat64() * 3)
	}
	for i := range wc {
		wc[i] = float32(rng.NormFloat64())
	}
	sp, sig, tmp := make([]float64, nc), make([]float32, nc*nh), make([]float32, nh)
	for _, l := range kernelLevels() {
		b.Run(fmt.Sprintf("level%d", l), func(b *testing.B) {
			defer setKernelLevel(l)()
			for b.Loop() {
				ClassSoftplus32(u, bias, wc, nc, nh, sp, sig, tmp)
			}
		})
	}
	b.Run("go", func(b *testing.B) {
		for b.Loop() {
			classSoftplusGo(u, bias, wc, nc, nh, sp, sig, tmp)
		}
	})
}
