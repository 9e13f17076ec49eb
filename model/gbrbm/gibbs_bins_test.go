package gbrbm_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"

	"boltzmann/internal/stattest"
	"boltzmann/model/gbrbm"
	"boltzmann/sample"
)

// bimodalModel returns the D=2, H=3 test model of the Gibbs tests: weights
// of twice σ_i, with c_j cancelling the single-unit terms of F(h) so that
// several of the 8 mixture components carry mass.
func bimodalModel() *gbrbm.Model {
	m := randomModel(2, 3, 2, 8)
	s2 := m.VisibleVariance()
	for j := range 3 {
		c := 0.0
		for i := range 2 {
			w := m.Weights().At(i, j)
			c -= (m.VisibleBias()[i]*w + w*w/2) / s2[i]
		}
		m.HiddenBias()[j] = c
	}
	return m
}

// mixture is the exact visible distribution of a model: weights p[k] (the
// hidden marginal), means mu[k] (b + W h_k) and standard deviations sd
// (component variances varFactor·σ², varFactor = 1 for the model itself).
type mixture struct {
	p  []float64
	mu [][]float64
	sd []float64
}

func newMixture(t *testing.T, m *gbrbm.Model, varFactor float64) mixture {
	p, err := m.HiddenProbabilities()
	if err != nil {
		t.Fatal(err)
	}
	nh := m.HiddenDim()
	h := mat.NewDense(len(p), nh, nil)
	for k := range p {
		for j := range nh {
			h.Set(k, j, float64(k>>(nh-1-j)&1))
		}
	}
	mu := mat.NewDense(len(p), m.Dim(), nil)
	m.VisibleMean(h, mu)
	mix := mixture{p: p, sd: m.VisibleVariance()}
	for i, s := range mix.sd {
		mix.sd[i] = math.Sqrt(varFactor * s)
	}
	for k := range p {
		mix.mu = append(mix.mu, mu.RawRowView(k))
	}
	return mix
}

// phi is the standard normal CDF.
func phi(x float64) float64 { return math.Erfc(-x/math.Sqrt2) / 2 }

// cdf is P(v_i ≤ x) under the mixture.
func (mx mixture) cdf(i int, x float64) float64 {
	s := 0.0
	for k, pk := range mx.p {
		s += pk * phi((x-mx.mu[k][i])/mx.sd[i])
	}
	return s
}

// quantile is the q-quantile of v_i under the mixture, by bisection.
func (mx mixture) quantile(i int, q float64) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, mu := range mx.mu {
		lo, hi = min(lo, mu[i]), max(hi, mu[i])
	}
	lo, hi = lo-12*mx.sd[i], hi+12*mx.sd[i]
	for range 200 {
		mid := (lo + hi) / 2
		if mx.cdf(i, mid) < q {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// gridProbs returns the exact probabilities of the cells of the grid whose
// cuts along unit i are cuts[i] (increasing, ±∞ added at the ends), cell
// (a, b) at index a·(len(cuts[1])+1) + b. The components are axis-aligned,
// so a cell's probability under component k is a product of two 1-D
// interval probabilities.
func (mx mixture) gridProbs(cuts [2][]float64) []float64 {
	edges := func(i int) []float64 {
		return append(append([]float64{math.Inf(-1)}, cuts[i]...), math.Inf(1))
	}
	e0, e1 := edges(0), edges(1)
	n1 := len(e1) - 1
	out := make([]float64, (len(e0)-1)*n1)
	for k, pk := range mx.p {
		for a := range len(e0) - 1 {
			pa := phi((e0[a+1]-mx.mu[k][0])/mx.sd[0]) - phi((e0[a]-mx.mu[k][0])/mx.sd[0])
			for b := range n1 {
				pb := phi((e1[b+1]-mx.mu[k][1])/mx.sd[1]) - phi((e1[b]-mx.mu[k][1])/mx.sd[1])
				out[a*n1+b] += pk * pa * pb
			}
		}
	}
	return out
}

// gridCounts bins the rows of x (n × 2) into the cells of gridProbs.
func gridCounts(x *mat.Dense, cuts [2][]float64) []int {
	cell := func(v float64, c []float64) int {
		a := 0
		for a < len(c) && v > c[a] {
			a++
		}
		return a
	}
	n1 := len(cuts[1]) + 1
	counts := make([]int, (len(cuts[0])+1)*n1)
	n, _ := x.Dims()
	for r := range n {
		counts[cell(x.At(r, 0), cuts[0])*n1+cell(x.At(r, 1), cuts[1])]++
	}
	return counts
}

// wrongGibbs is a block Gibbs sampler with a deliberate bug: h | v is
// right, but v | h is drawn with varFactor times the model's variances.
func wrongGibbs(m *gbrbm.Model, c *sample.Chains, n int, varFactor float64) {
	nc := c.Len()
	ph := mat.NewDense(nc, m.HiddenDim(), nil)
	h := mat.NewDense(nc, m.HiddenDim(), nil)
	mean := mat.NewDense(nc, m.Dim(), nil)
	sd := m.VisibleVariance()
	for i, s := range sd {
		sd[i] = math.Sqrt(varFactor * s)
	}
	for range n {
		m.HiddenProb(c.Visible(), ph)
		c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
			for r := lo; r < hi; r++ {
				for j, p := range ph.RawRowView(r) {
					h.Set(r, j, 0)
					if rng.Float64() < p {
						h.Set(r, j, 1)
					}
				}
			}
		})
		m.VisibleMean(h, mean)
		c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
			for r := lo; r < hi; r++ {
				x := c.Visible().RawRowView(r)
				for i, mu := range mean.RawRowView(r) {
					x[i] = mu + sd[i]*rng.NormFloat64()
				}
			}
		})
	}
}

// noncentralSurvival returns P(X > x) for X a noncentral chi-square with k
// degrees of freedom and noncentrality lambda, as the Poisson(λ/2) mixture
// of central chi-squares with k + 2j degrees of freedom.
func noncentralSurvival(k int, lambda, x float64) float64 {
	s, logw := 0.0, -lambda/2
	for j := 0; j < 100000; j++ {
		if j > 0 {
			logw += math.Log(lambda/2) - math.Log(float64(j))
		}
		s += math.Exp(logw) * distuv.ChiSquared{K: float64(k + 2*j)}.Survival(x)
		if float64(j) > lambda/2 && math.Exp(logw) < 1e-12 {
			break
		}
	}
	return s
}

// TestGibbsMatchesExactMarginalOnGrid is the distribution test of the
// block Gibbs sampler on the bimodal D=2, H=3 model of
// TestGibbsMatchesExactMarginal (which checks the moments and the hidden
// marginal exactly): Pearson's chi-square of the final states of 60,000
// independent chains (40 transitions from zero, over 20 autocorrelation
// times) on an 8×8 grid whose cuts are the exact octiles of each marginal,
// against the exact cell probabilities of the mixture of 2^H Gaussians
// (each a product of two 1-D normal interval probabilities), at level 1e-4
// (cells expected below 5 pooled).
//
// Power. Against the alternative of components with 10% too large
// variances (same weights and means, σ² → 1.1σ²) the exact noncentrality
// is λ = N Σ (q - p)²/p over the cells; the test computes it (λ ≈ 130 on
// 63 degrees of freedom, critical value 113.5) and requires the power
// P(χ²_df(λ) > critical value) to be at least 0.99 (it is 0.9998). It then
// runs a wrong sampler, block Gibbs whose v | h draws have variances
// 1.1σ², from the same seed, and requires the statistic to reject it (p ≈
// 4e-12). With 20 other seeds (32 to 51) the correct sampler gave p from
// 0.12 to 0.95 and the wrong one p below 2e-8 every time.
func TestGibbsMatchesExactMarginalOnGrid(t *testing.T) {
	const chains, burn, bins, level, wrongVar = 60000, 40, 8, 1e-4, 1.1
	m := bimodalModel()
	mix := newMixture(t, m, 1)
	var cuts [2][]float64
	for i := range 2 {
		for a := 1; a < bins; a++ {
			cuts[i] = append(cuts[i], mix.quantile(i, float64(a)/bins))
		}
	}
	p := mix.gridProbs(cuts)
	sum := 0.0
	for _, v := range p {
		sum += v
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Fatalf("cell probabilities sum to %v", sum)
	}

	// Stated power against the 10% variance error.
	q := newMixture(t, m, wrongVar).gridProbs(cuts)
	lambda, cells := 0.0, 0
	for k := range p {
		if p[k]*chains >= 5 {
			lambda += chains * (q[k] - p[k]) * (q[k] - p[k]) / p[k]
			cells++
		}
	}
	crit := distuv.ChiSquared{K: float64(cells - 1)}.Quantile(1 - level)
	power := noncentralSurvival(cells-1, lambda, crit)
	t.Logf("against σ² × %.1f: noncentrality %.1f over %d cells, critical value %.1f, power %.4f", wrongVar, lambda, cells, crit, power)
	if power < 0.99 {
		t.Fatalf("the test has power %.3f < 0.99 against a %.0f%% variance error", power, 100*(wrongVar-1))
	}

	run := func(step func(c *sample.Chains)) (float64, int, float64) {
		c := sample.NewChains(chains, 2, 31)
		step(c)
		return stattest.ChiSquare(gridCounts(c.Visible(), cuts), p, 5)
	}
	stat, df, pv := run(func(c *sample.Chains) { m.Sampler().Step(m, c, burn) })
	t.Logf("Gibbs: chi2 = %.1f, df = %d, p = %.3g", stat, df, pv)
	if df < 40 || pv < level {
		t.Errorf("Gibbs draws differ from the exact mixture on the grid: chi2 = %.1f, df = %d, p = %.3g", stat, df, pv)
	}
	stat, df, pv = run(func(c *sample.Chains) { wrongGibbs(m, c, burn, wrongVar) })
	t.Logf("wrong sampler (v | h variances × %.1f): chi2 = %.1f, df = %d, p = %.3g", wrongVar, stat, df, pv)
	if pv >= level {
		t.Errorf("the grid test does not detect a %.0f%% variance error: chi2 = %.1f, df = %d, p = %.3g", 100*(wrongVar-1), stat, df, pv)
	}
}
