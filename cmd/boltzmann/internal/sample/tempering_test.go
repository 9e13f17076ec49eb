package sample

import (
	"strings"
	"testing"
)

// TestTemperingFlags: --sampler pt with its tuning flags is parsed;
// wrong values and combinations are refused with exit code 2 before
// anything runs.
func TestTemperingFlags(t *testing.T) {
	o, code, msg := parse(t, "run", "--out", "s.npy", "--sampler", "pt", "--replicas", "4", "--swap-acceptance", "0.4")
	want := TemperingFlags{Sampler: "pt", Replicas: 4, SwapAcceptance: 0.4}
	if code != 0 || o.Tempering != want {
		t.Fatalf("exit %d %s, %+v; want %+v", code, msg, o.Tempering, want)
	}
	if pt, err := o.Tempering.sampler(100); err != nil || pt == nil || pt.Settings().Adapt != 100 || pt.Settings().Replicas != 4 {
		t.Errorf("sampler %+v, %v; want 4 replicas adapting during the 100 transitions of burn-in", pt.Settings(), err)
	}
	if o, _, _ := parse(t, "run", "--out", "s.npy", "--sampler", "gibbs"); o == nil || o.Tempering.Sampler != "gibbs" {
		t.Error("--sampler gibbs refused")
	}
	if o, _, msg := parse(t, "run", "--out", "s.npy", "--sampler", "trajectory", "--swap-acceptance", "0.4"); o == nil ||
		o.Tempering != (TemperingFlags{Sampler: "trajectory", SwapAcceptance: 0.4}) {
		t.Errorf("--sampler trajectory --swap-acceptance 0.4 refused: %s", msg)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--sampler", "hmc"}, "unknown --sampler"},
		{[]string{"--replicas", "3"}, "add --sampler pt"},
		{[]string{"--sampler", "pt", "--replicas", "200"}, "--replicas must be from 2"},
		{[]string{"--sampler", "pt", "--swap-acceptance", "-0.1"}, "--swap-acceptance must be between"},
		{[]string{"--sampler", "pt", "--anneal-from", "3"}, "choose one"},
		{[]string{"--sampler", "trajectory", "--replicas", "4"}, "drop --replicas"},
		{[]string{"--sampler", "trajectory", "--label", "1"}, "does not combine"},
		{[]string{"--sampler", "trajectory", "--swap-acceptance", "1.5"}, "--swap-acceptance must be between"},
	} {
		args := append([]string{"run", "--out", "s.npy"}, c.args...)
		if o, code, msg := parse(t, args...); o != nil || code != 2 || !strings.Contains(msg, c.want) {
			t.Errorf("%v: called %v, exit %d, %q; want exit 2 and %q", c.args, o != nil, code, msg, c.want)
		}
	}
}
