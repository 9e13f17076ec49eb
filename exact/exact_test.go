package exact_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/exact"
	"boltzmann/internal/mathx"
	"boltzmann/internal/testmodels"
	"boltzmann/model"
	"boltzmann/model/gaussian"
	"boltzmann/model/ising"
	"boltzmann/model/rbm"
)

func models() map[string]model.Model {
	return map[string]model.Model{
		"rbm-6x3":   testmodels.RBM(6, 3, 1, 1),
		"rbm-3x6":   testmodels.RBM(3, 6, 1, 2),
		"ising-pm1": testmodels.Ising(7, ising.PlusMinus, 0.7, 3),
		"ising-01":  testmodels.Ising(7, ising.ZeroOne, 1.2, 4),
		// Labeled RBMs: enumerated through the visible space {0,1}^2 ×
		// one-hot(2) (8 configurations < 2^8 hidden), and through the
		// hidden layer (2^3 < 2^5·3).
		"labeled-2+2x8": randomLabeled(2, 2, 8, 1, 5),
		"labeled-5+3x3": randomLabeled(5, 3, 3, 1, 6),
	}
}

// randomLabeled returns a labeled RBM with N(0, scale²) parameters.
func randomLabeled(d, c, h int, scale float64, seed uint64) *rbm.Labeled {
	l := rbm.NewLabeled(d, c, h)
	rng := rand.New(rand.NewPCG(seed, 7))
	for i := range l.Params() {
		l.Params()[i] = scale * rng.NormFloat64()
	}
	return l
}

// bruteLogZ sums exp(-F) over every visible configuration directly: every
// vector of States^Dim that the model's space contains (all of them for a
// plain product space; for a labeled RBM those with a one-hot label block).
func bruteLogZ(m model.Model) float64 {
	space := m.(model.Spaced).Space()
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
		if space.Contains(x.RawRowView(0)) != nil {
			continue
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

// TestLabeledLogPartitionByHand: for a labeled RBM with D = 2, C = 2,
// H = 8, log Z = log Σ_{x ∈ {0,1}^2} Σ_{y one-hot} Σ_{h ∈ {0,1}^8}
// exp(-E(x, y, h)) summed by hand from the joint energy (agreement 1e-10).
// Treating the label block as two free bits, as the model did when it
// embedded a plain RBM (12.93 against 11.38 in the review's example), gives
// 13.04 instead of 12.11 for these parameters: the test also checks that
// the two sums differ, so that it would have caught the old enumeration.
func TestLabeledLogPartitionByHand(t *testing.T) {
	const d, c, h = 2, 2, 8
	l := randomLabeled(d, c, h, 1, 5)
	v := mat.NewDense(1, d+c, nil)
	hs := mat.NewDense(1, h, nil)
	e := make([]float64, 1)
	var terms, bits []float64
	for xv := range 1 << (d + c) {
		for i := range d + c {
			v.Set(0, i, float64(xv>>i&1))
		}
		oneHot := v.At(0, d)+v.At(0, d+1) == 1
		for hv := range 1 << h {
			for j := range h {
				hs.Set(0, j, float64(hv>>j&1))
			}
			l.Energy(v, hs, e)
			bits = append(bits, -e[0])
			if oneHot {
				terms = append(terms, -e[0])
			}
		}
	}
	want, wrong := mathx.LogSumExp(terms), mathx.LogSumExp(bits)
	got, err := exact.LogPartition(l)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-want) > 1e-10*math.Abs(want) {
		t.Errorf("exact log Z = %.12f, one-hot sum by hand %.12f", got, want)
	}
	if wrong-want < 0.5 {
		t.Errorf("hand sums: one-hot %.4f, free label bits %.4f: too close to tell the enumerations apart", want, wrong)
	}
	sp, err := exact.SpaceOf(l)
	if err != nil {
		t.Fatal(err)
	}
	if sp.Side != exact.Visible || sp.Count != 8 {
		t.Errorf("labeled 2+2×8 enumerates side %v with %d configurations, want the visible side with 8", sp.Side, sp.Count)
	}
}

// TestLabeledLogLikelihood: the exact log-likelihood of one-hot rows (what
// the trainer's monitor computes from exact.LogPartition and FreeEnergy)
// is log of the normalized one-hot sum, the probabilities of the
// enumerated space sum to 1, a row whose label block is not one-hot has
// log p = -Inf, and the data marginal FreeEnergyData gives Σ_y p(x, y).
func TestLabeledLogLikelihood(t *testing.T) {
	for _, l := range []*rbm.Labeled{randomLabeled(2, 2, 8, 1, 5), randomLabeled(5, 3, 3, 1, 6)} {
		d, err := exact.NewDistribution(l)
		if err != nil {
			t.Fatal(err)
		}
		if d.Space.Count != (1<<l.DataDim())*l.Classes() {
			t.Fatalf("%d configurations, want %d", d.Space.Count, (1<<l.DataDim())*l.Classes())
		}
		x := mat.NewDense(1, l.Dim(), nil)
		lp := make([]float64, 1)
		data := mat.NewDense(1, l.DataDim(), nil)
		fd := make([]float64, 1)
		marg := make(map[int]float64)
		for k, p := range d.Prob {
			d.Space.Config(k, x.RawRowView(0))
			if err := l.Space().Contains(x.RawRowView(0)); err != nil {
				t.Fatalf("configuration %d: %v", k, err)
			}
			if err := exact.LogProb(l, x, lp); err != nil {
				t.Fatal(err)
			}
			if math.Abs(math.Exp(lp[0])-p) > 1e-12 {
				t.Errorf("configuration %d: exp(LogProb) %v, Prob %v", k, math.Exp(lp[0]), p)
			}
			marg[k/l.Classes()] += p // the label is the last digit
		}
		for xk, p := range marg {
			d.Space.Config(xk*l.Classes(), x.RawRowView(0))
			copy(data.RawRowView(0), x.RawRowView(0)[:l.DataDim()])
			l.FreeEnergyData(data, fd)
			if got := math.Exp(-fd[0] - d.LogZ); math.Abs(got-p) > 1e-12 {
				t.Errorf("x #%d: exp(-FreeEnergyData - log Z) = %v, Σ_y p(x, y) = %v", xk, got, p)
			}
		}
		x.Set(0, l.DataDim(), 1)
		x.Set(0, l.DataDim()+1, 1)
		if err := exact.LogProb(l, x, lp); err != nil || !math.IsInf(lp[0], -1) {
			t.Errorf("row with two labels on: log p = %v, %v; want -Inf", lp[0], err)
		}
	}
}

// TestRefusesRealSpace: the visible space of a Gaussian is real, so it
// cannot be enumerated (its log Z is analytic).
func TestRefusesRealSpace(t *testing.T) {
	_, err := exact.NewDistribution(gaussian.New(2))
	if !errors.Is(err, exact.ErrNotEnumerable) {
		t.Fatalf("NewDistribution of a Gaussian: %v, want ErrNotEnumerable", err)
	}
	t.Log(err)
}
