package denoise

import (
	"reflect"
	"strings"
	"testing"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
)

func parse(t *testing.T, args ...string) (*Options, int, string) {
	t.Helper()
	var got *Options
	code, msg := cmdutil.Execute(NewCmdDenoise(&cmdutil.Factory{}, func(o *Options) error { got = o; return nil }), args...)
	if got != nil {
		got.IO = nil
	}
	return got, code, msg
}

func TestFlags(t *testing.T) {
	infer := cmdutil.InferFlags{BurnIn: 50, Sweeps: 200, Replicas: 10, Seed: 1, Output: "mean"}
	want := Options{Run: "run", Data: "x.npy", Out: "o.npy", FlipRate: 0.1, Infer: infer, DataFlags: cmdutil.DataFlags{N: 1000}}
	if o, code, msg := parse(t, "run", "x.npy", "--out", "o.npy", "--flip-rate", "0.1"); code != 0 || !reflect.DeepEqual(*o, want) {
		t.Errorf("defaults: exit %d %s, %+v", code, msg, o)
	}
	want.AddNoise = true
	want.Infer = cmdutil.InferFlags{BurnIn: 0, Sweeps: 5, Replicas: 2, Seed: 4, Output: "samples", PNG: "d.png", Shape: "2x5", JSON: true}
	o, _, _ := parse(t, "run", "x.npy", "--out", "o.npy", "--flip-rate", "0.1", "--add-noise", "--burn-in", "0", "--sweeps", "5",
		"--replicas", "2", "--seed", "4", "--output", "samples", "--png", "d.png", "--shape", "2x5", "--json")
	if !reflect.DeepEqual(*o, want) {
		t.Errorf("flags: %+v, want %+v", *o, want)
	}
	if s := o.Infer.Settings(); s.BurnIn != -1 || s.Sweeps != 5 || s.Replicas != 2 || s.Seed != 4 {
		t.Errorf("--burn-in 0 gives settings %+v, want BurnIn -1 (none)", s)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "x.npy", "--flip-rate", "0.1"}, "needs --out"},
		{[]string{"run", "x.npy", "--out", "o.npy"}, "--flip-rate must lie in (0, 0.5)"},
		{[]string{"run", "x.npy", "--out", "o.npy", "--flip-rate", "0.5"}, "--flip-rate must lie in (0, 0.5)"},
		{[]string{"run", "x.npy", "--out", "o.npy", "--flip-rate", "0.1", "--sweeps", "0"}, "--sweeps and --replicas >= 1"},
		{[]string{"run", "x.npy", "--out", "o.npy", "--flip-rate", "0.1", "--output", "median"}, "unknown --output"},
		{[]string{"run", "x.npy", "--out", "o.npy", "--flip-rate", "often"}, "invalid argument"},
	} {
		if o, code, msg := parse(t, c.args...); o != nil || code != 2 || !strings.Contains(msg, c.want) {
			t.Errorf("%v: called %v, exit %d, %q; want exit 2 and %q", c.args, o != nil, code, msg, c.want)
		}
	}
}
