package train

import (
	"strings"
	"testing"
)

// TestGBRBMFlags: --model gbrbm takes Adam at 0.01 by default, needs
// --hidden ≥ 1, and records --standardize and --fixed-variance (which
// other models refuse) in its flags and spec.
func TestGBRBMFlags(t *testing.T) {
	o, code, msg := parse(t, "x.npy", "--model", "gbrbm", "--hidden", "5", "--out", "run")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	tc, err := o.trainConfig()
	if err != nil || tc.Optimizer != "adam" || tc.LR != 0.01 || tc.Schedule != "linear:0.0002" {
		t.Errorf("gbrbm defaults: %+v, %v", tc, err)
	}
	if o.GBRBM.Standardize != DefaultStandardize || o.GBRBM.FixedVariance || o.spec().Options != nil || o.spec().Hidden != 5 {
		t.Errorf("gbrbm flags %+v, spec %+v", o.GBRBM, o.spec())
	}
	o, code, _ = parse(t, "x.npy", "--model", "gbrbm", "--out", "run", "--standardize=false", "--fixed-variance")
	if code != 0 || o.GBRBM != (GBRBMFlags{Standardize: StandardizeNone, FixedVariance: true, StandardizeSet: true, FixedVarianceSet: true}) {
		t.Errorf("--standardize=false --fixed-variance: exit %d, %+v", code, o.GBRBM)
	}
	for arg, want := range map[string]string{"--standardize": StandardizeColumns, "--standardize=true": StandardizeColumns,
		"--standardize=pca": "pca", "--standardize=zca": "zca", "--standardize=columns": StandardizeColumns} {
		if o, code, msg := parse(t, "x.npy", "--model", "gbrbm", "--out", "run", arg); code != 0 || o.GBRBM.Standardize != want {
			t.Errorf("%s: exit %d %s, standardize %q (want %q)", arg, code, msg, o.GBRBM.Standardize, want)
		}
	}
	if s := o.spec(); s.Options["fixed_variance"] != "true" {
		t.Errorf("spec %+v lacks fixed_variance", s)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"x.npy", "--model", "gbrbm", "--hidden", "0", "--out", "run"}, "--hidden must be at least 1"},
		{[]string{"x.npy", "--model", "rbm", "--fixed-variance", "--out", "run"}, "gbrbm only"},
		{[]string{"x.npy", "--model", "gaussian", "--standardize", "--out", "run"}, "gbrbm only"},
		{[]string{"x.npy", "--model", "gbrbm", "--standardize=white", "--out", "run"}, "unknown --standardize \"white\": use none, columns, zca or pca"},
		{[]string{"x.npy", "--model", "gbrbm", "--float32", "--out", "run"}, "--float32 applies to --model rbm only"},
	} {
		if _, code, msg := parse(t, tc.args...); code != 2 || !strings.Contains(msg, tc.want) {
			t.Errorf("%v: exit %d, %q (want 2 and %q)", tc.args, code, msg, tc.want)
		}
	}
}
