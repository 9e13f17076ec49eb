//go:build (!openblas || !cgo) && amd64

package linalg

import "golang.org/x/sys/cpu"

// haveSIMD reports whether this CPU runs the AVX2 and FMA kernels of the
// pure-Go build (simd_amd64.s).
var haveSIMD = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// kern4x16 sets the 4×16 tile c to the product of 4 rows of A (element
// (r, l) at a[r·rs + l·cs]) and a packed panel b of k rows of 16.
//
//go:noescape
func kern4x16(k int, a *float32, rs, cs int, b *float32, c *float32)

// kern1x16 is kern4x16 for one row of A (element l at a[l·cs]).
//
//go:noescape
func kern1x16(k int, a *float32, cs int, b *float32, c *float32)

// gatherRow32 sets out[0:n] to Σ_k val[k]·b[idx[k]·ldb : idx[k]·ldb+n]
// over the nnz gathered rows, summed in the order of k.
//
//go:noescape
func gatherRow32(nnz int, idx *int32, val *float32, b *float32, ldb, n int, out *float32)
