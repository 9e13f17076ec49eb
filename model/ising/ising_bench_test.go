package ising_test

import (
	"fmt"
	"testing"

	"boltzmann/internal/testmodels"
	"boltzmann/model"
	"boltzmann/model/ising"
	"boltzmann/sample"
)

// generic hides the fast sweeper, so SiteGibbs falls back to SiteDeltas.
type generic struct{ model.SiteEnergies }

// BenchmarkSiteGibbs reports spin updates per second of heat-bath sweeps
// over 1000 chains of a fully connected model, with the fast sweeper and
// with the generic per-site path.
func BenchmarkSiteGibbs(b *testing.B) {
	for _, n := range []int{100, 1000} {
		m := testmodels.Ising(n, ising.PlusMinus, 1, 1)
		for _, tc := range []struct {
			name string
			m    model.Model
		}{{"fast", m}, {"generic", generic{m}}} {
			b.Run(fmt.Sprintf("N=%d/%s", n, tc.name), func(b *testing.B) {
				c := sample.NewChains(1000, n, 2)
				c.Randomize(m.States())
				b.ReportAllocs()
				for b.Loop() {
					sample.SiteGibbs{}.Step(tc.m, c, 1)
				}
				b.ReportMetric(float64(1000*n)*float64(b.N)/b.Elapsed().Seconds(), "spins/s")
			})
		}
	}
}

// BenchmarkLatticeSweeps reports spin updates per second of heat-bath
// sweeps of 1000 chains of a 32×32 periodic square lattice near its
// critical coupling (β = 0.44 in the ±1 encoding), with neighbour lists
// (the default for such sparse couplings) and with dense coupling rows.
func BenchmarkLatticeSweeps(b *testing.B) {
	m := lattice(32, ising.PlusMinus, 0.44)
	for _, tc := range []struct {
		name     string
		fraction float64
	}{{"neighbours", 0.125}, {"dense-rows", 0}} {
		b.Run(tc.name, func(b *testing.B) {
			defer ising.SetSparseCouplings(tc.fraction)()
			c := sample.NewChains(1000, 1024, 2)
			c.Randomize(m.States())
			b.ReportAllocs()
			for b.Loop() {
				sample.SiteGibbs{}.Step(m, c, 1)
			}
			b.ReportMetric(float64(1000*1024)*float64(b.N)/b.Elapsed().Seconds(), "spins/s")
		})
	}
}
