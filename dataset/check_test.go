package dataset

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestCheckFinite(t *testing.T) {
	if err := CheckFinite(mat.NewDense(2, 2, []float64{1, 2, 3, 4})); err != nil {
		t.Fatal(err)
	}
	err := CheckFinite(mat.NewDense(2, 3, []float64{1, 2, 3, 4, math.Inf(-1), math.NaN()}))
	checkErr(t, err, "row 1, column 1 is -Inf")
}

func TestDetectBinary(t *testing.T) {
	cases := []struct {
		data  []float64
		want  Encoding
		frags []string
	}{
		{[]float64{0, 1, 1, 0}, ZeroOne, nil},
		{[]float64{1, 1, 1, 1}, ZeroOne, nil},
		{[]float64{0, 0, 0, 0}, ZeroOne, nil},
		{[]float64{-1, 1, 1, -1}, PlusMinus, nil},
		{[]float64{-1, -1, -1, -1}, PlusMinus, nil},
		{[]float64{0, 1, 0.5, 1}, "", []string{"row 1, column 0 is 0.5, not binary", "--binarize threshold"}},
		{[]float64{1, 2, 1, 1}, "", []string{"row 0, column 1 is 2, not binary"}},
		{[]float64{1, -1, 1, 0}, "", []string{"row 1, column 1 is 0 but earlier values are -1"}},
		{[]float64{0, 1, -1, 1}, "", []string{"row 1, column 0 is -1 but earlier values are 0"}},
	}
	for _, c := range cases {
		got, err := DetectBinary(mat.NewDense(2, 2, c.data))
		if c.frags != nil {
			checkErr(t, err, c.frags...)
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("DetectBinary(%v) = %q, %v; want %q", c.data, got, err, c.want)
		}
	}
}

func TestConvertBinary(t *testing.T) {
	pm := mat.NewDense(1, 3, []float64{-1, 1, -1})
	zo := ToZeroOne(pm, PlusMinus)
	equalDense(t, zo, [][]float64{{0, 1, 0}})
	equalDense(t, pm, [][]float64{{-1, 1, -1}}) // input untouched
	equalDense(t, FromZeroOne(zo, PlusMinus), [][]float64{{-1, 1, -1}})
	c := ToZeroOne(zo, ZeroOne)
	equalDense(t, c, [][]float64{{0, 1, 0}})
	if c == zo {
		t.Error("ToZeroOne(x, ZeroOne) returned x itself, want a copy")
	}
	equalDense(t, FromZeroOne(zo, ZeroOne), [][]float64{{0, 1, 0}})
	defer func() {
		if recover() == nil {
			t.Error("unknown encoding did not panic")
		}
	}()
	ToZeroOne(pm, "bits")
}

func TestReadAllowNaN(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.csv")
	if err := os.WriteFile(path, []byte("0.2,nan\n0.9,0.4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(path, ReadOptions{}); err == nil {
		t.Fatal("NaN accepted without AllowNaN")
	}
	x, err := Read(path, ReadOptions{AllowNaN: true, Binarize: BinarizeThreshold})
	if err != nil {
		t.Fatal(err)
	}
	if x.At(0, 0) != 0 || !math.IsNaN(x.At(0, 1)) || x.At(1, 0) != 1 || x.At(1, 1) != 0 {
		t.Fatalf("got %v", mat.Formatted(x))
	}
}
