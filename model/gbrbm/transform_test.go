package gbrbm_test

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/exact"
	"boltzmann/internal/stattest"
	"boltzmann/model"
	"boltzmann/model/gbrbm"
	"boltzmann/sample"
)

// logSumOverHidden returns -log Σ_h exp(-βE(v, h) + f·v) by enumerating
// the hidden states of m for the row v.
func logSumOverHidden(m *gbrbm.Model, v []float64, beta float64, f []float64) float64 {
	h := m.HiddenDim()
	count := 1 << h
	vs := mat.NewDense(count, m.Dim(), nil)
	hs := mat.NewDense(count, h, nil)
	for k := range count {
		vs.SetRow(k, v)
		for j := range h {
			hs.Set(k, j, float64(k>>j&1))
		}
	}
	e := make([]float64, count)
	m.Energy(vs, hs, e)
	fv := 0.0
	for i, fi := range f {
		fv += fi * v[i]
	}
	for k := range e {
		e[k] = -beta*e[k] + fv
	}
	mx := slices.Max(e)
	s := 0.0
	for _, x := range e {
		s += math.Exp(x - mx)
	}
	return -(mx + math.Log(s))
}

// TestTemperedFreeEnergyAndStats: seen through a tempering with a field,
// the model's free energy is -log Σ_h exp(-βE + f·v) (to 1e-10; β·θ would
// be wrong because the energy is not linear in log σ²), its statistics are
// the derivatives of that free energy with respect to the base parameters
// (central differences, step 1e-5, tolerance 1e-6·(1+|g|)), and β ≤ 0 is
// refused.
func TestTemperedFreeEnergyAndStats(t *testing.T) {
	const beta = 0.6
	m := randomModel(2, 3, 1, 21)
	f := []float64{0.5, -0.3}
	tm, err := model.NewTransformed(m, &model.Transform{Beta: beta, Field: mat.NewDense(1, 2, f)})
	if err != nil {
		t.Fatal(err)
	}
	v := gaussianData(4, []float64{0, 1}, []float64{1, 2}, 22)
	got := make([]float64, 4)
	tm.FreeEnergy(v, got)
	for r := range 4 {
		if want := logSumOverHidden(m, v.RawRowView(r), beta, f); math.Abs(got[r]-want) > 1e-10 {
			t.Errorf("row %d: transformed free energy %v, sum over hidden states %v", r, got[r], want)
		}
	}
	sum := make([]float64, len(m.Params()))
	tm.AddStats(v, nil, sum)
	total := func() float64 {
		tm.SetBeta(beta) // refresh the tempered copy
		out := make([]float64, 4)
		tm.FreeEnergy(v, out)
		s := 0.0
		for _, x := range out {
			s += x
		}
		return s
	}
	for k := range sum {
		fd := finiteDiff(m.Params(), k, 1e-5, total)
		if math.Abs(sum[k]-fd) > 1e-6*(1+math.Abs(fd)) {
			t.Errorf("parameter %d: transformed statistic %v, finite difference %v", k, sum[k], fd)
		}
	}
	if _, err := model.NewTransformed(m, model.Tempering(0)); err == nil {
		t.Error("tempering to β = 0 accepted")
	}
}

// TestGibbsTransformedMatchesExact: DefaultSampler of the model at β = 0.7
// with a field f is the model's own Gibbs sampler, and it samples the
// Gaussian-Bernoulli RBM with W, b + fσ²/β, βc, log σ² - log β (the same
// joint energy up to a constant): the first and second moments of 4000
// chains (each chain's time average over 30 draws one observation) agree
// with that model's exact Moments within 4.5 standard errors.
func TestGibbsTransformedMatchesExact(t *testing.T) {
	const beta, chains, burn, draws = 0.7, 4000, 40, 30
	m := randomModel(2, 3, 1.5, 23)
	f := []float64{0.8, -0.4}
	tm, err := model.NewTransformed(m, &model.Transform{Beta: beta, Field: mat.NewDense(1, 2, f)})
	if err != nil {
		t.Fatal(err)
	}
	s := sample.DefaultSampler(tm)
	if _, ok := s.(gbrbm.Gibbs); !ok {
		t.Fatalf("DefaultSampler of the transformed model is %T", s)
	}
	eq := m.Clone()
	if err := m.TemperParams(beta, eq.Params()); err != nil {
		t.Fatal(err)
	}
	s2 := m.VisibleVariance()
	for i, fi := range f {
		eq.VisibleBias()[i] += fi * s2[i] / beta
	}
	mean, cov, err := eq.Moments()
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{mean[0], mean[1], cov.At(0, 0) + mean[0]*mean[0], cov.At(0, 1) + mean[0]*mean[1], cov.At(1, 1) + mean[1]*mean[1]}
	c := sample.NewChains(chains, 2, 24)
	s.Step(tm, c, burn)
	per := make([][]float64, 5)
	for q := range per {
		per[q] = make([]float64, chains)
	}
	for range draws {
		s.Step(tm, c, 1)
		for r := range chains {
			x := c.Visible().RawRowView(r)
			for q, v := range []float64{x[0], x[1], x[0] * x[0], x[0] * x[1], x[1] * x[1]} {
				per[q][r] += v / draws
			}
		}
	}
	for q, w := range want {
		got, se := stattest.MeanAndStdErr(per[q])
		if z := (got - w) / se; math.Abs(z) > 4.5 {
			t.Errorf("moment %d: sampled %v ± %v, exact %v (z = %.2f)", q, got, se, w, z)
		}
	}
}

// TestGibbsClampHoldsUnits: clamped units keep their values and the free
// ones move.
func TestGibbsClampHoldsUnits(t *testing.T) {
	m := randomModel(3, 2, 1, 25)
	clamp := mat.NewDense(1, 3, []float64{math.NaN(), 1.25, math.NaN()})
	tm, err := model.NewTransformed(m, &model.Transform{Beta: 1, Clamp: clamp})
	if err != nil {
		t.Fatal(err)
	}
	c := sample.NewChains(10, 3, 26)
	sample.DefaultSampler(tm).Step(tm, c, 3)
	for r := range 10 {
		if x := c.Visible().RawRowView(r); x[1] != 1.25 || x[0] == 0 || x[2] == 0 {
			t.Fatalf("chain %d: %v, want unit 1 clamped at 1.25 and the others drawn", r, x)
		}
	}
}

// TestUnstandardize: the model of x = mean + std·v has log p_x(x) =
// log p(v) - Σ log std exactly (to 1e-9) and the same free energies.
func TestUnstandardize(t *testing.T) {
	m := randomModel(3, 4, 1, 27)
	mean, std := []float64{3, -20, 0.5}, []float64{0.1, 7, 2}
	mx := m.Clone()
	mx.Unstandardize(mean, std)
	v := gaussianData(6, []float64{0, 0, 0}, []float64{1, 1, 1}, 28)
	x := mat.NewDense(6, 3, nil)
	for r := range 6 {
		for i := range 3 {
			x.Set(r, i, mean[i]+std[i]*v.At(r, i))
		}
	}
	llv, err := exact.LogLikelihood(m, v, nil)
	if err != nil {
		t.Fatal(err)
	}
	llx, err := exact.LogLikelihood(mx, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	jac := 0.0
	for _, s := range std {
		jac += math.Log(s)
	}
	if math.Abs(llx-(llv-jac)) > 1e-9 {
		t.Errorf("log-likelihood of x %v, of v minus log-Jacobian %v", llx, llv-jac)
	}
	fv, fx := make([]float64, 6), make([]float64, 6)
	m.FreeEnergy(v, fv)
	mx.FreeEnergy(x, fx)
	for r := range 6 {
		if math.Abs(fv[r]-fx[r]) > 1e-9*(1+math.Abs(fv[r])) {
			t.Errorf("row %d: F(v) = %v, F_x(x) = %v", r, fv[r], fx[r])
		}
	}
}

// TestNoisyPosterior: the free energy of NoisyPosterior seen with the
// field x̃/noise² equals F(v) + Σ (v - x̃)²/(2 noise²) up to a constant in
// v (to 1e-9), and PosteriorMean reduces to the data when nothing is
// missing and to the model's mean when everything is.
func TestNoisyPosterior(t *testing.T) {
	const noise = 0.7
	m := randomModel(2, 3, 1, 29)
	obs := []float64{0.4, -1.1}
	field := mat.NewDense(1, 2, []float64{obs[0] / (noise * noise), obs[1] / (noise * noise)})
	tm, err := model.NewTransformed(m.NoisyPosterior(noise), &model.Transform{Beta: 1, Field: field})
	if err != nil {
		t.Fatal(err)
	}
	v := gaussianData(5, []float64{0, 0}, []float64{2, 2}, 30)
	a, b := make([]float64, 5), make([]float64, 5)
	tm.FreeEnergy(v, a)
	m.FreeEnergy(v, b)
	var diff []float64
	for r := range 5 {
		q := 0.0
		for i, x := range v.RawRowView(r) {
			q += (x - obs[i]) * (x - obs[i]) / (2 * noise * noise)
		}
		diff = append(diff, a[r]-(b[r]+q))
	}
	for _, d := range diff[1:] {
		if math.Abs(d-diff[0]) > 1e-9 {
			t.Fatalf("F_posterior - (F + quadratic) is not constant: %v", diff)
		}
	}
	x := gaussianData(3, []float64{0, 0}, []float64{1, 1}, 31)
	got, err := m.PosteriorMean(x, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.EqualApprox(got, x, 1e-12) {
		t.Errorf("clamped posterior mean %v, want the data", mat.Formatted(got))
	}
	all := []bool{true, true, true, true, true, true}
	got, err = m.PosteriorMean(x, all, 0)
	if err != nil {
		t.Fatal(err)
	}
	mean, _, _ := m.Moments()
	for r := range 3 {
		if math.Abs(got.At(r, 0)-mean[0]) > 1e-12 || math.Abs(got.At(r, 1)-mean[1]) > 1e-12 {
			t.Errorf("row %d: posterior mean with nothing observed %v, model mean %v", r, got.RawRowView(r), mean)
		}
	}
}
