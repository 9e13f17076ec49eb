package energies

import (
	"reflect"
	"strings"
	"testing"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
)

func parse(t *testing.T, args ...string) (*Options, int, string) {
	t.Helper()
	var got *Options
	code, msg := cmdutil.Execute(NewCmdEnergies(&cmdutil.Factory{}, func(o *Options) error { got = o; return nil }), args...)
	if got != nil {
		got.IO = nil
	}
	return got, code, msg
}

func TestFlags(t *testing.T) {
	if o, code, msg := parse(t, "run", "s.fasta"); code != 0 || !reflect.DeepEqual(*o, Options{Run: "run", Seqs: "s.fasta"}) {
		t.Errorf("defaults: exit %d %s, %+v", code, msg, o)
	}
	if o, _, _ := parse(t, "run", "s.fasta", "--out", "e.npy"); !reflect.DeepEqual(*o, Options{Run: "run", Seqs: "s.fasta", Out: "e.npy"}) {
		t.Errorf("flags: %+v", *o)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run"}, "accepts 2 arg"},
		{[]string{"run", "s.fasta", "--out"}, "flag needs an argument"},
	} {
		if o, code, msg := parse(t, c.args...); o != nil || code != 2 || !strings.Contains(msg, c.want) {
			t.Errorf("%v: called %v, exit %d, %q; want exit 2 and %q", c.args, o != nil, code, msg, c.want)
		}
	}
}
