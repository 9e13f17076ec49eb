package dataset

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// mnistDir is the shared MNIST copy, relative to this package.
var mnistDir = filepath.Join("..", "..", "shared", "data", "mnist")

func mnistFile(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(mnistDir, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	return p
}

func TestMNISTLimit(t *testing.T) {
	p := mnistFile(t, "t10k-images-idx3-ubyte.gz")
	x, err := Read(p, ReadOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if r, c := x.Dims(); r != 100 || c != 784 {
		t.Fatalf("shape %d×%d, want 100×784", r, c)
	}
	for _, v := range x.RawMatrix().Data {
		if v < 0 || v > 1 {
			t.Fatalf("pixel %v outside [0, 1]", v)
		}
	}
	b, err := Read(p, ReadOptions{Limit: 100, Binarize: BinarizeThreshold})
	if err != nil {
		t.Fatal(err)
	}
	if enc, err := DetectBinary(b); err != nil || enc != ZeroOne {
		t.Fatalf("thresholded MNIST: %q, %v", enc, err)
	}
	labels, err := ReadLabels(mnistFile(t, "train-labels-idx1-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if len(labels) != 60000 || !reflect.DeepEqual(labels[:6], []int{5, 0, 4, 1, 9, 2}) {
		t.Fatalf("%d labels starting %v", len(labels), labels[:6])
	}
}

// The mean pixel intensity of the MNIST training set is 33.318/255.
func TestMNISTMean(t *testing.T) {
	if testing.Short() {
		t.Skip("reads all 60000 images (about 3 s)")
	}
	x, err := Read(mnistFile(t, "train-images-idx3-ubyte.gz"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r, c := x.Dims(); r != 60000 || c != 784 {
		t.Fatalf("shape %d×%d, want 60000×784", r, c)
	}
	if m := stat.Mean(x.RawMatrix().Data, nil) * 255; math.Abs(m-33.318) > 1e-3 {
		t.Fatalf("mean pixel %.4f, want 33.318", m)
	}
}
