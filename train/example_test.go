package train_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/exact"
	"boltzmann/model/ising"
	"boltzmann/model/rbm"
	"boltzmann/optim"
	"boltzmann/train"
)

// Fit a fully visible Boltzmann machine to data drawn from a known model,
// with persistent contrastive divergence, and compare held-out
// log-likelihoods computed exactly by enumeration.
func Example() {
	// A known 6-spin model: a ferromagnetic chain in a small field.
	truth := ising.New(6, ising.PlusMinus)
	for i := range 5 {
		truth.SetCoupling(i, i+1, 0.8)
	}
	truth.Fields()[0] = 0.3

	// 5,000 training and 5,000 held-out samples drawn exactly.
	sampler, _ := exact.NewSampler(truth)
	data, held := mat.NewDense(5000, 6, nil), mat.NewDense(5000, 6, nil)
	rng := rand.New(rand.NewPCG(1, 2))
	sampler.Draw(rng, data)
	sampler.Draw(rng, held)

	m := ising.New(6, ising.PlusMinus)
	m.InitFromData(data, nil)
	tr, _ := train.New(m, data, &train.Settings{
		Method: train.PCD, K: 1, Chains: 500, Epochs: 20, BatchSize: 100, Seed: 1,
		Optimizer: &optim.SGD{LR: optim.LinearDecay{Initial: 0.05, Final: 0.001, Steps: 1000}, Momentum: 0.5},
	})
	if err := tr.Run(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	llTrue, _ := exact.LogLikelihood(truth, held, nil)
	llFit, _ := exact.LogLikelihood(m, held, nil)
	fmt.Printf("coupling J_01: true 0.80, fitted %.1f\n", m.Coupling(0, 1))
	fmt.Printf("held-out log-likelihood within 0.01 nats of the truth: %v\n", llTrue-llFit < 0.01)
	// Output:
	// coupling J_01: true 0.80, fitted 0.8
	// held-out log-likelihood within 0.01 nats of the truth: true
}

// barsAndStripes4 returns the 30 distinct 4×4 bars-and-stripes images,
// pixel (r, c) at column 4r+c: each row (stripes) or each column (bars)
// all on or all off, the blank and full images counted once.
func barsAndStripes4() *mat.Dense {
	var rows [][]float64
	seen := map[[16]float64]bool{}
	for mask := range 16 {
		for _, bars := range []bool{false, true} {
			var p [16]float64
			for r := range 4 {
				for c := range 4 {
					line := r
					if bars {
						line = c
					}
					p[4*r+c] = float64(mask >> line & 1)
				}
			}
			if !seen[p] {
				seen[p] = true
				rows = append(rows, p[:])
			}
		}
	}
	x := mat.NewDense(len(rows), 16, nil)
	for i, r := range rows {
		x.SetRow(i, r)
	}
	return x
}

// fitBarsAndStripes trains a 16×64 RBM for 30 epochs on 10,000 images
// drawn uniformly from the 30 patterns, with the default Settings except
// the optimizer opt (nil: the default), and returns the exact
// log-likelihood of the patterns (mean nats; the perfect model has
// -log 30 ≈ -3.40).
func fitBarsAndStripes(opt optim.Optimizer) float64 {
	pats := barsAndStripes4()
	rng := rand.New(rand.NewPCG(1, 2))
	data := mat.NewDense(10000, 16, nil)
	for i := range 10000 {
		data.SetRow(i, pats.RawRowView(rng.IntN(30)))
	}
	m := rbm.New(16, 64)
	m.InitFromData(data, rand.New(rand.NewPCG(1, 3)))
	tr, err := train.New(m, data, &train.Settings{Epochs: 30, Optimizer: opt})
	if err != nil {
		panic(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		panic(err)
	}
	ll, err := exact.LogLikelihood(m, pats, nil)
	if err != nil {
		panic(err)
	}
	return ll
}

// Train an RBM on bars-and-stripes with the default Settings (PCD-1 by
// block Gibbs, SGD with momentum 0.5 and a learning rate decaying from
// 0.05 to 0.001, the boltzmann command's defaults) and measure the exact
// log-likelihood by enumeration.
func Example_barsAndStripes() {
	ll := fitBarsAndStripes(nil)
	fmt.Printf("log-likelihood of the 30 patterns above -4.5 nats (perfect: -3.40): %v\n", ll > -4.5)
	// Output:
	// log-likelihood of the 30 patterns above -4.5 nats (perfect: -3.40): true
}

// TestDefaultsFitBarsAndStripes: the default Settings reach an exact
// log-likelihood of the bars-and-stripes patterns of at least -4.5 nats
// (observed -3.96; -log 30 = -3.40 is perfect) where the former default,
// Adam with learning rate 0.001, stays below (observed -5.58). One seed:
// the bound is 0.6 nats from the observed value, other seeds gave -3.9 to
// -4.3.
func TestDefaultsFitBarsAndStripes(t *testing.T) {
	if testing.Short() {
		t.Skip("learning test skipped in -short mode")
	}
	def, old := fitBarsAndStripes(nil), fitBarsAndStripes(&optim.Adam{LR: optim.Constant(0.001)})
	t.Logf("exact log-likelihood: defaults %.3f, Adam 0.001 %.3f", def, old)
	if def < -4.5 {
		t.Errorf("defaults reach %.3f nats, want at least -4.5", def)
	}
	if old >= -4.5 {
		t.Errorf("Adam 0.001 reaches %.3f nats: the bound does not tell the defaults apart", old)
	}
}
