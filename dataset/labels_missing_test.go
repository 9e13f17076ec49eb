package dataset

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestMissingLabels: NaN in a .npy label file and "nan" or -1 in a text
// file read as MissingLabel.
func TestMissingLabels(t *testing.T) {
	dir := t.TempDir()
	npy := filepath.Join(dir, "y.npy")
	nan := mat.NewDense(4, 1, []float64{0, math.NaN(), 2, -1})
	if err := WriteNPY(npy, nan); err != nil {
		t.Fatal(err)
	}
	txt := filepath.Join(dir, "y.txt")
	if err := os.WriteFile(txt, []byte("0\nNaN\n2\n-1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{npy, txt} {
		y, err := ReadLabels(p)
		if err != nil || !slices.Equal(y, []int{0, MissingLabel, 2, MissingLabel}) {
			t.Errorf("%s: %v, %v", filepath.Base(p), y, err)
		}
	}
}
