package estimate_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/estimate"
	"boltzmann/exact"
	"boltzmann/internal/testmodels"
	"boltzmann/model"
	"boltzmann/model/ising"
)

// exactPL computes Σ_i log p(x_i | x_-i) from the enumerated distribution.
func exactPL(t *testing.T, m model.Discrete, x []float64) float64 {
	d, err := exact.NewDistribution(m)
	if err != nil {
		t.Fatal(err)
	}
	pl := 0.0
	y := append([]float64(nil), x...)
	for i := range x {
		den := 0.0
		for _, s := range m.States() {
			y[i] = s
			den += d.Prob[d.Space.Index(y)]
		}
		y[i] = x[i]
		pl += math.Log(d.Prob[d.Space.Index(y)] / den)
	}
	return pl
}

// TestPseudoLogLikelihood compares with conditionals computed from the
// exact distribution (agreement to 1e-10), for a model with fast site
// energies and for an RBM through the generic path.
func TestPseudoLogLikelihood(t *testing.T) {
	for name, m := range map[string]model.Discrete{
		"ising": testmodels.Ising(6, ising.PlusMinus, 1, 1),
		"rbm":   testmodels.RBM(6, 4, 1, 2),
	} {
		s, _ := exact.NewSampler(m)
		x := mat.NewDense(20, 6, nil)
		s.Draw(rand.New(rand.NewPCG(1, 2)), x)
		want := 0.0
		for r := range 20 {
			want += exactPL(t, m, x.RawRowView(r))
		}
		want /= 20
		if got := estimate.PseudoLogLikelihood(m, x, nil); math.Abs(got-want) > 1e-10 {
			t.Errorf("%s: PL = %.12f, exact %.12f", name, got, want)
		}
	}
}

// TestAverageGradientFromSamples checks the sample estimate of -Cov(O, f)
// against its exact value: every |z| below 4.5.
func TestAverageGradientFromSamples(t *testing.T) {
	m := testmodels.Ising(6, ising.PlusMinus, 0.8, 5)
	f := func(x []float64) float64 { return x[0]*x[1] + 0.5*x[2] }
	wantMean, want, err := exact.AverageGradient(m, f)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := exact.NewSampler(m)
	x := mat.NewDense(40000, 6, nil)
	s.Draw(rand.New(rand.NewPCG(3, 4)), x)
	mean, got, se := estimate.AverageGradient(m, x, f)
	if math.Abs(mean-wantMean) > 0.02 {
		t.Errorf("<f> = %v, exact %v", mean, wantMean)
	}
	worst := 0.0
	for j := range got {
		if se[j] == 0 {
			continue
		}
		worst = math.Max(worst, math.Abs(got[j]-want[j])/se[j])
	}
	t.Logf("largest |z| = %.2f", worst)
	if worst > 4.5 {
		t.Errorf("log-derivative estimate off: largest |z| = %.2f", worst)
	}
}

func TestReconstructionError(t *testing.T) {
	// A model with zero parameters reconstructs every ±1 unit as 0: error 1.
	m := ising.New(4, ising.PlusMinus)
	x := mat.NewDense(2, 4, []float64{1, -1, 1, 1, -1, -1, 1, -1})
	if got := estimate.ReconstructionError(m, x); math.Abs(got-1) > 1e-12 {
		t.Fatalf("reconstruction error %v, want 1", got)
	}
}
