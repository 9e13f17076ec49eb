package optim

import (
	"math"
	"testing"
)

// Three steps of SignAdaptive by hand, Init = 0.1, Up = 2, Down = 0.5,
// Min = 0.04, Max = 0.3, θ0 = 0, on three parameters:
//
//	step 1, g = ( 1, -1,  2): rates (0.1, 0.1, 0.1) (no previous gradient),
//	        θ = (-0.1, 0.1, -0.2)
//	step 2, g = ( 1,  1,  1): agree, disagree, agree → rates (0.2, 0.05, 0.2),
//	        θ = (-0.3, 0.05, -0.4)
//	step 3, g = ( 2, -1,  0): agree, disagree, zero → rates (0.3 = Max,
//	        0.04 = Min, 0.2 kept), θ = (-0.9, 0.09, -0.4)
func TestSignAdaptiveHandWorked(t *testing.T) {
	s := &SignAdaptive{Init: 0.1, Up: 2, Down: 0.5, Min: 0.04, Max: 0.3}
	theta := make([]float64, 3)
	steps := []struct{ g, theta, rates []float64 }{
		{[]float64{1, -1, 2}, []float64{-0.1, 0.1, -0.2}, []float64{0.1, 0.1, 0.1}},
		{[]float64{1, 1, 1}, []float64{-0.3, 0.05, -0.4}, []float64{0.2, 0.05, 0.2}},
		{[]float64{2, -1, 0}, []float64{-0.9, 0.09, -0.4}, []float64{0.3, 0.04, 0.2}},
	}
	for k, st := range steps {
		s.Step(theta, st.g)
		for i := range theta {
			if math.Abs(theta[i]-st.theta[i]) > 1e-12 || math.Abs(s.Rates()[i]-st.rates[i]) > 1e-12 {
				t.Fatalf("step %d: θ = %v, rates %v; want %v, %v", k+1, theta, s.Rates(), st.theta, st.rates)
			}
		}
	}
	if s.Steps() != 3 || s.LastRate() != 0.1 {
		t.Errorf("Steps = %d, LastRate = %g", s.Steps(), s.LastRate())
	}
}

// A gradient of constant sign but tiny size (a rare state's statistic)
// moves SignAdaptive's parameter geometrically faster than plain gradient
// descent at the same initial rate, while a pure sign-alternating one has
// its rate cut to Min: the two behaviours that shorten bmDCA.
func TestSignAdaptiveGrowsAndShrinks(t *testing.T) {
	s := &SignAdaptive{Init: 0.05, Up: 1.2, Down: 0.5, Min: 0.0005, Max: 1}
	theta := make([]float64, 2)
	for k := range 60 {
		s.Step(theta, []float64{-1e-3, math.Pow(-1, float64(k))})
	}
	if r := s.Rates(); r[0] != 1 || r[1] != 0.0005 {
		t.Errorf("rates %v, want [1 0.0005]", r)
	}
	if sgd := 60 * 0.05 * 1e-3; theta[0] < 10*sgd {
		t.Errorf("θ0 = %g after 60 steps, plain gradient descent %g: want at least 10× further", theta[0], sgd)
	}
}

func TestSignAdaptiveSettingsPanic(t *testing.T) {
	for _, s := range []*SignAdaptive{
		{Init: -1}, {Up: 0.5}, {Down: 1.5}, {Init: 0.1, Min: 0.2}, {Init: 0.1, Max: 0.05}, {Init: math.Inf(1)},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%+v: no panic", *s)
				}
			}()
			s.Step([]float64{0}, []float64{1})
		}()
	}
}
