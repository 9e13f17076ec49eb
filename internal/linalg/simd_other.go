//go:build (!openblas || !cgo) && !amd64

package linalg

// haveSIMD: the vector kernels of the pure-Go build are written for amd64;
// other architectures use gonum's kernels.
const haveSIMD = false

func kern4x16(k int, a *float32, rs, cs int, b *float32, c *float32) {
	panic("linalg: no SIMD kernels")
}

func kern1x16(k int, a *float32, cs int, b *float32, c *float32) { panic("linalg: no SIMD kernels") }

func gatherRow32(nnz int, idx *int32, val *float32, b *float32, ldb, n int, out *float32) {
	panic("linalg: no SIMD kernels")
}
