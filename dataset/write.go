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

// ReadNPZ reads every array of an .npz archive, in archive order, converted
// to float64 in C order. Names have the ".npy" suffix removed, as in
// numpy.load. It reads parameter files written by WriteNPZ or numpy.savez.
func ReadNPZ(path string) ([]Array, error) {
	z, err := openNPZ(path)
	if err != nil {
		return nil, err
	}
	defer z.Close()
	var out []Array
	for _, k := range z.Keys() {
		a, err := readNPZEntry(z.Open, k)
		if err != nil {
			return nil, fmt.Errorf("dataset: %s: array %q: %w", path, npzName(k), err)
		}
		out = append(out, a)
	}
	return out, nil
}

func readNPZEntry(open func(string) (io.ReadCloser, error), key string) (Array, error) {
	rc, err := open(key)
	if err != nil {
		return Array{}, fmt.Errorf("%v (the archive is corrupt)", err)
	}
	defer rc.Close()
	shape, data, err := decodeNPY(rc, 0)
	if err != nil {
		return Array{}, err
	}
	if shape == nil {
		shape = []int{}
	}
	return Array{Name: npzName(key), Shape: shape, Data: data}, nil
}
