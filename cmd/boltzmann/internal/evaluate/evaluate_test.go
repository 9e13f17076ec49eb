package evaluate

import (
	"reflect"
	"strings"
	"testing"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
)

func parse(t *testing.T, args ...string) (*Options, int, string) {
	t.Helper()
	var got *Options
	code, msg := cmdutil.Execute(NewCmdEvaluate(&cmdutil.Factory{}, func(o *Options) error { got = o; return nil }), args...)
	if got != nil {
		got.IO = nil
	}
	return got, code, msg
}

func TestFlags(t *testing.T) {
	aisDefaults := AISFlags{Runs: 100, Schedule: "sm", Seed: 1, WarnMargin: 1}
	trajDefaults := TrajectoryFlags{Chains: 200, BurnIn: 200, Steps: 1000, SwapAcceptance: 0.3}
	want := Options{Run: "run", Data: "x.npy", LogZ: "auto", AIS: aisDefaults, Trajectory: trajDefaults, DataFlags: cmdutil.DataFlags{N: 1000}}
	if o, code, msg := parse(t, "run", "x.npy"); code != 0 || !reflect.DeepEqual(*o, want) {
		t.Errorf("defaults: exit %d %s, %+v", code, msg, o)
	}
	want = Options{Run: "run", Data: "x.npy", LogZ: "reverse-ais", JSON: true, DataSeedSet: true,
		AIS:        AISFlags{Runs: 8, Steps: 50, Schedule: "linear", Seed: 3, WarnMargin: 0.5, Float64: true},
		Trajectory: trajDefaults, DataFlags: cmdutil.DataFlags{DataSeed: 2, N: 1000}}
	o, _, _ := parse(t, "run", "x.npy", "--logz", "reverse-ais", "--json", "--ais-runs", "8", "--ais-steps", "50",
		"--ais-schedule", "linear", "--ais-seed", "3", "--ais-warn-margin", "0.5", "--ais-float64", "--data-seed", "2")
	if !reflect.DeepEqual(*o, want) {
		t.Errorf("flags: %+v, want %+v", *o, want)
	}
	want = Options{Run: "run", Data: "x.npy", LogZ: "trajectory", AIS: aisDefaults, DataFlags: cmdutil.DataFlags{N: 1000},
		Trajectory: TrajectoryFlags{Chains: 50, BurnIn: 10, Steps: 20, SwapAcceptance: 0.5, Set: true}}
	o, _, _ = parse(t, "run", "x.npy", "--logz", "trajectory", "--trajectory-chains", "50", "--trajectory-burn-in", "10",
		"--trajectory-steps", "20", "--swap-acceptance", "0.5")
	if o == nil || !reflect.DeepEqual(*o, want) {
		t.Errorf("trajectory flags: %+v, want %+v", o, want)
	}
	// Invalid AIS flags are refused even where --logz does not need them
	// (never ignored).
	if _, code, msg := parse(t, "run", "x.npy", "--logz", "exact", "--ais-runs", "0"); code != 2 || !strings.Contains(msg, "--ais-runs") {
		t.Errorf("--logz exact with --ais-runs 0: exit %d, %s", code, msg)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "x.npy", "--logz", "magic"}, "unknown --logz"},
		{[]string{"run", "x.npy", "--logz", "ais", "--ais-runs", "0"}, "--ais-runs must be at least 1"},
		{[]string{"run", "x.npy", "--logz", "ais", "--ais-steps", "2"}, "--ais-steps must be at least 3"},
		{[]string{"run", "x.npy", "--logz", "reverse-ais", "--ais-schedule", "cubic"}, "unknown --ais-schedule"},
		{[]string{"run", "x.npy", "--ais-warn-margin", "wide"}, "invalid argument"},
		{[]string{"run"}, "accepts 2 arg"},
		{[]string{"run", "x.npy", "--logz", "trajectory", "--trajectory-chains", "1"}, "--trajectory-chains must be at least 2"},
		{[]string{"run", "x.npy", "--logz", "trajectory", "--trajectory-steps", "0"}, "--trajectory-steps at least 1"},
		{[]string{"run", "x.npy", "--logz", "trajectory", "--swap-acceptance", "1"}, "--swap-acceptance must be between 0 and 1"},
		{[]string{"run", "x.npy", "--logz", "trajectory", "--ais-runs", "0"}, "--ais-runs must be at least 1"},
		{[]string{"run", "x.npy", "--trajectory-steps", "10"}, "tune --logz trajectory"},
		{[]string{"run", "x.npy", "--logz", "ais", "--swap-acceptance", "0.4"}, "tune --logz trajectory"},
	} {
		if o, code, msg := parse(t, c.args...); o != nil || code != 2 || !strings.Contains(msg, c.want) {
			t.Errorf("%v: called %v, exit %d, %q; want exit 2 and %q", c.args, o != nil, code, msg, c.want)
		}
	}
}
