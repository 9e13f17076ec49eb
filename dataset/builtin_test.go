package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

func rowKey(row []float64) string { return fmt.Sprint(row) }

func TestBarsAndStripesPatterns(t *testing.T) {
	for s := 1; s <= 6; s++ {
		x := BarsAndStripesPatterns(s)
		r, c := x.Dims()
		if r != 1<<(s+1)-2 || c != s*s {
			t.Fatalf("S=%d: %d×%d patterns, want %d×%d", s, r, c, 1<<(s+1)-2, s*s)
		}
		seen := map[string]bool{}
		for i := range r {
			row := x.RawRowView(i)
			if seen[rowKey(row)] {
				t.Fatalf("S=%d: pattern %d repeated", s, i)
			}
			seen[rowKey(row)] = true
			// Every row of the image constant, or every column constant.
			rowsConst, colsConst := true, true
			for a := range s {
				for b := range s {
					rowsConst = rowsConst && row[a*s+b] == row[a*s]
					colsConst = colsConst && row[a*s+b] == row[b]
				}
			}
			if !rowsConst && !colsConst {
				t.Fatalf("S=%d: pattern %d is neither bars nor stripes: %v", s, i, row)
			}
		}
	}
	equalDense(t, BarsAndStripesPatterns(2), [][]float64{
		{0, 0, 0, 0}, {1, 1, 0, 0}, {0, 0, 1, 1}, {1, 1, 1, 1}, {1, 0, 1, 0}, {0, 1, 0, 1},
	})
}

// Samples are uniform over the 30 distinct 4×4 patterns: Pearson's
// chi-square with 29 degrees of freedom stays below 58.30, its 0.999
// quantile (a false alarm has probability 0.001 for a random seed; the
// seed is fixed).
func TestBarsAndStripesUniform(t *testing.T) {
	const n, m = 15000, 30
	x, err := Builtin("bars-and-stripes", n, 1)
	if err != nil {
		t.Fatal(err)
	}
	pats := BarsAndStripesPatterns(4)
	index := map[string]int{}
	for i := range m {
		index[rowKey(pats.RawRowView(i))] = i
	}
	counts := make([]float64, m)
	for i := range n {
		k, ok := index[rowKey(x.RawRowView(i))]
		if !ok {
			t.Fatalf("sample %d is not a pattern: %v", i, x.RawRowView(i))
		}
		counts[k]++
	}
	chi2 := 0.0
	for _, c := range counts {
		chi2 += (c - n/m) * (c - n/m) / (n / m)
	}
	if chi2 > 58.30 {
		t.Errorf("chi-square %.1f > 58.30, counts %v", chi2, counts)
	}
}

func TestBuiltinDeterministic(t *testing.T) {
	for _, spec := range []string{"bars-and-stripes:3", "ising2d", "ising2d:3:1.5", "ising2d:6:2.3"} {
		a, err := Builtin(spec, 50, 3)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Builtin("builtin:"+spec, 50, 3)
		c, _ := Builtin(spec, 50, 4)
		if !mat.Equal(a, b) {
			t.Errorf("%s: the same seed gave different data", spec)
		}
		if mat.Equal(a, c) {
			t.Errorf("%s: different seeds gave the same data", spec)
		}
		x, err := Read("builtin:"+spec, ReadOptions{N: 50, Seed: 3})
		if err != nil || !mat.Equal(a, x) {
			t.Errorf("%s: Read differs from Builtin (%v)", spec, err)
		}
	}
	x, err := Read("builtin:ising2d:5", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r, c := x.Dims(); r != 1000 || c != 25 {
		t.Errorf("default builtin read is %d×%d, want 1000×25", r, c)
	}
	if enc, err := DetectBinary(x); err != nil || enc != PlusMinus {
		t.Errorf("ising2d encoding %q, %v", enc, err)
	}
	x, _ = Read("builtin:bars-and-stripes", ReadOptions{Limit: 7})
	if r, c := x.Dims(); r != 7 || c != 16 {
		t.Errorf("limited builtin read is %d×%d, want 7×16", r, c)
	}
}

func TestBuiltinErrors(t *testing.T) {
	for _, c := range []struct {
		spec string
		n    int
		frag string
	}{
		{"mnist", 10, "unknown built-in data set (available: bars-and-stripes[:S], ising2d[:L[:T]], gaussian-mixture[:D[:H]])"},
		{"bars-and-stripes:0", 10, `size "0" must be an integer from 1 to 12`},
		{"bars-and-stripes:x", 10, `size "x"`},
		{"bars-and-stripes:3:4", 10, "too many parameters"},
		{"ising2d:1", 10, `lattice size "1" must be an integer from 2`},
		{"ising2d:4:-1", 10, `temperature "-1" must be a positive number`},
		{"ising2d:4:inf", 10, `temperature "inf"`},
		{"ising2d:4:NaN", 10, `temperature "NaN"`},
		{"ising2d:4:2:1", 10, "too many parameters"},
		{"ising2d", 0, "need a positive number of samples, got 0"},
	} {
		_, err := Builtin(c.spec, c.n, 1)
		checkErr(t, err, "builtin:"+c.spec, c.frag)
	}
	_, err := Read("builtin:nope", ReadOptions{})
	checkErr(t, err, "builtin:nope: unknown built-in")
}

func TestIsBuiltin(t *testing.T) {
	for name, want := range map[string]bool{
		"bars-and-stripes": true, "bars-and-stripes:5": true, "builtin:ising2d:8:2.27": true,
		"ising2d": true, "ising": false, "data.npy": false, "builtin:": false,
	} {
		if IsBuiltin(name) != want {
			t.Errorf("IsBuiltin(%q) = %v", name, !want)
		}
	}
}

// isingExactMoments returns the exact <E>/N, <m²> and <|m|> (m = Σs/N).
func isingExactMoments(l int, temp float64) [3]float64 {
	states, prob := isingStates(l, temp)
	var mom [3]float64
	for k, s := range states {
		e, m := isingObs(l, s)
		mom[0] += prob[k] * e
		mom[1] += prob[k] * m * m
		mom[2] += prob[k] * math.Abs(m)
	}
	return mom
}

func isingObs(l int, s []float64) (ePerSite, m float64) {
	return isingEnergy(l, s) / float64(l*l), stat.Mean(s, nil)
}

// checkIsingMoments compares the sample means of E/N, m² and |m| with the
// exact values. The standard error comes from batch means over 50
// batches, which accounts for autocorrelation in a Markov chain; the
// tolerance is 4 standard errors (a false alarm has probability about
// 6e-5 per quantity for a random seed; the seeds are fixed).
func checkIsingMoments(t *testing.T, x *mat.Dense, l int, temp float64) {
	t.Helper()
	exact := isingExactMoments(l, temp)
	n, _ := x.Dims()
	const nb = 50
	var batch [3][nb]float64
	for i := range n {
		e, m := isingObs(l, x.RawRowView(i))
		b := i * nb / n
		batch[0][b] += e / float64(n/nb)
		batch[1][b] += m * m / float64(n/nb)
		batch[2][b] += math.Abs(m) / float64(n/nb)
	}
	for q, name := range []string{"E/N", "m²", "|m|"} {
		mean, sd := stat.MeanStdDev(batch[q][:], nil)
		se := sd / math.Sqrt(nb)
		if math.Abs(mean-exact[q]) > 4*se {
			t.Errorf("L=%d T=%g: <%s> = %.4f ± %.4f, exact %.4f", l, temp, name, mean, se, exact[q])
		} else {
			t.Logf("L=%d T=%g: <%s> = %.4f ± %.4f, exact %.4f", l, temp, name, mean, se, exact[q])
		}
	}
}

func TestIsingExactSampler(t *testing.T) {
	for _, c := range []struct {
		l    int
		temp float64
	}{{2, 2.5}, {3, 1.5}, {4, 2.5}, {4, 4}} {
		x, err := Builtin(fmt.Sprintf("ising2d:%d:%g", c.l, c.temp), 20000, 11)
		if err != nil {
			t.Fatal(err)
		}
		checkIsingMoments(t, x, c.l, c.temp)
	}
}

// The Wolff chain, with the settings Builtin uses for large lattices,
// reproduces exact enumeration at L = 4 below, near and above T_c.
func TestIsingWolffMatchesExact(t *testing.T) {
	for i, temp := range []float64{1.8, 2.269, 2.5, 3.5} {
		rng := rand.New(rand.NewPCG(uint64(i), 5))
		x := isingWolff(4, temp, 20000, wolffBurnIn, wolffThin, rng)
		checkIsingMoments(t, x, 4, temp)
	}
}

// On a large lattice the Wolff samples are ordered well below T_c and
// disordered well above it.
func TestIsingWolffPhases(t *testing.T) {
	for _, c := range []struct {
		spec     string
		mlo, mhi float64
	}{{"ising2d:16:1.5", 0.95, 1}, {"ising2d:16:5", 0, 0.15}} {
		x, err := Builtin(c.spec, 200, 2)
		if err != nil {
			t.Fatal(err)
		}
		absm := 0.0
		for i := range 200 {
			absm += math.Abs(stat.Mean(x.RawRowView(i), nil)) / 200
		}
		if absm < c.mlo || absm > c.mhi {
			t.Errorf("%s: <|m|> = %.3f, want in [%g, %g]", c.spec, absm, c.mlo, c.mhi)
		}
	}
}

// TestGaussianMixture: builtin:gaussian-mixture:D:H has D columns, the
// loadings are orthogonal of length 3, and each column's mean Σ_j A_ij/2
// and variance 1 + Σ_j A_ij²/4 are matched within 4.5 standard errors.
func TestGaussianMixture(t *testing.T) {
	const n = 20000
	x, err := Builtin("gaussian-mixture:5:3", n, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r, c := x.Dims(); r != n || c != 5 {
		t.Fatalf("shape %d×%d", r, c)
	}
	a := GaussianMixtureLoadings(5, 3)
	var g mat.Dense
	g.Mul(a.T(), a)
	for j := range 3 {
		for k := range 3 {
			if want := 9 * float64(b2f(j == k)); math.Abs(g.At(j, k)-want) > 1e-9 {
				t.Errorf("AᵀA[%d][%d] = %v, want %v", j, k, g.At(j, k), want)
			}
		}
	}
	for i := range 5 {
		m, v := 0.0, 1.0
		for j := range 3 {
			m += a.At(i, j) / 2
			v += a.At(i, j) * a.At(i, j) / 4
		}
		got, got2 := 0.0, 0.0
		for r := range n {
			got += x.At(r, i) / n
			got2 += (x.At(r, i) - m) * (x.At(r, i) - m) / n
		}
		if z := (got - m) / math.Sqrt(v/n); math.Abs(z) > 4.5 {
			t.Errorf("column %d: mean %v, mixture %v (z = %.2f)", i, got, m, z)
		}
		// A mean-shift mixture of Gaussians has kurtosis at most 3, so the
		// variance estimate has standard error at most v·√(2/n).
		if math.Abs(got2-v) > 4.5*v*math.Sqrt(2.0/n) {
			t.Errorf("column %d: variance %v, mixture %v", i, got2, v)
		}
	}
	for _, bad := range []string{"gaussian-mixture:0", "gaussian-mixture:3:4", "gaussian-mixture:3:1:1"} {
		if _, err := Builtin(bad, 10, 1); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	y, _ := Builtin("gaussian-mixture", 10, 2)
	if _, c := y.Dims(); c != 4 {
		t.Errorf("default dimension %d, want 4", c)
	}
}

// TestBuiltinFeatures: the number of columns is known without generating
// the data, and equals that of the generated data.
func TestBuiltinFeatures(t *testing.T) {
	for spec, want := range map[string]int{"bars-and-stripes": 16, "builtin:bars-and-stripes:3": 9, "ising2d": 16, "ising2d:1024": 1 << 20, "ising2d:5:2.3": 25, "gaussian-mixture": 4, "gaussian-mixture:7:3": 7} {
		got, err := BuiltinFeatures(spec)
		if err != nil || got != want {
			t.Errorf("BuiltinFeatures(%q) = %d, %v; want %d", spec, got, err, want)
		}
		if want < 100 {
			x, err := Builtin(spec, 3, 1)
			if _, d := x.Dims(); err != nil || d != want {
				t.Errorf("Builtin(%q) has %d columns, %v", spec, d, err)
			}
		}
	}
	for _, spec := range []string{"ising2d:4096", "bars-and-stripes:0", "mnist"} {
		if _, err := BuiltinFeatures(spec); err == nil {
			t.Errorf("BuiltinFeatures(%q) accepted", spec)
		}
	}
}
