package ais_test

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/ais"
	"boltzmann/model/rbm"
)

// BenchmarkForwardMNISTSize times forward AIS of a 784×500 RBM with random
// weights N(0, 0.05²) and visible biases fitted to random data with 13% of
// the units on (as binarized MNIST), 100 runs and 145 steps of the
// Salakhutdinov & Murray schedule scaled down (one op; a full 14,500-step
// evaluation is 100 times as long), with the RBM in float64 and in float32
// mode (SetFloat32).
func BenchmarkForwardMNISTSize(b *testing.B) {
	const nv, nh, steps = 784, 500, 145
	rng := rand.New(rand.NewPCG(1, 2))
	m := rbm.New(nv, nh)
	m.InitRandom(rng, 0.05)
	x := mat.NewDense(1000, nv, nil)
	for r := range 1000 {
		for i := range nv {
			if rng.Float64() < 0.13 {
				x.Set(r, i, 1)
			}
		}
	}
	m.InitVisibleBias(x)
	path := ais.NewRBMPath(m, ais.BaseRateBias(m, x))
	sched := ais.SalakhutdinovMurray(steps)
	for _, f32 := range []bool{false, true} {
		name := map[bool]string{false: "float64", true: "float32"}[f32]
		b.Run(name, func(b *testing.B) {
			m.SetFloat32(f32)
			for range b.N {
				if _, err := ais.Forward(path, &ais.Settings{Runs: 100, Schedule: sched, Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
