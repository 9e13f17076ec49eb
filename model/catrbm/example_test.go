package catrbm_test

import (
	"fmt"
	"math/rand/v2"

	"boltzmann/model/catrbm"
	"boltzmann/sample"
)

// Example draws sequences from a categorical RBM with its block Gibbs
// sampler; the visible states are codes 0, …, q-1.
func Example() {
	m := catrbm.New(5, 21, 8) // 5 sites, 21 states, 8 hidden units
	rng := rand.New(rand.NewPCG(1, 2))
	for k := range m.Weights() {
		m.Weights()[k] = 0.3 * rng.NormFloat64()
	}
	c := sample.NewChains(100, m.Dim(), 3)
	c.Randomize(m.States())
	catrbm.Gibbs{}.Step(m, c, 50)
	n, l := c.Visible().Dims()
	_, h := c.Hidden().Dims()
	fmt.Println(n, "chains of", l, "sites and", h, "hidden units")
	m.ZeroSumGauge() // same distribution, Σ_a W_j(i,a) = 0
	// Output:
	// 100 chains of 5 sites and 8 hidden units
}
