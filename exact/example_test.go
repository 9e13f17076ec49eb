package exact_test

import (
	"fmt"
	"math"

	"boltzmann/exact"
	"boltzmann/info"
	"boltzmann/model/ising"
)

// Exact thermodynamics of a small Ising ring: log Z, entropy and the
// Kullback-Leibler divergence between two temperatures.
func Example() {
	ring := func(j float64) *ising.Model {
		m := ising.New(8, ising.PlusMinus)
		for i := range 8 {
			m.SetCoupling(i, (i+1)%8, j)
		}
		return m
	}
	cold, hot := ring(1.0), ring(0.2)
	logZ, _ := exact.LogPartition(cold)
	// Closed form for a ring of N spins: Z = (2 cosh J)^N + (2 sinh J)^N.
	want := math.Log(math.Pow(2*math.Cosh(1), 8) + math.Pow(2*math.Sinh(1), 8))
	fmt.Printf("log Z = %.6f (closed form %.6f)\n", logZ, want)

	s, _ := exact.Entropy(hot)
	fmt.Printf("entropy of the hot ring: %.3f nats (%.3f bits, at most %d)\n", s, info.Bits(s), 8)

	p, _ := exact.NewDistribution(cold)
	q, _ := exact.NewDistribution(hot)
	fmt.Printf("KL(cold || hot) = %.3f, KL(hot || cold) = %.3f nats\n", info.KL(p.Prob, q.Prob), info.KL(q.Prob, p.Prob))
	// Output:
	// log Z = 9.122649 (closed form 9.122649)
	// entropy of the hot ring: 5.388 nats (7.774 bits, at most 8)
	// KL(cold || hot) = 1.815, KL(hot || cold) = 2.155 nats
}
