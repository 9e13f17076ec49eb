package sample_test

import (
	"math"
	"runtime"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model/gaussian"
	"boltzmann/sample"
)

// malaTestGaussian returns a 3-D Gaussian with strongly correlated
// coordinates (precision eigenvalues spread over a factor of about 30).
func malaTestGaussian(t *testing.T) (*gaussian.Model, []float64, *mat.SymDense) {
	t.Helper()
	mu := []float64{1, -2, 0.5}
	cov := mat.NewSymDense(3, []float64{
		1.0, 0.8, 0.3,
		0.8, 1.0, 0.4,
		0.3, 0.4, 0.5,
	})
	m := gaussian.New(3)
	if err := m.SetMeanCovariance(mu, cov); err != nil {
		t.Fatal(err)
	}
	return m, mu, cov
}

// recordChains advances c by one step of s at a time, steps times, and
// returns the visible states as rec[chain][t] = x (length Dim).
func recordChains(m *gaussian.Model, s sample.Sampler, c *sample.Chains, steps int) [][][]float64 {
	rec := make([][][]float64, c.Len())
	for range steps {
		s.Step(m, c, 1)
		for k := range rec {
			rec[k] = append(rec[k], slices.Clone(c.Visible().RawRowView(k)))
		}
	}
	return rec
}

// checkGaussianMoments compares the sample means of x_i and of
// (x_i-μ_i)(x_j-μ_j) with μ and Σ. The standard error of each is
// √(Var·τ/N) with τ from IntegratedAutocorrTimeChains, so correlated
// samples count as their effective number; each check allows k standard
// errors.
func checkGaussianMoments(t *testing.T, rec [][][]float64, mu []float64, cov *mat.SymDense, k float64) {
	t.Helper()
	d := len(mu)
	check := func(name string, want float64, obs func(x []float64) float64) {
		series := make([][]float64, len(rec))
		sum, sq, n := 0.0, 0.0, 0.0
		for c, chain := range rec {
			series[c] = make([]float64, len(chain))
			for i, x := range chain {
				v := obs(x)
				series[c][i] = v
				sum += v
				sq += v * v
				n++
			}
		}
		mean := sum / n
		tau := sample.IntegratedAutocorrTimeChains(series)
		se := math.Sqrt((sq/n - mean*mean) * tau / n)
		if math.Abs(mean-want) > k*se {
			t.Errorf("%s: %v ± %v (τ = %.2f), want %v", name, mean, se, tau, want)
		}
	}
	for i := range d {
		check("mean", mu[i], func(x []float64) float64 { return x[i] })
		for j := i; j < d; j++ {
			check("cov", cov.At(i, j), func(x []float64) float64 { return (x[i] - mu[i]) * (x[j] - mu[j]) })
		}
	}
}

// MALA with step-size adaptation during burn-in reproduces the mean and
// covariance of a correlated 3-D Gaussian. 64 chains × 2000 steps; 9 checks
// at 4 standard errors each: false-failure rate for a random seed about
// 1e-3 (the seed is fixed).
func TestMALAGaussian(t *testing.T) {
	m, mu, cov := malaTestGaussian(t)
	c := sample.NewChains(64, 3, 31)
	s := &sample.MALA{StepSize: 0.05, Adapt: 300}
	s.Step(m, c, 500) // burn-in, adapting for the first 300 transitions
	if st := s.Stats(); st.AdaptLeft != 0 || math.Abs(st.AcceptRate()-sample.DefaultMALATarget) > 0.1 {
		t.Fatalf("after adaptation: %+v, acceptance %v", st, st.AcceptRate())
	}
	rec := recordChains(m, s, c, 2000)
	if r := s.Stats().AcceptRate(); r < 0.4 || r > 0.75 {
		t.Errorf("acceptance rate %v, want near %v", r, sample.DefaultMALATarget)
	}
	checkGaussianMoments(t, rec, mu, cov, 4)
}

// With a fixed step ε = 0.1 on a Gaussian whose stiffest direction has
// precision λ = 10, the unadjusted Langevin algorithm would have variance
// 1/(λ(1-ελ/2)) = 0.2 instead of 0.1 in that direction. MALA's Metropolis
// correction must remove that bias (4 standard errors per check), and the
// test must be able to see it (the bias is checked to exceed 10 standard
// errors).
func TestMALACorrectsLangevinBias(t *testing.T) {
	m := gaussian.New(2)
	mu := []float64{0, 0}
	cov := mat.NewSymDense(2, []float64{1, 0.9, 0.9, 1})
	if err := m.SetMeanCovariance(mu, cov); err != nil {
		t.Fatal(err)
	}
	c := sample.NewChains(64, 2, 32)
	s := &sample.MALA{StepSize: 0.1}
	s.Step(m, c, 200)
	rec := recordChains(m, s, c, 2000)
	checkGaussianMoments(t, rec, mu, cov, 4)

	// Variance along the stiff direction (1, -1)/√2: truth 0.1, ULA 0.2.
	series := make([][]float64, len(rec))
	sum, n := 0.0, 0.0
	for k, chain := range rec {
		for _, x := range chain {
			y := (x[0] - x[1]) / math.Sqrt2
			series[k] = append(series[k], y*y)
			sum += y * y
			n++
		}
	}
	tau := sample.IntegratedAutocorrTimeChains(series)
	// Var(y²) = 2σ⁴ for a centred Gaussian y with variance σ² = 0.1.
	se := math.Sqrt(2 * 0.1 * 0.1 * tau / n)
	if 0.1/se < 10 {
		t.Errorf("test too weak: ULA bias 0.1 is only %.1f standard errors", 0.1/se)
	}
	if got := sum / n; math.Abs(got-0.1) > 4*se {
		t.Errorf("stiff-direction variance %v ± %v, want 0.1", got, se)
	}
}

// One call with n transitions equals n calls with one transition, and the
// result is bit-for-bit the same for GOMAXPROCS = 1 and 2, adaptation
// included.
func TestMALADeterminism(t *testing.T) {
	m, _, _ := malaTestGaussian(t)
	run := func(procs int, split bool) ([]float64, float64) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		c := sample.NewChains(70, 3, 33) // 5 blocks, the last one partial
		s := &sample.MALA{StepSize: 0.2, Adapt: 20}
		if split {
			for range 50 {
				s.Step(m, c, 1)
			}
		} else {
			s.Step(m, c, 50)
		}
		return slices.Clone(c.Visible().RawMatrix().Data), s.StepSize
	}
	x1, e1 := run(1, false)
	for _, tc := range []struct {
		procs int
		split bool
	}{{2, false}, {1, true}, {2, true}} {
		x, e := run(tc.procs, tc.split)
		if !slices.Equal(x, x1) || e != e1 {
			t.Errorf("GOMAXPROCS=%d split=%v: chains or step size differ from GOMAXPROCS=1", tc.procs, tc.split)
		}
	}
}
