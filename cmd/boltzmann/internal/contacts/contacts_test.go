package contacts

import (
	"reflect"
	"strings"
	"testing"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
)

func parse(t *testing.T, args ...string) (*Options, int, string) {
	t.Helper()
	var got *Options
	code, msg := cmdutil.Execute(NewCmdContacts(&cmdutil.Factory{}, func(o *Options) error { got = o; return nil }), args...)
	if got != nil {
		got.IO = nil
	}
	return got, code, msg
}

func TestFlags(t *testing.T) {
	if o, code, msg := parse(t, "run"); code != 0 || !reflect.DeepEqual(*o, Options{Run: "run", MinSeparation: 4}) {
		t.Errorf("defaults: exit %d %s, %+v", code, msg, o)
	}
	o, _, _ := parse(t, "run", "--out", "c.txt", "--min-separation", "2", "--include-gap")
	if !reflect.DeepEqual(*o, Options{Run: "run", Out: "c.txt", MinSeparation: 2, IncludeGap: true}) {
		t.Errorf("flags: %+v", *o)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--min-separation", "-1"}, "--min-separation must be non-negative"},
		{[]string{"run", "--min-separation", "two"}, "invalid argument"},
		{[]string{}, "accepts 1 arg"},
		{[]string{"run", "--frobnicate"}, "unknown flag"},
	} {
		if o, code, msg := parse(t, c.args...); o != nil || code != 2 || !strings.Contains(msg, c.want) {
			t.Errorf("%v: called %v, exit %d, %q; want exit 2 and %q", c.args, o != nil, code, msg, c.want)
		}
	}
}
