package sample_test

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/sample"
)

// doubleWell is a user-defined model, F(x) = a (x² - 1)² over x ∈ R, with
// one parameter a. Samplers take interfaces, so any type with the
// model.Model methods works; GradX makes it a model.EnergyGradient.
type doubleWell struct{ theta []float64 }

func (m *doubleWell) Dim() int          { return 1 }
func (m *doubleWell) Params() []float64 { return m.theta }
func (m *doubleWell) Groups() []model.Group {
	return []model.Group{{Name: "a", Len: 1, Shape: []int{1}}}
}
func (m *doubleWell) FreeEnergy(x *mat.Dense, out []float64) {
	for r := range out {
		u := x.At(r, 0)*x.At(r, 0) - 1
		out[r] = m.theta[0] * u * u
	}
}
func (m *doubleWell) AddStats(x *mat.Dense, w, sum []float64) {
	for r := range x.RawMatrix().Rows {
		u := x.At(r, 0)*x.At(r, 0) - 1
		wr := 1.0
		if w != nil {
			wr = w[r]
		}
		sum[0] += wr * u * u
	}
}
func (m *doubleWell) GradX(x, grad *mat.Dense) {
	for r := range x.RawMatrix().Rows {
		v := x.At(r, 0)
		grad.Set(r, 0, 4*m.theta[0]*v*(v*v-1))
	}
}

// Sample a user-defined double-well model with MALA, adapting the step size
// during burn-in, and compare <x²> with numerical quadrature.
func ExampleMALA() {
	m := &doubleWell{theta: []float64{2}}
	c := sample.NewChains(256, 1, 1)
	s := &sample.MALA{Adapt: 200}
	s.Step(m, c, 500) // burn-in; the step size is adapted in the first 200 transitions

	sum, n := 0.0, 0
	for range 2000 {
		s.Step(m, c, 1)
		for r := range c.Len() {
			sum += c.Visible().At(r, 0) * c.Visible().At(r, 0)
			n++
		}
	}
	fmt.Printf("acceptance %.1f\n", s.Stats().AcceptRate())
	fmt.Printf("MALA       <x²> = %.2f\n", sum/float64(n))

	var num, den float64
	for x := -4.0; x <= 4; x += 1e-3 {
		p := math.Exp(-2 * (x*x - 1) * (x*x - 1))
		num += x * x * p
		den += p
	}
	fmt.Printf("quadrature <x²> = %.2f\n", num/den)
	// Output:
	// acceptance 0.6
	// MALA       <x²> = 0.85
	// quadrature <x²> = 0.85
}
