package linalg

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
)

// TestCPUKernels checks the CPU kernel set against the package functions
// it wraps, bit for bit, and the round trips of its resident matrices.
func TestCPUKernels(t *testing.T) {
	k := Default()
	if k.Name() != Backend() {
		t.Fatalf("Name %q, Backend %q", k.Name(), Backend())
	}
	rng := rand.New(rand.NewPCG(3, 4))
	const rows, nv, nh = 5, 7, 9
	w64 := make([]float64, nv*nh)
	for i := range w64 {
		w64[i] = rng.NormFloat64()
	}
	w := k.NewMatrix32(nv, nh)
	k.Upload64(w, 0, w64[:20])
	k.Upload64(w, 20, w64[20:])
	back := make([]float64, nv*nh)
	k.Download64(back, w, 0)
	w32 := make([]float32, nv*nh)
	for i, x := range w64 {
		w32[i] = float32(x)
		if back[i] != float64(float32(x)) {
			t.Fatalf("Download64[%d] = %v, want %v", i, back[i], float32(x))
		}
	}
	wt := k.NewMatrix32(nh, nv)
	k.Transpose32(wt, w)
	wt32 := make([]float32, nv*nh)
	k.Download32(wt32, wt, 0)
	for i := range nv {
		for j := range nh {
			if wt32[j*nv+i] != w32[i*nh+j] {
				t.Fatalf("Wᵀ[%d,%d] = %v, want %v", j, i, wt32[j*nv+i], w32[i*nh+j])
			}
		}
	}
	x := make([]float32, rows*nv)
	for i := range x {
		if rng.IntN(4) == 0 {
			x[i] = 1
		}
	}
	got, want := make([]float32, rows*nh), make([]float32, rows*nh)
	k.MulW32(x, rows, w, false, got)
	Gemm32(false, false, 1, blas32.General{Rows: rows, Cols: nv, Stride: nv, Data: x},
		blas32.General{Rows: nv, Cols: nh, Stride: nh, Data: w32}, 0, blas32.General{Rows: rows, Cols: nh, Stride: nh, Data: want})
	equal32(t, "MulW32", got, want)
	var s Sparse32
	s.FromDense(x, rows, nv)
	k.SparseMulW32(&s, 1, rows, w, got)
	s.Mul(1, rows, w32, nh, nh, want, nh)
	equal32(t, "SparseMulW32", got[:(rows-1)*nh], want[:(rows-1)*nh])
	// x·Wᵀ through the transposed flag equals the product with Wᵀ.
	h := append([]float32(nil), got[:rows*nh]...)
	gv, wv := make([]float32, rows*nv), make([]float32, rows*nv)
	k.MulW32(h, rows, w, true, gv)
	Gemm32(false, true, 1, blas32.General{Rows: rows, Cols: nh, Stride: nh, Data: h},
		blas32.General{Rows: nv, Cols: nh, Stride: nh, Data: w32}, 0, blas32.General{Rows: rows, Cols: nv, Stride: nv, Data: wv})
	equal32(t, "MulW32 transposed", gv, wv)
	bias := k.NewMatrix32(1, nh)
	b32 := make([]float32, nh)
	for j := range b32 {
		b32[j] = float32(rng.NormFloat64())
	}
	k.Upload32(bias, 0, b32)
	u := make([]uint32, rows*nh)
	Uniforms(rng, u)
	k.SampleSigmoid32(h, bias, u, got, rows, nh)
	SampleSigmoid32(h, b32, u, want, rows, nh)
	equal32(t, "SampleSigmoid32", got, want)
	k.SigmoidBias32(h, bias, got, rows, nh)
	SigmoidBias32(h, b32, want, rows, nh)
	equal32(t, "SigmoidBias32", got, want)
	// A mapped range reads the resident values and writes through.
	mp := k.Map32(w, 10, 5)
	equal32(t, "Map32", mp, w32[10:15])
	mp[2] = 42
	k.Unmap32(w, 10, mp)
	one := make([]float32, 1)
	k.Download32(one, w, 12)
	if one[0] != 42 {
		t.Fatalf("write through Map32 reads back %v, want 42", one[0])
	}
}

func equal32(t *testing.T, name string, got, want []float32) {
	t.Helper()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s[%d] = %v, want %v", name, i, got[i], want[i])
		}
	}
}
