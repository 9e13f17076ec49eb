package root

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"boltzmann/dataset"
	"boltzmann/exact"
	"boltzmann/info"
	"boltzmann/runs"
)

// evaluateJSON runs evaluate --json and decodes its output.
func evaluateJSON(t *testing.T, args ...string) (map[string]any, string) {
	t.Helper()
	stdout, stderr, code := runCLI(t, append([]string{"evaluate"}, append(args, "--json")...)...)
	if code != 0 {
		t.Fatalf("evaluate %v exited %d: %s", args, code, stderr)
	}
	var ev map[string]any
	if err := json.Unmarshal([]byte(stdout), &ev); err != nil {
		t.Fatalf("evaluate printed %q: %v", stdout, err)
	}
	return ev, stderr
}

func hasKeys(t *testing.T, ev map[string]any, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := ev[k]; !ok {
			t.Errorf("evaluate JSON lacks %q: %v", k, ev)
		}
	}
}

// TestEvaluateLogZMethods runs every --logz on a small enumerable RBM: AIS
// and reverse AIS agree with the exact log-likelihood within 3 of their
// standard errors plus 0.05 nats (seeded, so deterministic).
func TestEvaluateLogZMethods(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	data := "builtin:bars-and-stripes:3"
	if _, stderr, code := runCLI(t, "train", data, "--model", "rbm", "--hidden", "8",
		"--epochs", "3", "--batch-size", "20", "--out", dir, "-q"); code != 0 {
		t.Fatalf("train exited %d: %s", code, stderr)
	}
	fast := []string{"--ais-runs", "64", "--ais-steps", "400", "-q"}
	ex, _ := evaluateJSON(t, dir, data, "--logz", "exact")
	if ex["log_z_method"] != "exact" {
		t.Fatalf("exact: method %v", ex["log_z_method"])
	}
	auto, _ := evaluateJSON(t, append([]string{dir, data, "--logz", "auto"}, fast...)...)
	if auto["log_z_method"] != "exact" || auto["log_z"] != ex["log_z"] {
		t.Errorf("auto on an enumerable model: %v, want the exact result %v", auto, ex)
	}
	want := ex["log_likelihood"].(float64)

	fwd, _ := evaluateJSON(t, append([]string{dir, data, "--logz", "ais"}, fast...)...)
	hasKeys(t, fwd, "log_z", "log_likelihood", "log_z_stderr", "log_z_lower", "log_z_upper", "ais_runs", "ais_steps")
	if fwd["log_z_method"] != "ais" || fwd["ais_runs"].(float64) != 64 || fwd["ais_steps"].(float64) != 400 {
		t.Errorf("ais: %v", fwd)
	}
	if d := fwd["log_likelihood"].(float64) - want; math.Abs(d) > 3*fwd["log_z_stderr"].(float64)+0.05 {
		t.Errorf("AIS log-likelihood is %.4f off the exact %.4f", d, want)
	}
	if lo, hi, z := fwd["log_z_lower"].(float64), fwd["log_z_upper"].(float64), fwd["log_z"].(float64); !(lo < z && z < hi) {
		t.Errorf("interval [%g, %g] does not contain %g", lo, hi, z)
	}

	rev, _ := evaluateJSON(t, append([]string{dir, data, "--logz", "reverse-ais"}, fast...)...)
	hasKeys(t, rev, "log_z", "log_likelihood", "log_z_stderr", "reverse_log_z", "reverse_log_likelihood", "ais_runs", "ais_steps")
	if rev["log_z_method"] != "reverse-ais" || rev["log_z"] != rev["reverse_log_z"] {
		t.Errorf("reverse-ais: %v", rev)
	}
	if d := rev["reverse_log_likelihood"].(float64) - want; math.Abs(d) > 3*rev["log_z_stderr"].(float64)+0.05 {
		t.Errorf("reverse AIS log-likelihood is %.4f off the exact %.4f", d, want)
	}

	for _, bad := range [][]string{
		{"--logz", "magic"}, {"--logz", "ais", "--ais-schedule", "cubic"},
		{"--logz", "ais", "--ais-runs", "0"}, {"--logz", "ais", "--ais-steps", "2"},
	} {
		_, stderr, code := runCLI(t, append([]string{"evaluate", dir, data, "-q"}, bad...)...)
		if code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("evaluate %v: exit %d, stderr %q; want exit 2 and one line", bad, code, stderr)
		}
	}
}

// TestEvaluateAutoLargeModel: a 25×25 RBM is too large to enumerate, so
// auto runs AIS and reverse AIS; a zero warning margin makes them warn.
func TestEvaluateAutoLargeModel(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	data := "builtin:bars-and-stripes:5"
	if _, stderr, code := runCLI(t, "train", data, "--model", "rbm", "--hidden", "25",
		"--epochs", "1", "--batch-size", "50", "--out", dir, "-q"); code != 0 {
		t.Fatalf("train exited %d: %s", code, stderr)
	}
	args := []string{dir, data, "--n-builtin", "200", "--ais-runs", "32", "--ais-steps", "300", "-q"}
	ev, stderr := evaluateJSON(t, args...)
	hasKeys(t, ev, "log_z", "log_likelihood", "log_z_stderr", "log_z_lower", "log_z_upper", "ais_runs", "ais_steps",
		"reverse_log_z", "reverse_log_likelihood", "ais_disagreement")
	if ev["log_z_method"] != "ais" {
		t.Errorf("auto on a 25×25 RBM used %v, want ais", ev["log_z_method"])
	}
	if _, ok := ev["ais_warning"]; ok || strings.Contains(stderr, "disagree") {
		t.Errorf("AIS and reverse AIS differ by %v nats, within the default margin, but evaluate warned: %s", ev["ais_disagreement"], stderr)
	}
	ev, stderr = evaluateJSON(t, append(args, "--ais-warn-margin", "0")...)
	if _, ok := ev["ais_warning"]; !ok || !strings.Contains(stderr, "disagree") {
		t.Errorf("with a zero margin evaluate did not warn: %v, stderr %q", ev, stderr)
	}
}

// TestEvaluateInformation: with log Z by enumeration, evaluate reports the
// data's empirical entropy, D(p_data || p_model) and the model's entropy,
// equal to those of packages info and exact on the same rows and model.
func TestEvaluateInformation(t *testing.T) {
	tmp := t.TempDir()
	dir, xp := filepath.Join(tmp, "run"), filepath.Join(tmp, "x.npy")
	x, err := dataset.Builtin("bars-and-stripes:3", 300, 9)
	if err != nil {
		t.Fatal(err)
	}
	if err := dataset.WriteNPY(xp, x); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runCLI(t, "train", xp, "--model", "rbm", "--hidden", "6", "--epochs", "5", "--batch-size", "20", "--out", dir, "-q"); code != 0 {
		t.Fatalf("train exited %d: %s", code, stderr)
	}
	ev, _ := evaluateJSON(t, dir, xp, "--logz", "exact", "-q")
	m, _, err := runs.LoadModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	kl, err := exact.KLFromData(m, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := exact.Entropy(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key  string
		want float64
	}{
		{"data_entropy", info.NewEmpirical(x, nil).Entropy()},
		{"kl_data_model", kl},
		{"model_entropy", s},
	} {
		got, ok := ev[c.key].(float64)
		if !ok || math.Abs(got-c.want) > 1e-9*max(1, math.Abs(c.want)) {
			t.Errorf("%s: %v, want %v", c.key, ev[c.key], c.want)
		}
	}
	if kl <= 0 {
		t.Errorf("a 5-epoch model reproduces the data exactly: KL %v", kl)
	}
	// Not reported without enumeration.
	fwd, _ := evaluateJSON(t, dir, xp, "--logz", "ais", "--ais-runs", "16", "--ais-steps", "100", "-q")
	if _, ok := fwd["kl_data_model"]; ok {
		t.Errorf("KL reported with log Z by AIS: %v", fwd)
	}
}
