package sample

import (
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
)

func parse(t *testing.T, args ...string) (*Options, int, string) {
	t.Helper()
	var got *Options
	code, msg := cmdutil.Execute(NewCmdSample(&cmdutil.Factory{}, func(o *Options) error { got = o; return nil }), args...)
	if got != nil {
		got.IO = nil
	}
	return got, code, msg
}

func TestFlags(t *testing.T) {
	want := Options{Run: "run", N: 100, BurnIn: 1000, Thin: 1, Seed: 1, Out: "s.npy", Label: -1}
	if o, code, msg := parse(t, "run", "--out", "s.npy"); code != 0 || !reflect.DeepEqual(*o, want) {
		t.Errorf("defaults: exit %d %s, %+v", code, msg, o)
	}
	want = Options{Run: "run", N: 30, Chains: 4, BurnIn: 20, Thin: 3, AnnealFrom: 5, Seed: 9, Out: "s.fasta", JSON: true, PNG: "s.png", Shape: "3x3", Label: 2, Float64: true}
	o, _, _ := parse(t, "run", "-n", "30", "--chains", "4", "--burn-in", "20", "--thin", "3", "--anneal-from", "5", "--seed", "9",
		"--out", "s.fasta", "--json", "--png", "s.png", "--shape", "3x3", "--label", "2", "--float64")
	if !reflect.DeepEqual(*o, want) {
		t.Errorf("flags: %+v, want %+v", *o, want)
	}
	if o, _, _ := parse(t, "run", "--out", "s.npy", "--steps", "7"); o.BurnIn != 7 {
		t.Errorf("--steps 7 gave burn-in %d", o.BurnIn)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run"}, "needs --out"},
		{[]string{"run", "--out", "s.npy", "-n", "0"}, "-n and --thin must be at least 1"},
		{[]string{"run", "--out", "s.npy", "--thin", "0"}, "-n and --thin must be at least 1"},
		{[]string{"run", "--out", "s.npy", "--chains", "-1"}, "non-negative"},
		{[]string{"run", "--out", "s.npy", "--anneal-from", "0.5"}, "--anneal-from T needs T >= 1"},
		{[]string{"run", "--out", "s.npy", "--anneal-from", "2", "--burn-in", "0"}, "--anneal-from T needs"},
		{[]string{"run", "--out", "s.npy", "--seed", "-1"}, "invalid argument"},
		{[]string{"run", "--out", "s.npy", "--label", "-2"}, "--label must be a class number"},
		{[]string{"run", "--out", "s.npy", "--label", "one"}, "invalid argument"},
	} {
		if o, code, msg := parse(t, c.args...); o != nil || code != 2 || !strings.Contains(msg, c.want) {
			t.Errorf("%v: called %v, exit %d, %q; want exit 2 and %q", c.args, o != nil, code, msg, c.want)
		}
	}
}

func TestLabelAllFlag(t *testing.T) {
	o, code, msg := parse(t, "run", "--out", "s.npy", "--label", "all", "-n", "10")
	if code != 0 || !o.AllLabels || o.Label != -1 || o.N != 10 {
		t.Errorf("--label all: exit %d %s, %+v", code, msg, o)
	}
	if o, _, _ := parse(t, "run", "--out", "s.npy", "--label", "all", "--label", "3"); o.AllLabels || o.Label != 3 {
		t.Errorf("--label 3 after all: %+v", o)
	}
	x := mat.NewDense(6, 2, []float64{0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5}) // rows of classes 0, 1, 2, 0, 1, 2
	got := byClass(x, 3, 2, 1)
	if want := []float64{0, 3, 1, 4, 2, 5}; !reflect.DeepEqual(got.RawMatrix().Data, want) {
		t.Errorf("byClass: %v, want %v", got.RawMatrix().Data, want)
	}
}
