package train

import (
	"strings"
	"testing"

	"boltzmann/runs"
)

// TestNegativeFlags: the defaults record no sampler and no centering (the
// run of earlier releases); --sampler pt records the ladder's defaults or
// the given --replicas and --swap-acceptance; wrong values are refused
// with exit code 2 before anything runs.
func TestNegativeFlags(t *testing.T) {
	o, code, msg := parse(t, "x.npy", "--model", "rbm", "--out", "run")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	if tc, err := o.trainConfig(); err != nil || tc.Sampler != "" || tc.Replicas != 0 || tc.Centering {
		t.Errorf("defaults: %+v, %v", tc, err)
	}
	o, code, _ = parse(t, "x.npy", "--model", "rbm", "--out", "run", "--sampler", "pt")
	if tc, err := o.trainConfig(); code != 0 || err != nil || tc.Sampler != runs.SamplerPT || tc.Replicas != 8 || tc.SwapAcceptance != 0.3 {
		t.Errorf("--sampler pt: %+v, %v", tc, err)
	}
	o, code, _ = parse(t, "x.npy", "--model", "rbm", "--out", "run", "--sampler", "pt", "--replicas", "4",
		"--swap-acceptance", "0.5", "--centering")
	want := NegativeFlags{Sampler: "pt", Replicas: 4, SwapAcceptance: 0.5, Centering: true}
	if code != 0 || o.Negative != want {
		t.Errorf("flags: %+v, want %+v", o.Negative, want)
	}
	if tc, err := o.trainConfig(); err != nil || tc.Replicas != 4 || tc.SwapAcceptance != 0.5 || !tc.Centering {
		t.Errorf("recorded: %+v, %v", tc, err)
	}
	o, code, _ = parse(t, "x.npy", "--model", "rbm", "--out", "run", "--sampler", "trajectory", "--replicas", "5")
	if tc, err := o.trainConfig(); code != 0 || err != nil || tc.Sampler != runs.SamplerTrajectory || tc.Replicas != 5 || tc.SwapAcceptance != 0.3 {
		t.Errorf("--sampler trajectory: %+v, %v", tc, err)
	}
	o, code, _ = parse(t, "x.npy", "--model", "rbm", "--out", "run", "--save-trajectory", "5")
	if tc, err := o.trainConfig(); code != 0 || err != nil || tc.SaveTrajectory != 5 {
		t.Errorf("--save-trajectory 5: %+v, %v", tc, err)
	}
	for _, bad := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--sampler", "hmc"}, "unknown --sampler"},
		{[]string{"--replicas", "4"}, "tune --sampler pt or trajectory"},
		{[]string{"--sampler", "pt", "--replicas", "1"}, "--replicas must be from 2"},
		{[]string{"--sampler", "pt", "--swap-acceptance", "1"}, "--swap-acceptance must be between"},
		{[]string{"--sampler", "pt", "--method", "cd"}, "use --method pcd"},
		{[]string{"--centering", "--model", "ising"}, "--centering applies to --model rbm"},
		{[]string{"--save-trajectory", "-1"}, "--save-trajectory must be"},
		{[]string{"--sampler", "trajectory", "--replicas", "2"}, "--replicas of at least 3"},
		{[]string{"--sampler", "trajectory", "--method", "cd"}, "use --method pcd"},
	} {
		args := append([]string{"x.npy", "--model", "rbm", "--out", "run"}, bad.args...)
		if _, code, msg := parse(t, args...); code != 2 || !strings.Contains(msg, bad.msg) || strings.Contains(msg, "\n") {
			t.Errorf("%v: exit %d, %q; want 2 and one line with %q", bad.args, code, msg, bad.msg)
		}
	}
}
