package linalg

import (
	"fmt"

	"gonum.org/v1/gonum/blas/blas32"

	"boltzmann/internal/parallel"
)

// Matrix32 is a rows×cols row-major float32 matrix in the memory of the
// Kernels that allocated it (NewMatrix32). Its values are reached only
// through that kernel set: Upload32/Upload64 and Download32/Download64 copy
// them from and to the host, Map32 lends a range of them to a host loop,
// and the kernels take it as an operand, so a model's parameters and its
// chains' states can stay where the kernels run between updates. A
// Matrix32 must not be used with another kernel set.
type Matrix32 interface {
	Dims() (rows, cols int)
}

// Kernels is the set of float32 kernels that the fast paths of the binary
// models (the RBM's float32 mode) run on, together with the matrices that
// stay resident in its memory (Matrix32): parameters and chain states.
// Offsets and lengths are in elements of the row-major storage; the host
// operands ([]float32, Sparse32, blas32.General) are the per-call
// activations, mapped chain rows (Map32) and random words.
// Every method may be called concurrently on distinct outputs. Default
// returns the kernel set of the build.
type Kernels interface {
	// Name is the implementation of the products: "openblas" or "gonum"
	// for the CPU kernels (see Backend).
	Name() string

	// NewMatrix32 allocates a rows×cols matrix of zeros.
	NewMatrix32(rows, cols int) Matrix32
	// Upload32 copies src into the elements [off, off+len(src)) of dst.
	Upload32(dst Matrix32, off int, src []float32)
	// Upload64 rounds src to float32 into the elements [off,
	// off+len(src)) of dst.
	Upload64(dst Matrix32, off int, src []float64)
	// Download32 copies the elements [off, off+len(dst)) of src into dst.
	Download32(dst []float32, src Matrix32, off int)
	// Download64 copies the elements [off, off+len(dst)) of src into dst,
	// widened to float64.
	Download64(dst []float64, src Matrix32, off int)
	// Transpose32 sets dst (c×r) to srcᵀ (src is r×c).
	Transpose32(dst, src Matrix32)
	// Map32 returns the elements [off, off+n) of m as host memory that
	// the caller may read and write until it hands them back with
	// Unmap32(m, off, s); no other kernel may use those elements in
	// between. The CPU kernels return m's own storage (no copy) and
	// Unmap32 does nothing; a kernel set whose memory the host cannot
	// address copies them out (Download32) and back (Upload32). Host loops
	// over resident chain states (the sparse gathers, the clamp of a
	// transform) reach them this way.
	Map32(m Matrix32, off, n int) []float32
	// Unmap32 ends a Map32 of the elements [off, off+len(s)) of m.
	Unmap32(m Matrix32, off int, s []float32)

	// MulW32 sets out (rows×n, contiguous) to x·w (w is k×n, x rows×k) or,
	// with transW, to x·wᵀ (w is n×k), for the contiguous row-major host
	// matrix x.
	MulW32(x []float32, rows int, w Matrix32, transW bool, out []float32)
	// SparseMulW32 sets out (hi-lo rows of n, contiguous) to the rows [lo,
	// hi) of s·w, w an s.cols×n matrix (the semantics of Sparse32.Mul).
	SparseMulW32(s *Sparse32, lo, hi int, w Matrix32, out []float32)
	// SampleSigmoid32 is the package's SampleSigmoid32 with a resident
	// bias (1×cols).
	SampleSigmoid32(in []float32, bias Matrix32, u []uint32, dst []float32, rows, cols int)
	// SigmoidBias32 is the package's SigmoidBias32 with a resident bias
	// (1×cols).
	SigmoidBias32(in []float32, bias Matrix32, out []float32, rows, cols int)

	// Gemm32 is the package's Gemm32 on host matrices (the gradient
	// sums Vᵀ(cH) of the stacked phases).
	Gemm32(tA, tB bool, alpha float32, a, b blas32.General, beta float32, c blas32.General)
	// SparseMul32 is Sparse32.Mul on a host factor b.
	SparseMul32(s *Sparse32, lo, hi int, b []float32, ldb, n int, out []float32, ldo int)
}

// Default returns the kernel set selected at build time: the CPU kernels,
// whose products run on OpenBLAS with the tag openblas and on gonum
// otherwise, and whose matrices are ordinary Go memory.
func Default() Kernels { return cpuKernels{} }

// cpuKernels is the CPU implementation of Kernels: a Matrix32 is a Go
// slice, and the kernels are the package's functions.
type cpuKernels struct{}

type cpuMatrix struct {
	rows, cols int
	data       []float32
}

func (m *cpuMatrix) Dims() (rows, cols int) { return m.rows, m.cols }

// host returns the storage of a CPU matrix.
func host(m Matrix32) *cpuMatrix {
	c, ok := m.(*cpuMatrix)
	if !ok {
		panic(fmt.Sprintf("linalg: a %T used with the CPU kernels", m))
	}
	return c
}

func (cpuKernels) Name() string { return backend }

func (cpuKernels) NewMatrix32(rows, cols int) Matrix32 {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("linalg: NewMatrix32(%d, %d)", rows, cols))
	}
	return &cpuMatrix{rows: rows, cols: cols, data: make([]float32, rows*cols)}
}

func (cpuKernels) Upload32(dst Matrix32, off int, src []float32) {
	copy(host(dst).data[off:off+len(src)], src)
}

func (cpuKernels) Upload64(dst Matrix32, off int, src []float64) {
	d := host(dst).data[off : off+len(src)]
	for i, x := range src {
		d[i] = float32(x)
	}
}

func (cpuKernels) Download32(dst []float32, src Matrix32, off int) {
	copy(dst, host(src).data[off:off+len(dst)])
}

func (cpuKernels) Download64(dst []float64, src Matrix32, off int) {
	s := host(src).data[off : off+len(dst)]
	for i, x := range s {
		dst[i] = float64(x)
	}
}

func (cpuKernels) Map32(m Matrix32, off, n int) []float32 {
	return host(m).data[off : off+n : off+n]
}

func (cpuKernels) Unmap32(m Matrix32, off int, s []float32) {
	d := host(m).data[off : off+len(s)]
	if len(s) > 0 && &d[0] != &s[0] {
		panic("linalg: Unmap32 of memory that Map32 did not return")
	}
}

// Transpose32 copies blocks of 16 columns of src in parallel: 16
// consecutive reads of a row, 16 sequential write streams into dst. The
// copy is bound by the memory bandwidth (0.27–0.4 ms for 784×500 on the
// development machine whatever the number of cores).
func (cpuKernels) Transpose32(dst, src Matrix32) {
	d, s := host(dst), host(src)
	nr, nc := s.rows, s.cols
	if d.rows != nc || d.cols != nr {
		panic(fmt.Sprintf("linalg: Transpose32 of %d×%d into %d×%d", nr, nc, d.rows, d.cols))
	}
	const bs = 16
	parallel.For(parallel.Blocks(nc, bs), func(k int) {
		lo, hi := parallel.Range(k, bs, nc)
		for i := range nr {
			for j, x := range s.data[i*nc+lo : i*nc+hi] {
				d.data[(lo+j)*nr+i] = x
			}
		}
	})
}

func (cpuKernels) MulW32(x []float32, rows int, w Matrix32, transW bool, out []float32) {
	m := host(w)
	in, n := m.rows, m.cols
	if transW {
		in, n = n, in
	}
	Gemm32(false, transW, 1, blas32.General{Rows: rows, Cols: in, Stride: in, Data: x},
		blas32.General{Rows: m.rows, Cols: m.cols, Stride: m.cols, Data: m.data}, 0,
		blas32.General{Rows: rows, Cols: n, Stride: n, Data: out})
}

func (cpuKernels) SparseMulW32(s *Sparse32, lo, hi int, w Matrix32, out []float32) {
	m := host(w)
	s.Mul(lo, hi, m.data, m.cols, m.cols, out, m.cols)
}

func (cpuKernels) SampleSigmoid32(in []float32, bias Matrix32, u []uint32, dst []float32, rows, cols int) {
	SampleSigmoid32(in, host(bias).data, u, dst, rows, cols)
}

func (cpuKernels) SigmoidBias32(in []float32, bias Matrix32, out []float32, rows, cols int) {
	SigmoidBias32(in, host(bias).data, out, rows, cols)
}

func (cpuKernels) Gemm32(tA, tB bool, alpha float32, a, b blas32.General, beta float32, c blas32.General) {
	Gemm32(tA, tB, alpha, a, b, beta, c)
}

func (cpuKernels) SparseMul32(s *Sparse32, lo, hi int, b []float32, ldb, n int, out []float32, ldo int) {
	s.Mul(lo, hi, b, ldb, n, out, ldo)
}
