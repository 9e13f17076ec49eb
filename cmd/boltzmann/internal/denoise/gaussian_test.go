package denoise

import (
	"strings"
	"testing"
)

// TestNoiseSigmaFlags: --noise-sigma is parsed, must be positive and
// excludes --flip-rate.
func TestNoiseSigmaFlags(t *testing.T) {
	o, code, msg := parse(t, "run", "x.npy", "--out", "o.npy", "--noise-sigma", "0.3")
	if code != 0 || o.NoiseSigma != 0.3 || o.FlipRate != 0 {
		t.Fatalf("exit %d %s, %+v", code, msg, o)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "x.npy", "--out", "o.npy", "--noise-sigma", "-1"}, "--noise-sigma must be a positive number"},
		{[]string{"run", "x.npy", "--out", "o.npy", "--noise-sigma", "0.3", "--flip-rate", "0.1"}, "not both"},
		{[]string{"run", "x.npy", "--out", "o.npy", "--noise-sigma", "0.3", "--sweeps", "0"}, "--sweeps"},
		{[]string{"run", "x.npy", "--out", "o.npy"}, "--noise-sigma S"},
	} {
		if _, code, msg := parse(t, tc.args...); code != 2 || !strings.Contains(msg, tc.want) {
			t.Errorf("%v: exit %d, %q (want 2 and %q)", tc.args, code, msg, tc.want)
		}
	}
}
