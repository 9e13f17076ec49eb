package optim_test

import (
	"fmt"

	"boltzmann/optim"
)

// Minimize f(θ) = (θ_0 - 1)² + (θ_1 + 2)² with Adam.
func ExampleAdam() {
	theta := []float64{0, 0}
	grad := make([]float64, 2)
	opt := &optim.Adam{LR: optim.Constant(0.05)}
	for range 1000 {
		grad[0] = 2 * (theta[0] - 1)
		grad[1] = 2 * (theta[1] + 2)
		opt.Step(theta, grad)
	}
	fmt.Printf("θ = (%.4f, %.4f) after %d steps\n", theta[0], theta[1], opt.Steps())
	// Output:
	// θ = (1.0000, -2.0000) after 1000 steps
}

func ExampleParseSchedule() {
	// Learning rate 0.1, 100 steps per epoch, 10 epochs.
	s, err := optim.ParseSchedule("exp:0.5", 0.1, 100, 1000)
	if err != nil {
		panic(err)
	}
	for _, step := range []int{0, 100, 200, 250} {
		fmt.Printf("step %d: %.4f\n", step, s.Rate(step))
	}
	// Output:
	// step 0: 0.1000
	// step 100: 0.0500
	// step 200: 0.0250
	// step 250: 0.0177
}

// A training step with an L2 penalty on the weights only and a proximal L1
// penalty that sets small weights exactly to zero.
func ExamplePenalty() {
	params := []float64{0.5, -0.001, 0.2} // two weights, one bias
	grad := []float64{0, 0, 0}            // gradient of -log-likelihood
	pen := optim.Penalty{L1: 0.1, L2: 0.01, Mask: []bool{true, true, false}, Proximal: true}
	opt := &optim.SGD{LR: optim.Constant(0.1)}

	pen.AddGradient(params, grad)
	opt.Step(params, grad)
	pen.ApplyProximalL1(params, opt.LastRate())
	fmt.Printf("%.4f\n", params)
	// Output:
	// [0.4890 0.0000 0.2000]
}
