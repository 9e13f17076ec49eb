//go:build !openblas || !cgo

package linalg

import (
	"sync"
	"unsafe"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"

	"boltzmann/internal/parallel"
)

// The pure-Go build's float32 products: on amd64 CPUs with AVX2 and FMA,
// Sgemm packs op(B) into panels of 16 columns and multiplies them with a
// 4×16 register-tiled kernel (simd_amd64.s), and the sparse gathers keep
// 64 columns of their output row in registers; elsewhere (level 0, or
// another CPU) gonum's kernels run. Each entry of a product is one sum in
// the order of the inner index, so the results do not depend on how the
// work is split among goroutines.

// simdLevel is the kernel level in use: 1 for the AVX2 kernels, 0 for
// gonum's (setKernelLevel, tests and benchmarks).
var simdLevel = func() int {
	if haveSIMD {
		return 1
	}
	return 0
}()

func init() { blas32.Use(sgemmBLAS{}) }

// kernelLevels lists the levels this CPU runs: 0 (gonum's kernels) and,
// with AVX2 and FMA, 1.
func kernelLevels() []int {
	if haveSIMD {
		return []int{0, 1}
	}
	return []int{0}
}

// setKernelLevel selects a level and returns a function that restores the
// previous one (tests only: not safe during other calls).
func setKernelLevel(l int) (restore func()) {
	cur := simdLevel
	if l == 1 && !haveSIMD {
		l = 0
	}
	simdLevel = l
	return func() { simdLevel = cur }
}

// sgemmBLAS is gonum's float32 BLAS with Sgemm replaced by the packed
// kernel at level 1.
type sgemmBLAS struct{ gonum.Implementation }

// packedMinFlops is the size (m·n·k) below which Sgemm leaves a product to
// gonum: packing a panel costs about one pass over op(B).
const packedMinFlops = 4096

// Sgemm computes C = alpha·op(A)·op(B) + beta·C (row-major), as
// blas32.Gemm.
func (g sgemmBLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if simdLevel == 0 || m*n*k < packedMinFlops || alpha == 0 || k == 0 {
		g.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	checkSgemm(tA, tB, m, n, k, a, lda, b, ldb, c, ldc)
	transA, transB := tA != blas.NoTrans, tB != blas.NoTrans
	panels := (n + 15) / 16
	// Panels of C's columns are independent; big products share them
	// among the cores (in blocks of panels, fixed by n alone).
	const perPiece = 4
	pieces := parallel.Blocks(panels, perPiece)
	work := func(piece int) {
		lo, hi := parallel.Range(piece, perPiece, panels)
		pk := panelPool.Get().(*[]float32)
		if cap(*pk) < 16*k {
			*pk = make([]float32, 16*k)
		}
		pack := (*pk)[:16*k]
		var tile [64]float32
		for p := lo; p < hi; p++ {
			j0 := 16 * p
			nb := min(16, n-j0)
			packPanel(pack, b, ldb, transB, k, j0, nb)
			for i0 := 0; i0 < m; i0 += 4 {
				mb := min(4, m-i0)
				rs, cs, off := lda, 1, i0*lda
				if transA {
					rs, cs, off = 1, lda, i0
				}
				if mb == 4 {
					kern4x16(k, &a[off], rs, cs, &pack[0], &tile[0])
				} else {
					for r := range mb {
						kern1x16(k, &a[off+r*rs], cs, &pack[0], &tile[16*r])
					}
				}
				for r := range mb {
					row := c[(i0+r)*ldc+j0 : (i0+r)*ldc+j0+nb]
					t := tile[16*r : 16*r+nb]
					if beta == 0 {
						for j, v := range t {
							row[j] = alpha * v
						}
					} else {
						for j, v := range t {
							row[j] = alpha*v + beta*row[j]
						}
					}
				}
			}
		}
		panelPool.Put(pk)
	}
	if m*n*k < 1<<22 || pieces == 1 {
		for piece := range pieces {
			work(piece)
		}
		return
	}
	parallel.For(pieces, work)
}

var panelPool = sync.Pool{New: func() any { return new([]float32) }}

// packPanel writes the columns [j0, j0+nb) of op(B) (k rows) into pack as
// k rows of 16, the columns beyond nb zero.
func packPanel(pack, b []float32, ldb int, transB bool, k, j0, nb int) {
	if !transB { // op(B) = B, k×n: rows are contiguous
		for l := range k {
			dst := pack[16*l : 16*l+16]
			copy(dst, b[l*ldb+j0:l*ldb+j0+nb])
			clear(dst[nb:])
		}
		return
	}
	// op(B) = Bᵀ with B n×k: column j of op(B) is row j of B.
	if nb < 16 {
		clear(pack)
	}
	for jj := range nb {
		src := b[(j0+jj)*ldb : (j0+jj)*ldb+k]
		for l, v := range src {
			pack[16*l+jj] = v
		}
	}
}

// checkSgemm panics, as gonum's Sgemm does, on arguments that do not
// describe the matrices, so that the packed path reads nothing out of
// range.
func checkSgemm(tA, tB blas.Transpose, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	ra, ca := m, k
	if tA != blas.NoTrans {
		ra, ca = k, m
	}
	rb, cb := k, n
	if tB != blas.NoTrans {
		rb, cb = n, k
	}
	if lda < max(1, ca) || ldb < max(1, cb) || ldc < max(1, n) ||
		len(a) < (ra-1)*lda+ca || len(b) < (rb-1)*ldb+cb || len(c) < (m-1)*ldc+n {
		panic("linalg: Sgemm with slices or strides too short for the shapes")
	}
}

// gatherRows32 is sparseMul32 with the AVX2 gather kernel.
func gatherRows32(ptr, idx []int32, val, b []float32, ldb, n int, out []float32, ldo int) {
	for r := range len(ptr) - 1 {
		lo, hi := int(ptr[r]), int(ptr[r+1])
		o := out[r*ldo : r*ldo+n]
		if hi == lo {
			clear(o)
			continue
		}
		gatherRow32(hi-lo, &idx[lo], &val[lo], (*float32)(unsafe.Pointer(unsafe.SliceData(b))), ldb, n, &o[0])
	}
}
