package tasks_test

import (
	"fmt"
	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/model/ising"
	"boltzmann/model/rbm"
	"boltzmann/tasks"
)

// chain4 is a ferromagnetic chain of 4 ±1 spins: neighbours agree.
func chain4() *ising.Model {
	m := ising.New(4, ising.PlusMinus)
	for i := range 3 {
		m.SetCoupling(i, i+1, 1.5)
	}
	return m
}

// Draw fantasy data from 10 chains, 5 samples each, 20 transitions apart,
// after an annealed burn-in from temperature 4, and check how well the
// chains mix.
func ExampleSample() {
	s, err := tasks.Sample(chain4(), &tasks.SampleSettings{
		Chains: 10, PerChain: 5, Thin: 20, BurnIn: 100, AnnealFrom: 4, Seed: 1,
	})
	if err != nil {
		panic(err)
	}
	r, c := s.X.Dims()
	fmt.Printf("%d samples of %d units; tau finite: %v\n", r, c, s.Tau > 0)
	// Output: 50 samples of 4 units; tau finite: true
}

// Fill in the two middle units of a ferromagnetic chain whose ends are +1:
// the posterior favours +1.
func ExampleInpaint() {
	x := mat.NewDense(1, 4, []float64{1, 0, 0, 1}) // values at missing entries are ignored
	missing := []bool{false, true, true, false}
	p, err := tasks.Inpaint(chain4(), x, missing, &tasks.InferSettings{Sweeps: 2000, Seed: 1})
	if err != nil {
		panic(err)
	}
	fmt.Printf("posterior mean: %.1f\n", mat.Formatted(p.Mean))
	// Output: posterior mean: [1.0  1.0  1.0  1.0]
}

// Remove flip noise: a lone -1 between +1 neighbours of a ferromagnetic
// chain is probably noise.
func ExampleDenoise() {
	noisy := mat.NewDense(1, 4, []float64{1, 1, -1, 1})
	p, err := tasks.Denoise(chain4(), noisy, 0.1, nil, &tasks.InferSettings{Sweeps: 2000, Seed: 1})
	if err != nil {
		panic(err)
	}
	fmt.Printf("unit 2 is +1 with probability > 1/2: %v\n", p.Mean.At(0, 2) > 0)
	// Output: unit 2 is +1 with probability > 1/2: true
}

// Classify with a labeled RBM whose single hidden unit ties label 1 to the
// first data unit: p(y | x) is exact, from the free energies.
func ExampleClassify() {
	l := rbm.NewLabeled(2, 2, 1) // 2 data units, 2 classes, 1 hidden unit
	w := l.Weights()
	w.Set(0, 0, 4)  // data unit 0
	w.Set(3, 0, 4)  // label unit of class 1
	w.Set(2, 0, -4) // label unit of class 0
	l.HiddenBias()[0] = -4
	l.VisibleBias()[2] = 1 // without evidence, class 0 is more likely
	x := mat.NewDense(2, 2, []float64{1, 0, 0, 0})
	pred, _, err := tasks.Classify(l, x)
	if err != nil {
		panic(err)
	}
	fmt.Println(pred)
	// Output: [1 0]
}

// The model at inverse temperature β is the model transformed by
// model.Tempering: here β = 0 makes every configuration equally likely.
func Example_tempered() {
	t, err := model.NewTransformed(chain4(), model.Tempering(0))
	if err != nil {
		panic(err)
	}
	f := make([]float64, 2)
	t.FreeEnergy(mat.NewDense(2, 4, []float64{1, 1, 1, 1, 1, -1, 1, -1}), f)
	fmt.Printf("%.1f\n", f)
	// Output: [0.0 0.0]
}

// Features are the hidden-unit probabilities P(h = 1 | v).
func ExampleFeatures() {
	r := rbm.New(3, 2)
	r.HiddenBias()[1] = 100
	f, err := tasks.Features(r, mat.NewDense(1, 3, []float64{1, 0, 1}))
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.2f\n", mat.Formatted(f))
	// Output: [0.50  1.00]
}
