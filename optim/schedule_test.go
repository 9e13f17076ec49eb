package optim

import (
	"math"
	"strings"
	"testing"
)

func TestSchedules(t *testing.T) {
	cases := []struct {
		s    Schedule
		step int
		want float64
	}{
		{Constant(0.3), 1000, 0.3},
		{ExponentialDecay{Initial: 1, Decay: 0.5, Every: 10}, 0, 1},
		{ExponentialDecay{Initial: 1, Decay: 0.5, Every: 10}, 5, math.Sqrt(0.5)},
		{ExponentialDecay{Initial: 1, Decay: 0.5, Every: 10}, 20, 0.25},
		{ExponentialDecay{Initial: 1, Decay: 0.5}, 2, 0.25},
		{StepDecay{Initial: 1, Factor: 0.5, Every: 10}, 9, 1},
		{StepDecay{Initial: 1, Factor: 0.5, Every: 10}, 10, 0.5},
		{StepDecay{Initial: 1, Factor: 0.5, Every: 10}, 29, 0.25},
		{LinearDecay{Initial: 1, Final: 0.2, Steps: 8}, 0, 1},
		{LinearDecay{Initial: 1, Final: 0.2, Steps: 8}, 2, 0.8},
		{LinearDecay{Initial: 1, Final: 0.2, Steps: 8}, 8, 0.2},
		{LinearDecay{Initial: 1, Final: 0.2, Steps: 8}, 100, 0.2},
		{InverseTime{Initial: 1, Decay: 0.5, Every: 4}, 8, 0.5},
		{InverseTime{Initial: 1, Decay: 1}, 3, 0.25},
	}
	for _, c := range cases {
		if got := c.s.Rate(c.step); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%v.Rate(%d) = %.17g, want %g", c.s, c.step, got, c.want)
		}
	}
}

func TestParseSchedule(t *testing.T) {
	const lr, perEpoch, total = 0.1, 10, 500
	good := []struct {
		spec string
		want Schedule
	}{
		{"", Constant(lr)},
		{"constant", Constant(lr)},
		{"exp:0.98", ExponentialDecay{Initial: lr, Decay: 0.98, Every: perEpoch}},
		{"step:0.5", StepDecay{Initial: lr, Factor: 0.5, Every: perEpoch}},
		{"step:0.5:3", StepDecay{Initial: lr, Factor: 0.5, Every: 3 * perEpoch}},
		{"linear:1e-4", LinearDecay{Initial: lr, Final: 1e-4, Steps: total}},
		{" inv:0.1 ", InverseTime{Initial: lr, Decay: 0.1, Every: perEpoch}},
	}
	for _, c := range good {
		got, err := ParseSchedule(c.spec, lr, perEpoch, total)
		if err != nil || got != c.want {
			t.Errorf("ParseSchedule(%q) = %#v, %v; want %#v", c.spec, got, err, c.want)
		}
	}
	bad := []struct{ spec, want string }{
		{"cosine", `unknown schedule "cosine"`},
		{"exp", "exp takes 1 value(s), got 0"},
		{"exp:1.5", "decay factor 1.5 must be in (0, 1]"},
		{"exp:abc", `"abc" is not a number`},
		{"step:0.5:0", "must be a positive integer"},
		{"step:0.5:1:2", "step takes 1 to 2 values, got 3"},
		{"linear:-1", "must not be negative"},
		{"constant:3", "constant takes 0 value(s)"},
	}
	for _, c := range bad {
		_, err := ParseSchedule(c.spec, lr, perEpoch, total)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "optim: schedule") {
			t.Errorf("ParseSchedule(%q) error = %v, want it to contain %q", c.spec, err, c.want)
		}
	}
	if _, err := ParseSchedule("constant", 0, perEpoch, total); err == nil {
		t.Error("zero initial rate accepted")
	}
	if _, err := ParseSchedule("linear:0", lr, perEpoch, 0); err == nil {
		t.Error("linear without total steps accepted")
	}
}
