package classify

import (
	"reflect"
	"strings"
	"testing"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
)

func parse(t *testing.T, args ...string) (*Options, int, string) {
	t.Helper()
	var got *Options
	code, msg := cmdutil.Execute(NewCmdClassify(&cmdutil.Factory{}, func(o *Options) error { got = o; return nil }), args...)
	if got != nil {
		got.IO = nil
	}
	return got, code, msg
}

func TestFlags(t *testing.T) {
	want := Options{Run: "run", Data: "x.npy", Out: "p.npy", DataFlags: cmdutil.DataFlags{N: 1000}}
	if o, code, msg := parse(t, "run", "x.npy", "--out", "p.npy"); code != 0 || !reflect.DeepEqual(*o, want) {
		t.Errorf("defaults: exit %d %s, %+v", code, msg, o)
	}
	want = Options{Run: "run", Data: "x.npy", Out: "p.csv", Labels: "y.npy", Proba: "q.npy", JSON: true, BinarizeSet: true,
		DataFlags: cmdutil.DataFlags{Binarize: "stochastic", N: 1000}}
	o, _, _ := parse(t, "run", "x.npy", "--out", "p.csv", "--labels", "y.npy", "--proba", "q.npy", "--json", "--binarize", "stochastic")
	if !reflect.DeepEqual(*o, want) {
		t.Errorf("flags: %+v, want %+v", *o, want)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "x.npy"}, "needs --out"},
		{[]string{"run", "x.npy", "--out", "p.npz"}, "use an output file ending in .npy or .csv"},
		{[]string{"run", "x.npy", "--out", "p.npy", "--json=maybe"}, "invalid argument"},
	} {
		if o, code, msg := parse(t, c.args...); o != nil || code != 2 || !strings.Contains(msg, c.want) {
			t.Errorf("%v: called %v, exit %d, %q; want exit 2 and %q", c.args, o != nil, code, msg, c.want)
		}
	}
}

func TestPrintConfusion(t *testing.T) {
	var b strings.Builder
	printConfusion(&b, [][]int{{12, 0}, {3, 101}})
	want := "confusion matrix (rows: true class, columns: predicted class)\n" +
		"        0   1\n" +
		"  0:   12   0\n" +
		"  1:    3 101\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}
