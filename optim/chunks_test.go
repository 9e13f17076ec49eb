package optim

import (
	"math/rand/v2"
	"testing"
)

// TestLargeVectorsMatchPieces checks that the parallel update of a long
// vector gives exactly the values of updating it piece by piece serially.
func TestLargeVectorsMatchPieces(t *testing.T) {
	const n, piece = 5*chunkSize + 123, 1000
	rng := rand.New(rand.NewPCG(1, 2))
	params := make([]float64, n)
	grads := make([][]float64, 3)
	for i := range params {
		params[i] = rng.NormFloat64()
	}
	for k := range grads {
		grads[k] = make([]float64, n)
		for i := range grads[k] {
			grads[k][i] = rng.NormFloat64()
		}
	}
	mask := make([]bool, n)
	for i := range mask {
		mask[i] = i%3 != 0
	}
	makers := map[string]func() Optimizer{
		"sgd":      func() Optimizer { return &SGD{LR: Constant(0.1)} },
		"momentum": func() Optimizer { return &SGD{LR: Constant(0.1), Momentum: 0.9, Nesterov: true} },
		"adam":     func() Optimizer { return &Adam{LR: Constant(0.01)} },
	}
	for name, mk := range makers {
		whole := append([]float64(nil), params...)
		full := mk()
		pen := Penalty{L1: 0.01, L2: 0.02, Mask: mask, Proximal: true}
		for _, g := range grads {
			g := append([]float64(nil), g...)
			pen.AddGradient(whole, g)
			full.Step(whole, g)
			pen.ApplyProximalL1(whole, full.LastRate())
		}
		for lo := 0; lo < n; lo += piece {
			hi := min(lo+piece, n)
			part := append([]float64(nil), params[lo:hi]...)
			o := mk()
			pp := Penalty{L1: 0.01, L2: 0.02, Mask: mask[lo:hi], Proximal: true}
			for _, g := range grads {
				g := append([]float64(nil), g[lo:hi]...)
				pp.AddGradient(part, g)
				o.Step(part, g)
				pp.ApplyProximalL1(part, o.LastRate())
			}
			for i, v := range part {
				if whole[lo+i] != v {
					t.Fatalf("%s: parameter %d is %v updated whole, %v piece by piece", name, lo+i, whole[lo+i], v)
				}
			}
		}
	}
}
