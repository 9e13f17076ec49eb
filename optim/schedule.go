package optim

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Schedule gives the learning rate η_t of optimizer step t = 0, 1, 2, …
// (t is the number of steps already taken).
type Schedule interface {
	Rate(step int) float64
}

var (
	_ Schedule = Constant(0)
	_ Schedule = ExponentialDecay{}
	_ Schedule = LinearDecay{}
	_ Schedule = StepDecay{}
	_ Schedule = InverseTime{}
)

// Constant is a fixed learning rate.
type Constant float64

// Rate returns c.
func (c Constant) Rate(int) float64 { return float64(c) }

func (c Constant) String() string { return fmt.Sprintf("constant %g", float64(c)) }

// ExponentialDecay multiplies the rate smoothly by Decay every Every steps:
//
//	η_t = Initial · Decay^(t/Every).
//
// Every <= 1 means per step; set it to the number of steps per epoch for a
// decay factor per epoch.
type ExponentialDecay struct {
	Initial, Decay float64
	Every          int
}

// Rate returns η_step.
func (e ExponentialDecay) Rate(step int) float64 {
	return e.Initial * math.Pow(e.Decay, float64(step)/float64(max(e.Every, 1)))
}

func (e ExponentialDecay) String() string {
	return fmt.Sprintf("exponential %g × %g per %d steps", e.Initial, e.Decay, max(e.Every, 1))
}

// StepDecay multiplies the rate by Factor after every Every steps (a
// staircase):
//
//	η_t = Initial · Factor^⌊t/Every⌋.
//
// Every <= 1 means every step.
type StepDecay struct {
	Initial, Factor float64
	Every           int
}

// Rate returns η_step.
func (s StepDecay) Rate(step int) float64 {
	return s.Initial * math.Pow(s.Factor, float64(step/max(s.Every, 1)))
}

func (s StepDecay) String() string {
	return fmt.Sprintf("step %g × %g every %d steps", s.Initial, s.Factor, max(s.Every, 1))
}

// LinearDecay goes linearly from Initial at step 0 to Final at step Steps,
// and stays at Final afterwards:
//
//	η_t = Initial + (Final - Initial) · min(t/Steps, 1).
type LinearDecay struct {
	Initial, Final float64
	Steps          int
}

// Rate returns η_step.
func (l LinearDecay) Rate(step int) float64 {
	if step >= l.Steps {
		return l.Final
	}
	f := float64(step) / float64(l.Steps)
	return l.Initial + (l.Final-l.Initial)*f
}

func (l LinearDecay) String() string {
	return fmt.Sprintf("linear %g → %g over %d steps", l.Initial, l.Final, l.Steps)
}

// InverseTime decays the rate as 1/t, which satisfies the Robbins-Monro
// conditions Σ η_t = ∞, Σ η_t² < ∞ for stochastic approximation:
//
//	η_t = Initial / (1 + Decay · t/Every).
//
// Every <= 1 means per step.
type InverseTime struct {
	Initial, Decay float64
	Every          int
}

// Rate returns η_step.
func (s InverseTime) Rate(step int) float64 {
	return s.Initial / (1 + s.Decay*float64(step)/float64(max(s.Every, 1)))
}

func (s InverseTime) String() string {
	return fmt.Sprintf("inverse-time %g / (1 + %g t) per %d steps", s.Initial, s.Decay, max(s.Every, 1))
}

// ScheduleHelp describes the forms ParseSchedule accepts, for a command's
// flag documentation.
const ScheduleHelp = `learning-rate schedule, from the initial rate:
  constant      fixed rate (default)
  exp:D         multiply smoothly by D per epoch (0 < D <= 1), e.g. exp:0.98
  step:F[:K]    multiply by F every K epochs (default 1), e.g. step:0.5:10
  linear:R      decrease linearly to rate R at the end of training, e.g. linear:1e-4
  inv:D         rate / (1 + D·epoch), e.g. inv:0.1`

// ParseSchedule builds a Schedule from a command-line description (see
// ScheduleHelp): "constant" (or ""), "exp:D", "step:F", "step:F:K",
// "linear:R" or "inv:D". Decays are per epoch: initial is the rate at step
// 0, stepsPerEpoch the number of optimizer steps per epoch, and totalSteps
// the number of steps of the whole run (used by "linear"). Values are
// validated: decay factors must be in (0, 1], rates positive.
func ParseSchedule(s string, initial float64, stepsPerEpoch, totalSteps int) (Schedule, error) {
	fail := func(format string, a ...any) (Schedule, error) {
		return nil, fmt.Errorf("optim: schedule %q: %s", s, fmt.Sprintf(format, a...))
	}
	if !(initial > 0) || math.IsInf(initial, 0) {
		return fail("initial learning rate %v must be positive", initial)
	}
	if stepsPerEpoch < 1 {
		return fail("need at least one step per epoch, got %d", stepsPerEpoch)
	}
	name, args, _ := strings.Cut(strings.TrimSpace(s), ":")
	var vals []float64
	if args != "" {
		for _, a := range strings.Split(args, ":") {
			v, err := strconv.ParseFloat(strings.TrimSpace(a), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return fail("%q is not a number", a)
			}
			vals = append(vals, v)
		}
	}
	nargs := func(lo, hi int) error {
		if len(vals) < lo || len(vals) > hi {
			if lo == hi {
				return fmt.Errorf("optim: schedule %q: %s takes %d value(s), got %d", s, name, lo, len(vals))
			}
			return fmt.Errorf("optim: schedule %q: %s takes %d to %d values, got %d", s, name, lo, hi, len(vals))
		}
		return nil
	}
	factor := func(v float64) bool { return v > 0 && v <= 1 }
	switch strings.ToLower(name) {
	case "", "constant", "const":
		if err := nargs(0, 0); err != nil {
			return nil, err
		}
		return Constant(initial), nil
	case "exp", "exponential":
		if err := nargs(1, 1); err != nil {
			return nil, err
		}
		if !factor(vals[0]) {
			return fail("decay factor %g must be in (0, 1]", vals[0])
		}
		return ExponentialDecay{Initial: initial, Decay: vals[0], Every: stepsPerEpoch}, nil
	case "step":
		if err := nargs(1, 2); err != nil {
			return nil, err
		}
		if !factor(vals[0]) {
			return fail("factor %g must be in (0, 1]", vals[0])
		}
		k := 1.0
		if len(vals) == 2 {
			k = vals[1]
		}
		if k < 1 || k != math.Trunc(k) || k > 1e9 {
			return fail("epochs between decays %g must be a positive integer", k)
		}
		return StepDecay{Initial: initial, Factor: vals[0], Every: int(k) * stepsPerEpoch}, nil
	case "linear":
		if err := nargs(1, 1); err != nil {
			return nil, err
		}
		if vals[0] < 0 {
			return fail("final rate %g must not be negative", vals[0])
		}
		if totalSteps < 1 {
			return fail("needs the total number of steps, got %d", totalSteps)
		}
		return LinearDecay{Initial: initial, Final: vals[0], Steps: totalSteps}, nil
	case "inv", "inverse":
		if err := nargs(1, 1); err != nil {
			return nil, err
		}
		if vals[0] < 0 {
			return fail("decay %g must not be negative", vals[0])
		}
		return InverseTime{Initial: initial, Decay: vals[0], Every: stepsPerEpoch}, nil
	}
	return fail("unknown schedule %q; want constant, exp:D, step:F[:K], linear:R or inv:D", name)
}
