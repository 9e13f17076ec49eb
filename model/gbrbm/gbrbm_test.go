package gbrbm_test

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/exact"
	"boltzmann/internal/stattest"
	"boltzmann/model"
	"boltzmann/model/gbrbm"
	"boltzmann/sample"
)

// randomModel returns a D×H model with W_ij = scale·σ_i·N(0,1), b ~ N(0,1),
// c ~ N(0, 0.5²) and log σ² ~ N(0, 0.3²).
func randomModel(d, h int, scale float64, seed uint64) *gbrbm.Model {
	rng := rand.New(rand.NewPCG(seed, 7))
	m := gbrbm.New(d, h)
	z := m.LogVariance()
	for i := range z {
		z[i] = 0.3 * rng.NormFloat64()
	}
	for i := range d {
		for j := range h {
			m.Weights().Set(i, j, scale*math.Exp(z[i]/2)*rng.NormFloat64())
		}
	}
	for i := range m.VisibleBias() {
		m.VisibleBias()[i] = rng.NormFloat64()
	}
	for j := range m.HiddenBias() {
		m.HiddenBias()[j] = 0.5 * rng.NormFloat64()
	}
	return m
}

// gaussianData returns n rows of independent N(mean_i, variance_i) units.
func gaussianData(n int, mean, variance []float64, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 3))
	x := mat.NewDense(n, len(mean), nil)
	for r := range n {
		for i := range mean {
			x.Set(r, i, mean[i]+math.Sqrt(variance[i])*rng.NormFloat64())
		}
	}
	return x
}

// TestLogPartitionMatchesIntegral: log Z by enumerating the hidden layer
// (exact.LogPartition through HiddenFreeEnergy) equals log ∫ exp(-F(v)) dv
// computed by the trapezoid rule on a grid of spacing σ_i/5 covering 12σ
// around every component mean (the rule's error for these Gaussian-tailed
// integrands is below e^-400), to 1e-6 nats.
func TestLogPartitionMatchesIntegral(t *testing.T) {
	for _, c := range []struct{ d, h int }{{1, 2}, {1, 3}, {2, 2}, {2, 3}} {
		m := randomModel(c.d, c.h, 1.5, uint64(10*c.d+c.h))
		logZ, err := exact.LogPartition(m)
		if err != nil {
			t.Fatal(err)
		}
		// Grid per unit: from the smallest to the largest component mean
		// b_i + Σ_j W_ij h_j, padded by 12σ_i.
		grids := make([][]float64, c.d)
		steps := make([]float64, c.d)
		sd := m.VisibleVariance()
		for i := range c.d {
			sd[i] = math.Sqrt(sd[i])
			lo, hi := m.VisibleBias()[i], m.VisibleBias()[i]
			for j := range c.h {
				w := m.Weights().At(i, j)
				lo, hi = lo+min(w, 0), hi+max(w, 0)
			}
			steps[i] = sd[i] / 5
			for x := lo - 12*sd[i]; x <= hi+12*sd[i]; x += steps[i] {
				grids[i] = append(grids[i], x)
			}
		}
		var rows [][]float64
		if c.d == 1 {
			for _, x := range grids[0] {
				rows = append(rows, []float64{x})
			}
		} else {
			for _, x := range grids[0] {
				for _, y := range grids[1] {
					rows = append(rows, []float64{x, y})
				}
			}
		}
		v := mat.NewDense(len(rows), c.d, nil)
		for r, row := range rows {
			v.SetRow(r, row)
		}
		f := make([]float64, len(rows))
		m.FreeEnergy(v, f)
		// The integrand is negligible at the grid's ends, so the trapezoid
		// rule is the plain sum times the cell volume.
		lo := slices.Min(f)
		s := 0.0
		for _, fv := range f {
			s += math.Exp(lo - fv)
		}
		num := math.Log(s) - lo
		for _, h := range steps {
			num += math.Log(h)
		}
		t.Logf("D=%d H=%d: enumerated log Z = %.10f, integral %.10f (%d points)", c.d, c.h, logZ, num, len(rows))
		if math.Abs(logZ-num) > 1e-6 {
			t.Errorf("D=%d H=%d: log Z %v by enumeration, %v by integration", c.d, c.h, logZ, num)
		}
	}
}

// finiteDiff returns the central difference of f at p[k] with step eps.
func finiteDiff(p []float64, k int, eps float64, f func() float64) float64 {
	old := p[k]
	p[k] = old + eps
	up := f()
	p[k] = old - eps
	down := f()
	p[k] = old
	return (up - down) / (2 * eps)
}

// TestStatsAreDerivatives: AddStats, AddHiddenStats and GradX equal central
// differences (step 1e-5, tolerance 1e-6·(1+|g|)) of FreeEnergy,
// HiddenFreeEnergy and FreeEnergy in v, for every parameter including the
// log-variances; with fixed variances the log_variance statistics are 0.
func TestStatsAreDerivatives(t *testing.T) {
	const eps, tol = 1e-5, 1e-6
	m := randomModel(3, 4, 1, 1)
	v := gaussianData(5, []float64{0.5, -1, 2}, []float64{1, 2, 0.5}, 2)
	h := mat.NewDense(5, 4, []float64{0, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 1})
	w := []float64{1, 0.5, 2, 1.5, 0.25}
	weighted := func(fe func(*mat.Dense, []float64), x *mat.Dense) func() float64 {
		return func() float64 {
			out := make([]float64, len(w))
			fe(x, out)
			s := 0.0
			for r, f := range out {
				s += w[r] * f
			}
			return s
		}
	}
	check := func(name string, stats func([]float64), f func() float64) {
		sum := make([]float64, len(m.Params()))
		stats(sum)
		for k := range sum {
			fd := finiteDiff(m.Params(), k, eps, f)
			if math.Abs(sum[k]-fd) > tol*(1+math.Abs(fd)) {
				t.Errorf("%s: parameter %d: statistic %v, finite difference %v", name, k, sum[k], fd)
			}
		}
	}
	check("AddStats", func(s []float64) { m.AddStats(v, w, s) }, weighted(m.FreeEnergy, v))
	check("AddHiddenStats", func(s []float64) { m.AddHiddenStats(h, w, s) }, weighted(m.HiddenFreeEnergy, h))

	grad := mat.NewDense(5, 3, nil)
	m.GradX(v, grad)
	for r := range 5 {
		row := v.RawRowView(r)
		for i := range row {
			fd := finiteDiff(row, i, eps, func() float64 {
				out := make([]float64, 1)
				m.FreeEnergy(v.Slice(r, r+1, 0, 3).(*mat.Dense), out)
				return out[0]
			})
			if math.Abs(grad.At(r, i)-fd) > tol*(1+math.Abs(fd)) {
				t.Errorf("GradX row %d unit %d: %v, finite difference %v", r, i, grad.At(r, i), fd)
			}
		}
	}

	m.SetFixedVariance(true)
	for _, add := range []func([]float64){func(s []float64) { m.AddStats(v, w, s) }, func(s []float64) { m.AddHiddenStats(h, w, s) }} {
		sum := make([]float64, len(m.Params()))
		add(sum)
		g := m.Groups()[3]
		if g.Name != "log_variance" || slices.ContainsFunc(g.Slice(sum), func(x float64) bool { return x != 0 }) {
			t.Errorf("fixed variances: %s statistics %v, want zeros", g.Name, g.Slice(sum))
		}
		if !slices.ContainsFunc(sum[:g.Start], func(x float64) bool { return x != 0 }) {
			t.Error("fixed variances: every other statistic is zero too")
		}
	}
}

// TestEnergyMatchesFreeEnergies: -log Σ_h exp(-E(v,h)) over the 2^H hidden
// states equals FreeEnergy (to 1e-12), tying Energy to both free energies.
func TestEnergyMatchesFreeEnergies(t *testing.T) {
	m := randomModel(2, 3, 1, 4)
	v := gaussianData(3, []float64{0, 1}, []float64{1, 1}, 5)
	f := make([]float64, 3)
	m.FreeEnergy(v, f)
	for r := range 3 {
		vs := mat.NewDense(8, 2, nil)
		hs := mat.NewDense(8, 3, nil)
		for k := range 8 {
			vs.SetRow(k, v.RawRowView(r))
			for j := range 3 {
				hs.Set(k, j, float64(k>>j&1))
			}
		}
		e := make([]float64, 8)
		m.Energy(vs, hs, e)
		for k := range e {
			e[k] = -e[k]
		}
		lse := 0.0
		mx := slices.Max(e)
		for _, x := range e {
			lse += math.Exp(x - mx)
		}
		if got := -(mx + math.Log(lse)); math.Abs(got-f[r]) > 1e-12 {
			t.Errorf("row %d: -log Σ_h exp(-E) = %v, FreeEnergy %v", r, got, f[r])
		}
	}
}

// TestExactGradientIsDerivativeOfLogLikelihood: exact.Gradient (data
// statistics minus the hidden-enumeration model average) equals the
// central difference of -exact.LogLikelihood for every parameter (step
// 1e-5, tolerance 1e-6·(1+|g|)).
func TestExactGradientIsDerivativeOfLogLikelihood(t *testing.T) {
	m := randomModel(2, 3, 1, 6)
	x := gaussianData(50, []float64{1, -1}, []float64{2, 0.5}, 7)
	g, err := exact.Gradient(m, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k := range g {
		fd := finiteDiff(m.Params(), k, 1e-5, func() float64 {
			ll, err := exact.LogLikelihood(m, x, nil)
			if err != nil {
				t.Fatal(err)
			}
			return -ll
		})
		if math.Abs(g[k]-fd) > 1e-6*(1+math.Abs(fd)) {
			t.Errorf("parameter %d: exact gradient %v, finite difference %v", k, g[k], fd)
		}
	}
}

// gibbsRun runs chains chains of Gibbs from zeros for burn transitions,
// then records f of every chain after each of the next draws transitions.
// It returns per[q][c], the mean of quantity q over the draws of chain c,
// the chains, and the integrated autocorrelation time of each quantity.
func gibbsRun(m *gbrbm.Model, chains, burn, draws int, seed uint64, f func(x, out []float64), nq int) ([][]float64, *sample.Chains, []float64) {
	c := sample.NewChains(chains, m.Dim(), seed)
	s := m.Sampler()
	s.Step(m, c, burn)
	per := make([][]float64, nq)
	series := make([][][]float64, nq)
	for q := range nq {
		per[q] = make([]float64, chains)
		series[q] = make([][]float64, min(chains, 256))
	}
	out := make([]float64, nq)
	for range draws {
		s.Step(m, c, 1)
		for r := range chains {
			f(c.Visible().RawRowView(r), out)
			for q, v := range out {
				per[q][r] += v / float64(draws)
				if r < len(series[q]) {
					series[q][r] = append(series[q][r], v)
				}
			}
		}
	}
	tau := make([]float64, nq)
	for q := range nq {
		tau[q] = sample.IntegratedAutocorrTimeChains(series[q])
	}
	return per, c, tau
}

// TestGibbsMatchesExactMarginal runs block Gibbs on a bimodal D=2, H=3
// model and compares (a) the means of v_1, v_2, v_1², v_1v_2, v_2² with the
// exact mixture moments (Moments), each chain's time average over its
// draws being one independent observation, so that the standard error
// accounts for the autocorrelation; every |z| must be below 4.5; and
// (b) the hidden states of the final transition, one independent draw
// per chain, with the exact hidden marginal by Pearson's chi-square
// (p ≥ 1e-4). The burn-in must exceed 20 integrated autocorrelation times.
// TestGibbsMatchesExactMarginalOnGrid compares the whole visible
// distribution on a grid, with a stated power.
func TestGibbsMatchesExactMarginal(t *testing.T) {
	const chains, burn, draws = 8000, 40, 40
	m := bimodalModel()
	mean, cov, err := m.Moments()
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{mean[0], mean[1], cov.At(0, 0) + mean[0]*mean[0], cov.At(0, 1) + mean[0]*mean[1], cov.At(1, 1) + mean[1]*mean[1]}
	per, c, tau := gibbsRun(m, chains, burn, draws, 9, func(x, out []float64) {
		out[0], out[1], out[2], out[3], out[4] = x[0], x[1], x[0]*x[0], x[0]*x[1], x[1]*x[1]
	}, 5)
	for q, w := range want {
		got, se := stattest.MeanAndStdErr(per[q])
		z := (got - w) / se
		t.Logf("moment %d: sampled %.4f ± %.4f, exact %.4f, z = %.2f, τ = %.2f", q, got, se, w, z, tau[q])
		if math.Abs(z) > 4.5 {
			t.Errorf("moment %d: sampled %v ± %v, exact %v (z = %.2f)", q, got, se, w, z)
		}
		if burn < 20*tau[q] {
			t.Errorf("moment %d: burn-in %d is under 20 autocorrelation times (τ = %.2f)", q, burn, tau[q])
		}
	}
	// The mixture is far from one Gaussian: along some unit its variance
	// is over twice σ².
	if s := m.VisibleVariance(); cov.At(0, 0) < 2*s[0] && cov.At(1, 1) < 2*s[1] {
		t.Fatalf("test model is not multimodal: covariance diagonal %v, σ² %v", []float64{cov.At(0, 0), cov.At(1, 1)}, s)
	}
	p, err := m.HiddenProbabilities()
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]int, len(p))
	for r := range chains {
		k := 0
		for _, hj := range c.Hidden().RawRowView(r) {
			k = 2*k + int(hj)
		}
		counts[k]++
	}
	stat, df, pv := stattest.ChiSquare(counts, p, 5)
	t.Logf("hidden marginal: chi2 = %.1f, df = %d, p = %.3g", stat, df, pv)
	if df == 0 || pv < 1e-4 {
		t.Errorf("hidden marginal differs from the exact one: chi2 = %.1f, df = %d, p = %.3g", stat, df, pv)
	}
}

// TestMonteCarloGradientMatchesExact: the Monte Carlo gradient, data
// statistics minus the mean sampler statistics, matches exact.Gradient for
// every parameter within 4.5 standard errors (each chain's time average
// one independent observation), the log-variances included. So that the
// comparison can fail, every parameter group (weights, both biases,
// log-variances) must have a component where a model average (the
// negative phase) 1% off the exact one would be at least 6 standard errors
// away (the least resolved group, the visible biases, is at 10.8).
func TestMonteCarloGradientMatchesExact(t *testing.T) {
	const chains, burn, draws = 4000, 40, 20
	m := randomModel(2, 3, 1.5, 10)
	x := gaussianData(100, []float64{0.5, -0.5}, []float64{1.5, 1}, 11)
	want, err := exact.Gradient(m, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	pos := exact.DataAverages(m, x, nil)
	np := len(m.Params())
	row := mat.NewDense(1, m.Dim(), nil)
	per, _, _ := gibbsRun(m, chains, burn, draws, 12, func(v, out []float64) {
		copy(row.RawRowView(0), v)
		clear(out)
		m.AddStats(row, nil, out)
	}, np)
	worst := 0.0
	for _, g := range m.Groups() {
		gw, resolved := 0.0, 0.0
		for k := g.Start; k < g.Start+g.Len; k++ {
			neg, se := stattest.MeanAndStdErr(per[k])
			z := (pos[k] - neg - want[k]) / se
			gw = max(gw, math.Abs(z))
			// How far a model average 1% off the exact one would be.
			resolved = max(resolved, 0.01*math.Abs(pos[k]-want[k])/se)
		}
		worst = max(worst, gw)
		t.Logf("%s: largest |z| = %.2f over %d parameters; a 1%% error of the model average would be %.1f standard errors off", g.Name, gw, g.Len, resolved)
		if resolved < 6 {
			t.Errorf("%s: the test cannot see a 1%% error of the model average (%.1f standard errors)", g.Name, resolved)
		}
	}
	if worst > 4.5 {
		t.Errorf("Monte Carlo gradient differs from the exact one: largest |z| = %.2f", worst)
	}
}

// TestExactGradientDescentFitsGaussian trains a model with one hidden unit
// and small initial weights on Gaussian data by plain steps along the exact
// gradient. At any stationary point the model's mean and variance equal the
// data's (the b and log-variance equations, with the W equation, are
// moment matching). After 3000 steps the test requires every gradient
// component below 1e-3, the model's mean and variance within 1e-3
// (relative) of the data's, and a log-likelihood at least that of the
// analytic diagonal Gaussian fit. (The weights keep growing slowly: a
// two-component mixture fits a finite sample slightly better than one
// Gaussian, so the optimum is not W = 0 exactly.)
func TestExactGradientDescentFitsGaussian(t *testing.T) {
	dataMean, dataVar := []float64{1, -2}, []float64{0.5, 2}
	x := gaussianData(400, dataMean, dataVar, 13)
	n, d := x.Dims()
	mean, variance := make([]float64, d), make([]float64, d)
	for r := range n {
		for i, v := range x.RawRowView(r) {
			mean[i] += v / float64(n)
		}
	}
	for r := range n {
		for i, v := range x.RawRowView(r) {
			variance[i] += (v - mean[i]) * (v - mean[i]) / float64(n)
		}
	}
	gaussLL := 0.0
	for i := range d {
		gaussLL -= (math.Log(2*math.Pi*variance[i]) + 1) / 2
	}

	m := gbrbm.New(d, 1)
	m.Weights().Set(0, 0, 0.01)
	m.Weights().Set(1, 0, -0.01)
	const lr, maxSteps = 0.5, 3000
	var g []float64
	steps := 0
	for ; steps < maxSteps; steps++ {
		var err error
		if g, err = exact.Gradient(m, x, nil); err != nil {
			t.Fatal(err)
		}
		if mathMaxAbs(g) < 1e-9 {
			break
		}
		for k, v := range g {
			m.Params()[k] -= lr * v
		}
	}
	ll, err := exact.LogLikelihood(m, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	mm, cov, err := m.Moments()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d steps: |grad| = %.2g, b = %.4f, σ² = %.4f, W = %.4f, c = %.4f; model mean %.6f var (%.6f, %.6f); data mean %.6f var %.6f; LL %.6f, Gaussian fit %.6f",
		steps, mathMaxAbs(g), m.VisibleBias(), m.VisibleVariance(), m.Weights().RawMatrix().Data, m.HiddenBias(), mm, cov.At(0, 0), cov.At(1, 1), mean, variance, ll, gaussLL)
	if mathMaxAbs(g) > 1e-3 {
		t.Fatalf("no convergence after %d steps: largest gradient %v", steps, mathMaxAbs(g))
	}
	for i := range d {
		if math.Abs(mm[i]-mean[i]) > 1e-3*(1+math.Abs(mean[i])) || math.Abs(cov.At(i, i)-variance[i]) > 1e-3*variance[i] {
			t.Errorf("unit %d: model mean %v variance %v, data %v and %v", i, mm[i], cov.At(i, i), mean[i], variance[i])
		}
	}
	if ll < gaussLL-1e-9 {
		t.Errorf("log-likelihood %v below the Gaussian fit's %v", ll, gaussLL)
	}
}

func mathMaxAbs(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m = max(m, math.Abs(v))
	}
	return m
}

// TestBaseLogPartition: the closed-form log Z of an AIS base model equals
// exact enumeration, and a model with weights is refused.
func TestBaseLogPartition(t *testing.T) {
	b := gbrbm.NewBase([]float64{1, -2, 0.5}, []float64{0.5, 2, 1.5}, 4)
	b.HiddenBias()[1] = 0.7
	got, err := b.BaseLogPartition()
	if err != nil {
		t.Fatal(err)
	}
	want, err := exact.LogPartition(b)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("BaseLogPartition %v, enumeration %v", got, want)
	}
	if v := b.VisibleVariance(); math.Abs(v[1]-2) > 1e-15 || b.VisibleBias()[2] != 0.5 {
		t.Errorf("NewBase: σ² = %v, b = %v", v, b.VisibleBias())
	}
	if _, err := randomModel(2, 2, 1, 1).BaseLogPartition(); err == nil {
		t.Error("BaseLogPartition accepted a model with weights")
	}
}

// TestInitFromData: b and σ² are the data's mean and (1/n) variance, a
// constant column gets MinInitVariance, fixed variances stay, weights are
// small and reproducible with a nil rng.
func TestInitFromData(t *testing.T) {
	x := gaussianData(200, []float64{3, -1, 0}, []float64{4, 0.25, 1}, 14)
	for r := range 200 {
		x.Set(r, 2, 5) // a constant column
	}
	m := gbrbm.New(3, 5)
	m.InitFromData(x, nil)
	n := 200.0
	for i := range 2 {
		mu, v := 0.0, 0.0
		for r := range 200 {
			mu += x.At(r, i) / n
		}
		for r := range 200 {
			v += (x.At(r, i) - mu) * (x.At(r, i) - mu) / n
		}
		if math.Abs(m.VisibleBias()[i]-mu) > 1e-12 || math.Abs(m.VisibleVariance()[i]-v) > 1e-12*v {
			t.Errorf("unit %d: b = %v, σ² = %v; data mean %v, variance %v", i, m.VisibleBias()[i], m.VisibleVariance()[i], mu, v)
		}
	}
	if got := m.VisibleVariance()[2]; math.Abs(got-gbrbm.MinInitVariance) > 1e-18 {
		t.Errorf("constant column: σ² = %v, want %v", got, gbrbm.MinInitVariance)
	}
	if w := mathMaxAbs(m.Weights().RawMatrix().Data); w == 0 || w > 0.05*2 {
		t.Errorf("initial weights up to %v, want small nonzero", w)
	}
	m2 := gbrbm.New(3, 5)
	m2.InitFromData(x, nil)
	if !slices.Equal(m.Params(), m2.Params()) {
		t.Error("InitFromData(x, nil) is not reproducible")
	}
	f := gbrbm.New(3, 5)
	f.SetFixedVariance(true)
	f.LogVariance()[0] = math.Log(0.3)
	f.InitFromData(x, nil)
	if math.Abs(f.VisibleVariance()[0]-0.3) > 1e-15 || f.LogVariance()[1] != 0 {
		t.Errorf("fixed variances changed by InitFromData: %v", f.VisibleVariance())
	}
}

// TestSpecRoundTrip: a model rebuilt by model.New from its Spec, with the
// parameters copied, has the same free energies, spec and fixed-variance
// setting; malformed specs are refused.
func TestSpecRoundTrip(t *testing.T) {
	for _, fixed := range []bool{false, true} {
		m := randomModel(3, 2, 1, 15)
		m.SetFixedVariance(fixed)
		got, err := model.New(m.Spec())
		if err != nil {
			t.Fatal(err)
		}
		r := got.(*gbrbm.Model)
		copy(r.Params(), m.Params())
		x := gaussianData(4, []float64{0, 0, 0}, []float64{1, 1, 1}, 16)
		a, b := make([]float64, 4), make([]float64, 4)
		m.FreeEnergy(x, a)
		r.FreeEnergy(x, b)
		if !slices.Equal(a, b) || r.FixedVariance() != fixed || r.Spec().Kind != gbrbm.Kind || r.Dim() != 3 || r.HiddenDim() != 2 {
			t.Errorf("fixed=%v: rebuilt model differs: spec %+v", fixed, r.Spec())
		}
	}
	for _, s := range []model.Spec{
		{Kind: gbrbm.Kind, Visible: 3},
		{Kind: gbrbm.Kind, Visible: 3, Hidden: 2, States: 2},
		{Kind: gbrbm.Kind, Visible: 3, Hidden: 2, Options: map[string]string{"fixed_variance": "maybe"}},
		{Kind: gbrbm.Kind, Visible: 3, Hidden: 2, Options: map[string]string{"alphabet": "x"}},
	} {
		if _, err := model.New(s); err == nil {
			t.Errorf("spec %+v accepted", s)
		}
	}
}

// TestGibbsIndependentOfGOMAXPROCS: the chains depend on the seed only.
func TestGibbsIndependentOfGOMAXPROCS(t *testing.T) {
	m := randomModel(3, 4, 1, 17)
	run := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		c := sample.NewChains(100, 3, 18)
		m.Sampler().Step(m, c, 5)
		return append(slices.Clone(c.Visible().RawMatrix().Data), c.Hidden().RawMatrix().Data...)
	}
	if !slices.Equal(run(1), run(4)) {
		t.Fatal("Gibbs chains differ between GOMAXPROCS=1 and 4")
	}
}

// TestNotBlockGibbs: the generic block Gibbs sampler, whose visibles are
// Bernoulli, refuses the model, and the space is real.
func TestNotBlockGibbs(t *testing.T) {
	m := gbrbm.New(2, 2)
	if _, ok := model.Model(m).(model.Bipartite); ok {
		t.Error("the model implements model.Bipartite (Bernoulli visibles)")
	}
	if err := sample.CheckBlockGibbs(m); err == nil {
		t.Error("CheckBlockGibbs accepts the model")
	}
	if _, err := m.Space().Vars(); err == nil {
		t.Error("the space is discrete")
	}
	if _, err := exact.NewDistribution(m); err == nil {
		t.Error("exact enumerates a real visible space")
	}
}
