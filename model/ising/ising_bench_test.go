package ising_test

import (
	"fmt"
	"testing"

	"boltzmann/internal/testmodels"
	"boltzmann/model/ising"
	"boltzmann/sample"
)

// BenchmarkSiteGibbs reports spin updates per second of heat-bath sweeps
// over 1000 chains of a fully connected model.
func BenchmarkSiteGibbs(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprint("N=", n), func(b *testing.B) {
			m := testmodels.Ising(n, ising.PlusMinus, 1, 1)
			c := sample.NewChains(1000, n, 2)
			c.Randomize(m.States())
			b.ReportAllocs()
			for b.Loop() {
				sample.SiteGibbs{}.Step(m, c, 1)
			}
			b.ReportMetric(float64(1000*n)*float64(b.N)/b.Elapsed().Seconds(), "spins/s")
		})
	}
}
