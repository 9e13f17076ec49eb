package optim

import "testing"

// BenchmarkStepsRBM times the per-update passes of a 784×500 RBM with an L2
// penalty on the weights and SGD with momentum.
func BenchmarkStepsRBM(b *testing.B) {
	n := 392500
	p, g := make([]float64, n), make([]float64, n)
	mask := make([]bool, n)
	for i := range 392000 {
		mask[i] = true
	}
	pen := Penalty{L2: 1e-4, Mask: mask}
	s := &SGD{LR: Constant(0.01), Momentum: 0.5}
	b.Run("penalty", func(b *testing.B) {
		for b.Loop() {
			pen.AddGradient(p, g)
		}
	})
	b.Run("sgd", func(b *testing.B) {
		for b.Loop() {
			s.Step(p, g)
		}
	})
}
