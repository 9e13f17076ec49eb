package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestRowStore: rows read back from the store are the rows given, bit for
// bit, whether kept compact (binary, ±1, 256 distinct values) or not (257
// distinct values, NaN, compaction not asked for).
func TestRowStore(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	gen := func(n, d int, f func() float64) *mat.Dense {
		x := mat.NewDense(n, d, nil)
		for k := range x.RawMatrix().Data {
			x.RawMatrix().Data[k] = f()
		}
		return x
	}
	for _, c := range []struct {
		name    string
		x       *mat.Dense
		compact bool
		want    bool // kept compact
	}{
		{"binary", gen(50, 7, func() float64 { return float64(rng.IntN(2)) }), true, true},
		{"spins", gen(50, 7, func() float64 { return float64(2*rng.IntN(2) - 1) }), true, true},
		{"256 values", gen(300, 9, func() float64 { return float64(rng.IntN(256)) / 3 }), true, true},
		{"257 values", func() *mat.Dense {
			x := gen(300, 9, func() float64 { return float64(rng.IntN(256)) })
			x.Set(7, 3, 0.5)
			return x
		}(), true, false},
		{"NaN", func() *mat.Dense {
			x := gen(20, 4, func() float64 { return float64(rng.IntN(2)) })
			x.Set(3, 1, math.NaN())
			return x
		}(), true, false},
		{"real", gen(100, 4, rng.NormFloat64), true, false},
		{"few reals", gen(20, 4, rng.NormFloat64), true, true},
		{"not asked", gen(20, 4, func() float64 { return float64(rng.IntN(2)) }), false, false},
	} {
		s := newRowStore(c.x, c.compact)
		if got := s.dense == nil; got != c.want {
			t.Errorf("%s: compact %v, want %v", c.name, got, c.want)
		}
		n, d := c.x.Dims()
		if sn, sd := s.Dims(); sn != n || sd != d {
			t.Fatalf("%s: dims %d×%d, want %d×%d", c.name, sn, sd, n, d)
		}
		dst := make([]float64, d)
		for r := range n {
			s.row(r, dst)
			for i, v := range c.x.RawRowView(r) {
				if math.Float64bits(dst[i]) != math.Float64bits(v) {
					t.Fatalf("%s: row %d column %d reads %v, want %v", c.name, r, i, dst[i], v)
				}
			}
		}
		k := min(n, 11)
		head := s.first(k)
		if !mat.Equal(head, c.x.Slice(0, k, 0, d)) && c.name != "NaN" {
			t.Errorf("%s: first %d rows differ", c.name, k)
		}
	}
}
