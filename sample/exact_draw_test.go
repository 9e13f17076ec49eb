package sample_test

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"testing"

	"boltzmann/model/gaussian"
	"boltzmann/sample"
)

// Exact draws reproduce the mean and covariance of a correlated 3-D
// Gaussian: 64 chains × 500 steps, 9 checks at 4 standard errors (effective
// sample size from τ, which must be about 1 for independent draws).
func TestExactGaussian(t *testing.T) {
	m, mu, cov := malaTestGaussian(t)
	c := sample.NewChains(64, 3, 41)
	rec := recordChains(m, sample.Exact{}, c, 500)
	checkGaussianMoments(t, rec, mu, cov, 4)

	series := make([][]float64, len(rec))
	for k, chain := range rec {
		for _, x := range chain {
			series[k] = append(series[k], x[0])
		}
	}
	// Independent draws: τ = 1 with sd ≈ √(2·11/32000) ≈ 0.03.
	if tau := sample.IntegratedAutocorrTimeChains(series); math.Abs(tau-1) > 0.12 {
		t.Errorf("τ of independent draws = %v, want 1", tau)
	}
}

func TestExactDeterminism(t *testing.T) {
	m, _, _ := malaTestGaussian(t)
	run := func(procs int, split bool) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		c := sample.NewChains(70, 3, 42)
		if split {
			sample.Exact{}.Step(m, c, 1)
			sample.Exact{}.Step(m, c, 2)
		} else {
			sample.Exact{}.Step(m, c, 3)
		}
		return slices.Clone(c.Visible().RawMatrix().Data)
	}
	x1 := run(1, false)
	for _, tc := range []struct {
		procs int
		split bool
	}{{2, false}, {1, true}, {2, true}} {
		if x := run(tc.procs, tc.split); !slices.Equal(x, x1) {
			t.Errorf("GOMAXPROCS=%d split=%v: chains differ from GOMAXPROCS=1", tc.procs, tc.split)
		}
	}
}

// Draw independent samples from a Gaussian model with exact chains.
func ExampleExact() {
	m := gaussian.New(2) // standard normal: A = I, μ = 0
	c := sample.NewChains(10000, 2, 1)
	sample.Exact{}.Step(m, c, 1)
	v := 0.0
	for r := range c.Len() {
		v += c.Visible().At(r, 0) * c.Visible().At(r, 0)
	}
	fmt.Printf("<x_0²> = %.1f\n", v/float64(c.Len()))
	// Output:
	// <x_0²> = 1.0
}
