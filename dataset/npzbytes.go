package dataset

import (
	"bytes"
	"fmt"
)

// ReadNPZBytes reads every array of an .npz archive held in data, as
// ReadNPZ reads a file (archive order, float64 in C order, CRC-32 of every
// member verified); name stands for the archive in errors. It serves
// callers that read the file themselves, for example through an os.Root
// that keeps them inside a directory.
func ReadNPZBytes(name string, data []byte) ([]Array, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("dataset: %s: file is empty", name)
	}
	z, err := newNPZ(name, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	var out []Array
	for i, k := range z.keys() {
		shape, vals, err := z.read(i, 0)
		if err != nil {
			return nil, err
		}
		if shape == nil {
			shape = []int{}
		}
		out = append(out, Array{Name: npzName(k), Shape: shape, Data: vals})
	}
	return out, nil
}
