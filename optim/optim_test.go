package optim

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// quadratic is f(θ) = ½ Σ a_i (θ_i - c_i)², minimized at θ = c.
type quadratic struct{ a, c []float64 }

func (q quadratic) grad(theta, g []float64) {
	for i := range theta {
		g[i] = q.a[i] * (theta[i] - q.c[i])
	}
}

func newQuadratic() quadratic {
	return quadratic{a: []float64{1, 4, 0.5, 2}, c: []float64{1, -2, 3, 0.5}}
}

func optimizers() map[string]func() Optimizer {
	return map[string]func() Optimizer{
		"sgd":          func() Optimizer { return &SGD{LR: Constant(0.1)} },
		"sgd-momentum": func() Optimizer { return &SGD{LR: Constant(0.05), Momentum: 0.9} },
		"sgd-nesterov": func() Optimizer { return &SGD{LR: Constant(0.05), Momentum: 0.9, Nesterov: true} },
		"sgd-decay":    func() Optimizer { return &SGD{LR: InverseTime{Initial: 0.2, Decay: 0.01}} },
		"adam":         func() Optimizer { return &Adam{LR: ExponentialDecay{Initial: 0.1, Decay: 0.5, Every: 200}} },
		"adam-default": func() Optimizer { return &Adam{LR: Constant(0.05)} },
		"signadaptive": func() Optimizer { return &SignAdaptive{Init: 0.05, Max: 1} },
	}
}

// Every optimizer converges to the minimum of a well-conditioned quadratic;
// the run is deterministic, so the tolerance 1e-6 has no failure rate.
func TestMinimizeQuadratic(t *testing.T) {
	q := newQuadratic()
	for name, mk := range optimizers() {
		opt := mk()
		theta := make([]float64, 4)
		g := make([]float64, 4)
		for range 2000 {
			q.grad(theta, g)
			opt.Step(theta, g)
		}
		for i := range theta {
			if math.Abs(theta[i]-q.c[i]) > 1e-6 {
				t.Errorf("%s: θ = %v, want %v", name, theta, q.c)
				break
			}
		}
		if opt.Steps() != 2000 || opt.LastRate() <= 0 {
			t.Errorf("%s: Steps = %d, LastRate = %g", name, opt.Steps(), opt.LastRate())
		}
	}
}

// Two steps of Adam by hand, β1 = 0.9, β2 = 0.999, ε = 1e-8, η = 0.1, θ0 = 1.
//
//	g1 = 0.5: m = 0.05, v = 0.00025, m̂ = 0.05/0.1 = 0.5, v̂ = 0.00025/0.001 = 0.25,
//	          θ1 = 1 - 0.1·0.5/(0.5 + 1e-8) = 0.900000002
//	g2 = -1:  m = 0.045 - 0.1 = -0.055, v = 0.00024975 + 0.001 = 0.00124975,
//	          m̂ = -0.055/0.19 = -0.28947…, v̂ = 0.00124975/0.001999 = 0.62518…,
//	          θ2 = θ1 - 0.1·m̂/(√v̂ + 1e-8) = 0.93661035424…
func TestAdamHandWorked(t *testing.T) {
	a := &Adam{LR: Constant(0.1)}
	theta := []float64{1}
	a.Step(theta, []float64{0.5})
	want1 := 1 - 0.1*0.5/(0.5+1e-8)
	if math.Abs(theta[0]-want1) > 1e-15 || math.Abs(want1-0.900000002) > 1e-15 {
		t.Errorf("after step 1: θ = %.17g, want %.17g", theta[0], want1)
	}
	if math.Abs(a.m[0]-0.05) > 1e-16 || math.Abs(a.v[0]-0.00025) > 1e-18 {
		t.Errorf("after step 1: m, v = %g, %g; want 0.05, 0.00025", a.m[0], a.v[0])
	}
	a.Step(theta, []float64{-1})
	mhat := -0.055 / 0.19
	vhat := 0.00124975 / 0.001999
	want2 := want1 - 0.1*mhat/(math.Sqrt(vhat)+1e-8)
	if math.Abs(theta[0]-want2) > 1e-12 || math.Abs(want2-0.9366103542405654) > 1e-12 {
		t.Errorf("after step 2: θ = %.17g, want %.17g", theta[0], want2)
	}
}

// SGD with momentum μ = 0.5, η = 0.1, θ0 = 0, gradients 1 then 2:
//
//	b = 1, θ = -0.1;  b = 0.5 + 2 = 2.5, θ = -0.1 - 0.25 = -0.35
//
// and with Nesterov: θ = -0.1·(1 + 0.5) = -0.15; θ = -0.15 - 0.1·(2 + 1.25) = -0.475.
func TestSGDHandWorked(t *testing.T) {
	for _, c := range []struct {
		nesterov bool
		want     [2]float64
	}{{false, [2]float64{-0.1, -0.35}}, {true, [2]float64{-0.15, -0.475}}} {
		s := &SGD{LR: Constant(0.1), Momentum: 0.5, Nesterov: c.nesterov}
		theta := []float64{0}
		for k, g := range []float64{1, 2} {
			s.Step(theta, []float64{g})
			if math.Abs(theta[0]-c.want[k]) > 1e-15 {
				t.Errorf("nesterov=%v step %d: θ = %.17g, want %g", c.nesterov, k+1, theta[0], c.want[k])
			}
		}
	}
	s := &SGD{}
	theta := []float64{1}
	s.Step(theta, []float64{1})
	if theta[0] != 1-DefaultSGDRate || s.LastRate() != DefaultSGDRate {
		t.Errorf("zero SGD: θ = %g, rate %g", theta[0], s.LastRate())
	}
}

// Stopping after n steps, saving the state, restoring it into a fresh
// optimizer and continuing gives bit-identical parameters.
func TestMarshalResume(t *testing.T) {
	const n, total, dim = 37, 100, 5
	grads := make([][]float64, total)
	rng := rand.New(rand.NewPCG(3, 4))
	for k := range grads {
		grads[k] = make([]float64, dim)
		for i := range grads[k] {
			grads[k][i] = rng.NormFloat64()
		}
	}
	for name, mk := range optimizers() {
		ref := make([]float64, dim)
		opt := mk()
		for _, g := range grads {
			opt.Step(ref, g)
		}

		theta := make([]float64, dim)
		first := mk()
		for _, g := range grads[:n] {
			first.Step(theta, g)
		}
		blob, err := first.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		second := mk()
		if err := second.UnmarshalBinary(blob); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if second.Steps() != n || second.LastRate() != first.LastRate() {
			t.Errorf("%s: restored Steps, LastRate = %d, %g; want %d, %g", name, second.Steps(), second.LastRate(), n, first.LastRate())
		}
		for _, g := range grads[n:] {
			second.Step(theta, g)
		}
		for i := range theta {
			if math.Float64bits(theta[i]) != math.Float64bits(ref[i]) {
				t.Errorf("%s: resumed θ = %v, uninterrupted %v", name, theta, ref)
				break
			}
		}
	}
}

func TestUnmarshalErrors(t *testing.T) {
	s := &SGD{Momentum: 0.9}
	s.Step([]float64{1, 2}, []float64{1, 1})
	sgdBlob, _ := s.MarshalBinary()
	a := &Adam{}
	fresh, _ := a.MarshalBinary()
	cases := []struct {
		name string
		into Optimizer
		data []byte
		want string
	}{
		{"kind", &Adam{}, sgdBlob, `optim: optimizer state is for "sgd", not "adam"`},
		{"truncated", &SGD{}, sgdBlob[:len(sgdBlob)-3], "truncated"},
		{"trailing", &SGD{}, append(append([]byte{}, sgdBlob...), 0), "unexpected bytes"},
		{"garbage", &SGD{}, []byte("hello"), "not an optimizer state"},
		{"empty", &Adam{}, nil, "not an optimizer state"},
	}
	for _, c := range cases {
		err := c.into.UnmarshalBinary(c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		}
	}
	// A never-stepped optimizer round-trips to a fresh one.
	b := &Adam{}
	if err := b.UnmarshalBinary(fresh); err != nil || b.Steps() != 0 || b.m != nil {
		t.Errorf("fresh Adam round trip: %v, steps %d", err, b.Steps())
	}
}

func TestStepPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"length":   func() { (&SGD{}).Step([]float64{1}, []float64{1, 2}) },
		"momentum": func() { (&SGD{Momentum: 1}).Step([]float64{1}, []float64{1}) },
		"beta":     func() { (&Adam{Beta1: 1.5}).Step([]float64{1}, []float64{1}) },
		"rate":     func() { (&SGD{LR: Constant(-1)}).Step([]float64{1}, []float64{1}) },
		"resize": func() {
			a := &Adam{}
			a.Step([]float64{1}, []float64{1})
			a.Step([]float64{1, 2}, []float64{1, 2})
		},
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

// UnmarshalBinary never panics on arbitrary input, and whatever it accepts
// re-encodes to the same bytes.
func FuzzUnmarshal(f *testing.F) {
	s := &SGD{Momentum: 0.5}
	s.Step([]float64{1, 2}, []float64{3, 4})
	b, _ := s.MarshalBinary()
	f.Add(b)
	a := &Adam{}
	a.Step([]float64{1}, []float64{1})
	b, _ = a.MarshalBinary()
	f.Add(b)
	f.Add([]byte("optim"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, o := range []Optimizer{&SGD{}, &Adam{}} {
			if o.UnmarshalBinary(data) != nil {
				continue
			}
			again, err := o.MarshalBinary()
			if err != nil || string(again) != string(data) {
				t.Errorf("%T: accepted state does not re-encode identically", o)
			}
		}
	})
}

// TestRangeStepMatchesStep: BeginStep, StepRange over uneven ranges in
// reverse order, and EndStep give bit for bit the parameters, state, step
// count and rate of Step, for every optimizer and with penalties applied by
// range.
func TestRangeStepMatchesStep(t *testing.T) {
	const n = 1000
	makeOpts := func() []RangeStepper {
		return []RangeStepper{
			&SGD{LR: Constant(0.1)},
			&SGD{LR: LinearDecay{Initial: 0.1, Final: 0.01, Steps: 5}, Momentum: 0.9},
			&SGD{LR: Constant(0.05), Momentum: 0.5, Nesterov: true},
			&Adam{LR: Constant(0.01)},
			&SignAdaptive{Init: 0.01, Up: 1.5, Down: 0.3, Max: 0.05},
		}
	}
	pen := &Penalty{L1: 0.01, L2: 0.02, Proximal: true}
	rng := rand.New(rand.NewPCG(4, 4))
	grads := make([][]float64, 4)
	for k := range grads {
		grads[k] = make([]float64, n)
		for i := range grads[k] {
			grads[k][i] = rng.NormFloat64()
		}
	}
	cuts := []int{0, 7, 300, 301, 640, n}
	for k, whole := range makeOpts() {
		ranged := makeOpts()[k]
		p1, p2 := make([]float64, n), make([]float64, n)
		for i := range p1 {
			p1[i] = float64(i%13) * 0.01
			p2[i] = p1[i]
		}
		for _, g := range grads {
			g1, g2 := append([]float64(nil), g...), append([]float64(nil), g...)
			pen.AddGradient(p1, g1)
			whole.Step(p1, g1)
			pen.ApplyProximalL1(p1, whole.LastRate())

			pen.Check(n)
			ranged.BeginStep(n)
			for c := len(cuts) - 1; c > 0; c-- {
				lo, hi := cuts[c-1], cuts[c]
				pen.AddGradientRange(p2, g2, lo, hi)
				ranged.StepRange(p2, g2, lo, hi)
				pen.ApplyProximalL1Range(p2, ranged.LastRate(), lo, hi)
			}
			ranged.EndStep()
		}
		for i := range p1 {
			if p1[i] != p2[i] {
				t.Fatalf("optimizer %d: parameter %d is %v by ranges, %v by Step", k, i, p2[i], p1[i])
			}
		}
		if whole.Steps() != ranged.Steps() || whole.LastRate() != ranged.LastRate() {
			t.Fatalf("optimizer %d: steps %d/%d, rates %v/%v", k, whole.Steps(), ranged.Steps(), whole.LastRate(), ranged.LastRate())
		}
		s1, _ := whole.MarshalBinary()
		s2, _ := ranged.MarshalBinary()
		if string(s1) != string(s2) {
			t.Fatalf("optimizer %d: states differ", k)
		}
	}
}
