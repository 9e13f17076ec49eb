package root

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"boltzmann/dataset"
	"boltzmann/runs"
)

// TestParallelTemperingWorkflow trains with --sampler pt and --centering,
// checks that the run records them, that a run stopped after 2 epochs and
// resumed to 4 ends with the same parameters as a 4-epoch run (the
// replicas, ladder and centering offsets travel in the checkpoint; the
// learning rate is constant so that the schedule does not depend on the
// number of epochs), and samples the run with
// --sampler pt, whose JSON report describes the ladder.
func TestParallelTemperingWorkflow(t *testing.T) {
	tmp := t.TempDir()
	args := func(dir, epochs string) []string {
		return []string{"train", "builtin:bars-and-stripes:3", "--model", "rbm", "--hidden", "6", "--epochs", epochs,
			"--batch-size", "50", "--schedule", "constant", "--sampler", "pt", "--replicas", "3", "--centering", "--out", dir, "-q"}
	}
	full, part := filepath.Join(tmp, "full"), filepath.Join(tmp, "part")
	for _, a := range [][]string{args(full, "4"), args(part, "2"), {"train", "--resume", part, "--epochs", "4", "-q"}} {
		if _, stderr, code := runCLI(t, a...); code != 0 {
			t.Fatalf("%v exited %d: %s", a, code, stderr)
		}
	}
	cfg, err := runs.ReadConfig(part)
	if err != nil {
		t.Fatal(err)
	}
	if tc := cfg.Train; tc.Sampler != runs.SamplerPT || tc.Replicas != 3 || tc.SwapAcceptance != 0.3 || !tc.Centering {
		t.Errorf("config records %+v", tc)
	}
	a, _ := dataset.ReadNPZ(filepath.Join(full, "model.npz"))
	b, _ := dataset.ReadNPZ(filepath.Join(part, "model.npz"))
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("model.npz holds %d and %d arrays", len(a), len(b))
	}
	for i := range a {
		if !slices.Equal(a[i].Data, b[i].Data) {
			t.Errorf("array %s differs after resume", a[i].Name)
		}
	}
	out := filepath.Join(tmp, "s.npy")
	stdout, stderr, code := runCLI(t, "sample", full, "-n", "20", "--chains", "10", "--burn-in", "50", "--sampler", "pt",
		"--replicas", "3", "--out", out, "--json")
	if code != 0 {
		t.Fatalf("sample exited %d: %s", code, stderr)
	}
	var rep struct {
		PT *struct {
			Replicas       int       `json:"replicas"`
			Betas          []float64 `json:"betas"`
			SwapAcceptance []float64 `json:"swap_acceptance"`
		} `json:"parallel_tempering"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("sample --json printed %q: %v", stdout, err)
	}
	if rep.PT == nil || rep.PT.Replicas != 3 || len(rep.PT.Betas) != 3 || rep.PT.Betas[0] != 1 || len(rep.PT.SwapAcceptance) != 2 {
		t.Errorf("parallel tempering report %s", stdout)
	}
	if _, stderr, code := runCLI(t, "train", "builtin:bars-and-stripes:3", "--model", "rbm", "--sampler", "pt", "--method", "cd",
		"--out", filepath.Join(tmp, "bad")); code != 2 {
		t.Errorf("--sampler pt --method cd exited %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(tmp, "bad")); !os.IsNotExist(err) {
		t.Error("a refused run left its directory behind")
	}
}
