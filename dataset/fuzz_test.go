package dataset

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The readers must return an error, never panic or hang, on any input.
// Seed corpora live in testdata/fuzz/<FuzzName>; run, for example,
//
//	go test -run '^$' -fuzz FuzzReadNPY -fuzztime 20s ./dataset

func FuzzReadNPY(f *testing.F) {
	f.Add(npyBytes("<f8", false, "(2, 2)", f64le(1, 2, 3, 4)))
	f.Add(npyBytes("|u1", true, "(2, 1, 2)", []byte{1, 2, 3, 4}))
	f.Add(npyBytes("<f2", false, "(1,)", []byte{0, 0x3c}))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, limit := range []int{0, 1} {
			shape, vals, err := decodeNPY(bytes.NewReader(data), limit)
			if err != nil {
				continue
			}
			if numElems(shape) != len(vals) {
				t.Fatalf("shape %v but %d values", shape, len(vals))
			}
			for _, single := range []bool{false, true} {
				x, err := toMatrix(shape, vals, single)
				if err == nil {
					if r, c := x.Dims(); r*c != len(vals) {
						t.Fatalf("%d×%d matrix from %d values", r, c, len(vals))
					}
				}
			}
		}
		readNPYLabels(bytes.NewReader(data))
	})
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("1,2,3\n4,5,6\n"))
	f.Add([]byte("# c\n1 2\n\n3 4 # x\n"))
	f.Add([]byte("1,,2\nnan,inf\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, limit := range []int{0, 2} {
			x, err := readText(bytes.NewReader(data), limit, false)
			if err != nil {
				continue
			}
			r, _ := x.Dims()
			if limit > 0 && r > limit {
				t.Fatalf("%d rows with limit %d", r, limit)
			}
			if err := CheckFinite(x); err != nil {
				t.Fatalf("text reader let through %v", err)
			}
		}
		readTextLabels(bytes.NewReader(data))
	})
}

func FuzzReadIDX(f *testing.F) {
	f.Add(idxBytes(idxImagesMagic, []int{2, 2, 2}, []byte{0, 1, 2, 3, 4, 5, 6, 255}))
	f.Add(idxBytes(idxLabelsMagic, []int{3}, []byte{1, 2, 3}))
	f.Add(idxBytes(idxImagesMagic, []int{1 << 20, 28, 28}, []byte{1}))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, limit := range []int{0, 1} {
			x, err := readIDXImages(bytes.NewReader(data), limit)
			if err != nil {
				continue
			}
			for _, v := range x.RawMatrix().Data {
				if v < 0 || v > 1 {
					t.Fatalf("pixel %v outside [0, 1]", v)
				}
			}
		}
		readIDXLabels(bytes.NewReader(data))
	})
}

func FuzzReadNPZ(f *testing.F) {
	f.Add(deflatedNPZ(f))
	f.Add(storedNPZ(f, [2]string{"a.npy", string(npyBytes("<f8", false, "(2, 1)", f64le(1, 2)))}))
	f.Fuzz(func(t *testing.T, data []byte) {
		z, err := newNPZ("x.npz", bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		for i := range z.keys() {
			for _, limit := range []int{0, 1} {
				shape, vals, err := z.read(i, limit)
				if err == nil && numElems(shape) != len(vals) {
					t.Fatalf("shape %v but %d values", shape, len(vals))
				}
			}
		}
	})
}

func FuzzReadGzip(f *testing.F) {
	f.Add(gz(npyBytes("<f8", false, "(1, 2)", f64le(1, 2))))
	f.Add(append(gz([]byte("1,2\n")), gz([]byte("3,4\n"))...))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "x.csv.gz")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		x, err := Read(p, ReadOptions{})
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error spans lines: %q", err)
			}
			return
		}
		if err := CheckFinite(x); err != nil {
			t.Fatal(err)
		}
	})
}
