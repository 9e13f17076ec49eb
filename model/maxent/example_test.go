package maxent_test

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/model/maxent"
)

// A ring of four ±1 spins with single-site and nearest-neighbour features:
// an Ising model written as a max-ent model.
func Example() {
	const n = 4
	var features []maxent.Feature
	for i := range n {
		features = append(features, maxent.Field(i)) // φ = x_i
	}
	for i := range n {
		features = append(features, maxent.Coupling(i, (i+1)%n)) // φ = x_i x_{i+1}
	}
	m := maxent.New(n, []float64{-1, 1}, features...)
	m.SetGroups(
		model.Group{Name: "fields", Start: 0, Len: n},
		model.Group{Name: "couplings", Start: n, Len: n, Penalized: true},
	)
	theta := m.Params()
	for i := range n {
		theta[i] = 0.1   // field h
		theta[n+i] = 0.5 // ferromagnetic coupling J
	}

	x := mat.NewDense(2, n, []float64{
		1, 1, 1, 1, // all up:      E = -4h - 4J
		1, -1, 1, -1, // alternating: E = +4J
	})
	e := make([]float64, 2)
	m.FreeEnergy(x, e)
	fmt.Printf("E(all up)       = %.1f nats\n", e[0])
	fmt.Printf("E(alternating)  = %.1f nats\n", e[1])

	// Energy change of flipping site 0 of the all-up state.
	d := make([]float64, 2)
	m.SiteDeltas(x.RawRowView(0), 0, d)
	fmt.Printf("ΔE(x_0 → -1, +1) = %.1f, %.1f\n", d[0], d[1])

	// log Z by summing over the 16 configurations.
	z := 0.0
	y := make([]float64, n)
	for c := range 1 << n {
		for i := range n {
			y[i] = float64(2*(c>>i&1) - 1)
		}
		z += math.Exp(-m.Energy(y))
	}
	fmt.Printf("log Z = %.4f nats\n", math.Log(z))
	// Output:
	// E(all up)       = -2.4 nats
	// E(alternating)  = 2.0 nats
	// ΔE(x_0 → -1, +1) = 2.2, 0.0
	// log Z = 3.3467 nats
}
