package optim

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"boltzmann/model"
)

// The gradient AddGradient adds matches central finite differences of
// Value, step h = 1e-6, at random points with every |θ_i| > 0.01 (away from
// the kink of |θ|). The truncation error of a quadratic is zero and the
// rounding error is about 1e-16/h = 1e-10, so the tolerance 1e-7 has no
// failure rate.
func TestPenaltyGradientFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n, h = 8, 1e-6
	for trial := range 50 {
		theta := make([]float64, n)
		for i := range theta {
			theta[i] = (0.01 + rng.Float64()) * float64(1-2*rng.IntN(2))
		}
		mask := make([]bool, n)
		for i := range mask {
			mask[i] = rng.IntN(2) == 0
		}
		p := Penalty{L1: rng.Float64(), L2: rng.Float64(), Mask: mask}
		if trial%5 == 0 {
			p.Mask = nil
		}
		grad := make([]float64, n)
		for i := range grad {
			grad[i] = float64(i) // AddGradient adds to what is there
		}
		p.AddGradient(theta, grad)
		for i := range theta {
			save := theta[i]
			theta[i] = save + h
			up := p.Value(theta)
			theta[i] = save - h
			down := p.Value(theta)
			theta[i] = save
			fd := (up - down) / (2 * h)
			if math.Abs(grad[i]-float64(i)-fd) > 1e-7 {
				t.Fatalf("trial %d, i=%d: gradient %g, finite difference %g", trial, i, grad[i]-float64(i), fd)
			}
		}
	}
}

func TestPenaltyValues(t *testing.T) {
	theta := []float64{1, -2, 0, 3}
	p := Penalty{L1: 0.5, L2: 0.1, Mask: []bool{true, true, true, false}}
	// L1: 0.5·(1+2+0) = 1.5; L2: 0.1·(1+4+0) = 0.5.
	if got := p.Value(theta); math.Abs(got-2) > 1e-15 {
		t.Errorf("Value = %g, want 2", got)
	}
	grad := make([]float64, 4)
	p.AddGradient(theta, grad)
	want := []float64{0.2 + 0.5, -0.4 - 0.5, 0, 0}
	for i := range want {
		if math.Abs(grad[i]-want[i]) > 1e-15 {
			t.Errorf("gradient = %v, want %v", grad, want)
			break
		}
	}
	// Proximal: AddGradient leaves out L1, ApplyProximalL1 soft-thresholds
	// by lr·L1 = 0.5·2 = 1.
	p.Proximal = true
	grad = make([]float64, 4)
	p.AddGradient(theta, grad)
	if grad[0] != 0.2 || grad[1] != -0.4 {
		t.Errorf("proximal gradient = %v, want L2 only", grad)
	}
	x := []float64{0.7, -2.5, 1.5, 0.3}
	p.ApplyProximalL1(x, 2)
	if want := []float64{0, -1.5, 0.5, 0.3}; !equal(x, want) {
		t.Errorf("soft threshold = %v, want %v", x, want)
	}
	p.Proximal = false
	p.ApplyProximalL1(x, 2)
	if want := []float64{0, -1.5, 0.5, 0.3}; !equal(x, want) {
		t.Errorf("non-proximal ApplyProximalL1 changed the parameters to %v", x)
	}
	var zero Penalty
	if zero.Value(theta) != 0 {
		t.Error("zero penalty has a value")
	}
}

func equal(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}

// Proximal SGD on ½(θ - c)² + λ|θ| converges to the soft threshold of c,
// with coordinates where |c| < λ exactly zero (the lasso solution).
func TestProximalLasso(t *testing.T) {
	c := []float64{2, 0.3, -0.1, -1.5}
	const lambda = 0.5
	theta := []float64{1, 1, 1, 1}
	p := Penalty{L1: lambda, Proximal: true}
	s := &SGD{LR: Constant(0.3)}
	g := make([]float64, 4)
	for range 200 {
		for i := range theta {
			g[i] = theta[i] - c[i]
		}
		p.AddGradient(theta, g)
		s.Step(theta, g)
		p.ApplyProximalL1(theta, s.LastRate())
	}
	want := []float64{1.5, 0, 0, -1}
	for i := range want {
		if math.Abs(theta[i]-want[i]) > 1e-12 || (want[i] == 0 && theta[i] != 0) {
			t.Errorf("lasso solution %v, want %v", theta, want)
			break
		}
	}
}

func TestMasks(t *testing.T) {
	groups := []model.Group{
		{Name: "weights", Start: 0, Len: 3, Penalized: true},
		{Name: "visible_bias", Start: 3, Len: 2},
		{Name: "hidden_bias", Start: 5, Len: 1},
	}
	if got, want := MaskFromGroups(groups), []bool{true, true, true, false, false, false}; !equalBool(got, want) {
		t.Errorf("MaskFromGroups = %v, want %v", got, want)
	}
	got, err := MaskNamed(groups, []string{"hidden_bias", "visible_bias"})
	if want := []bool{false, false, false, true, true, true}; err != nil || !equalBool(got, want) {
		t.Errorf("MaskNamed = %v, %v; want %v", got, err, want)
	}
	_, err = MaskNamed(groups, []string{"couplings"})
	if err == nil || !strings.Contains(err.Error(), `unknown parameter group "couplings" (known: weights, visible_bias, hidden_bias)`) {
		t.Errorf("MaskNamed unknown name: %v", err)
	}
}

func equalBool(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestClipNorm(t *testing.T) {
	g := []float64{3, 4}
	if n := ClipNorm(g, 1); n != 5 || math.Abs(g[0]-0.6) > 1e-15 || math.Abs(g[1]-0.8) > 1e-15 {
		t.Errorf("ClipNorm = %g, %v", n, g)
	}
	g = []float64{3, 4}
	if n := ClipNorm(g, 0); n != 5 || g[0] != 3 {
		t.Errorf("disabled ClipNorm changed %v", g)
	}
	if n := ClipNorm(g, 10); n != 5 || g[0] != 3 {
		t.Errorf("ClipNorm below the limit changed %v", g)
	}
}

func TestPenaltyPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"mask":     func() { (&Penalty{Mask: []bool{true}}).Value([]float64{1, 2}) },
		"negative": func() { (&Penalty{L2: -1}).Value([]float64{1}) },
		"grad":     func() { (&Penalty{L2: 1}).AddGradient([]float64{1}, nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
