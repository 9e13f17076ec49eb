package potts

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/sample"
)

// randomModel returns a model with N(0, sh²) fields and N(0, sj²) couplings.
func randomModel(rng *rand.Rand, l, q int, sh, sj float64) *Model {
	m := New(l, q)
	for i := range l {
		for a := range q {
			m.SetField(i, a, sh*rng.NormFloat64())
		}
		for j := i + 1; j < l; j++ {
			for a := range q {
				for b := range q {
					m.SetCoupling(i, j, a, b, sj*rng.NormFloat64())
				}
			}
		}
	}
	return m
}

// BenchmarkGibbs measures single-site updates per second for the bmDCA
// setting of a protein family: L = 53, q = 21, 10,000 chains. One iteration
// is one sweep of every chain (530,000 updates). Run it briefly, for
// example with -benchtime=10x. updates/cpu-s is the throughput per core
// (per CPU-second used), which load from other processes does not distort;
// updates/s is the wall-clock throughput on GOMAXPROCS cores.
func BenchmarkGibbs(b *testing.B) {
	const l, q, n = 53, 21, 10000
	rng := rand.New(rand.NewPCG(1, 1))
	m := randomModel(rng, l, q, 0.5, 0.05)
	c := sample.NewChains(n, l, 1)
	c.Randomize(m.States())
	var g Gibbs
	g.Step(m, c, 1)
	cpu := cpuSeconds()
	for b.Loop() {
		g.Step(m, c, 1)
	}
	updates := float64(l*n) * float64(b.N)
	b.ReportMetric(updates/b.Elapsed().Seconds(), "updates/s")
	if cpu := cpuSeconds() - cpu; cpu > 0 {
		b.ReportMetric(updates/cpu, "updates/cpu-s")
	}
}

// BenchmarkAddStats measures the negative-phase statistics of 10,000 chains.
func BenchmarkAddStats(b *testing.B) {
	const l, q, n = 53, 21, 10000
	rng := rand.New(rand.NewPCG(1, 1))
	m := New(l, q)
	x := mat.NewDense(n, l, nil)
	for r := range n {
		for i := range l {
			x.Set(r, i, float64(rng.IntN(q)))
		}
	}
	sum := make([]float64, len(m.Params()))
	for b.Loop() {
		m.AddStats(x, nil, sum)
	}
}

// BenchmarkGibbsFewChains measures a sweep of 5 chains of a fixed model
// (L = 53, q = 21), one sweep per Step, as `boltzmann sample` draws from a
// trained Potts model: here the per-Step preparation of the coupling table
// would cost far more than the sweep itself unless it is kept between Steps.
func BenchmarkGibbsFewChains(b *testing.B) {
	const l, q, n = 53, 21, 5
	rng := rand.New(rand.NewPCG(1, 1))
	m := randomModel(rng, l, q, 0.5, 0.05)
	c := sample.NewChains(n, l, 1)
	c.Randomize(m.States())
	var g Gibbs
	for b.Loop() {
		g.Step(m, c, 1)
	}
}
