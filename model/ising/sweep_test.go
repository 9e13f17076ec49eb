package ising_test

import (
	"math/rand/v2"
	"testing"

	"boltzmann/exact"
	"boltzmann/internal/stattest"
	"boltzmann/internal/testmodels"
	"boltzmann/model/ising"
	"boltzmann/sample"
)

// TestGibbsSweepsMatchExact runs 16,000 independent chains of the fast
// sweeper for 60 sweeps from a random start and compares the histogram of
// the final states with exact enumeration (Pearson chi-square; fails when
// p < 1e-4, the false-failure rate with this fixed seed), in both
// encodings.
func TestGibbsSweepsMatchExact(t *testing.T) {
	for _, enc := range []ising.Encoding{ising.PlusMinus, ising.ZeroOne} {
		m := testmodels.Ising(8, enc, 0.8, 2)
		d, err := exact.NewDistribution(m)
		if err != nil {
			t.Fatal(err)
		}
		c := sample.NewChains(16000, 8, 3)
		c.Randomize(m.States())
		rngs := make([]*rand.Rand, c.NumBlocks())
		for b := range rngs {
			rngs[b] = c.Rand(b)
		}
		m.GibbsSweeps(c.X, 60, sample.BlockSize, rngs)
		counts := make([]int, d.Space.Count)
		for r := range c.Len() {
			counts[d.Space.Index(c.X.RawRowView(r))]++
		}
		stat, df, p := stattest.ChiSquare(counts, d.Prob, 5)
		t.Logf("%s: chi2=%.1f df=%d p=%.3g", enc, stat, df, p)
		if df == 0 || p < 1e-4 {
			t.Errorf("%s: distribution differs from exact: chi2=%.1f df=%d p=%.3g", enc, stat, df, p)
		}
	}
}
