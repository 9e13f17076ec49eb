package runs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
	"boltzmann/model"
	"boltzmann/train"
)

// TestCheckpointChains: the fantasy particles read back from the bytes of
// checkpoint.bin are the trainer's chains; a damaged file is refused.
func TestCheckpointChains(t *testing.T) {
	dir := t.TempDir()
	x, err := dataset.Read("builtin:bars-and-stripes:3", dataset.ReadOptions{N: 60, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModel(model.Spec{Kind: "rbm", Hidden: 4}, x, 1)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := train.New(m, x, &train.Settings{Epochs: 2, BatchSize: 10, Chains: 7, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := WriteCheckpoint(dir, tr); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, CheckpointFile))
	if err != nil {
		t.Fatal(err)
	}
	got, err := CheckpointChains(data)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(got, tr.Chains().Visible()) {
		t.Errorf("chains differ:\n%v\nwant\n%v", mat.Formatted(got), mat.Formatted(tr.Chains().Visible()))
	}
	data[len(data)-1] ^= 1
	if _, err := CheckpointChains(data); err == nil || !strings.Contains(err.Error(), "CRC-32C mismatch") {
		t.Errorf("damaged checkpoint: %v", err)
	}
}
