package tasks_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/stattest"
	"boltzmann/internal/testmodels"
	"boltzmann/model"
	"boltzmann/model/gbrbm"
	"boltzmann/tasks"
)

// checkAgainstExact runs infer with 20 seeds and compares, entry by
// entry, the mean of the 20 posterior-mean estimates with the exact
// posterior mean: every |z| (standard error over the 20 independent
// estimates, plus 2e-4) must be below 5, a false-alarm rate of about 1e-4
// per entry for Student's t with 19 degrees of freedom. Observed entries
// must be returned as they are.
func checkAgainstExact(t *testing.T, want *mat.Dense, entries []bool, infer func(seed uint64) *tasks.Posterior) {
	t.Helper()
	const runs = 20
	n, d := want.Dims()
	est := make([][]float64, n*d)
	for s := range runs {
		p := infer(uint64(100 + s))
		for k, v := range p.Mean.RawMatrix().Data {
			est[k] = append(est[k], v)
		}
	}
	worst, checked, meanSE := 0.0, 0, 0.0
	for k, e := range est {
		if entries != nil && !entries[k] {
			if math.Abs(e[0]-want.RawMatrix().Data[k]) > 1e-12*(1+math.Abs(e[0])) {
				t.Errorf("entry %d is observed but changed: %v, want %v", k, e[0], want.RawMatrix().Data[k])
			}
			continue
		}
		m, se := stattest.MeanAndStdErr(e)
		// A posterior concentrated on one hidden state gives nearly the
		// same estimate in every run, missing the states of probability
		// below about 1e-4 that no run visits: 1e-3/5 absorbs them.
		z := math.Abs(m-want.RawMatrix().Data[k]) / (se + 2e-4)
		worst = max(worst, z)
		meanSE += se / float64(n*d)
		checked++
	}
	t.Logf("%d entries: largest |z| = %.2f, mean standard error %.2g", checked, worst, meanSE)
	if worst > 5 {
		t.Errorf("posterior means differ from the exact ones: largest |z| = %.2f", worst)
	}
}

// TestInpaintGaussianMatchesExact: Inpaint of a Gaussian-Bernoulli RBM
// (D = 4, H = 3, a multimodal mixture) on 12 exact samples with about half
// of the entries missing agrees with the exact posterior mean
// (gbrbm.Model.PosteriorMean) and leaves the observed entries as they are.
func TestInpaintGaussianMatchesExact(t *testing.T) {
	m := testmodels.GBRBM(4, 3, 0.8, 41)
	x := testmodels.GBRBMSamples(m, 12, 42)
	missing := tasks.RandomMask(12, 4, 0.5, rand.New(rand.NewPCG(43, 0)))
	want, err := m.PosteriorMean(x, missing, 0)
	if err != nil {
		t.Fatal(err)
	}
	inpaintAgainstExact(t, m, x, missing, want)
}

// inpaintAgainstExact checks Inpaint of m on x with the missing entries
// against the exact posterior mean want (checkAgainstExact).
func inpaintAgainstExact(t *testing.T, m model.Model, x *mat.Dense, missing []bool, want *mat.Dense) {
	t.Helper()
	xin := mat.DenseCopyOf(x)
	for k, mi := range missing {
		if mi {
			xin.RawMatrix().Data[k] = math.NaN()
		}
	}
	checkAgainstExact(t, want, missing, func(seed uint64) *tasks.Posterior {
		p, err := tasks.Inpaint(m, xin, missing, &tasks.InferSettings{BurnIn: 20, Sweeps: 100, Replicas: 5, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		return p
	})
}

// denoiseAgainstExact checks DenoiseGaussian of m on noisy (noise sigma)
// against the exact posterior mean want (checkAgainstExact), and that want
// is closer to clean than noisy is.
func denoiseAgainstExact(t *testing.T, m model.Model, clean, noisy *mat.Dense, sigma float64, want *mat.Dense) {
	t.Helper()
	checkAgainstExact(t, want, nil, func(seed uint64) *tasks.Posterior {
		p, err := tasks.DenoiseGaussian(m, noisy, sigma, &tasks.InferSettings{BurnIn: 20, Sweeps: 100, Replicas: 5, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		return p
	})
	if a, b := tasks.RMSE(clean, want, nil), tasks.RMSE(clean, noisy, nil); !(a < b) {
		t.Errorf("exact posterior mean RMSE %v is not below the noisy input's %v", a, b)
	}
}

// TestDenoiseGaussianMatchesExact: DenoiseGaussian at noise σ = 0.8 agrees
// with the exact posterior mean, and it is closer to the clean data than
// the noisy input is (RMSE).
func TestDenoiseGaussianMatchesExact(t *testing.T) {
	const sigma = 0.8
	m := testmodels.GBRBM(4, 3, 0.8, 44)
	clean := testmodels.GBRBMSamples(m, 12, 45)
	noisy := tasks.AddGaussianNoise(clean, sigma, rand.New(rand.NewPCG(46, 0)))
	want, err := m.PosteriorMean(noisy, nil, sigma)
	if err != nil {
		t.Fatal(err)
	}
	denoiseAgainstExact(t, m, clean, noisy, sigma, want)
	if _, err := tasks.DenoiseGaussian(m, mat.NewDense(1, 4, []float64{0, math.NaN(), 0, 0}), sigma, nil); err == nil {
		t.Error("DenoiseGaussian accepted NaN")
	}
	if _, err := tasks.DenoiseGaussian(testmodels.RBM(4, 2, 1, 1), noisy, sigma, nil); err == nil {
		t.Error("DenoiseGaussian accepted a Bernoulli RBM")
	}
}

// TestGaussianFeaturesAndMedian: Features of a Gaussian-Bernoulli RBM are
// P(h = 1 | v); Median3x3 of a 3×3 image takes the medians of the 4-, 6-
// and 9-pixel neighbourhoods.
func TestGaussianFeaturesAndMedian(t *testing.T) {
	m := gbrbm.New(9, 2)
	m.Weights().Set(0, 1, 1)
	x := mat.NewDense(1, 9, []float64{9, 1, 2, 3, 4, 5, 6, 7, 8})
	f, err := tasks.Features(m, x)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(f.At(0, 0)-0.5) > 1e-15 || math.Abs(f.At(0, 1)-1/(1+math.Exp(-9))) > 1e-15 {
		t.Errorf("features %v", f.RawRowView(0))
	}
	got := tasks.Median3x3(x, 3, 3).RawRowView(0)
	// corner (0,0): {9,1,3,4} → 3.5; centre: all nine → 5; edge (0,1): {9,1,2,3,4,5} → 3.5.
	if got[0] != 3.5 || got[4] != 5 || got[1] != 3.5 {
		t.Errorf("Median3x3 = %v", got)
	}
}

// whitenedModel is a Gaussian-Bernoulli RBM of whitened data (D = 4, H =
// 3) with a full whitening matrix, and n exact samples of its x.
func whitenedModel(n int, seed uint64) (*gbrbm.Whitened, *mat.Dense) {
	rng := rand.New(rand.NewPCG(seed, 5))
	a := mat.NewDense(4, 4, nil)
	for i := range 4 {
		for j := range 4 {
			a.Set(i, j, 0.6*rng.NormFloat64())
		}
		a.Set(i, i, a.At(i, i)+1.5)
	}
	w := gbrbm.NewWhitened(testmodels.GBRBM(4, 3, 0.8, seed), []float64{1, -0.5, 2, 0}, a)
	return w, w.Unwhiten(testmodels.GBRBMSamples(w.Inner(), n, seed+1))
}

// TestInpaintWhitenedMatchesExact: Inpaint of a whitened model (the
// full-covariance Gaussian conditionals of its sampler) on 12 exact
// samples with about half of the entries missing agrees with the exact
// posterior mean (gbrbm.Whitened.PosteriorMean) and leaves the observed
// entries as they are.
func TestInpaintWhitenedMatchesExact(t *testing.T) {
	m, x := whitenedModel(12, 51)
	missing := tasks.RandomMask(12, 4, 0.5, rand.New(rand.NewPCG(53, 0)))
	want, err := m.PosteriorMean(x, missing, 0)
	if err != nil {
		t.Fatal(err)
	}
	inpaintAgainstExact(t, m, x, missing, want)
}

// TestDenoiseWhitenedMatchesExact: DenoiseGaussian of a whitened model at
// noise σ = 0.6 agrees with the exact posterior mean, which is closer to
// the clean data than the noisy input is.
func TestDenoiseWhitenedMatchesExact(t *testing.T) {
	const sigma = 0.6
	m, clean := whitenedModel(12, 54)
	noisy := tasks.AddGaussianNoise(clean, sigma, rand.New(rand.NewPCG(56, 0)))
	want, err := m.PosteriorMean(noisy, nil, sigma)
	if err != nil {
		t.Fatal(err)
	}
	denoiseAgainstExact(t, m, clean, noisy, sigma, want)
}
