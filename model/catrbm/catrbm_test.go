package catrbm

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/exact"
	"boltzmann/internal/stattest"
	"boltzmann/model"
	"boltzmann/sample"
)

// randomModel returns a categorical RBM with parameters drawn from N(0, s²).
func randomModel(l, q, h int, s float64, seed uint64) *Model {
	m := New(l, q, h)
	rng := rand.New(rand.NewPCG(seed, 99))
	for k := range m.Params() {
		m.Params()[k] = s * rng.NormFloat64()
	}
	return m
}

// allConfigs enumerates the q^L configurations in exact's order.
func allConfigs(t *testing.T, m *Model) *mat.Dense {
	t.Helper()
	sp, err := exact.SpaceOf(m)
	if err != nil {
		t.Fatal(err)
	}
	x := mat.NewDense(sp.Count, sp.Dim, nil)
	for k := range sp.Count {
		sp.Config(k, x.RawRowView(k))
	}
	return x
}

// TestFreeEnergyBySum checks F(v) against -log Σ_h exp(-E(v,h)) summed over
// the 2^H hidden configurations (tolerance 1e-12, rounding only).
func TestFreeEnergyBySum(t *testing.T) {
	m := randomModel(3, 4, 3, 0.7, 1)
	x := allConfigs(t, m)
	f := make([]float64, x.RawMatrix().Rows)
	m.FreeEnergy(x, f)
	w, a, b := m.Weights(), m.VisibleBias(), m.HiddenBias()
	for r := range f {
		v := x.RawRowView(r)
		z := 0.0
		for hc := range 1 << m.h {
			e := 0.0
			for i, c := range v {
				e -= a[i*m.q+int(c)]
			}
			for j := range m.h {
				if hc>>j&1 == 1 {
					e -= b[j]
					for i, c := range v {
						e -= w[(i*m.q+int(c))*m.h+j]
					}
				}
			}
			z += math.Exp(-e)
		}
		if d := math.Abs(f[r] + math.Log(z)); d > 1e-12 {
			t.Fatalf("config %d: F = %g, by summing h %g", r, f[r], -math.Log(z))
		}
	}
}

// TestAddStatsFiniteDifferences compares AddStats with central differences
// of the weighted sum of free energies (step 1e-5, tolerance 1e-7: the
// truncation error is O(step²)).
func TestAddStatsFiniteDifferences(t *testing.T) {
	m := randomModel(3, 3, 2, 0.8, 2)
	rng := rand.New(rand.NewPCG(3, 4))
	x := mat.NewDense(7, 3, nil)
	w := make([]float64, 7)
	for r := range 7 {
		for i := range 3 {
			x.Set(r, i, float64(rng.IntN(3)))
		}
		w[r] = rng.Float64()
	}
	sum := make([]float64, len(m.Params()))
	m.AddStats(x, w, sum)
	f := make([]float64, 7)
	total := func() float64 {
		m.FreeEnergy(x, f)
		s := 0.0
		for r, v := range f {
			s += w[r] * v
		}
		return s
	}
	const eps = 1e-5
	for k := range m.Params() {
		p := m.Params()[k]
		m.Params()[k] = p + eps
		up := total()
		m.Params()[k] = p - eps
		down := total()
		m.Params()[k] = p
		if fd := (up - down) / (2 * eps); math.Abs(fd-sum[k]) > 1e-7 {
			t.Errorf("parameter %d: AddStats %g, finite difference %g", k, sum[k], fd)
		}
	}
}

// TestGibbsExact draws the final states of 20,000 independent chains after
// 30 block Gibbs transitions and compares their histogram over the 3^4 = 81
// configurations with exact enumeration by a chi-square test at
// significance 1e-4 (a correct sampler fails about once in 10,000 seeds).
// It also compares the Monte Carlo averages of ∂F/∂θ with exact.Averages
// within 5 standard errors of each average (chains are independent).
func TestGibbsExact(t *testing.T) {
	m := randomModel(4, 3, 3, 0.9, 5)
	d, err := exact.NewDistribution(m)
	if err != nil {
		t.Fatal(err)
	}
	const n = 20000
	c := sample.NewChains(n, 4, 7)
	c.Randomize(m.States())
	Gibbs{}.Step(m, c, 30)
	counts := make([]int, len(d.Prob))
	for r := range n {
		counts[d.Space.Index(c.Visible().RawRowView(r))]++
	}
	if _, df, p := stattest.ChiSquare(counts, d.Prob, 5); p < 1e-4 {
		t.Errorf("chi-square p = %g with %d degrees of freedom", p, df)
	}
	if r, h := c.Hidden().Dims(); r != n || h != 3 {
		t.Fatalf("chains' hidden state is %d×%d, want %d×3", r, h, n)
	}

	want, err := exact.Averages(m)
	if err != nil {
		t.Fatal(err)
	}
	// Per-chain statistics for the standard errors.
	np := len(m.Params())
	vals := make([][]float64, np)
	row := mat.NewDense(1, 4, nil)
	s := make([]float64, np)
	for r := range n {
		copy(row.RawRowView(0), c.Visible().RawRowView(r))
		clear(s)
		m.AddStats(row, nil, s)
		for k, v := range s {
			vals[k] = append(vals[k], v)
		}
	}
	for k := range np {
		mean, se := stattest.MeanAndStdErr(vals[k])
		if math.Abs(mean-want[k]) > 5*se+1e-12 {
			t.Errorf("parameter %d: Monte Carlo average %g ± %g, exact %g", k, mean, se, want[k])
		}
	}
}

// TestZeroSumGauge checks that the gauge leaves free-energy differences
// unchanged (tolerance 1e-12) and zeroes the sums over states.
func TestZeroSumGauge(t *testing.T) {
	m := randomModel(3, 4, 2, 1, 8)
	x := allConfigs(t, m)
	n := x.RawMatrix().Rows
	before, after := make([]float64, n), make([]float64, n)
	m.FreeEnergy(x, before)
	m.ZeroSumGauge()
	m.FreeEnergy(x, after)
	for r := range n {
		if d := (after[r] - after[0]) - (before[r] - before[0]); math.Abs(d) > 1e-12 {
			t.Fatalf("config %d: free-energy difference changed by %g", r, d)
		}
	}
	for i := range m.l {
		sa := 0.0
		for a := range m.q {
			sa += m.VisibleBias()[i*m.q+a]
		}
		if math.Abs(sa) > 1e-12 {
			t.Errorf("site %d: Σ_a a_i(a) = %g", i, sa)
		}
		for j := range m.h {
			sw := 0.0
			for a := range m.q {
				sw += m.Weights()[(i*m.q+a)*m.h+j]
			}
			if math.Abs(sw) > 1e-12 {
				t.Errorf("site %d, hidden %d: Σ_a W = %g", i, j, sw)
			}
		}
	}
}

// TestSpecRoundTrip rebuilds the model from its Spec.
func TestSpecRoundTrip(t *testing.T) {
	m := randomModel(5, 21, 4, 0.1, 9)
	m.Alphabet = "-ACDEFGHIKLMNPQRSTVWY"
	m2, err := model.New(m.Spec())
	if err != nil {
		t.Fatal(err)
	}
	c := m2.(*Model)
	if c.L() != 5 || c.Q() != 21 || c.H() != 4 || c.Alphabet != m.Alphabet || len(c.Params()) != len(m.Params()) {
		t.Fatalf("rebuilt %+v from %+v", c.Spec(), m.Spec())
	}
	if _, err := model.New(model.Spec{Kind: Kind, Visible: 3, States: 2}); err == nil {
		t.Error("a spec without hidden units was accepted")
	}
}
