package train

import (
	"strings"
	"testing"
)

// TestReductionFlag: --reduction blocks is recorded in the run's settings;
// other values, and --reduction with --resume or an alignment, are
// refused with exit code 2.
func TestReductionFlag(t *testing.T) {
	o, code, msg := parse(t, "x.npy", "--model", "rbm", "--out", "run", "--reduction", "blocks")
	if code != 0 || o.Reduction != "blocks" {
		t.Fatalf("--reduction blocks: exit %d %s, %+v", code, msg, o)
	}
	if tc, err := o.trainConfig(); err != nil || tc.Reduction != "blocks" {
		t.Fatalf("--reduction blocks: config %+v, %v", tc, err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"x.npy", "--model", "rbm", "--out", "run", "--reduction", "tree"}, `unknown --reduction "tree"`},
		{[]string{"--resume", "run", "--reduction", "blocks"}, "--reduction cannot change"},
		{[]string{"f.fasta", "--model", "potts", "--out", "run", "--reduction", "blocks"}, "does not apply to bmDCA"},
	} {
		if _, code, msg := parse(t, c.args...); code != 2 || !strings.Contains(msg, c.want) {
			t.Errorf("%v: exit %d %q, want 2 and %q", c.args, code, msg, c.want)
		}
	}
}
