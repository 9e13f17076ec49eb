package optim

import (
	"errors"
	"fmt"
	"math"
)

var _ RangeStepper = (*SignAdaptive)(nil)

// SignAdaptive is gradient descent with one learning rate per parameter,
// adapted by the agreement of the signs of successive gradient components
// (the rule of resilient backpropagation, Riedmiller & Braun 1993, applied
// to the rates of a plain gradient step, as the C++ bmDCA of Barton et al.
// grows and shrinks its rates). At step t, for each parameter j with
// gradient g_j and the previous step's gradient g'_j,
//
//	η_j ← min(η_j · Up, Max)     if g_j g'_j > 0
//	η_j ← max(η_j · Down, Min)   if g_j g'_j < 0
//	θ_j ← θ_j - η_j g_j
//
// with η_j = Init at the first step (g'_j = 0 leaves a rate unchanged). A
// parameter whose gradient keeps its sign (a statistic consistently too
// high or too low) moves geometrically faster; one whose gradient
// oscillates, or is dominated by sampling noise, has its rate cut. The
// step is still proportional to the gradient, so the fixed points are
// those of plain gradient descent: the rates change the path, not where a
// converged run ends.
//
// The zero value takes Init = DefaultSGDRate, Up = 1.2, Down = 0.5,
// Min = Init/100 and Max = 100·Init.
type SignAdaptive struct {
	Init     float64 // initial rate of every parameter
	Up, Down float64 // factors on sign agreement (> 1) and disagreement (in (0, 1))
	Min, Max float64 // bounds of the rates, 0 < Min ≤ Init ≤ Max

	step int
	rate float64   // Init, once a step has begun
	eta  []float64 // per-parameter rates
	prev []float64 // the previous step's gradient
}

func (s *SignAdaptive) settings() (init, up, down, lo, hi float64) {
	init, up, down, lo, hi = s.Init, s.Up, s.Down, s.Min, s.Max
	if init == 0 {
		init = DefaultSGDRate
	}
	if up == 0 {
		up = 1.2
	}
	if down == 0 {
		down = 0.5
	}
	if lo == 0 {
		lo = init / 100
	}
	if hi == 0 {
		hi = 100 * init
	}
	if !(init > 0) || math.IsInf(init, 0) || !(up >= 1) || math.IsInf(up, 0) || !(down > 0 && down <= 1) ||
		!(lo > 0 && lo <= init && init <= hi) || math.IsInf(hi, 0) {
		panic(fmt.Sprintf("optim: SignAdaptive settings Init = %v, Up = %v, Down = %v, Min = %v, Max = %v: need Up ≥ 1, Down in (0, 1], 0 < Min ≤ Init ≤ Max finite",
			s.Init, s.Up, s.Down, s.Min, s.Max))
	}
	return init, up, down, lo, hi
}

// Steps is the number of steps taken.
func (s *SignAdaptive) Steps() int { return s.step }

// LastRate is the initial rate Init (0 before the first step): the rates
// are per parameter (Rates), so a proximal L1 step with one rate does not
// match this optimizer.
func (s *SignAdaptive) LastRate() float64 { return s.rate }

// Rates returns the current per-parameter rates (nil before the first
// step). The slice is the optimizer's own; do not modify it.
func (s *SignAdaptive) Rates() []float64 { return s.eta }

// Step updates params from grad; see the type's documentation.
func (s *SignAdaptive) Step(params, grad []float64) {
	checkStep("SignAdaptive", params, grad)
	s.BeginStep(len(params))
	chunks(len(params), func(lo, hi int) { s.StepRange(params, grad, lo, hi) })
	s.EndStep()
}

// BeginStep starts a step over n parameters (see RangeStepper).
func (s *SignAdaptive) BeginStep(n int) {
	init, _, _, _, _ := s.settings()
	s.rate = init
	if s.eta == nil {
		s.eta = make([]float64, n)
		for i := range s.eta {
			s.eta[i] = init
		}
	}
	s.eta = ensure(s.eta, n, "SignAdaptive")
	s.prev = ensure(s.prev, n, "SignAdaptive")
}

// StepRange updates params[lo:hi] (see RangeStepper).
func (s *SignAdaptive) StepRange(params, grad []float64, lo, hi int) {
	_, up, down, emin, emax := s.settings()
	eta, prev := s.eta[lo:hi], s.prev[lo:hi]
	p := params[lo:hi]
	for i, g := range grad[lo:hi] {
		e := eta[i]
		switch pg := g * prev[i]; {
		case pg > 0:
			e = min(e*up, emax)
		case pg < 0:
			e = max(e*down, emin)
		}
		eta[i], prev[i] = e, g
		p[i] -= e * g
	}
}

// EndStep completes the step (see RangeStepper).
func (s *SignAdaptive) EndStep() { s.step++ }

// MarshalBinary encodes the step count, the rates and the previous gradient.
func (s *SignAdaptive) MarshalBinary() ([]byte, error) {
	return encodeState("signadaptive", s.step, s.rate, s.eta, s.prev), nil
}

// UnmarshalBinary restores a state encoded by (*SignAdaptive).MarshalBinary.
func (s *SignAdaptive) UnmarshalBinary(data []byte) error {
	st, err := decodeState(data, "signadaptive", 2)
	if err != nil {
		return err
	}
	if (st.vecs[0] == nil) != (st.vecs[1] == nil) || len(st.vecs[0]) != len(st.vecs[1]) {
		return errors.New("optim: SignAdaptive state has rate and gradient vectors of different lengths")
	}
	s.step, s.rate, s.eta, s.prev = st.step, st.rate, st.vecs[0], st.vecs[1]
	return nil
}
