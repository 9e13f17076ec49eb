package stattest

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestChiSquarePoolingKeepsPower: many rare bins whose pooled expected
// count stays below the threshold. Samples drawn from the true
// probabilities pass; samples that put the rare mass on one bin, or in a
// bin of probability zero, fail. The old rule (divide the small pool by
// max(expected, 1)) let an excess of rare draws pass unnoticed.
func TestChiSquarePoolingKeepsPower(t *testing.T) {
	// In 5,000 draws the four rare bins expect 0.5 each and pool with the
	// bin of 0.004 (expected 20).
	probs := []float64{0.6, 0.3, 0.0956, 0.004, 0.0001, 0.0001, 0.0001, 0.0001}
	const n = 5000
	draw := func(p []float64, seed uint64) []int {
		rng := rand.New(rand.NewPCG(seed, 7))
		c := make([]int, len(probs))
		for range n {
			u, acc := rng.Float64(), 0.0
			for i, pi := range p {
				acc += pi
				if u < acc || i == len(p)-1 {
					c[i]++
					break
				}
			}
		}
		return c
	}
	good := 0
	for seed := range uint64(20) {
		if _, _, p := ChiSquare(draw(probs, seed), probs, 5); p > 0.01 {
			good++
		}
	}
	if good < 17 {
		t.Errorf("true distribution passed %d of 20 times", good)
	}
	// 1% of the mass moved to a rare bin: 50 draws where 0.5 are expected.
	bad := append([]float64(nil), probs...)
	bad[0] -= 0.01
	bad[4] += 0.01
	if stat, df, p := ChiSquare(draw(bad, 1), probs, 5); p > 1e-6 {
		t.Errorf("excess of rare draws passed: stat %.1f, df %d, p %.3g", stat, df, p)
	}
	zero := []float64{0.5, 0.5, 0}
	if _, _, p := ChiSquare([]int{40, 50, 3}, zero, 5); p != 0 {
		t.Errorf("draws in a bin of probability 0 gave p = %v", p)
	}
}

// TestChiSquareEveryTermHasEnoughExpected: the pooled statistic equals a
// hand computation where the two smallest bins are merged with the next
// one because together they stay below the threshold.
func TestChiSquareEveryTermHasEnoughExpected(t *testing.T) {
	probs := []float64{0.01, 0.02, 0.07, 0.4, 0.5} // n = 100: expected 1, 2, 7, 40, 50
	counts := []int{3, 0, 7, 40, 50}
	stat, df, _ := ChiSquare(counts, probs, 5)
	// Pool {1, 2} has expected 3 < 5, so it takes in the bin of 7: pool
	// observed 10, expected 10.
	want := 0.0
	if math.Abs(stat-want) > 1e-12 || df != 2 {
		t.Errorf("stat %v df %d, want %v df 2", stat, df, want)
	}
}
