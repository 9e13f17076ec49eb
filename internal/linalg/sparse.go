package linalg

import (
	"fmt"
	"math"
)

// Sparse32 is a float32 matrix kept in compressed-row form: its nonzero
// entries, row by row in increasing column order. The samplers of binary
// models use it for states and data, whose rows are mostly zeros (about 13%
// of the pixels of a binarized MNIST digit are on): a product with a sparse
// row gathers the rows of the other factor that its nonzeros select, so its
// cost falls with the density, unlike a dense GEMM's.
//
// A Sparse32 is filled by FromDense or TransposeCols, which check the
// shape, so Mul never reads out of bounds; the zero value is an empty matrix
// ready to be filled, and refilling reuses its memory.
type Sparse32 struct {
	rows, cols int
	ptr        []int32   // rows+1 offsets into idx and val
	idx        []int32   // column of each nonzero
	val        []float32 // value of each nonzero
	next       []int32   // scratch of TransposeCols
}

// Dims returns the number of rows and columns.
func (s *Sparse32) Dims() (rows, cols int) { return s.rows, s.cols }

// NNZ returns the number of stored (nonzero) entries.
func (s *Sparse32) NNZ() int { return len(s.idx) }

// RowNNZ returns the number of nonzeros of row r.
func (s *Sparse32) RowNNZ(r int) int { return int(s.ptr[r+1] - s.ptr[r]) }

// Row returns the columns and values of the nonzeros of row r (views into
// s, valid until it is refilled).
func (s *Sparse32) Row(r int) (cols []int32, vals []float32) {
	lo, hi := s.ptr[r], s.ptr[r+1]
	return s.idx[lo:hi], s.val[lo:hi]
}

func (s *Sparse32) reset(rows, cols int) {
	if rows < 0 || cols < 0 || int64(rows)*int64(cols) >= 1<<31 {
		panic(fmt.Sprintf("linalg: sparse matrix of %d×%d entries", rows, cols))
	}
	s.rows, s.cols = rows, cols
	s.ptr = append(s.ptr[:0], 0)
	s.idx = s.idx[:0]
	s.val = s.val[:0]
}

// FromDense fills s with the nonzero entries of the rows×cols row-major
// matrix x and returns their number. The loop has no data-dependent
// branch (a mispredicted one per entry would cost more than the rest at
// the densities of binary data).
func (s *Sparse32) FromDense(x []float32, rows, cols int) int {
	if len(x) < rows*cols {
		panic(fmt.Sprintf("linalg: FromDense of %d×%d from %d values", rows, cols, len(x)))
	}
	s.reset(rows, cols)
	// One slot of slack: an entry is written before it is known to be kept.
	s.idx = grow(s.idx, rows*cols+1)
	s.val = grow(s.val, rows*cols+1)
	s.ptr = grow(s.ptr, rows+1)
	s.ptr[0] = 0
	k := compressRows32(x, rows, cols, s.ptr, s.idx, s.val)
	if k >= 0 {
		s.idx, s.val = s.idx[:k], s.val[:k]
		return k
	}
	k = 0
	for r := range rows {
		row := x[r*cols : (r+1)*cols]
		idx, val := s.idx[k:k+cols+1], s.val[k:k+cols+1]
		c, j := 0, 0
		// Blocks of eight: skip all-zero blocks (most of them in binary
		// images), compress the others without branches.
		for ; j+8 <= cols; j += 8 {
			b := row[j : j+8 : j+8]
			any := math.Float32bits(b[0]) | math.Float32bits(b[1]) | math.Float32bits(b[2]) | math.Float32bits(b[3]) |
				math.Float32bits(b[4]) | math.Float32bits(b[5]) | math.Float32bits(b[6]) | math.Float32bits(b[7])
			if any&^(1<<31) == 0 {
				continue
			}
			for t, v := range b {
				idx[c], val[c] = int32(j+t), v
				c += nonzero(v)
			}
		}
		for ; j < cols; j++ {
			idx[c], val[c] = int32(j), row[j]
			c += nonzero(row[j])
		}
		k += c
		s.ptr[r+1] = int32(k)
	}
	s.idx, s.val = s.idx[:k], s.val[:k]
	return k
}

// nonzero is 1 if v is neither +0 nor -0, else 0, without a branch.
func nonzero(v float32) int {
	b := math.Float32bits(v) &^ (1 << 31)
	return int((b | -b) >> 31)
}

// TransposeCols fills dst with the columns [lo, hi) of s transposed: row
// t of dst holds the nonzeros of column lo+t of s, in increasing row order.
// It costs O(rows·log(nnz per row)) plus the nonzeros taken, so that
// goroutines can each transpose their own range of columns of one shared
// matrix.
func (s *Sparse32) TransposeCols(lo, hi int, dst *Sparse32) {
	if dst == s || lo < 0 || hi > s.cols || lo > hi {
		panic(fmt.Sprintf("linalg: TransposeCols [%d, %d) of %d columns", lo, hi, s.cols))
	}
	dst.reset(hi-lo, s.rows)
	dst.ptr = grow(dst.ptr, hi-lo+1)
	clear(dst.ptr)
	// start[r] is where row r's columns reach lo (binary search), kept in
	// dst.next's storage to avoid an allocation.
	dst.next = grow(dst.next, s.rows)
	start := dst.next
	for r := range s.rows {
		a, b := int(s.ptr[r]), int(s.ptr[r+1])
		for a < b { // first k in [a, b) with idx[k] >= lo
			m := int(uint(a+b) >> 1)
			if int(s.idx[m]) < lo {
				a = m + 1
			} else {
				b = m
			}
		}
		start[r] = int32(a)
		for k := a; k < int(s.ptr[r+1]) && int(s.idx[k]) < hi; k++ {
			dst.ptr[int(s.idx[k])-lo+1]++
		}
	}
	for t := range hi - lo {
		dst.ptr[t+1] += dst.ptr[t]
	}
	nnz := int(dst.ptr[hi-lo])
	dst.idx = grow(dst.idx, nnz)
	dst.val = grow(dst.val, nnz)
	// Place the entries: fill[t] counts what column lo+t has received; the
	// row-major walk keeps each column's rows in increasing order.
	fill := dst.ptr[:hi-lo] // reused: restored below
	for r := range s.rows {
		for k := int(start[r]); k < int(s.ptr[r+1]) && int(s.idx[k]) < hi; k++ {
			t := int(s.idx[k]) - lo
			p := fill[t]
			dst.idx[p], dst.val[p] = int32(r), s.val[k]
			fill[t]++
		}
	}
	// fill[t] now equals the old ptr[t+1]: shift back.
	copy(dst.ptr[1:], fill)
	dst.ptr[0] = 0
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// Mul sets the rows [lo, hi) of out to those of s·b, where b is a
// s.cols×n row-major matrix with row stride ldb and out has row stride ldo
// (row lo of the product goes to out[0:n]). Each entry is summed over the
// nonzeros of its row in column order, so the result does not depend on
// how the rows are split among goroutines.
func (s *Sparse32) Mul(lo, hi int, b []float32, ldb, n int, out []float32, ldo int) {
	if lo < 0 || hi > s.rows || lo > hi || n < 0 || ldb < n || ldo < n {
		panic(fmt.Sprintf("linalg: Sparse32.Mul of rows [%d, %d) of %d, %d columns, strides %d and %d", lo, hi, s.rows, n, ldb, ldo))
	}
	if hi == lo || n == 0 {
		return
	}
	if s.cols > 0 && len(b) < (s.cols-1)*ldb+n {
		panic(fmt.Sprintf("linalg: Sparse32.Mul with %d values for a %d×%d factor", len(b), s.cols, n))
	}
	if len(out) < (hi-lo-1)*ldo+n {
		panic(fmt.Sprintf("linalg: Sparse32.Mul with %d values for a %d×%d product", len(out), hi-lo, n))
	}
	if s.cols == 0 {
		for r := range hi - lo {
			clear(out[r*ldo : r*ldo+n])
		}
		return
	}
	sparseMul32(s.ptr[lo:hi+1], s.idx, s.val, b, ldb, n, out, ldo)
}
