package root

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
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
}
