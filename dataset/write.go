package dataset

import (
	"archive/zip"
	"fmt"
	"io"
	"strings"
	"time"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/atomicfile"
)

// Array is a named float64 array in C (row-major) order, as stored in an
// .npz archive: Data has length Shape[0]·Shape[1]·…, 1 for a scalar
// (empty Shape).
type Array struct {
	Name  string
	Shape []int
	Data  []float64
}

// WriteNPY writes x (rows × cols) to path as a NumPy .npy file of dtype
// float64 and shape (rows, cols). The file is written atomically.
func WriteNPY(path string, x *mat.Dense) error {
	r, c := x.Dims()
	err := atomicfile.Write(path, func(w io.Writer) error {
		return encodeNPY(w, []int{r, c}, denseRows(x))
	})
	if err != nil {
		return fmt.Errorf("dataset: writing %s: %w", path, err)
	}
	return nil
}

func denseRows(x *mat.Dense) func(yield func([]float64) bool) {
	return func(yield func([]float64) bool) {
		r, _ := x.Dims()
		for i := range r {
			if !yield(x.RawRowView(i)) {
				return
			}
		}
	}
}

// npzTime is the modification time stored in archives, fixed so that the
// same arrays always give the same bytes.
var npzTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// WriteNPZ writes arrays to path as a compressed NumPy .npz archive (as
// numpy.savez_compressed does), in the given order, each as a float64
// array of its Shape. numpy.load(path)[name] returns each array. The file
// is written atomically.
//
// WriteNPZ panics if a name is empty, repeated or contains '/', or if the
// length of Data does not match Shape.
func WriteNPZ(path string, arrays []Array) error {
	seen := map[string]bool{}
	for _, a := range arrays {
		if a.Name == "" || strings.Contains(a.Name, "/") || seen[a.Name] {
			panic(fmt.Sprintf("dataset: WriteNPZ: array name %q is empty, contains '/' or is repeated", a.Name))
		}
		seen[a.Name] = true
		for _, k := range a.Shape {
			if k < 0 {
				panic(fmt.Sprintf("dataset: WriteNPZ: array %q has negative shape %v", a.Name, a.Shape))
			}
		}
		if numElems(a.Shape) != len(a.Data) {
			panic(fmt.Sprintf("dataset: WriteNPZ: array %q has shape %v but %d values", a.Name, a.Shape, len(a.Data)))
		}
	}
	err := atomicfile.Write(path, func(w io.Writer) error {
		zw := zip.NewWriter(w)
		for _, a := range arrays {
			fw, err := zw.CreateHeader(&zip.FileHeader{Name: a.Name + ".npy", Method: zip.Deflate, Modified: npzTime})
			if err != nil {
				return err
			}
			data := a.Data
			err = encodeNPY(fw, a.Shape, func(yield func([]float64) bool) { yield(data) })
			if err != nil {
				return err
			}
		}
		return zw.Close()
	})
	if err != nil {
		return fmt.Errorf("dataset: writing %s: %w", path, err)
	}
	return nil
}
