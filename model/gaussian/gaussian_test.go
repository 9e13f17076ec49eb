package gaussian

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
)

// testModel returns a 3-D model with mean (0.5, -1, 2) and a correlated
// covariance.
func testModel(t *testing.T) *Model {
	t.Helper()
	m := New(3)
	cov := mat.NewSymDense(3, []float64{
		2.0, 0.8, -0.3,
		0.8, 1.0, 0.2,
		-0.3, 0.2, 0.5,
	})
	if err := m.SetMeanCovariance([]float64{0.5, -1, 2}, cov); err != nil {
		t.Fatal(err)
	}
	return m
}

func randomRows(rng *rand.Rand, n, d int) *mat.Dense {
	x := mat.NewDense(n, d, nil)
	for i := range n {
		for j := range d {
			x.Set(i, j, 2*rng.NormFloat64())
		}
	}
	return x
}

// F is linear in θ, so central differences are exact up to rounding:
// tolerance 1e-7 absolute on values of order 10.
func TestAddStatsFiniteDifference(t *testing.T) {
	m := testModel(t)
	rng := rand.New(rand.NewPCG(1, 2))
	x := randomRows(rng, 5, 3)
	w := []float64{0.5, 1, 2, 0.1, 3}
	for _, weights := range [][]float64{nil, w} {
		sum := make([]float64, len(m.Params()))
		m.AddStats(x, weights, sum)
		f := make([]float64, 5)
		p := m.Params()
		const h = 1e-3
		for j := range p {
			old := p[j]
			p[j] = old + h
			m.FreeEnergy(x, f)
			plus := weighted(f, weights)
			p[j] = old - h
			m.FreeEnergy(x, f)
			minus := weighted(f, weights)
			p[j] = old
			if fd := (plus - minus) / (2 * h); math.Abs(fd-sum[j]) > 1e-7 {
				t.Errorf("w=%v: param %d: AddStats %v, finite difference %v", weights != nil, j, sum[j], fd)
			}
		}
	}
}

func weighted(f, w []float64) float64 {
	s := 0.0
	for i, v := range f {
		if w == nil {
			s += v
		} else {
			s += w[i] * v
		}
	}
	return s
}

// FreeEnergy must equal ½(x-μ)ᵀA(x-μ) - ½ bᵀA⁻¹b (documented relation).
func TestFreeEnergyRelation(t *testing.T) {
	m := testModel(t)
	mu, _ := m.Mean()
	a := m.Precision()
	rng := rand.New(rand.NewPCG(3, 4))
	x := randomRows(rng, 4, 3)
	f := make([]float64, 4)
	m.FreeEnergy(x, f)
	b := mat.NewVecDense(3, m.Params()[9:])
	c := 0.5 * mat.Dot(b, mat.NewVecDense(3, mu))
	for r := range 4 {
		dev := mat.NewVecDense(3, nil)
		dev.SubVec(x.RowView(r), mat.NewVecDense(3, mu))
		want := 0.5*mat.Inner(dev, a, dev) - c
		if math.Abs(f[r]-want) > 1e-10 {
			t.Errorf("row %d: F = %v, ½(x-μ)ᵀA(x-μ) - ½bᵀA⁻¹b = %v", r, f[r], want)
		}
	}
}

// Central differences of a quadratic are exact up to rounding.
func TestGradXFiniteDifference(t *testing.T) {
	m := testModel(t)
	// An asymmetric A: the gradient must use the symmetric part.
	m.Params()[1] += 0.3
	rng := rand.New(rand.NewPCG(5, 6))
	x := randomRows(rng, 3, 3)
	g := mat.NewDense(3, 3, nil)
	m.GradX(x, g)
	f := make([]float64, 3)
	const h = 1e-4
	for r := range 3 {
		for i := range 3 {
			old := x.At(r, i)
			x.Set(r, i, old+h)
			m.FreeEnergy(x, f)
			plus := f[r]
			x.Set(r, i, old-h)
			m.FreeEnergy(x, f)
			minus := f[r]
			x.Set(r, i, old)
			if fd := (plus - minus) / (2 * h); math.Abs(fd-g.At(r, i)) > 1e-7 {
				t.Errorf("row %d, unit %d: GradX %v, finite difference %v", r, i, g.At(r, i), fd)
			}
		}
	}
}

// The exact <O>_model (ExpectedStats) must agree with the Monte Carlo mean
// of O over N = 200000 exact samples. Tolerance: 4 standard errors per
// component; with 12 components the false-failure rate for a random seed is
// about 1e-3 (the seed is fixed).
func TestExpectedStatsMonteCarlo(t *testing.T) {
	m := testModel(t)
	const n = 200000
	x := mat.NewDense(n, 3, nil)
	m.SampleExact(rand.New(rand.NewPCG(7, 8)), x)
	np := len(m.Params())
	exact := make([]float64, np)
	if err := m.ExpectedStats(exact); err != nil {
		t.Fatal(err)
	}
	sum := make([]float64, np)
	m.AddStats(x, nil, sum)
	// Per-sample second moments of O for the standard errors.
	sq := make([]float64, np)
	for r := range n {
		row := x.RawRowView(r)
		for i := range 3 {
			for j := range 3 {
				o := 0.5 * row[i] * row[j]
				sq[i*3+j] += o * o
			}
			sq[9+i] += row[i] * row[i]
		}
	}
	for k := range np {
		mean := sum[k] / n
		se := math.Sqrt((sq[k]/n - mean*mean) / n)
		if math.Abs(mean-exact[k]) > 4*se {
			t.Errorf("component %d: Monte Carlo %v ± %v, exact %v", k, mean, se, exact[k])
		}
	}
}

// The trapezoid rule on a wide grid is spectrally accurate for a Gaussian
// integrand: tolerance 1e-9 on log Z.
func TestLogPartitionNumerical(t *testing.T) {
	t.Run("1D", func(t *testing.T) {
		m := New(1)
		m.SetMeanPrecision([]float64{0.7}, mat.NewSymDense(1, []float64{2.5}))
		got := m.LogPartition()
		want := math.Log(integrate(m, []float64{0.7}, 1/math.Sqrt(2.5), 4001))
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("log Z = %v, numerical %v", got, want)
		}
	})
	t.Run("2D", func(t *testing.T) {
		m := New(2)
		m.SetMeanPrecision([]float64{-0.5, 1.2}, mat.NewSymDense(2, []float64{2, 0.6, 0.6, 1}))
		got := m.LogPartition()
		want := math.Log(integrate(m, []float64{-0.5, 1.2}, 1.5, 501))
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("log Z = %v, numerical %v", got, want)
		}
	})
}

// integrate returns ∫ exp(-F(x)) dx over the box mu ± 14·scale in every
// direction (D = 1 or 2) by the trapezoid rule with k points per axis.
func integrate(m *Model, mu []float64, scale float64, k int) float64 {
	d := m.Dim()
	h := 28 * scale / float64(k-1)
	coord := func(i, idx int) float64 { return mu[i] - 14*scale + float64(idx)*h }
	total := 0.0
	row := mat.NewDense(k, d, nil)
	f := make([]float64, k)
	outer := 1
	if d == 2 {
		outer = k
	}
	for o := range outer {
		for idx := range k {
			row.Set(idx, 0, coord(0, idx))
			if d == 2 {
				row.Set(idx, 1, coord(1, o))
			}
		}
		m.FreeEnergy(row, f)
		for _, v := range f {
			total += math.Exp(-v)
		}
	}
	return total * math.Pow(h, float64(d))
}

func TestFitMaxLikelihood(t *testing.T) {
	truth := testModel(t)
	const n = 500
	x := mat.NewDense(n, 3, nil)
	truth.SampleExact(rand.New(rand.NewPCG(9, 10)), x)
	m, err := FitMaxLikelihood(x)
	if err != nil {
		t.Fatal(err)
	}
	mu, err := m.Mean()
	if err != nil {
		t.Fatal(err)
	}
	cov, _ := m.Covariance()
	for i := range 3 {
		mean := mat.Sum(x.ColView(i)) / n
		if math.Abs(mu[i]-mean) > 1e-10 {
			t.Errorf("mean[%d] = %v, data mean %v", i, mu[i], mean)
		}
		for j := range 3 {
			c := 0.0
			for r := range n {
				c += (x.At(r, i) - mean) * (x.At(r, j) - mat.Sum(x.ColView(j))/n)
			}
			if c /= n; math.Abs(cov.At(i, j)-c) > 1e-10 {
				t.Errorf("cov[%d,%d] = %v, biased data covariance %v", i, j, cov.At(i, j), c)
			}
		}
	}
	// At the maximum-likelihood point the gradient <O>_data - <O>_model
	// vanishes.
	np := len(m.Params())
	pos, neg := make([]float64, np), make([]float64, np)
	m.AddStats(x, nil, pos)
	if err := m.ExpectedStats(neg); err != nil {
		t.Fatal(err)
	}
	for k := range np {
		if g := pos[k]/n - neg[k]; math.Abs(g) > 1e-10 {
			t.Errorf("gradient component %d = %v at the ML solution", k, g)
		}
	}

	// Fewer points than dimensions: singular covariance.
	if _, err := FitMaxLikelihood(x.Slice(0, 3, 0, 3).(*mat.Dense)); !errors.Is(err, ErrNotPositiveDefinite) {
		t.Errorf("FitMaxLikelihood on 3 points in 3-D: err = %v, want ErrNotPositiveDefinite", err)
	}
}

func TestValid(t *testing.T) {
	m := New(2)
	if err := m.Valid(); err != nil {
		t.Fatalf("standard normal: %v", err)
	}
	copy(m.Params(), []float64{1, 2, 2, 1})
	if err := m.Valid(); !errors.Is(err, ErrNotPositiveDefinite) {
		t.Errorf("indefinite A: Valid() = %v", err)
	}
	if lz := m.LogPartition(); !math.IsInf(lz, 1) {
		t.Errorf("indefinite A: LogPartition() = %v, want +Inf", lz)
	}
	if _, err := m.Mean(); err == nil {
		t.Error("indefinite A: Mean returned no error")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("indefinite A: SampleExact did not panic")
			}
		}()
		m.SampleExact(rand.New(rand.NewPCG(1, 1)), mat.NewDense(2, 2, nil))
	}()
	copy(m.Params(), []float64{1, 0, 0, math.NaN()})
	if err := m.Valid(); err == nil {
		t.Error("NaN parameter: Valid() = nil")
	}
	// Restoring the parameters must invalidate the cached factorization.
	copy(m.Params(), []float64{1, 0, 0, 1})
	if err := m.Valid(); err != nil {
		t.Errorf("restored: Valid() = %v", err)
	}
}

func TestSpecRoundTrip(t *testing.T) {
	src := testModel(t)
	mm, err := model.New(src.Spec())
	if err != nil {
		t.Fatal(err)
	}
	copy(mm.Params(), src.Params())
	g, ok := mm.(*Model)
	if !ok {
		t.Fatalf("model.New returned %T", mm)
	}
	if g.LogPartition() != src.LogPartition() {
		t.Errorf("rebuilt model: log Z %v, want %v", g.LogPartition(), src.LogPartition())
	}
	if _, err := model.New(model.Spec{Kind: Kind}); err == nil {
		t.Error("spec without visible units accepted")
	}
}

// Plain stochastic gradient descent on -L with the Monte Carlo negative
// phase (2000 exact samples per step) must converge to the analytic
// maximum-likelihood solution. The Polyak average of the last 200 of 600
// steps has a Monte Carlo error of about 0.005 per parameter (lr·SE·√(τ/K));
// tolerance 0.03 absolute.
func TestTrainingConvergesToMaxLikelihood(t *testing.T) {
	truth := New(2)
	if err := truth.SetMeanCovariance([]float64{1, -0.5}, mat.NewSymDense(2, []float64{1.5, 0.6, 0.6, 0.8})); err != nil {
		t.Fatal(err)
	}
	const n = 2000
	data := mat.NewDense(n, 2, nil)
	truth.SampleExact(rand.New(rand.NewPCG(11, 12)), data)
	want, err := FitMaxLikelihood(data)
	if err != nil {
		t.Fatal(err)
	}

	m := New(2)
	np := len(m.Params())
	pos := make([]float64, np)
	m.AddStats(data, nil, pos)
	rng := rand.New(rand.NewPCG(13, 14))
	fantasy := mat.NewDense(n, 2, nil)
	avg := make([]float64, np)
	const steps, lr, keep = 600, 0.3, 200
	for step := range steps {
		if err := m.Valid(); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		m.SampleExact(rng, fantasy)
		neg := make([]float64, np)
		m.AddStats(fantasy, nil, neg)
		for k, p := range m.Params() {
			m.Params()[k] = p - lr*(pos[k]-neg[k])/n
		}
		if step >= steps-keep {
			for k, p := range m.Params() {
				avg[k] += p / keep
			}
		}
	}
	for k, p := range want.Params() {
		if math.Abs(avg[k]-p) > 0.03 {
			t.Errorf("param %d: trained %v, maximum likelihood %v", k, avg[k], p)
		}
	}
}
