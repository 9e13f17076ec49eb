package inpaint

import (
	"reflect"
	"strings"
	"testing"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
)

func parse(t *testing.T, args ...string) (*Options, int, string) {
	t.Helper()
	var got *Options
	code, msg := cmdutil.Execute(NewCmdInpaint(&cmdutil.Factory{}, func(o *Options) error { got = o; return nil }), args...)
	if got != nil {
		got.IO = nil
	}
	return got, code, msg
}

func TestFlags(t *testing.T) {
	infer := cmdutil.InferFlags{BurnIn: 50, Sweeps: 200, Replicas: 10, Seed: 1, Output: "mean"}
	want := Options{Run: "run", Data: "x.npy", Out: "o.npy", Infer: infer, DataFlags: cmdutil.DataFlags{N: 1000}}
	if o, code, msg := parse(t, "run", "x.npy", "--out", "o.npy"); code != 0 || !reflect.DeepEqual(*o, want) {
		t.Errorf("defaults: exit %d %s, %+v", code, msg, o)
	}
	want.Mask = "random:0.3"
	want.Infer.Replicas, want.Infer.JSON, want.Infer.Float64 = 3, true, true
	want.DataFlags.Limit = 5
	if o, _, _ := parse(t, "run", "x.npy", "--out", "o.npy", "--mask", "random:0.3", "--replicas", "3", "--json", "--limit", "5", "--float64"); !reflect.DeepEqual(*o, want) {
		t.Errorf("flags: %+v, want %+v", *o, want)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "x.npy"}, "needs --out"},
		{[]string{"run", "x.npy", "--out", "o.npy", "--burn-in", "-1"}, "--burn-in must be >= 0"},
		{[]string{"run", "x.npy", "--out", "o.npy", "--output", "all"}, "unknown --output"},
		{[]string{"run", "x.npy", "--out", "o.npy", "--replicas", "1.5"}, "invalid argument"},
	} {
		if o, code, msg := parse(t, c.args...); o != nil || code != 2 || !strings.Contains(msg, c.want) {
			t.Errorf("%v: called %v, exit %d, %q; want exit 2 and %q", c.args, o != nil, code, msg, c.want)
		}
	}
}
