package root

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"boltzmann/exact"
	"boltzmann/runs"
)

// TestTrajectoryTemperingWorkflow trains a 9×4 rbm on bars-and-stripes
// 3×3 for 8 epochs with --save-trajectory 4 (snapshots at epochs 1, 2, 4
// and 8), samples it with --sampler trajectory (200 chains, 100
// transitions of burn-in, 10 more), and checks the JSON report: levels
// from the final model (epoch 8) to the zero-weight start (-1), a swap
// acceptance per pair, and log Z of the final model within 4 jackknife
// standard errors of exact enumeration (the error bar below 0.1 nats).
func TestTrajectoryTemperingWorkflow(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "run")
	if _, stderr, code := runCLI(t, "train", "builtin:bars-and-stripes:3", "--model", "rbm", "--hidden", "4", "--epochs", "8",
		"--batch-size", "20", "--save-trajectory", "4", "--out", dir, "-q"); code != 0 {
		t.Fatalf("train exited %d: %s", code, stderr)
	}
	for _, e := range []int{1, 2, 4, 8} {
		if _, err := os.Stat(filepath.Join(dir, runs.TrajectoryFile(e))); err != nil {
			t.Errorf("snapshot of epoch %d: %v", e, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, runs.TrajectoryFile(3))); err == nil {
		t.Error("epoch 3 was saved; the spacing rule keeps 1, 2, 4, 8")
	}
	stdout, stderr, code := runCLI(t, "sample", dir, "-n", "2000", "--chains", "200", "--burn-in", "100", "--sampler", "trajectory",
		"--out", filepath.Join(tmp, "s.npy"), "--json")
	if code != 0 {
		t.Fatalf("sample exited %d: %s", code, stderr)
	}
	var rep struct {
		T *struct {
			Levels         int        `json:"levels"`
			Epochs         []int      `json:"epochs"`
			SwapAcceptance []*float64 `json:"swap_acceptance"`
			LogZ           *float64   `json:"log_z"`
			LogZStdErr     *float64   `json:"log_z_stderr"`
		} `json:"trajectory_tempering"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("sample --json printed %q: %v", stdout, err)
	}
	r := rep.T
	if r == nil || r.Levels < 2 || len(r.Epochs) != r.Levels || r.Epochs[0] != 8 || r.Epochs[r.Levels-1] != -1 ||
		len(r.SwapAcceptance) != r.Levels-1 || r.LogZ == nil || r.LogZStdErr == nil {
		t.Fatalf("trajectory tempering report %s", stdout)
	}
	if !slices.IsSortedFunc(r.Epochs, func(a, b int) int { return b - a }) {
		t.Errorf("levels not from the final model to the start: %v", r.Epochs)
	}
	m, _, err := runs.LoadModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	lz, err := exact.LogPartition(m)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("epochs %v; log Z %.4f ± %.4f, exact %.4f", r.Epochs, *r.LogZ, *r.LogZStdErr, lz)
	if !(*r.LogZStdErr < 0.1) || math.Abs(*r.LogZ-lz) > 4**r.LogZStdErr {
		t.Errorf("log Z along the trajectory %.4f ± %.4f, exact %.4f", *r.LogZ, *r.LogZStdErr, lz)
	}
	if _, stderr, code := runCLI(t, "sample", filepath.Join(tmp, "none"), "-n", "2", "--sampler", "trajectory", "--out", filepath.Join(tmp, "t.npy")); code == 0 {
		t.Errorf("sample of a missing run with --sampler trajectory exited 0: %s", stderr)
	}
	const warning = "the saved models barely overlap"
	if strings.Contains(stderr, warning) {
		t.Errorf("overlapping snapshots drew the warning: %s", stderr)
	}
	// A final model far from the last snapshot (its parameters ×1000): the
	// pair cannot swap, and sample says so and how to save better levels.
	for i := range m.Params() {
		m.Params()[i] *= 1000
	}
	if err := runs.SaveModel(dir, m); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = runCLI(t, "sample", dir, "-n", "20", "--chains", "20", "--burn-in", "10", "--sampler", "trajectory",
		"--out", filepath.Join(tmp, "far.npy"))
	if code != 0 || !strings.Contains(stderr, warning) || !strings.Contains(stderr, "--save-trajectory") {
		t.Errorf("sample of non-overlapping snapshots: exit %d, no warning naming the fix: %s", code, stderr)
	}
}

// TestEvaluateTrajectoryLogZ: evaluate --logz trajectory on two small
// enumerable runs (default seeds): a 16×8 rbm trained 64 epochs on
// bars-and-stripes 4×4 with --save-trajectory 16, whose ladder starts at
// the zero-weight rbm (log Z analytic), and a 4×4 ising model trained 16
// epochs with --save-trajectory 4, whose ladder starts at its epoch-1
// snapshot (log Z by enumeration). On each, log Z along the trajectory
// (200 chains, 200 transitions of burn-in, 1,000 recorded) matches exact
// enumeration within 4 jackknife standard errors, with an error bar below
// 0.05 nats so that the check has teeth; the log-likelihood is the one of
// that log Z, and AIS in both directions is reported next to it.
func TestEvaluateTrajectoryLogZ(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two models (about 20 s)")
	}
	tmp := t.TempDir()
	for _, c := range []struct {
		name, data, first string
		train             []string
	}{
		{"rbm", "builtin:bars-and-stripes:4", "analytic", []string{"--model", "rbm", "--hidden", "8", "--epochs", "64", "--batch-size", "20", "--save-trajectory", "16"}},
		{"ising", "builtin:ising2d:4", "exact", []string{"--model", "ising", "--epochs", "16", "--save-trajectory", "4"}},
	} {
		dir := filepath.Join(tmp, c.name)
		if _, stderr, code := runCLI(t, append([]string{"train", c.data, "--out", dir, "-q"}, c.train...)...); code != 0 {
			t.Fatalf("%s: train exited %d: %s", c.name, code, stderr)
		}
		stdout, stderr, code := runCLI(t, "evaluate", dir, c.data, "--logz", "trajectory", "--ais-runs", "20", "--ais-steps", "300", "--json")
		if code != 0 {
			t.Fatalf("%s: evaluate exited %d: %s", c.name, code, stderr)
		}
		var ev struct {
			LL         *float64 `json:"log_likelihood"`
			LogZ       *float64 `json:"log_z"`
			Method     string   `json:"log_z_method"`
			StdErr     *float64 `json:"log_z_stderr"`
			AISLogZ    *float64 `json:"ais_log_z"`
			AISLL      *float64 `json:"ais_log_likelihood"`
			ReverseLL  *float64 `json:"reverse_log_likelihood"`
			Trajectory *struct {
				Epochs      []int      `json:"epochs"`
				Swap        []*float64 `json:"swap_acceptance"`
				Ratios      []*float64 `json:"log_z_ratios"`
				FirstMethod string     `json:"first_log_z_method"`
				LogZ        float64    `json:"log_z"`
			} `json:"trajectory"`
		}
		if err := json.Unmarshal([]byte(stdout), &ev); err != nil {
			t.Fatalf("%s: evaluate --json printed %q: %v", c.name, stdout, err)
		}
		tr := ev.Trajectory
		if ev.LogZ == nil || ev.StdErr == nil || ev.LL == nil || ev.Method != "trajectory" || tr == nil || tr.LogZ != *ev.LogZ ||
			len(tr.Epochs) < 2 || len(tr.Swap) != len(tr.Epochs)-1 || len(tr.Ratios) != len(tr.Epochs)-1 || tr.FirstMethod != c.first ||
			ev.AISLogZ == nil || ev.AISLL == nil || ev.ReverseLL == nil {
			t.Fatalf("%s: evaluation %s", c.name, stdout)
		}
		m, _, err := runs.LoadModel(dir)
		if err != nil {
			t.Fatal(err)
		}
		lz, err := exact.LogPartition(m)
		if err != nil {
			t.Fatal(err)
		}
		exactOut, _, _ := runCLI(t, "evaluate", dir, c.data, "--logz", "exact", "--json")
		var ex struct {
			LL float64 `json:"log_likelihood"`
		}
		if err := json.Unmarshal([]byte(exactOut), &ex); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: levels %v, swap acceptance %v; log Z %.4f ± %.4f (first %s), exact %.4f; AIS %.4f", c.name, tr.Epochs, derefAll(tr.Swap), *ev.LogZ, *ev.StdErr, tr.FirstMethod, lz, *ev.AISLogZ)
		if !(*ev.StdErr < 0.05) || math.Abs(*ev.LogZ-lz) > 4**ev.StdErr {
			t.Errorf("%s: log Z along the trajectory %.4f ± %.4f, exact %.4f", c.name, *ev.LogZ, *ev.StdErr, lz)
		}
		if d := *ev.LL - ex.LL; math.Abs(d+(*ev.LogZ-lz)) > 1e-6 {
			t.Errorf("%s: log-likelihood %.6f, exact %.6f: not the one of log Z %.6f", c.name, *ev.LL, ex.LL, *ev.LogZ)
		}
	}
}

func derefAll(x []*float64) []float64 {
	out := make([]float64, len(x))
	for i, p := range x {
		out[i] = math.NaN()
		if p != nil {
			out[i] = *p
		}
	}
	return out
}
