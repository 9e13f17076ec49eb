package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// randomSparse returns a rows×cols matrix with about density nonzeros,
// binary when binary is set.
func randomSparse(rng *rand.Rand, rows, cols int, density float64, binary bool) []float32 {
	x := make([]float32, rows*cols)
	for i := range x {
		if rng.Float64() < density {
			x[i] = 1
			if !binary {
				x[i] = float32(rng.NormFloat64())
			}
		}
	}
	return x
}

// TestSparseMul checks Sparse32.Mul against a float64 dense product, for
// shapes that exercise whole and partial register tiles, empty rows, row
// ranges and strides: the result agrees to float32 rounding.
func TestSparseMul(t *testing.T) { atEveryLevel(t, testSparseMul) }

// atEveryLevel runs test once for each instruction-set level of the C
// kernels that this CPU has (once in the pure-Go build).
func atEveryLevel(t *testing.T, test func(*testing.T)) {
	for _, l := range kernelLevels() {
		t.Run(fmt.Sprintf("level=%d", l), func(t *testing.T) {
			defer setKernelLevel(l)()
			test(t)
		})
	}
}

func testSparseMul(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, c := range []struct {
		rows, k, n int
		density    float64
		binary     bool
	}{
		{7, 13, 5, 0.3, true}, {16, 784, 500, 0.13, true}, {5, 40, 64, 0.5, false},
		{9, 30, 129, 0.2, false}, {4, 10, 3, 0, true}, {3, 50, 70, 1, false},
	} {
		x := randomSparse(rng, c.rows, c.k, c.density, c.binary)
		ldb, ldo := c.n+3, c.n+1
		b := make([]float32, c.k*ldb)
		for i := range b {
			b[i] = float32(rng.NormFloat64())
		}
		var s Sparse32
		nnz := s.FromDense(x, c.rows, c.k)
		if nnz != s.NNZ() {
			t.Fatalf("FromDense returned %d, NNZ %d", nnz, s.NNZ())
		}
		lo, hi := 1, c.rows
		out := make([]float32, (hi-lo)*ldo)
		s.Mul(lo, hi, b, ldb, c.n, out, ldo)
		for r := lo; r < hi; r++ {
			for j := range c.n {
				want, scale := 0.0, 0.0
				for i := range c.k {
					p := float64(x[r*c.k+i]) * float64(b[i*ldb+j])
					want += p
					scale += math.Abs(p)
				}
				got := float64(out[(r-lo)*ldo+j])
				if math.Abs(got-want) > 1e-6*(scale+1) {
					t.Fatalf("%+v: entry (%d,%d) = %v, want %v", c, r, j, got, want)
				}
			}
		}
	}
}

// TestSparseTranspose checks TransposeCols over all columns against
// FromDense of the explicit transpose: same pattern and values, in the same order; FromDense drops
// both zeros (+0 and -0) and keeps rows that are all nonzero.
func TestSparseTranspose(t *testing.T) { atEveryLevel(t, testSparseTranspose) }

func testSparseTranspose(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	const rows, cols = 23, 41
	x := randomSparse(rng, rows, cols, 0.2, false)
	x[5] = float32(math.Copysign(0, -1))
	for j := range cols {
		x[7*cols+j] = 1 + float32(j) // a full row
	}
	xt := make([]float32, cols*rows)
	for r := range rows {
		for j := range cols {
			xt[j*rows+r] = x[r*cols+j]
		}
	}
	var s, a, b Sparse32
	s.FromDense(x, rows, cols)
	if s.RowNNZ(7) != cols || s.RowNNZ(0) != func() int {
		n := 0
		for _, v := range x[:cols] {
			if v != 0 {
				n++
			}
		}
		return n
	}() {
		t.Fatalf("row counts %d and %d", s.RowNNZ(7), s.RowNNZ(0))
	}
	s.TransposeCols(0, cols, &a)
	b.FromDense(xt, cols, rows)
	if ar, ac := a.Dims(); ar != cols || ac != rows || a.NNZ() != b.NNZ() {
		t.Fatalf("transpose %d×%d with %d nonzeros, want %d×%d with %d", ar, ac, a.NNZ(), cols, rows, b.NNZ())
	}
	for r := range cols {
		ai, av := a.Row(r)
		bi, bv := b.Row(r)
		if len(ai) != len(bi) {
			t.Fatalf("row %d: %d nonzeros, want %d", r, len(ai), len(bi))
		}
		for k := range ai {
			if ai[k] != bi[k] || av[k] != bv[k] {
				t.Fatalf("row %d entry %d: (%d, %v), want (%d, %v)", r, k, ai[k], av[k], bi[k], bv[k])
			}
		}
	}
	// Refilling reuses the memory and forgets the old pattern.
	s.FromDense(make([]float32, rows*cols), rows, cols)
	s.TransposeCols(0, cols, &a)
	if s.NNZ() != 0 || a.NNZ() != 0 {
		t.Fatalf("refilled with zeros: %d and %d nonzeros", s.NNZ(), a.NNZ())
	}
}

func TestSparseMulPanicsOnBadShape(t *testing.T) {
	var s Sparse32
	s.FromDense(make([]float32, 6), 2, 3)
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for a factor with too few rows")
		}
	}()
	s.Mul(0, 2, make([]float32, 8), 4, 4, make([]float32, 8), 4)
}

// TestSparseTransposeCols: each column range transposed alone equals the
// matching rows of the whole transpose (built from the explicit dense
// transpose).
func TestSparseTransposeCols(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	const rows, cols = 29, 70
	x := randomSparse(rng, rows, cols, 0.15, false)
	xt := make([]float32, cols*rows)
	for r := range rows {
		for j := range cols {
			xt[j*rows+r] = x[r*cols+j]
		}
	}
	var s, whole, part Sparse32
	s.FromDense(x, rows, cols)
	whole.FromDense(xt, cols, rows)
	for _, r := range [][2]int{{0, cols}, {0, 16}, {16, 64}, {64, 70}, {5, 5}, {69, 70}} {
		lo, hi := r[0], r[1]
		s.TransposeCols(lo, hi, &part)
		if pr, pc := part.Dims(); pr != hi-lo || pc != rows {
			t.Fatalf("[%d, %d): dims %d×%d", lo, hi, pr, pc)
		}
		for i := lo; i < hi; i++ {
			ai, av := part.Row(i - lo)
			bi, bv := whole.Row(i)
			if len(ai) != len(bi) {
				t.Fatalf("[%d, %d) column %d: %d nonzeros, want %d", lo, hi, i, len(ai), len(bi))
			}
			for k := range ai {
				if ai[k] != bi[k] || av[k] != bv[k] {
					t.Fatalf("[%d, %d) column %d entry %d differs", lo, hi, i, k)
				}
			}
		}
	}
}
