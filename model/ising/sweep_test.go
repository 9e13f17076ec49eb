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
		c := sweptChains(m, 16000, 3, 60)
		counts := make([]int, d.Space.Count)
		for r := range c.Len() {
			counts[d.Space.Index(c.Visible().RawRowView(r))]++
		}
		stat, df, p := stattest.ChiSquare(counts, d.Prob, 5)
		t.Logf("%s: chi2=%.1f df=%d p=%.3g", enc, stat, df, p)
		if df == 0 || p < 1e-4 {
			t.Errorf("%s: distribution differs from exact: chi2=%.1f df=%d p=%.3g", enc, stat, df, p)
		}
	}
}

// lattice returns the ferromagnetic L×L periodic square-lattice Ising model
// with coupling beta and a small field.
func lattice(l int, enc ising.Encoding, beta float64) *ising.Model {
	m := ising.New(l*l, enc)
	for r := range l {
		for c := range l {
			i := r*l + c
			m.SetCoupling(i, r*l+(c+1)%l, beta)
			m.SetCoupling(i, ((r+1)%l)*l+c, beta)
		}
	}
	for i := range m.Fields() {
		m.Fields()[i] = 0.05 * float64(i%3-1)
	}
	return m
}

// TestLatticeSweepsMatchExactAndDense: on a 4×4 periodic lattice (16
// spins, 4 couplings of 16 per row) the neighbour-list sweeps match exact
// enumeration (chi-square, p >= 1e-4 with this fixed seed) and give to the
// bit the states of the dense-row sweeps.
func TestLatticeSweepsMatchExactAndDense(t *testing.T) {
	m := lattice(4, ising.PlusMinus, 0.3)
	d, err := exact.NewDistribution(m)
	if err != nil {
		t.Fatal(err)
	}
	run := func(sparse bool) *sample.Chains {
		// A 4×4 lattice has 25% of its couplings nonzero, above the
		// default threshold: force each path.
		if sparse {
			defer ising.SetSparseCouplings(1)()
		} else {
			defer ising.SetSparseCouplings(0)()
		}
		return sweptChains(m, 20000, 5, 40)
	}
	sp, dn := run(true), run(false)
	a, b := sp.Visible().RawMatrix().Data, dn.Visible().RawMatrix().Data
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("state %d: %v with neighbour lists, %v with dense rows", i, a[i], b[i])
		}
	}
	counts := make([]int, d.Space.Count)
	for r := range sp.Len() {
		counts[d.Space.Index(sp.Visible().RawRowView(r))]++
	}
	stat, df, p := stattest.ChiSquare(counts, d.Prob, 5)
	t.Logf("chi2=%.1f df=%d p=%.3g", stat, df, p)
	if df == 0 || p < 1e-4 {
		t.Errorf("distribution differs from exact: chi2=%.1f df=%d p=%.3g", stat, df, p)
	}
}

// sweptChains returns n chains of m from a uniformly random start (seed)
// after sweeps calls of the fast sweeper's transition.
func sweptChains(m *ising.Model, n int, seed uint64, sweeps int) *sample.Chains {
	c := sample.NewChains(n, m.Dim(), seed)
	c.Randomize(m.States())
	rngs := make([]*rand.Rand, c.NumBlocks())
	for b := range rngs {
		rngs[b] = c.Rand(b)
	}
	m.GibbsSweeps(c.Visible(), sweeps, sample.BlockSize, rngs)
	return c
}
