package gbrbm_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distmv"

	"boltzmann/exact"
	"boltzmann/model/gbrbm"
	"boltzmann/sample"
)

// correlatedData returns n rows of a 4-dimensional Gaussian with strongly
// correlated columns of different scales.
func correlatedData(n int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 5))
	x := mat.NewDense(n, 4, nil)
	for r := range n {
		a, b := rng.NormFloat64(), rng.NormFloat64()
		x.SetRow(r, []float64{10 + 3*a, 2*a + 0.3*b, -5 + 0.01*b + 0.02*rng.NormFloat64(), 100 * rng.NormFloat64()})
	}
	return x
}

// TestWhiteningRoundTripAndGaussianFit: for zca and pca, the whitened rows
// have identity covariance (to 2e-4: the ridge δ shrinks a variance by δ/λ), Unwhiten undoes
// Whiten (to 1e-9 relative), and a whitened model with W = 0 initialized
// from the whitened rows (the zero-hidden-unit fit) has exactly, in the
// data's units, the held-out log-likelihood of the full-covariance Gaussian
// fitted to the training rows (to 1e-4 nats per row: the ridge 1e-6 on
// the correlation eigenvalues, the smallest of which is about 1e-4 here).
func TestWhiteningRoundTripAndGaussianFit(t *testing.T) {
	x, test := correlatedData(2000, 1), correlatedData(500, 2)
	for _, method := range []string{gbrbm.WhitenZCA, gbrbm.WhitenPCA} {
		mean, a, err := gbrbm.NewWhitening(x, method)
		if err != nil {
			t.Fatal(err)
		}
		w := gbrbm.NewWhitened(gbrbm.New(4, 2), mean, a)
		v := w.Whiten(x)
		var cov mat.SymDense
		stat.CovarianceMatrix(&cov, v, nil)
		for i := range 4 {
			for j := range 4 {
				want := 0.0
				if i == j {
					want = 1
				}
				if got := cov.At(i, j) * 1999 / 2000; math.Abs(got-want) > 2e-4 {
					t.Errorf("%s: whitened covariance (%d,%d) = %v", method, i, j, got)
				}
			}
		}
		back := w.Unwhiten(v)
		for k, xv := range x.RawMatrix().Data {
			if d := back.RawMatrix().Data[k] - xv; math.Abs(d) > 1e-9*(1+math.Abs(xv)) {
				t.Fatalf("%s: round trip entry %d: %v, want %v", method, k, back.RawMatrix().Data[k], xv)
			}
		}
		inner := gbrbm.New(4, 1)
		inner.InitFromData(v, nil)
		clear(inner.Weights().RawMatrix().Data)
		fit := gbrbm.NewWhitened(inner, mean, a)
		got, err := exact.LogLikelihood(fit, test, nil)
		if err != nil {
			t.Fatal(err)
		}
		mu := make([]float64, 4)
		for i := range 4 {
			mu[i] = stat.Mean(mat.Col(nil, i, x), nil)
		}
		var c mat.SymDense
		stat.CovarianceMatrix(&c, x, nil)
		c.ScaleSym(1999.0/2000, &c)
		g, ok := distmv.NewNormal(mu, &c, nil)
		if !ok {
			t.Fatal("covariance not positive definite")
		}
		want := 0.0
		for r := range 500 {
			want += g.LogProb(test.RawRowView(r)) / 500
		}
		if math.Abs(got-want) > 1e-4 {
			t.Errorf("%s: whitened zero-hidden fit log-likelihood %v, full-covariance Gaussian %v", method, got, want)
		}
	}
}

// randomWhitened returns a whitened model with random inner parameters and
// a random well-conditioned A.
func randomWhitened(seed uint64) *gbrbm.Whitened {
	rng := rand.New(rand.NewPCG(seed, 9))
	a := mat.NewDense(3, 3, nil)
	for i := range 3 {
		for j := range 3 {
			a.Set(i, j, 0.5*rng.NormFloat64())
		}
		a.Set(i, i, a.At(i, i)+2)
	}
	return gbrbm.NewWhitened(randomModel(3, 3, 1, seed), []float64{1, -2, 0.5}, a)
}

// TestWhitenedLogDensityIsMixture: the exact log density of a whitened
// model (exact.LogProb through its hidden layer) is, to 1e-9, that of the
// mixture Σ_h p(h) N(μ + A⁻¹(b + Wh), A⁻¹ diag(σ²) A⁻ᵀ) computed directly.
func TestWhitenedLogDensityIsMixture(t *testing.T) {
	w := randomWhitened(3)
	inner := w.Inner()
	p, err := inner.HiddenProbabilities()
	if err != nil {
		t.Fatal(err)
	}
	var inv mat.Dense
	if err := inv.Inverse(w.Matrix()); err != nil {
		t.Fatal(err)
	}
	var cov, t1 mat.Dense
	t1.Mul(&inv, mat.NewDiagDense(3, inner.VisibleVariance()))
	cov.Mul(&t1, inv.T())
	sym := mat.NewSymDense(3, nil)
	for i := range 3 {
		for j := range 3 {
			sym.SetSym(i, j, (cov.At(i, j)+cov.At(j, i))/2)
		}
	}
	x := mat.NewDense(5, 3, []float64{0, 0, 0, 1, -2, 0.5, 3, 1, -1, -2, -4, 2, 0.3, 0.1, 0.2})
	got := make([]float64, 5)
	if err := exact.LogProb(w, x, got); err != nil {
		t.Fatal(err)
	}
	h := mat.NewDense(1, 3, nil)
	m := mat.NewDense(1, 3, nil)
	for r := range 5 {
		want := 0.0
		for k, pk := range p {
			for j := range 3 {
				h.Set(0, j, float64(k>>(2-j)&1))
			}
			inner.VisibleMean(h, m)
			mu := w.Unwhiten(m).RawRowView(0)
			g, ok := distmv.NewNormal(mu, sym, nil)
			if !ok {
				t.Fatal("not positive definite")
			}
			want += pk * math.Exp(g.LogProb(x.RawRowView(r)))
		}
		if d := got[r] - math.Log(want); math.Abs(d) > 1e-9 {
			t.Errorf("row %d: log density %v, mixture %v", r, got[r], math.Log(want))
		}
	}
}

// TestWhitenedGibbsMatchesMoments: 2000 chains of WhitenedGibbs after 100
// transitions have the exact mean and covariance of the model (Moments)
// within 5 standard errors of independent draws (the chains are
// independent; each entry's standard error from the exact covariance).
func TestWhitenedGibbsMatchesMoments(t *testing.T) {
	w := randomWhitened(4)
	mean, cov, err := w.Moments()
	if err != nil {
		t.Fatal(err)
	}
	const n = 2000
	c := sample.NewChains(n, 3, 11)
	sample.DefaultSampler(w).Step(w, c, 100)
	for i := range 3 {
		col := mat.Col(nil, i, c.Visible())
		m := stat.Mean(col, nil)
		if se := math.Sqrt(cov.At(i, i) / n); math.Abs(m-mean[i]) > 5*se {
			t.Errorf("mean %d: %v, exact %v (se %v)", i, m, mean[i], se)
		}
		for j := i; j < 3; j++ {
			cj := mat.Col(nil, j, c.Visible())
			s := stat.Covariance(col, cj, nil)
			se := math.Sqrt((cov.At(i, i)*cov.At(j, j) + cov.At(i, j)*cov.At(i, j)) / n)
			if math.Abs(s-cov.At(i, j)) > 5*se {
				t.Errorf("cov (%d,%d): %v, exact %v (se %v)", i, j, s, cov.At(i, j), se)
			}
		}
	}
}

// TestWhitenedPosteriorMean: with A = I and μ = 0 the whitened model's
// exact posterior mean is the plain model's (missing entries, exact and
// noisy observations); with a full A, shifting x by μ' shifts the
// posterior mean of the model with mean μ + μ' by μ', and observed
// entries come back as they are.
func TestWhitenedPosteriorMean(t *testing.T) {
	inner := randomModel(3, 3, 1, 7)
	x := mat.NewDense(4, 3, []float64{0.5, -1, 2, 1, 0, -0.5, -2, 1.5, 0.3, 0.1, 0.2, 0.3})
	missing := []bool{true, false, false, false, true, true, true, true, true, false, true, false}
	id := gbrbm.NewWhitened(inner, []float64{0, 0, 0}, mat.NewDense(3, 3, []float64{1, 0, 0, 0, 1, 0, 0, 0, 1}))
	for _, noise := range []float64{0, 0.7} {
		want, err := inner.PosteriorMean(x, missing, noise)
		if err != nil {
			t.Fatal(err)
		}
		got, err := id.PosteriorMean(x, missing, noise)
		if err != nil {
			t.Fatal(err)
		}
		if !mat.EqualApprox(got, want, 1e-12) {
			t.Errorf("noise %v: identity whitening gives\n%v\nwant\n%v", noise, mat.Formatted(got), mat.Formatted(want))
		}
	}
	w := randomWhitened(8)
	shift := []float64{0.3, -1, 2}
	mean := append([]float64(nil), w.Mean()...)
	for i := range mean {
		mean[i] += shift[i]
	}
	ws := gbrbm.NewWhitened(w.Inner(), mean, w.Matrix())
	xs := mat.DenseCopyOf(x)
	for r := range 4 {
		for i := range 3 {
			xs.Set(r, i, x.At(r, i)+shift[i])
		}
	}
	for _, noise := range []float64{0, 0.7} {
		a, err := w.PosteriorMean(x, missing, noise)
		if err != nil {
			t.Fatal(err)
		}
		b, err := ws.PosteriorMean(xs, missing, noise)
		if err != nil {
			t.Fatal(err)
		}
		for r := range 4 {
			for i := range 3 {
				if d := b.At(r, i) - shift[i] - a.At(r, i); math.Abs(d) > 1e-9 {
					t.Fatalf("noise %v: shifted posterior mean (%d,%d) off by %v", noise, r, i, d)
				}
				if noise == 0 && !missing[r*3+i] && a.At(r, i) != x.At(r, i) {
					t.Errorf("observed entry (%d,%d) came back as %v, not %v", r, i, a.At(r, i), x.At(r, i))
				}
			}
		}
	}
}
