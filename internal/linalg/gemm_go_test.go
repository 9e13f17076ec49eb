//go:build !openblas || !cgo

package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
)

// TestPackedSgemm: the packed AVX2 product (level 1) against a float64
// reference, for every combination of transposes, shapes that leave
// partial tiles and panels, strides wider than the matrices, and alpha
// and beta, within float32 rounding (4e-6 relative to the sum of |terms|).
func TestPackedSgemm(t *testing.T) {
	if !haveSIMD {
		t.Skip("no AVX2 and FMA on this CPU: the packed kernel is not used")
	}
	defer setKernelLevel(1)()
	rng := rand.New(rand.NewPCG(4, 4))
	fill := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		return x
	}
	for _, tA := range []bool{false, true} {
		for _, tB := range []bool{false, true} {
			for _, sh := range [][3]int{{4, 16, 64}, {7, 37, 33}, {1, 50, 100}, {13, 5, 200}, {100, 500, 30}, {9, 17, 1}} {
				for _, ab := range [][2]float32{{1, 0}, {-0.5, 2}} {
					m, n, k := sh[0], sh[1], sh[2]
					ra, ca := m, k
					if tA {
						ra, ca = k, m
					}
					rb, cb := k, n
					if tB {
						rb, cb = n, k
					}
					lda, ldb, ldc := ca+3, cb+1, n+2
					a, b, c := fill((ra-1)*lda+ca), fill((rb-1)*ldb+cb), fill((m-1)*ldc+n)
					c0 := append([]float32(nil), c...)
					Gemm32(tA, tB, ab[0], blas32.General{Rows: ra, Cols: ca, Stride: lda, Data: a},
						blas32.General{Rows: rb, Cols: cb, Stride: ldb, Data: b}, ab[1],
						blas32.General{Rows: m, Cols: n, Stride: ldc, Data: c})
					at := func(i, l int) float64 {
						if tA {
							return float64(a[l*lda+i])
						}
						return float64(a[i*lda+l])
					}
					bt := func(l, j int) float64 {
						if tB {
							return float64(b[j*ldb+l])
						}
						return float64(b[l*ldb+j])
					}
					name := fmt.Sprintf("tA=%v tB=%v %dx%dx%d alpha=%g beta=%g", tA, tB, m, n, k, ab[0], ab[1])
					for i := range m {
						for j := range n {
							s, abs := 0.0, 0.0
							for l := range k {
								s += at(i, l) * bt(l, j)
								abs += math.Abs(at(i, l) * bt(l, j))
							}
							want := float64(ab[0])*s + float64(ab[1])*float64(c0[i*ldc+j])
							if got := float64(c[i*ldc+j]); math.Abs(got-want) > 4e-6*(abs+math.Abs(want)+1) {
								t.Fatalf("%s: C[%d,%d] = %v, want %v", name, i, j, got, want)
							}
						}
					}
					for i := range m - 1 { // the stride's padding is untouched
						for j := n; j < ldc; j++ {
							if c[i*ldc+j] != c0[i*ldc+j] {
								t.Fatalf("%s: padding C[%d,%d] written", name, i, j)
							}
						}
					}
				}
			}
		}
	}
}

// TestGatherLevels: for binary states the AVX2 gather (level 1) gives the
// bits of gonum's AXPY loop (level 0); for other values it agrees within
// float32 rounding. Output widths cover the 64-, 8- and 1-column paths.
func TestGatherLevels(t *testing.T) {
	if !haveSIMD {
		t.Skip("no AVX2 and FMA on this CPU")
	}
	rng := rand.New(rand.NewPCG(6, 1))
	for _, n := range []int{1, 7, 8, 63, 64, 65, 500, 784} {
		for _, binary := range []bool{true, false} {
			const rows, cols = 9, 40
			x := make([]float32, rows*cols)
			for i := range x {
				if rng.IntN(4) == 0 {
					x[i] = 1
					if !binary {
						x[i] = float32(rng.NormFloat64())
					}
				}
			}
			var s Sparse32
			s.FromDense(x, rows, cols)
			ldb := n + 5
			b := make([]float32, cols*ldb)
			for i := range b {
				b[i] = float32(rng.NormFloat64())
			}
			out := func(level int) []float32 {
				defer setKernelLevel(level)()
				o := make([]float32, rows*n)
				s.Mul(0, rows, b, ldb, n, o, n)
				return o
			}
			o0, o1 := out(0), out(1)
			for i := range o0 {
				if binary && math.Float32bits(o0[i]) != math.Float32bits(o1[i]) {
					t.Fatalf("n=%d binary: entry %d is %v at level 1, %v at level 0", n, i, o1[i], o0[i])
				}
				if d := math.Abs(float64(o0[i] - o1[i])); d > 1e-5*(1+math.Abs(float64(o0[i]))) {
					t.Fatalf("n=%d: entry %d is %v at level 1, %v at level 0", n, i, o1[i], o0[i])
				}
			}
		}
	}
}
