package info

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// Deterministic values are compared with a relative tolerance of 1e-14
// (a few ulps of accumulated rounding); there is no randomness in these
// comparisons.
const tol = 1e-14

func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func TestKLWorkedExample(t *testing.T) {
	// p = (1/2, 1/2), q = (1/4, 3/4):
	//   D(p||q) = 1/2 log 2 + 1/2 log(2/3) = 1/2 log(4/3)
	//   D(q||p) = 1/4 log(1/2) + 3/4 log(3/2) = 3/4 log 3 - log 2
	p := []float64{0.5, 0.5}
	q := []float64{0.25, 0.75}
	cases := []struct {
		name      string
		got, want float64
		decimal   float64
	}{
		{"D(p||q)", KL(p, q), 0.5 * math.Log(4.0/3), 0.14384103622589042},
		{"D(q||p)", KL(q, p), 0.75*math.Log(3) - math.Log(2), 0.130812035941137},
		{"KLLog(p||q)", KLLog(logs(p), logs(q)), 0.5 * math.Log(4.0/3), 0.14384103622589042},
		{"KLLog(q||p)", KLLog(logs(q), logs(p)), 0.75*math.Log(3) - math.Log(2), 0.130812035941137},
		{"H(p,q)", CrossEntropy(p, q), math.Log(2) + 0.5*math.Log(4.0/3), 0.8369882167858358},
	}
	for _, c := range cases {
		if !near(c.got, c.want, tol) || !near(c.want, c.decimal, tol) {
			t.Errorf("%s = %.17g, want %.17g (%.17g)", c.name, c.got, c.want, c.decimal)
		}
	}
	if KL(p, q) == KL(q, p) {
		t.Error("KL is symmetric on an asymmetric example")
	}
	// H(p, q) = S_p + D(p||q).
	if !near(CrossEntropy(q, p), Entropy(q)+KL(q, p), tol) {
		t.Error("CrossEntropy != Entropy + KL")
	}
}

func logs(p []float64) []float64 {
	l := make([]float64, len(p))
	for i, v := range p {
		l[i] = math.Log(v)
	}
	return l
}

func randomDist(rng *rand.Rand, n int, zeros bool) []float64 {
	p := make([]float64, n)
	s := 0.0
	for i := range p {
		if zeros && rng.IntN(4) == 0 {
			continue
		}
		p[i] = rng.ExpFloat64()
		s += p[i]
	}
	if s == 0 {
		p[0], s = 1, 1
	}
	for i := range p {
		p[i] /= s
	}
	return p
}

// Gibbs' inequality holds exactly up to rounding, so every random pair must
// satisfy D >= -1e-15 (failure rate 0).
func TestKLNonNegative(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for trial := range 2000 {
		n := 1 + rng.IntN(20)
		p := randomDist(rng, n, true)
		q := randomDist(rng, n, false)
		d := KL(p, q)
		if d < -1e-15 || math.IsNaN(d) {
			t.Fatalf("trial %d: KL = %g < 0 for p=%v q=%v", trial, d, p, q)
		}
		if dl := KLLog(logs(p), logs(q)); !near(d, dl, 1e-12) {
			t.Fatalf("trial %d: KL = %g, KLLog = %g", trial, d, dl)
		}
		if KL(p, p) != 0 {
			t.Fatalf("trial %d: KL(p, p) = %g, want exactly 0", trial, KL(p, p))
		}
		if err := Check(p); err != nil {
			t.Fatal(err)
		}
	}
}

func TestKLZeros(t *testing.T) {
	p := []float64{0, 0.5, 0.5}
	q := []float64{0.5, 0.5, 0}
	if got := KL(p, q); !math.IsInf(got, 1) {
		t.Errorf("KL with q_i = 0 < p_i: got %g, want +Inf", got)
	}
	if got := KLLog(logs(p), logs(q)); !math.IsInf(got, 1) {
		t.Errorf("KLLog with q_i = 0 < p_i: got %g, want +Inf", got)
	}
	if got := CrossEntropy(p, q); !math.IsInf(got, 1) {
		t.Errorf("CrossEntropy with q_i = 0 < p_i: got %g, want +Inf", got)
	}
	// p_i = 0 terms vanish even where q_i = 0.
	if got := KL([]float64{0, 1}, []float64{0, 1}); got != 0 {
		t.Errorf("KL with common zeros = %g, want 0", got)
	}
	// A ratio that overflows still gives the finite divergence.
	tiny := 1e-320
	got := KL([]float64{1, 0}, []float64{tiny, 1 - tiny})
	if want := -math.Log(tiny); !near(got, want, 1e-12) {
		t.Errorf("KL with subnormal q = %g, want %g", got, want)
	}
}

func TestEntropy(t *testing.T) {
	for _, n := range []int{1, 2, 3, 8, 1000} {
		p := make([]float64, n)
		lp := make([]float64, n)
		for i := range p {
			p[i] = 1 / float64(n)
			lp[i] = -math.Log(float64(n))
		}
		if got := Entropy(p); !near(got, math.Log(float64(n)), tol) {
			t.Errorf("uniform(%d): Entropy = %.17g, want log n = %.17g", n, got, math.Log(float64(n)))
		}
		if got := EntropyLog(lp); !near(got, math.Log(float64(n)), tol) {
			t.Errorf("uniform(%d): EntropyLog = %.17g, want log n", n, got)
		}
	}
	// Bernoulli(1/4): -(1/4 log 1/4 + 3/4 log 3/4).
	if got := Entropy([]float64{0.25, 0.75}); !near(got, 0.5623351446188083, tol) {
		t.Errorf("Bernoulli(1/4) entropy = %.17g", got)
	}
	// Zeros contribute nothing, in either form.
	if got := Entropy([]float64{0, 1, 0}); got != 0 {
		t.Errorf("point mass entropy = %g, want 0", got)
	}
	if got := EntropyLog([]float64{math.Inf(-1), 0}); got != 0 {
		t.Errorf("point mass EntropyLog = %g, want 0", got)
	}
	if got := Bits(Entropy([]float64{0.5, 0.5})); !near(got, 1, tol) {
		t.Errorf("fair coin = %g bits, want 1", got)
	}
	if got := Bits(math.Log(8)); !near(got, 3, tol) {
		t.Errorf("Bits(log 8) = %g, want 3", got)
	}
}

// The geometric distribution p_k ∝ r^k truncated to k < n has entropy
// -E[k] log r - log((1-r)/(1-r^n)) with E[k] = r/(1-r) - n r^n/(1-r^n); as
// n → ∞ it tends to (-(1-r) log(1-r) - r log r)/(1-r).
func TestEntropyGeometric(t *testing.T) {
	for _, r := range []float64{0.1, 0.3, 0.5, 0.9} {
		for _, n := range []int{1, 2, 5, 50, 2000} {
			p := make([]float64, n)
			lp := make([]float64, n)
			norm := (1 - r) / (1 - math.Pow(r, float64(n)))
			for k := range p {
				p[k] = norm * math.Pow(r, float64(k))
				lp[k] = math.Log(norm) + float64(k)*math.Log(r)
			}
			rn := math.Pow(r, float64(n))
			mean := r/(1-r) - float64(n)*rn/(1-rn)
			want := -mean*math.Log(r) - math.Log(norm)
			if got := Entropy(p); !near(got, want, 1e-12) {
				t.Errorf("r=%g n=%d: Entropy = %.17g, want %.17g", r, n, got, want)
			}
			if got := EntropyLog(lp); !near(got, want, 1e-12) {
				t.Errorf("r=%g n=%d: EntropyLog = %.17g, want %.17g", r, n, got, want)
			}
		}
		inf := (-(1-r)*math.Log(1-r) - r*math.Log(r)) / (1 - r)
		p := make([]float64, 2000)
		for k := range p {
			p[k] = (1 - r) * math.Pow(r, float64(k))
		}
		if got := Entropy(p); !near(got, inf, 1e-12) {
			t.Errorf("r=%g: long truncation %.17g, want untruncated %.17g", r, got, inf)
		}
	}
	if got := Bits(Entropy([]float64{0.5, 0.25, 0.125, 0.125})); !near(got, 1.75, tol) {
		t.Errorf("dyadic entropy = %g bits, want 1.75", got)
	}
}

func TestCheck(t *testing.T) {
	bad := []struct {
		p    []float64
		want string
	}{
		{nil, "info: not a probability distribution: it is empty"},
		{[]float64{0.5, -0.1, 0.6}, "info: not a probability distribution: p[1] = -0.1 is negative"},
		{[]float64{math.NaN(), 1}, "info: not a probability distribution: p[0] = NaN is not finite"},
		{[]float64{math.Inf(1)}, "info: not a probability distribution: p[0] = +Inf is not finite"},
		{[]float64{0.5, 0.6}, "info: not a probability distribution: it sums to 1.1000000000000001, not 1 (tolerance 1e-09)"},
	}
	for _, c := range bad {
		err := Check(c.p)
		if err == nil || err.Error() != c.want || !errors.Is(err, ErrNotDistribution) {
			t.Errorf("Check(%v) = %v, want %q", c.p, err, c.want)
		}
	}
	for _, p := range [][]float64{{1}, {0, 1}, {0.1, 0.2, 0.7}, {0.5, 0.5 + 5e-10}} {
		if err := Check(p); err != nil {
			t.Errorf("Check(%v) = %v, want nil", p, err)
		}
	}
}

func TestLengthMismatchPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"KL":           func() { KL([]float64{1}, []float64{0.5, 0.5}) },
		"KLLog":        func() { KLLog([]float64{0}, nil) },
		"CrossEntropy": func() { CrossEntropy([]float64{1}, nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic on a length mismatch", name)
				}
			}()
			f()
		}()
	}
}
