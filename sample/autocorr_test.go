package sample_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"boltzmann/sample"
)

// ar1 returns n steps of x_{t+1} = φ x_t + √(1-φ²) ξ_t started in its
// stationary distribution N(0, 1); its τ is (1+φ)/(1-φ).
func ar1(rng *rand.Rand, phi float64, n int) []float64 {
	x := make([]float64, n)
	x[0] = rng.NormFloat64()
	s := math.Sqrt(1 - phi*phi)
	for t := 1; t < n; t++ {
		x[t] = phi*x[t-1] + s*rng.NormFloat64()
	}
	return x
}

// Sokal's estimate of the standard deviation of τ̂ is τ·√(2(2M+1)/N) with
// M ≈ 5τ; the tolerances are 4 such standard deviations.
func TestIntegratedAutocorrTimeAR1(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	const n = 100000
	for _, tc := range []struct {
		phi, tol float64
	}{
		{0, 0.06},  // τ = 1, sd ≈ 0.015
		{0.5, 0.2}, // τ = 3, sd ≈ 0.07
		{0.8, 1.5}, // τ = 9, sd ≈ 0.38
	} {
		want := (1 + tc.phi) / (1 - tc.phi)
		x := ar1(rng, tc.phi, n)
		if got := sample.IntegratedAutocorrTime(x); math.Abs(got-want) > tc.tol {
			t.Errorf("φ = %v: τ = %v, want %v ± %v", tc.phi, got, want, tc.tol)
		}
		if ess := sample.EffectiveSampleSize(x); math.Abs(ess-n/want) > n/want*tc.tol/want*1.5 {
			t.Errorf("φ = %v: ESS = %v, want about %v", tc.phi, ess, n/want)
		}
	}
}

// Ten chains of 10000 steps hold as much information as one of 100000.
func TestIntegratedAutocorrTimeChains(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	chains := make([][]float64, 10)
	for k := range chains {
		chains[k] = ar1(rng, 0.8, 10000)
	}
	if got := sample.IntegratedAutocorrTimeChains(chains); math.Abs(got-9) > 1.5 {
		t.Errorf("τ = %v, want 9 ± 1.5", got)
	}
}

func TestIntegratedAutocorrTimeUndefined(t *testing.T) {
	for _, x := range [][]float64{nil, {1}, {2, 2, 2}} {
		if got := sample.IntegratedAutocorrTime(x); !math.IsNaN(got) {
			t.Errorf("τ(%v) = %v, want NaN", x, got)
		}
	}
}
