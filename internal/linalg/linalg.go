// Package linalg selects the matrix-multiply backend of the whole module and
// holds the small float32 kernels that the samplers fuse around it.
//
// Built with the tag openblas (and cgo), every gonum product (blas64 and
// blas32, hence every mat.Dense.Mul in the module) goes through OpenBLAS via
// gonum.org/v1/netlib, and OpenBLAS is limited to one thread: the callers
// parallelize over blocks of chains with goroutines instead, so that Go's
// scheduler owns the cores (OpenBLAS's spinning threads otherwise compete
// with the goroutines; see benchmarks/perf.md). Without the tag the products
// use gonum's pure-Go implementation, except the float32 GEMM and the sparse
// gathers, which on amd64 CPUs with AVX2 and FMA run this package's Go
// assembly (gemm_go.go, simd_amd64.s). Importing this package (any model does)
// is enough to select the backend.
//
// The float32 kernels of the binary models go through one kernel set,
// Kernels (Default returns the build's CPU set). A kernel set owns
// resident matrices (Matrix32), and two things stay in them between
// updates:
//
//   - the parameters: the RBM's float32 mode keeps W, Wᵀ and the biases
//     there, refreshes them with Upload64 when the float64 parameters
//     change (the fused optimizer step uploads each updated range right
//     after its step), and passes them to the products (MulW32,
//     SparseMulW32) and the sigmoid and sampling kernels;
//   - the chains: the RBM keeps a chain set's float32 visible states,
//     hidden states and last hidden probabilities in three Matrix32
//     (model.ChainState, made by UploadChains), and its block Gibbs
//     kernels and the fused gradient of PCD read and write them in place.
//     sample.Chains owns the state and copies it back into its float64
//     matrices (Download64) only when they are read (Chains.Visible and
//     the other accessors, checkpoints, monitors, samplers of other kinds),
//     and uploads the float64 states again only after they were handed out
//     for writing (Chains.Visible, Hidden, SetHidden). One PCD update of the
//     trainer's fused path converts nothing unless a monitor reads the
//     chains.
//
// A GPU backend plugs in by implementing Kernels: NewMatrix32 allocates
// device memory, Upload/Download are the host↔device copies, Map32/Unmap32
// give host loops access to a resident range (a download and an upload on
// a device), Transpose32, MulW32 and SparseMulW32 run on the device against
// the resident weights, and the elementwise kernels read a resident bias;
// KeepsChains then ties a chain state to that kernel set. What crosses per
// call today is the uniforms (drawn on the host from the chains' own
// streams, 4 bytes per unit and half-step, so that results do not depend on
// the backend) and the per-chunk activations, which the half-step kernels
// take as host slices: the RBM maps the resident chain rows (Map32), gathers
// their sparse rows (Sparse32, built on the host) and multiplies. On a device
// those maps are copies, so the next step for one is the half-step kernels
// with Matrix32 operands for the chain rows and activations (and the β
// scaling, field and clamp loops of transforms and the per-row coefficients
// of the gradient, host loops today, as kernels); the gradient sums (Gemm32,
// SparseMul32) take host operands. Default would then return the device set
// where one is built in.
package linalg

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// Backend names the matrix-multiply implementation in use: "openblas" or
// "gonum".
func Backend() string { return backend }

// SetBLASThreads sets the number of threads the BLAS backend may start for
// one call (OpenBLAS only; the pure-Go backend ignores it). The default is 1.
func SetBLASThreads(n int) { setThreads(max(n, 1)) }

// Gemm32 computes C = alpha·op(A)·op(B) + beta·C in float32 for row-major
// matrices, op(X) = X or Xᵀ as tA, tB say.
func Gemm32(tA, tB bool, alpha float32, a, b blas32.General, beta float32, c blas32.General) {
	blas32.Gemm(trans(tA), trans(tB), alpha, a, b, beta, c)
}

// Gemm64 is Gemm32 in float64.
func Gemm64(tA, tB bool, alpha float64, a, b blas64.General, beta float64, c blas64.General) {
	blas64.Gemm(trans(tA), trans(tB), alpha, a, b, beta, c)
}

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

// Exp32 returns e^x in float32 with a relative error below 2e-7 for x in
// [-87, 88]; inputs outside are clamped to that range (so the result is
// always finite and positive). It is several times faster than math.Exp.
func Exp32(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		ln2hi = 0.693359375
		ln2lo = -2.12194440e-4
		magic = 12582912 // 1.5·2^23: adding it rounds to an integer
	)
	if x < -87 {
		x = -87
	} else if x > 88 {
		x = 88
	}
	n := x*log2e + magic
	n -= magic
	r := x - n*ln2hi - n*ln2lo
	// Taylor polynomial of e^r on |r| ≤ ln2/2 (Horner form).
	p := float32(1.0 / 5040)
	p = p*r + 1.0/720
	p = p*r + 1.0/120
	p = p*r + 1.0/24
	p = p*r + 1.0/6
	p = p*r + 0.5
	p = p*r + 1
	p = p*r + 1
	return p * math.Float32frombits(uint32(int32(n)+127)<<23)
}

// Uniforms fills u with uniform random 32-bit words, two per rng.Uint64.
func Uniforms(rng *rand.Rand, u []uint32) {
	n := len(u) &^ 1
	for i := 0; i < n; i += 2 {
		x := rng.Uint64()
		u[i], u[i+1] = uint32(x), uint32(x>>32)
	}
	if n < len(u) {
		u[n] = uint32(rng.Uint64())
	}
}

// SampleSigmoid32 sets, for the rows×cols matrices in, u and dst (row-major,
// contiguous), dst = 1 with probability σ(in + bias) (bias broadcast over
// rows) and 0 otherwise, using the top 24 bits of u as the uniform
// (probabilities are resolved to 2^-24): u < σ(x) ⟺ u·(1 + e^{-x}) < 1.
// The openblas build runs a vectorized C loop.
func SampleSigmoid32(in, bias []float32, u []uint32, dst []float32, rows, cols int) {
	n := rows * cols
	if len(in) < n || len(u) < n || len(dst) < n || len(bias) < cols {
		panic("linalg: SampleSigmoid32 buffers too short")
	}
	if n == 0 {
		return
	}
	sampleSigmoid32(in, bias, u, dst, rows, cols)
}

// SigmoidBias32 writes σ(in + bias) into out for rows×cols matrices (bias
// broadcast over rows); in and out may be the same.
func SigmoidBias32(in, bias, out []float32, rows, cols int) {
	n := rows * cols
	if len(in) < n || len(out) < n || len(bias) < cols {
		panic("linalg: SigmoidBias32 buffers too short")
	}
	if n == 0 {
		return
	}
	sigmoidBias32(in, bias, out, rows, cols)
}
