package info_test

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/info"
)

func ExampleKL() {
	p := []float64{0.5, 0.5}
	q := []float64{0.25, 0.75}
	fmt.Printf("D(p||q) = %.6f nats\n", info.KL(p, q))
	fmt.Printf("D(q||p) = %.6f nats\n", info.KL(q, p))
	fmt.Printf("S_p = %.0f bit\n", info.Bits(info.Entropy(p)))
	// Output:
	// D(p||q) = 0.143841 nats
	// D(q||p) = 0.130812 nats
	// S_p = 1 bit
}

func ExampleKLDataModel() {
	// Four binary samples; the model is a fair coin on one unit.
	data := mat.NewDense(4, 1, []float64{0, 0, 1, 0})
	e := info.NewEmpirical(data, nil)
	for row, p := range e.All() {
		fmt.Printf("p_data(%v) = %.2f\n", row, p)
	}
	logProb := func(row []float64) float64 { return math.Log(0.5) }
	fmt.Printf("S_data = %.4f nats\n", e.Entropy())
	fmt.Printf("D(data||model) = %.4f nats\n", info.KLDataModel(e, logProb))
	fmt.Printf("cross entropy = %.4f nats\n", info.CrossEntropyDataModel(e, logProb))
	// Output:
	// p_data([0]) = 0.75
	// p_data([1]) = 0.25
	// S_data = 0.5623 nats
	// D(data||model) = 0.1308 nats
	// cross entropy = 0.6931 nats
}

func ExampleCheck() {
	fmt.Println(info.Check([]float64{0.5, 0.6}))
	// Output:
	// info: not a probability distribution: it sums to 1.1000000000000001, not 1 (tolerance 1e-09)
}
