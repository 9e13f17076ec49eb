package transform

import (
	"reflect"
	"strings"
	"testing"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
)

// parse runs the command with a stand-in run function and returns the
// Options it received (nil when it was not called).
func parse(t *testing.T, args ...string) (*Options, int, string) {
	t.Helper()
	var got *Options
	cmd := NewCmdTransform(&cmdutil.Factory{}, func(o *Options) error { got = o; return nil })
	code, msg := cmdutil.Execute(cmd, args...)
	return got, code, msg
}

func TestFlags(t *testing.T) {
	o, code, msg := parse(t, "run", "d.npy", "--out", "f.npy")
	want := Options{Run: "run", Data: "d.npy", Out: "f.npy", DataFlags: cmdutil.DataFlags{N: 1000}}
	if code != 0 || o == nil {
		t.Fatalf("exit %d: %s", code, msg)
	}
	o.IO = nil
	if !reflect.DeepEqual(*o, want) {
		t.Errorf("defaults %+v, want %+v", *o, want)
	}
	o, _, _ = parse(t, "run", "d.npy", "--out", "f.csv", "--key", "k", "--binarize", "threshold", "--data-seed", "3", "--limit", "7", "--n-builtin", "20")
	o.IO = nil
	want = Options{Run: "run", Data: "d.npy", Out: "f.csv", BinarizeSet: true,
		DataFlags: cmdutil.DataFlags{Key: "k", Binarize: "threshold", DataSeed: 3, Limit: 7, N: 20}}
	if !reflect.DeepEqual(*o, want) {
		t.Errorf("flags %+v, want %+v", *o, want)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "d.npy"}, "needs --out"},
		{[]string{"run", "--out", "f.npy"}, "accepts 2 arg"},
		{[]string{"run", "d.npy", "--out", "f.npy", "--limit", "x"}, "invalid argument"},
	} {
		o, code, msg := parse(t, c.args...)
		if o != nil || code != 2 || !strings.Contains(msg, c.want) {
			t.Errorf("%v: called %v, exit %d, %q; want exit 2 and %q", c.args, o != nil, code, msg, c.want)
		}
	}
}
