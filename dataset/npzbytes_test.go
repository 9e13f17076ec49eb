package dataset

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestReadNPZBytes reads the bytes of an archive as ReadNPZ reads its
// file, and refuses empty and damaged ones.
func TestReadNPZBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.npz")
	arrays := []Array{{Name: "weights", Shape: []int{2, 3}, Data: []float64{1, 2, 3, 4, 5, 6}}, {Name: "bias", Shape: []int{2}, Data: []float64{-1, 1}}}
	if err := WriteNPZ(path, arrays); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	got, err := ReadNPZBytes("m.npz", data)
	if err != nil || !reflect.DeepEqual(got, arrays) {
		t.Fatalf("%+v, %v", got, err)
	}
	if _, err := ReadNPZBytes("m.npz", nil); err == nil || !strings.Contains(err.Error(), "m.npz: file is empty") {
		t.Errorf("empty: %v", err)
	}
	if _, err := ReadNPZBytes("m.npz", data[:len(data)/2]); err == nil || !strings.Contains(err.Error(), "m.npz") {
		t.Errorf("truncated: %v", err)
	}
}
