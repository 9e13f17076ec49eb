// Package optim updates flat parameter vectors (a model's Params()) from
// gradients: stochastic gradient descent with momentum, Adam, learning-rate
// schedules, L1/L2 penalties and gradient clipping.
//
// Every optimizer minimizes: the caller passes the gradient of the quantity
// to minimize, for an energy-based model the negative log-likelihood plus
// penalties,
//
//	∂(-L)/∂θ_j = <O_j>_data - <O_j>_model   (+ Penalty.AddGradient),
//
// and Step moves the parameters against it. A training step is therefore
//
//	grad := positive phase - negative phase
//	pen.AddGradient(params, grad)
//	opt.Step(params, grad)
//	pen.ApplyProximalL1(params, opt.LastRate())
//
// Optimizer state (the step count, momentum and moment estimates) is
// allocated on the first Step and encoded exactly by MarshalBinary, so that
// a training run resumed from a checkpoint ends bit-identical to one that
// was never interrupted. The settings (learning rate, momentum, betas) are
// not part of the state: unmarshal into an optimizer configured like the
// one that was saved.
package optim

import (
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Optimizer updates a parameter vector in place from the gradient of the
// quantity to minimize.
type Optimizer interface {
	// Step updates params (length n) from grad (length n), the gradient of
	// the objective at params. n must be the same on every call. grad is
	// not modified.
	Step(params, grad []float64)
	// Steps is the number of Steps taken so far (including those before a
	// checkpoint that was restored).
	Steps() int
	// LastRate is the learning rate used by the most recent Step, or 0
	// before the first one. Pass it to Penalty.ApplyProximalL1.
	LastRate() float64

	// MarshalBinary encodes the optimizer's state (not its settings).
	encoding.BinaryMarshaler
	// UnmarshalBinary restores a state encoded by MarshalBinary of an
	// optimizer of the same type.
	encoding.BinaryUnmarshaler
}

// RangeStepper is an Optimizer whose step can be applied to disjoint
// ranges of the parameter vector separately, in parallel, each range as
// soon as its part of the gradient is ready (while it is still in the
// cache). BeginStep, then StepRange over ranges that cover [0, n) once
// each, then EndStep give exactly the result of Step: every update rule
// here is elementwise.
type RangeStepper interface {
	Optimizer
	// BeginStep starts a step over n parameters: it allocates the state
	// on the first step and fixes the learning rate (LastRate reports it
	// from now on).
	BeginStep(n int)
	// StepRange updates params[lo:hi] from grad[lo:hi]. Calls on disjoint
	// ranges may run concurrently.
	StepRange(params, grad []float64, lo, hi int)
	// EndStep completes the step (Steps counts it).
	EndStep()
}

var (
	_ RangeStepper = (*SGD)(nil)
	_ RangeStepper = (*Adam)(nil)
)

// Default learning rates, used when an optimizer's LR is nil.
const (
	DefaultSGDRate  = 0.01
	DefaultAdamRate = 0.001
)

// SGD is stochastic gradient descent with optional (Nesterov) momentum.
// With momentum μ > 0 it keeps a velocity buffer b and, at step t with
// learning rate η_t = LR.Rate(t),
//
//	b ← μ b + g
//	θ ← θ - η_t b                 (classical momentum)
//	θ ← θ - η_t (g + μ b)         (Nesterov)
//
// the formulation of PyTorch's SGD, in which the buffer does not depend on
// the learning rate so that schedules act on the step directly. With μ = 0
// it is plain gradient descent θ ← θ - η_t g.
//
// The zero value is plain SGD with learning rate DefaultSGDRate. Momentum
// is not turned on by default: for restricted Boltzmann machines Hinton
// (2010, "A practical guide to training RBMs") recommends 0.5 at the start
// of training and 0.9 later.
type SGD struct {
	// LR is the learning-rate schedule; nil means Constant(DefaultSGDRate).
	LR Schedule
	// Momentum μ in [0, 1); 0 (the default) means no momentum.
	Momentum float64
	// Nesterov selects Nesterov's accelerated gradient; it needs
	// Momentum > 0 to make a difference.
	Nesterov bool

	step int
	rate float64
	buf  []float64
}

// Steps is the number of steps taken.
func (s *SGD) Steps() int { return s.step }

// LastRate is the learning rate of the most recent step (0 before the
// first).
func (s *SGD) LastRate() float64 { return s.rate }

// Step updates params from grad; see the type's documentation.
func (s *SGD) Step(params, grad []float64) {
	checkStep("SGD", params, grad)
	s.BeginStep(len(params))
	chunks(len(params), func(lo, hi int) { s.StepRange(params, grad, lo, hi) })
	s.EndStep()
}

// BeginStep starts a step over n parameters (see RangeStepper).
func (s *SGD) BeginStep(n int) {
	mu := s.Momentum
	if mu < 0 || mu >= 1 || math.IsNaN(mu) {
		panic(fmt.Sprintf("optim: SGD.Momentum = %v outside [0, 1)", mu))
	}
	if mu != 0 {
		s.buf = ensure(s.buf, n, "SGD")
	}
	s.rate = rate(s.LR, DefaultSGDRate, s.step)
}

// StepRange updates params[lo:hi] (see RangeStepper).
func (s *SGD) StepRange(params, grad []float64, lo, hi int) {
	eta, mu := s.rate, s.Momentum
	if mu == 0 {
		p := params[lo:hi]
		for i, g := range grad[lo:hi] {
			p[i] -= eta * g
		}
		return
	}
	buf, nesterov := s.buf, s.Nesterov
	for i, g := range grad[lo:hi] {
		b := mu*buf[lo+i] + g
		buf[lo+i] = b
		if nesterov {
			params[lo+i] -= eta * (g + mu*b)
		} else {
			params[lo+i] -= eta * b
		}
	}
}

// EndStep completes the step (see RangeStepper).
func (s *SGD) EndStep() { s.step++ }

// MarshalBinary encodes the step count, last rate and velocity buffer.
func (s *SGD) MarshalBinary() ([]byte, error) {
	return encodeState("sgd", s.step, s.rate, s.buf), nil
}

// UnmarshalBinary restores a state encoded by (*SGD).MarshalBinary.
func (s *SGD) UnmarshalBinary(data []byte) error {
	st, err := decodeState(data, "sgd", 1)
	if err != nil {
		return err
	}
	s.step, s.rate, s.buf = st.step, st.rate, st.vecs[0]
	return nil
}

// Adam is the Adam optimizer (Kingma & Ba 2015). At step t = 1, 2, … with
// gradient g and learning rate η = LR.Rate(t-1),
//
//	m ← β1 m + (1-β1) g,         v ← β2 v + (1-β2) g²
//	m̂ = m / (1-β1^t),            v̂ = v / (1-β2^t)
//	θ ← θ - η m̂ / (√v̂ + ε)
//
// elementwise. The bias corrections make the first step θ ← θ - η g/(|g|+ε),
// a move of about η against the sign of each gradient component.
//
// Zero fields take the defaults of the paper: Beta1 = 0.9, Beta2 = 0.999,
// Eps = 1e-8, and LR = Constant(DefaultAdamRate). (A β of exactly 0 can
// therefore not be requested.)
type Adam struct {
	// LR is the learning-rate schedule; nil means Constant(DefaultAdamRate).
	LR Schedule
	// Beta1 and Beta2 are the decay rates of the first and second moment
	// estimates, in (0, 1).
	Beta1, Beta2 float64
	// Eps keeps the update finite where v̂ = 0.
	Eps float64

	step int
	rate float64
	m, v []float64
}

// Steps is the number of steps taken.
func (a *Adam) Steps() int { return a.step }

// LastRate is the learning rate η of the most recent step (0 before the
// first); the actual move of each parameter is about η times the ratio
// m̂/√v̂.
func (a *Adam) LastRate() float64 { return a.rate }

func (a *Adam) settings() (b1, b2, eps float64) {
	b1, b2, eps = a.Beta1, a.Beta2, a.Eps
	if b1 == 0 {
		b1 = 0.9
	}
	if b2 == 0 {
		b2 = 0.999
	}
	if eps == 0 {
		eps = 1e-8
	}
	if !(b1 > 0 && b1 < 1) || !(b2 > 0 && b2 < 1) || !(eps > 0) {
		panic(fmt.Sprintf("optim: Adam settings Beta1 = %v, Beta2 = %v, Eps = %v: need betas in [0, 1) and Eps >= 0", a.Beta1, a.Beta2, a.Eps))
	}
	return b1, b2, eps
}

// Step updates params from grad; see the type's documentation.
func (a *Adam) Step(params, grad []float64) {
	checkStep("Adam", params, grad)
	a.BeginStep(len(params))
	chunks(len(params), func(lo, hi int) { a.StepRange(params, grad, lo, hi) })
	a.EndStep()
}

// BeginStep starts a step over n parameters (see RangeStepper).
func (a *Adam) BeginStep(n int) {
	a.settings() // validates
	a.m = ensure(a.m, n, "Adam")
	a.v = ensure(a.v, n, "Adam")
	a.rate = rate(a.LR, DefaultAdamRate, a.step)
}

// StepRange updates params[lo:hi] (see RangeStepper).
func (a *Adam) StepRange(params, grad []float64, lo, hi int) {
	b1, b2, eps := a.settings()
	eta := a.rate
	t := float64(a.step + 1)
	c1 := 1 - math.Pow(b1, t)
	c2 := 1 - math.Pow(b2, t)
	am, av := a.m, a.v
	for i, g := range grad[lo:hi] {
		k := lo + i
		m := b1*am[k] + (1-b1)*g
		v := b2*av[k] + (1-b2)*g*g
		am[k], av[k] = m, v
		params[k] -= eta * (m / c1) / (math.Sqrt(v/c2) + eps)
	}
}

// EndStep completes the step (see RangeStepper).
func (a *Adam) EndStep() { a.step++ }

// MarshalBinary encodes the step count, last rate and moment estimates.
func (a *Adam) MarshalBinary() ([]byte, error) {
	return encodeState("adam", a.step, a.rate, a.m, a.v), nil
}

// UnmarshalBinary restores a state encoded by (*Adam).MarshalBinary.
func (a *Adam) UnmarshalBinary(data []byte) error {
	st, err := decodeState(data, "adam", 2)
	if err != nil {
		return err
	}
	if (st.vecs[0] == nil) != (st.vecs[1] == nil) || len(st.vecs[0]) != len(st.vecs[1]) {
		return errors.New("optim: Adam state has moment vectors of different lengths")
	}
	a.step, a.rate, a.m, a.v = st.step, st.rate, st.vecs[0], st.vecs[1]
	return nil
}

func checkStep(name string, params, grad []float64) {
	if len(params) != len(grad) {
		panic(fmt.Sprintf("optim: %s.Step: %d parameters but %d gradient components", name, len(params), len(grad)))
	}
}

// rate returns the learning rate of schedule s (or the default) at step.
func rate(s Schedule, def float64, step int) float64 {
	if s == nil {
		return def
	}
	eta := s.Rate(step)
	if !(eta >= 0) || math.IsInf(eta, 0) {
		panic(fmt.Sprintf("optim: learning rate %v at step %d is negative or not finite", eta, step))
	}
	return eta
}

// ensure returns buf, allocated with n zeros if it is nil, and panics if its
// length is not n.
func ensure(buf []float64, n int, name string) []float64 {
	if buf == nil {
		return make([]float64, n)
	}
	if len(buf) != n {
		panic(fmt.Sprintf("optim: %s.Step: %d parameters, but the optimizer state is for %d", name, n, len(buf)))
	}
	return buf
}

// State encoding, little-endian:
//
//	magic "optim" | kind length (1 byte) | kind | version (1 byte)
//	step (uint64) | last rate (float64 bits) | number of vectors (1 byte)
//	for each vector: present (1 byte) | length (uint64) | values (float64 bits)
const (
	stateMagic   = "optim"
	stateVersion = 1
)

type state struct {
	step int
	rate float64
	vecs [][]float64
}

func encodeState(kind string, step int, rate float64, vecs ...[]float64) []byte {
	buf := append([]byte(stateMagic), byte(len(kind)))
	buf = append(buf, kind...)
	buf = append(buf, stateVersion)
	buf = binary.LittleEndian.AppendUint64(buf, uint64(step))
	buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(rate))
	buf = append(buf, byte(len(vecs)))
	for _, v := range vecs {
		if v == nil {
			buf = append(buf, 0)
			continue
		}
		buf = append(buf, 1)
		buf = binary.LittleEndian.AppendUint64(buf, uint64(len(v)))
		for _, x := range v {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(x))
		}
	}
	return buf
}

var errTruncated = errors.New("optim: optimizer state is truncated")

func decodeState(data []byte, kind string, nvecs int) (state, error) {
	var st state
	head := stateMagic + string([]byte{byte(len(kind))}) + kind
	if len(data) < len(head)+1 || string(data[:len(stateMagic)]) != stateMagic {
		return st, errors.New("optim: not an optimizer state")
	}
	if string(data[:len(head)]) != head {
		n := int(data[len(stateMagic)])
		got := "?"
		if len(data) >= len(stateMagic)+1+n {
			got = string(data[len(stateMagic)+1 : len(stateMagic)+1+n])
		}
		return st, fmt.Errorf("optim: optimizer state is for %q, not %q", got, kind)
	}
	data = data[len(head):]
	if data[0] != stateVersion {
		return st, fmt.Errorf("optim: unknown optimizer state version %d", data[0])
	}
	data = data[1:]
	if len(data) < 17 {
		return st, errTruncated
	}
	st.step = int(binary.LittleEndian.Uint64(data))
	st.rate = math.Float64frombits(binary.LittleEndian.Uint64(data[8:]))
	if st.step < 0 {
		return st, errors.New("optim: optimizer state has a negative step count")
	}
	if int(data[16]) != nvecs {
		return st, fmt.Errorf("optim: optimizer state has %d vectors, want %d", data[16], nvecs)
	}
	data = data[17:]
	st.vecs = make([][]float64, nvecs)
	for k := range nvecs {
		if len(data) < 1 {
			return st, errTruncated
		}
		present := data[0]
		data = data[1:]
		if present == 0 {
			continue
		}
		if present != 1 {
			return st, errors.New("optim: optimizer state is corrupt")
		}
		if len(data) < 8 {
			return st, errTruncated
		}
		n := binary.LittleEndian.Uint64(data)
		data = data[8:]
		if n > uint64(len(data)/8) {
			return st, errTruncated
		}
		v := make([]float64, n)
		for i := range v {
			v[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
		}
		data = data[8*n:]
		st.vecs[k] = v
	}
	if len(data) != 0 {
		return st, fmt.Errorf("optim: %d unexpected bytes after the optimizer state", len(data))
	}
	return st, nil
}
