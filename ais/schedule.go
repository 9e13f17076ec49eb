package ais

import (
	"fmt"
	"math"
)

// Schedule is the sequence of inverse temperatures 0 = β_0 < β_1 < … < β_K = 1
// of an annealing run; K = len(s)-1 is the number of steps.
type Schedule []float64

// Steps returns the number of steps K.
func (s Schedule) Steps() int { return len(s) - 1 }

// Valid returns nil when s starts at 0, ends at 1, has at least one step and
// is strictly increasing.
func (s Schedule) Valid() error {
	if len(s) < 2 {
		return fmt.Errorf("ais: schedule needs at least one step, has %d points", len(s))
	}
	if s[0] != 0 || s[len(s)-1] != 1 {
		return fmt.Errorf("ais: schedule must run from 0 to 1, runs from %g to %g", s[0], s[len(s)-1])
	}
	for k := 1; k < len(s); k++ {
		if !(s[k] > s[k-1]) {
			return fmt.Errorf("ais: schedule is not increasing at step %d (%g after %g)", k, s[k], s[k-1])
		}
	}
	return nil
}

// DefaultSteps is the number of steps of the Salakhutdinov & Murray schedule.
const DefaultSteps = 14500

// Linear returns n evenly spaced steps from 0 to 1.
func Linear(n int) Schedule {
	checkSteps("Linear", n, 1)
	s := make(Schedule, n+1)
	for k := range s {
		s[k] = float64(k) / float64(n)
	}
	s[n] = 1
	return s
}

// Geometric returns n steps: β_0 = 0, then n values spaced geometrically
// from 10⁻⁴ to 1 (dense near 0, where a log-linear path changes fastest for
// models with strong couplings).
func Geometric(n int) Schedule {
	checkSteps("Geometric", n, 2)
	s := make(Schedule, n+1)
	for k := 1; k <= n; k++ {
		s[k] = math.Pow(10, -4*float64(n-k)/float64(n-1))
	}
	s[n] = 1
	return s
}

// SalakhutdinovMurray returns the schedule of Salakhutdinov & Murray (2008)
// scaled to n steps: the fractions 500/14500 of the steps evenly spaced on
// [0, 0.5], 4000/14500 on [0.5, 0.9] and 10000/14500 on [0.9, 1]. With
// n = DefaultSteps (14,500) it is their schedule exactly: spacings 10⁻³,
// 10⁻⁴ and 10⁻⁵.
func SalakhutdinovMurray(n int) Schedule {
	checkSteps("SalakhutdinovMurray", n, 3)
	n1 := max(1, int(math.Round(float64(n)*500/DefaultSteps)))
	n2 := max(1, int(math.Round(float64(n)*4000/DefaultSteps)))
	n3 := n - n1 - n2
	if n3 < 1 {
		n1, n2, n3 = 1, 1, n-2
	}
	s := make(Schedule, 0, n+1)
	seg := func(lo, hi float64, m int) {
		for k := range m {
			s = append(s, lo+(hi-lo)*float64(k)/float64(m))
		}
	}
	seg(0, 0.5, n1)
	seg(0.5, 0.9, n2)
	seg(0.9, 1, n3)
	return append(s, 1)
}

// ScheduleNames lists the names ParseSchedule accepts.
const ScheduleNames = "sm, linear or geometric"

// ParseSchedule returns the named schedule with n steps (n = 0 means
// DefaultSteps): "sm" (SalakhutdinovMurray), "linear" or "geometric".
func ParseSchedule(name string, n int) (Schedule, error) {
	if n == 0 {
		n = DefaultSteps
	}
	if n < 3 {
		return nil, fmt.Errorf("ais: need at least 3 annealing steps, got %d", n)
	}
	switch name {
	case "sm", "":
		return SalakhutdinovMurray(n), nil
	case "linear":
		return Linear(n), nil
	case "geometric":
		return Geometric(n), nil
	}
	return nil, fmt.Errorf("ais: unknown schedule %q (use %s)", name, ScheduleNames)
}

func checkSteps(name string, n, least int) {
	if n < least {
		panic(fmt.Sprintf("ais: %s(%d): need at least %d steps", name, n, least))
	}
}
