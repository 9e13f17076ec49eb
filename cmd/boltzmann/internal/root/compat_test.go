package root

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"boltzmann/dataset"
)

// TestResumeVersion1Run: a run whose config.json is in the version-1 form
// (data seed in "train.options") resumes to the parameters of an
// uninterrupted run.
func TestResumeVersion1Run(t *testing.T) {
	tmp := t.TempDir()
	full, part := filepath.Join(tmp, "full"), filepath.Join(tmp, "part")
	args := []string{"builtin:bars-and-stripes:3", "--model", "rbm", "--hidden", "6", "--batch-size", "25", "-q",
		"--seed", "3", "--data-seed", "5", "--schedule", "constant"}
	mustRun(t, append([]string{"train", "--epochs", "4", "--out", full}, args...)...)
	mustRun(t, append([]string{"train", "--epochs", "2", "--out", part}, args...)...)

	path := filepath.Join(part, "config.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	tr := c["train"].(map[string]any)
	tr["options"] = map[string]string{"data_seed": strconv.Itoa(int(tr["data_seed"].(float64)))}
	delete(tr, "data_seed")
	c["version"] = 1
	data, _ = json.Marshal(c)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "train", "--resume", part, "--epochs", "4", "-q")
	a, _ := dataset.ReadNPZ(filepath.Join(full, "model.npz"))
	b, _ := dataset.ReadNPZ(filepath.Join(part, "model.npz"))
	for i := range a {
		for j := range a[i].Data {
			if a[i].Data[j] != b[i].Data[j] {
				t.Fatalf("array %s element %d differs after resuming a version-1 run", a[i].Name, j)
			}
		}
	}
}
