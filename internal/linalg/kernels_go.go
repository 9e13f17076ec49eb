//go:build !openblas || !cgo

package linalg

import "gonum.org/v1/gonum/blas/gonum"

func sampleSigmoid32(in, bias []float32, u []uint32, dst []float32, rows, cols int) {
	for r := range rows {
		x, ur, d := in[r*cols:(r+1)*cols], u[r*cols:(r+1)*cols], dst[r*cols:(r+1)*cols]
		for j, xj := range x {
			f := float32(ur[j]>>8) * 0x1p-24
			if f*(1+Exp32(-(xj+bias[j]))) < 1 {
				d[j] = 1
			} else {
				d[j] = 0
			}
		}
	}
}

func sigmoidBias32(in, bias, out []float32, rows, cols int) {
	for r := range rows {
		x, o := in[r*cols:(r+1)*cols], out[r*cols:(r+1)*cols]
		for j, xj := range x {
			o[j] = 1 / (1 + Exp32(-(xj + bias[j])))
		}
	}
}

// sparseMul32 adds the gathered rows: at level 1 with the AVX2 kernel
// (gatherRows32), at level 0 with gonum's vectorized AXPY (the same
// operations, element by element, as the scalar loop o_j += v·b_kj). For
// binary states (every v = 1) the two give identical results.
func sparseMul32(ptr, idx []int32, val, b []float32, ldb, n int, out []float32, ldo int) {
	if simdLevel == 1 {
		gatherRows32(ptr, idx, val, b, ldb, n, out, ldo)
		return
	}
	var impl gonum.Implementation
	for r := range len(ptr) - 1 {
		o := out[r*ldo : r*ldo+n]
		clear(o)
		for k := ptr[r]; k < ptr[r+1]; k++ {
			impl.Saxpy(n, val[k], b[int(idx[k])*ldb:int(idx[k])*ldb+n], 1, o, 1)
		}
	}
}

func compressRows32(x []float32, rows, cols int, ptr, idx []int32, val []float32) int { return -1 }

func classSoftplus32(u, bias, wc []float32, nc, nh int, sp []float64, sig, tmp []float32) {
	classSoftplusGo(u, bias, wc, nc, nh, sp, sig, tmp)
}

func classCombine32(sig, d []float32, nc, nh int, g, acw []float32) {
	classCombineGo(sig, d, nc, nh, g, acw)
}
