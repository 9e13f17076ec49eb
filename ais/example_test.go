package ais_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"boltzmann/ais"
	"boltzmann/exact"
	"boltzmann/model/rbm"
)

// Bracket the log partition function of an RBM by forward AIS and reverse
// AIS started from data rows (RAISE), and compare with exact enumeration.
func Example() {
	rng := rand.New(rand.NewPCG(1, 2))
	m := rbm.New(12, 10)
	for i := range m.Params() {
		m.Params()[i] = 0.8 * rng.NormFloat64()
	}
	// Data: exact samples here; held-out data in practice.
	samp, _ := exact.NewSampler(m)
	data := mat.NewDense(200, 12, nil)
	samp.Draw(rng, data)

	path := ais.NewRBMPath(m, ais.BaseRateBias(m, data))
	s := &ais.Settings{Runs: 100, Schedule: ais.SalakhutdinovMurray(1000), Seed: 1}
	fwd, _ := ais.Forward(path, s)
	rev, _ := ais.Reverse(path, data, s)
	want, _ := exact.LogPartition(m)

	fmt.Printf("exact log Z       %.2f\n", want)
	fmt.Printf("AIS               %.2f\n", fwd.LogZ)
	fmt.Printf("reverse AIS       %.2f\n", rev.MeanChainLogZ)
	fmt.Println("within 3σ + 0.03:", math.Abs(fwd.LogZ-want) < 3*fwd.StdErr+0.03,
		math.Abs(rev.MeanChainLogZ-want) < 3*rev.MeanChainStdErr+0.03)
	// Output:
	// exact log Z       17.68
	// AIS               17.67
	// reverse AIS       17.68
	// within 3σ + 0.03: true true
}

// A schedule of Salakhutdinov & Murray (2008), and the shorter ones.
func ExampleParseSchedule() {
	for _, name := range []string{"sm", "linear", "geometric"} {
		s, _ := ais.ParseSchedule(name, 0)
		fmt.Printf("%-9s %d steps, β_1 = %.0e, β_K-1 = %.5f\n", name, s.Steps(), s[1], s[len(s)-2])
	}
	// Output:
	// sm        14500 steps, β_1 = 1e-03, β_K-1 = 0.99999
	// linear    14500 steps, β_1 = 7e-05, β_K-1 = 0.99993
	// geometric 14500 steps, β_1 = 1e-04, β_K-1 = 0.99936
}
