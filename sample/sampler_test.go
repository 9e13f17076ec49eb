package sample_test

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/exact"
	"boltzmann/internal/stattest"
	"boltzmann/internal/testmodels"
	"boltzmann/model"
	"boltzmann/model/ising"
	"boltzmann/model/maxent"
	"boltzmann/model/potts"
	"boltzmann/model/rbm"
	"boltzmann/sample"
)

type samplerCase struct {
	name    string
	model   model.Model
	sampler func(m model.Model) sample.Sampler
	// steps is the number of transitions before the single draw of each
	// chain. For the single-site samplers it is about twice the number
	// after which the exact distribution of the chains, propagated from
	// the uniform start, is within a chi-square distance of 0.01/16000 of
	// the model's (TestBurnInReachesStationarity checks the bound), so the
	// draws are stationary to far below what 16000 chains can resolve.
	steps int
}

func samplerCases(t *testing.T) []samplerCase {
	r := testmodels.RBM(6, 3, 1.0, 1)
	pm := testmodels.Ising(8, ising.PlusMinus, 0.8, 2)
	zo := testmodels.Ising(8, ising.ZeroOne, 1.5, 3)
	exactOf := func(m model.Model) sample.Sampler {
		s, err := exact.NewSampler(m)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	gibbs := func(model.Model) sample.Sampler { return sample.SiteGibbs{} }
	// A user-defined max-ent model: fields, a ring of couplings and one
	// three-body feature, on {0,1}.
	feats := []maxent.Feature{maxent.Coupling(0, 1), maxent.Coupling(1, 2), maxent.Coupling(2, 3),
		maxent.Coupling(3, 4), maxent.Coupling(4, 0), func(x []float64) float64 { return x[0] * x[2] * x[4] }}
	for i := range 5 {
		feats = append(feats, maxent.Field(i))
	}
	me := maxent.New(5, []float64{0, 1}, feats...)
	for j, v := range []float64{1.2, -0.8, 0.5, 1.0, -1.1, 1.5, -0.3, 0.2, -0.6, 0.4, 0.1} {
		me.Params()[j] = v
	}
	pt := potts.New(4, 3)
	prng := rand.New(rand.NewPCG(4, 4))
	for j := range pt.Params() {
		pt.Params()[j] = 0.8 * prng.NormFloat64()
	}
	pt.Symmetrize()
	metro := func(model.Model) sample.Sampler { return &sample.Metropolis{} }
	// A labeled RBM: 3 data units and a one-hot block of 3 labels; single-
	// site samplers move the label block as one categorical variable.
	lb := rbm.NewLabeled(3, 3, 4)
	lrng := rand.New(rand.NewPCG(5, 5))
	for j := range lb.Params() {
		lb.Params()[j] = lrng.NormFloat64()
	}
	return []samplerCase{
		{"rbm/block-gibbs", r, func(model.Model) sample.Sampler { return sample.BlockGibbs{} }, 60},
		{"rbm/site-gibbs-generic", r, gibbs, 8},
		{"rbm/exact", r, exactOf, 1},
		{"ising-pm1/site-gibbs", pm, gibbs, 160},
		{"ising-pm1/metropolis", pm, metro, 100},
		{"ising-pm1/exact", pm, exactOf, 1},
		{"ising-01/site-gibbs", zo, gibbs, 20},
		{"ising-01/metropolis", zo, metro, 25},
		{"maxent/site-gibbs", me, gibbs, 12},
		{"maxent/metropolis", me, metro, 25},
		{"potts/site-gibbs", pt, gibbs, 15},
		{"potts/fast-gibbs", pt, func(model.Model) sample.Sampler { return &potts.Gibbs{} }, 60},
		{"potts/metropolis", pt, metro, 30},
		{"labeled/labeled-gibbs", lb, func(model.Model) sample.Sampler { return rbm.LabeledGibbs{} }, 60},
		{"labeled/site-gibbs", lb, gibbs, 8},
		{"labeled/metropolis", lb, metro, 25},
		{"labeled/exact", lb, exactOf, 1},
	}
}

// TestSamplersMatchExactDistribution runs many independent chains from a
// random start and compares the final states' histogram with the exact
// distribution by Pearson's chi-square test. Each chain contributes one
// draw, so the draws are independent and no autocorrelation correction is
// needed; the burn-in is long compared with the mixing time of these small
// systems. The test fails when p < 1e-4 (its expected false-failure rate
// with a fixed seed is that small, and the seed is fixed).
func TestSamplersMatchExactDistribution(t *testing.T) {
	const chains = 16000
	for _, tc := range samplerCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			d, err := exact.NewDistribution(tc.model)
			if err != nil {
				t.Fatal(err)
			}
			c := sample.NewChains(chains, tc.model.Dim(), 7)
			randomize(c, tc.model)
			tc.sampler(tc.model).Step(tc.model, c, tc.steps)
			counts := make([]int, d.Space.Count)
			for r := range chains {
				counts[d.Space.Index(c.Visible().RawRowView(r))]++
			}
			stat, df, p := stattest.ChiSquare(counts, d.Prob, 5)
			tv := stattest.TotalVariation(counts, d.Prob)
			t.Logf("chi2=%.1f df=%d p=%.3g TV=%.4f", stat, df, p, tv)
			if df == 0 || p < 1e-4 {
				t.Errorf("sampler distribution differs from the exact one: chi2=%.1f df=%d p=%.3g", stat, df, p)
			}
		})
	}
}

// TestBurnInReachesStationarity propagates the uniform start distribution
// of the chains exactly through the single-site kernels of the table
// (heat-bath SiteGibbs and Metropolis sweeps over the space's variables in
// order) and checks that after the configured steps the chains'
// distribution μ is stationary to far below the resolution of
// TestSamplersMatchExactDistribution: the noncentrality of its chi-square
// test, λ = N Σ_x (μ(x)-p(x))²/p(x) with N = 16000 chains, must be at most
// 0.01. By Cauchy-Schwarz the bias of any Monte Carlo average is then at
// most √λ = 0.1 standard errors, which also covers the gradient test.
func TestBurnInReachesStationarity(t *testing.T) {
	const chains, maxLambda = 16000, 0.01
	for _, tc := range samplerCases(t) {
		var metropolis bool
		switch tc.sampler(tc.model).(type) {
		case sample.SiteGibbs:
		case *sample.Metropolis:
			metropolis = true
		default:
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			d, err := exact.NewDistribution(tc.model)
			if err != nil {
				t.Fatal(err)
			}
			vars, err := tc.model.(model.Spaced).Space().Vars()
			if err != nil {
				t.Fatal(err)
			}
			n, p := d.Space.Count, d.Prob
			mu := make([]float64, n)
			for i := range mu {
				mu[i] = 1 / float64(n)
			}
			x := make([]float64, tc.model.Dim())
			alt := make([]int, 0, n)
			for range tc.steps {
				for _, v := range vars {
					next := make([]float64, n)
					for idx, m := range mu {
						d.Space.Config(idx, x)
						cur := v.Get(x)
						alt = alt[:0]
						tot := 0.0
						for k := range v.Values() {
							v.Set(x, k)
							alt = append(alt, d.Space.Index(x))
							tot += p[alt[k]]
						}
						if !metropolis {
							for _, a := range alt {
								next[a] += m * p[a] / tot
							}
							continue
						}
						stay := m
						for k, a := range alt {
							if k != cur {
								move := m * min(1, p[a]/p[idx]) / float64(len(alt)-1)
								next[a] += move
								stay -= move
							}
						}
						next[idx] += stay
					}
					mu = next
				}
			}
			chi := 0.0
			for i, m := range mu {
				chi += (m - p[i]) * (m - p[i]) / p[i]
			}
			t.Logf("after %d steps λ = %.3g", tc.steps, chains*chi)
			if chains*chi > maxLambda {
				t.Errorf("after %d steps the chains are not stationary: λ = %.3g > %g", tc.steps, chains*chi, maxLambda)
			}
		})
	}
}

// TestMonteCarloGradientMatchesExact estimates <O_j>_model from many
// fantasy particles and compares it with the exact average: every
// parameter's z-score must stay below 4.5 (about 1e-3 chance that any of
// ~100 parameters exceeds it by chance).
func TestMonteCarloGradientMatchesExact(t *testing.T) {
	const chains = 8000
	for _, tc := range samplerCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.model
			want, err := exact.Averages(m)
			if err != nil {
				t.Fatal(err)
			}
			c := sample.NewChains(chains, m.Dim(), 11)
			randomize(c, m)
			tc.sampler(m).Step(m, c, tc.steps)
			np := len(m.Params())
			per := make([][]float64, np)
			buf := make([]float64, np)
			for r := range chains {
				clear(buf)
				row := c.Visible().Slice(r, r+1, 0, m.Dim()).(*mat.Dense)
				m.AddStats(row, nil, buf)
				for j, v := range buf {
					per[j] = append(per[j], v)
				}
			}
			worst := 0.0
			for j := range np {
				mean, se := stattest.MeanAndStdErr(per[j])
				if se == 0 {
					if mean != want[j] {
						t.Errorf("param %d: constant statistic %v, exact %v", j, mean, want[j])
					}
					continue
				}
				z := (mean - want[j]) / se
				worst = max(worst, abs(z))
			}
			t.Logf("largest |z| = %.2f over %d parameters", worst, np)
			if worst > 4.5 {
				t.Errorf("Monte Carlo averages differ from exact ones: largest |z| = %.2f", worst)
			}
		})
	}
}

// randomize starts every chain at a uniform draw from m's space: for a
// plain product space the draws of Chains.Randomize(States()), for a
// labeled RBM one-hot label blocks.
func randomize(c *sample.Chains, m model.Model) {
	sp := m.(model.Spaced).Space()
	c.SetHidden(nil)
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		for r := lo; r < hi; r++ {
			sp.Uniform(rng, c.Visible().RawRowView(r))
		}
	})
}

// TestRandomizeMatchesChains: on a plain space randomize takes the same
// draws as Chains.Randomize, so the table's plain cases are unchanged.
func TestRandomizeMatchesChains(t *testing.T) {
	m := testmodels.Ising(8, ising.PlusMinus, 1, 1)
	a, b := sample.NewChains(40, 8, 3), sample.NewChains(40, 8, 3)
	a.Randomize(m.States())
	randomize(b, m)
	if !mat.Equal(a.Visible(), b.Visible()) {
		t.Fatal("Space.Uniform and Chains.Randomize draw differently on a product space")
	}
}

// TestSiteSamplersKeepOneHot: after single-site Gibbs and Metropolis sweeps
// from one-hot starts, every chain of a labeled RBM is in its space.
func TestSiteSamplersKeepOneHot(t *testing.T) {
	l := rbm.NewLabeled(4, 3, 2)
	for j := range l.Params() {
		l.Params()[j] = float64(j%5) - 2
	}
	for _, s := range []sample.Sampler{sample.SiteGibbs{}, &sample.Metropolis{}} {
		c := sample.NewChains(64, l.Dim(), 9)
		randomize(c, l)
		s.Step(l, c, 10)
		for r := range c.Len() {
			if err := l.Space().Contains(c.Visible().RawRowView(r)); err != nil {
				t.Fatalf("%T: chain %d: %v", s, r, err)
			}
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestSamplersIndependentOfGOMAXPROCS proves that results depend on the
// seed only.
func TestSamplersIndependentOfGOMAXPROCS(t *testing.T) {
	for _, tc := range samplerCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			run := func(procs int) []float64 {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				c := sample.NewChains(100, tc.model.Dim(), 3)
				randomize(c, tc.model)
				tc.sampler(tc.model).Step(tc.model, c, 5)
				return append([]float64(nil), c.Visible().RawMatrix().Data...)
			}
			a, b := run(1), run(4)
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("chain state differs at %d between GOMAXPROCS=1 and 4", i)
				}
			}
		})
	}
}

func TestChainsMarshalRoundTrip(t *testing.T) {
	m := testmodels.RBM(6, 3, 1, 1)
	c := sample.NewChains(40, 6, 5)
	c.Randomize([]float64{0, 1})
	sample.BlockGibbs{}.Step(m, c, 3)
	data, err := c.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var d sample.Chains
	if err := d.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	sample.BlockGibbs{}.Step(m, c, 4)
	sample.BlockGibbs{}.Step(m, &d, 4)
	if !mat.Equal(c.Visible(), d.Visible()) || !mat.Equal(c.Hidden(), d.Hidden()) {
		t.Fatal("restored chains continue differently")
	}
	if err := d.UnmarshalBinary(data[:len(data)-3]); err == nil {
		t.Fatal("truncated chain state accepted")
	}
}
