package rbm_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/testmodels"
	"boltzmann/model/rbm"
)

// TestExactStatsOrderIndependent: ExactStats sums of 70 binary rows equal
// the sums of any split of the rows into parts starting at multiples of 16,
// added in any order, bit for bit, and differ from AddStats by at most the
// rounding of the probabilities (2^-31 per row); non-binary rows are
// refused.
func TestExactStatsOrderIndependent(t *testing.T) {
	m := testmodels.RBM(12, 7, 1.5, 3)
	rng := rand.New(rand.NewPCG(1, 2))
	x := mat.NewDense(70, 12, nil)
	for i := range x.RawMatrix().Data {
		x.RawMatrix().Data[i] = float64(rng.IntN(2))
	}
	e := rbm.ExactStats{RBM: m}
	np := len(m.Params())
	whole := make([]float64, np)
	e.AddStats(x, nil, whole)
	for _, cuts := range [][]int{{0, 16, 70}, {0, 48, 64, 70}, {0, 32, 70}} {
		parts := make([][]float64, len(cuts)-1)
		for k := range parts {
			parts[k] = make([]float64, np)
			e.AddStats(x.Slice(cuts[k], cuts[k+1], 0, 12).(*mat.Dense), nil, parts[k])
		}
		for j := range whole {
			fwd, back := 0.0, 0.0
			for k := range parts {
				fwd += parts[k][j]
				back += parts[len(parts)-1-k][j]
			}
			if fwd != whole[j] || back != whole[j] {
				t.Fatalf("cuts %v: sum %d is %v and %v by parts, %v whole", cuts, j, fwd, back, whole[j])
			}
		}
	}
	plain := make([]float64, np)
	m.AddStats(x, nil, plain)
	for j := range plain {
		if d := math.Abs(plain[j] - whole[j]); d > 70*math.Ldexp(1, -31)+1e-12 {
			t.Fatalf("sum %d: %v exact, %v AddStats", j, whole[j], plain[j])
		}
	}
	x.Set(3, 4, 0.5)
	defer func() {
		if recover() == nil {
			t.Error("a non-binary row was accepted")
		}
	}()
	e.AddStats(x, nil, make([]float64, np))
}
