package exact_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/exact"
	"boltzmann/internal/testmodels"
	"boltzmann/model"
	"boltzmann/model/ising"
)

func models() map[string]model.Model {
	return map[string]model.Model{
		"rbm-6x3":   testmodels.RBM(6, 3, 1, 1),
		"rbm-3x6":   testmodels.RBM(3, 6, 1, 2),
		"ising-pm1": testmodels.Ising(7, ising.PlusMinus, 0.7, 3),
		"ising-01":  testmodels.Ising(7, ising.ZeroOne, 1.2, 4),
	}
}

// bruteLogZ sums exp(-F) over every visible configuration directly.
func bruteLogZ(m model.Model) float64 {
	states := m.(model.Discrete).States()
	n := m.Dim()
	count := int(math.Pow(float64(len(states)), float64(n)))
	x := mat.NewDense(1, n, nil)
	f := make([]float64, 1)
	z := 0.0
	for idx := range count {
		k := idx
		for i := n - 1; i >= 0; i-- {
			x.Set(0, i, states[k%len(states)])
			k /= len(states)
		}
		m.FreeEnergy(x, f)
		z += math.Exp(-f[0])
	}
	return math.Log(z)
}

// TestLogPartition checks log Z against a direct sum, for an RBM enumerated
// through its hidden layer and through its visible layer (agreement to
// 1e-10 relative: only rounding differs).
func TestLogPartition(t *testing.T) {
	for name, m := range models() {
		got, err := exact.LogPartition(m)
		if err != nil {
			t.Fatal(err)
		}
		want := bruteLogZ(m)
		if math.Abs(got-want) > 1e-10*math.Abs(want)+1e-12 {
			t.Errorf("%s: log Z = %.12f, direct sum %.12f", name, got, want)
		}
		d, err := exact.NewDistribution(m)
		if err != nil {
			t.Fatal(err)
		}
		s := 0.0
		for _, p := range d.Prob {
			s += p
		}
		if math.Abs(s-1) > 1e-12 || math.Abs(d.LogZ-want) > 1e-10 {
			t.Errorf("%s: probabilities sum to %v, log Z %v", name, s, d.LogZ)
		}
	}
}

// TestGradientMatchesFiniteDifferences checks the exact gradient of -L
// against central differences of the exact log-likelihood (step 1e-5,
// tolerance 1e-6).
func TestGradientMatchesFiniteDifferences(t *testing.T) {
	for name, m := range models() {
		d, err := exact.NewSampler(m)
		if err != nil {
			t.Fatal(err)
		}
		x := mat.NewDense(50, m.Dim(), nil)
		d.Draw(testRand(), x)
		w := make([]float64, 50)
		for i := range w {
			w[i] = 0.5 + float64(i%3)
		}
		g, err := exact.Gradient(m, x, w)
		if err != nil {
			t.Fatal(err)
		}
		p := m.Params()
		for j := range p {
			if isDiagonal(m, j) {
				continue
			}
			old := p[j]
			const h = 1e-5
			p[j] = old + h
			lp, _ := exact.LogLikelihood(m, x, w)
			p[j] = old - h
			lm, _ := exact.LogLikelihood(m, x, w)
			p[j] = old
			fd := -(lp - lm) / (2 * h)
			if math.Abs(fd-g[j]) > 1e-6 {
				t.Errorf("%s: param %d: gradient %.8f, finite difference %.8f", name, j, g[j], fd)
			}
		}
	}
}

// isDiagonal reports the Ising diagonal entries, which are not free
// parameters (moving one alone breaks the symmetric storage).
func isDiagonal(m model.Model, j int) bool {
	im, ok := m.(*ising.Model)
	if !ok {
		return false
	}
	n := im.Dim()
	return j < n*n && j/n == j%n
}

func TestIsingOffDiagonalCouplingPairs(t *testing.T) {
	// Moving J_ij and J_ji together is one coupling: its derivative is the
	// sum of the two stored gradient entries.
	m := testmodels.Ising(5, ising.PlusMinus, 1, 9)
	x := mat.NewDense(3, 5, []float64{1, -1, 1, 1, -1, -1, -1, 1, 1, 1, 1, 1, 1, -1, -1})
	g, _ := exact.Gradient(m, x, nil)
	old := m.Coupling(1, 3)
	const h = 1e-5
	m.SetCoupling(1, 3, old+h)
	lp, _ := exact.LogLikelihood(m, x, nil)
	m.SetCoupling(1, 3, old-h)
	lm, _ := exact.LogLikelihood(m, x, nil)
	m.SetCoupling(1, 3, old)
	fd := -(lp - lm) / (2 * h)
	if got := g[1*5+3] + g[3*5+1]; math.Abs(got-fd) > 1e-6 {
		t.Fatalf("coupling derivative %v, finite difference %v", got, fd)
	}
}

// TestAverageGradientLogDerivativeTrick checks ∂<f>/∂θ = -Cov(O, f)
// against finite differences of the exact average.
func TestAverageGradientLogDerivativeTrick(t *testing.T) {
	m := testmodels.Ising(6, ising.PlusMinus, 0.8, 5)
	f := func(x []float64) float64 { return x[0]*x[1] + 0.5*x[2] } // a correlation plus a magnetization
	_, g, err := exact.AverageGradient(m, f)
	if err != nil {
		t.Fatal(err)
	}
	p := m.Params()
	n := m.Dim()
	for j := range p {
		if j < n*n && j/n == j%n {
			continue
		}
		old := p[j]
		const h = 1e-5
		p[j] = old + h
		fp, _, _ := exact.AverageGradient(m, f)
		p[j] = old - h
		fm, _, _ := exact.AverageGradient(m, f)
		p[j] = old
		if fd := (fp - fm) / (2 * h); math.Abs(fd-g[j]) > 1e-6 {
			t.Errorf("param %d: log-derivative gradient %.8f, finite difference %.8f", j, g[j], fd)
		}
	}
}

func TestEntropy(t *testing.T) {
	// Zero parameters: uniform over 2^n states, S = n log 2.
	m := ising.New(9, ising.PlusMinus)
	s, err := exact.Entropy(m)
	if err != nil {
		t.Fatal(err)
	}
	if want := 9 * math.Ln2; math.Abs(s-want) > 1e-12 {
		t.Fatalf("entropy of uniform model %v, want %v", s, want)
	}
	// Independent units with fields: S = Σ_i H(σ(2h_i)) for ±1 spins.
	for i := range 9 {
		m.Fields()[i] = 0.3 * float64(i-4)
	}
	s, _ = exact.Entropy(m)
	want := 0.0
	for _, h := range m.Fields() {
		p := 1 / (1 + math.Exp(-2*h))
		want -= p*math.Log(p) + (1-p)*math.Log(1-p)
	}
	if math.Abs(s-want) > 1e-12 {
		t.Fatalf("entropy of independent spins %v, want %v", s, want)
	}
}

func TestNotEnumerable(t *testing.T) {
	if _, err := exact.LogPartition(ising.New(30, ising.ZeroOne)); err == nil {
		t.Fatal("30-unit model accepted for enumeration")
	}
	// An RBM with a small hidden layer is enumerable whatever its visible size.
	if _, err := exact.LogPartition(testmodels.RBM(100, 10, 0.1, 1)); err != nil {
		t.Fatal(err)
	}
}

// TestKL: KL between models is ≥ 0, zero for equal models, asymmetric; and
// KL from data equals -S_data - L.
func TestKL(t *testing.T) {
	p := testmodels.Ising(6, ising.PlusMinus, 1, 1)
	q := testmodels.Ising(6, ising.PlusMinus, 1, 2)
	pq, err := exact.KL(p, q)
	if err != nil {
		t.Fatal(err)
	}
	qp, _ := exact.KL(q, p)
	pp, _ := exact.KL(p, p)
	if !(pq > 0 && qp > 0 && math.Abs(pq-qp) > 1e-3 && math.Abs(pp) < 1e-12) {
		t.Fatalf("KL(p,q)=%v KL(q,p)=%v KL(p,p)=%v", pq, qp, pp)
	}
	x := mat.NewDense(4, 6, []float64{
		1, 1, 1, 1, 1, 1,
		1, 1, 1, 1, 1, 1,
		-1, -1, -1, -1, -1, -1,
		1, -1, 1, -1, 1, -1,
	})
	kl, err := exact.KLFromData(p, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	ll, _ := exact.LogLikelihood(p, x, nil)
	sData := -(0.5*math.Log(0.5) + 2*0.25*math.Log(0.25))
	if want := -sData - ll; math.Abs(kl-want) > 1e-12 {
		t.Fatalf("KLFromData = %v, want %v", kl, want)
	}
}
