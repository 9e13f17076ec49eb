package gaussian_test

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model/gaussian"
)

// Fit a Gaussian by maximum likelihood and read off its moments and log Z.
func Example() {
	truth := gaussian.New(2)
	cov := mat.NewSymDense(2, []float64{1, 0.5, 0.5, 2})
	if err := truth.SetMeanCovariance([]float64{1, -1}, cov); err != nil {
		panic(err)
	}
	data := mat.NewDense(100000, 2, nil)
	truth.SampleExact(rand.New(rand.NewPCG(1, 2)), data)

	m, err := gaussian.FitMaxLikelihood(data)
	if err != nil {
		panic(err)
	}
	mu, _ := m.Mean()
	sigma, _ := m.Covariance()
	fmt.Printf("mean       %.1f\n", mu)
	fmt.Printf("covariance %.1f\n", mat.Formatted(sigma, mat.Prefix("           ")))
	fmt.Printf("log Z of the truth: %.4f nats\n", truth.LogPartition())

	// F(x) = ½xᵀAx - bᵀx; at the mean it is -½ μᵀAμ.
	f := make([]float64, 1)
	truth.FreeEnergy(mat.NewDense(1, 2, []float64{1, -1}), f)
	fmt.Printf("F(μ) = %.4f nats\n", f[0])
	// Output:
	// mean       [1.0 -1.0]
	// covariance ⎡1.0  0.5⎤
	//            ⎣0.5  2.0⎦
	// log Z of the truth: 3.2605 nats
	// F(μ) = -1.1429 nats
}
