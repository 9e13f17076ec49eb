package dataset

import (
	"reflect"
	"testing"

	"gonum.org/v1/gonum/stat"
)

func TestReadIDXImages(t *testing.T) {
	// Three 2×2 images.
	pix := []byte{0, 255, 128, 127, 10, 20, 30, 40, 255, 255, 0, 0}
	raw := idxBytes(idxImagesMagic, []int{3, 2, 2}, pix)
	for _, name := range []string{"train-images-idx3-ubyte", "x.idx", "x.idx3-ubyte", "train-images-idx3-ubyte.gz"} {
		t.Run(name, func(t *testing.T) {
			content := raw
			if name[len(name)-3:] == ".gz" {
				content = gz(raw)
			}
			p := writeTemp(t, name, content)
			x, err := Read(p, ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var want [][]float64
			for i := range 3 {
				var row []float64
				for _, b := range pix[4*i : 4*i+4] {
					row = append(row, float64(b)/255)
				}
				want = append(want, row)
			}
			equalDense(t, x, want)

			x, err = Read(p, ReadOptions{Limit: 2, Binarize: BinarizeThreshold})
			if err != nil {
				t.Fatal(err)
			}
			// pixel >= 128 is 1.
			equalDense(t, x, [][]float64{{0, 1, 1, 0}, {0, 0, 0, 0}})
		})
	}
}

func TestStochasticBinarize(t *testing.T) {
	// 2000 images of 4 pixels with intensities 0, 64, 191, 255.
	const n = 2000
	var pix []byte
	for range n {
		pix = append(pix, 0, 64, 191, 255)
	}
	p := writeTemp(t, "s.idx", idxBytes(idxImagesMagic, []int{n, 2, 2}, pix))
	opt := ReadOptions{Binarize: BinarizeStochastic, Seed: 7}
	x, err := Read(p, opt)
	if err != nil {
		t.Fatal(err)
	}
	y, _ := Read(p, opt)
	if !reflect.DeepEqual(x.RawMatrix().Data, y.RawMatrix().Data) {
		t.Fatal("the same seed gave different data")
	}
	opt.Limit = 10
	z, _ := Read(p, opt)
	if !reflect.DeepEqual(z.RawMatrix().Data, x.RawMatrix().Data[:40]) {
		t.Fatal("with Limit the first rows differ from the full read")
	}
	opt.Limit, opt.Seed = 0, 8
	w, _ := Read(p, opt)
	if reflect.DeepEqual(w.RawMatrix().Data, x.RawMatrix().Data) {
		t.Fatal("different seeds gave the same data")
	}
	// Column means match the intensities within 4 standard errors
	// (sqrt(p(1-p)/n) <= 0.0112; a false alarm has probability about
	// 6e-5 per column for a random seed, and the seed is fixed).
	for j, b := range []float64{0, 64, 191, 255} {
		col := make([]float64, n)
		for i := range n {
			v := x.At(i, j)
			if v != 0 && v != 1 {
				t.Fatalf("value %v is not binary", v)
			}
			col[i] = v
		}
		pr := b / 255
		se := max(1e-12, (pr * (1 - pr) / n))
		if m := stat.Mean(col, nil); (m-pr)*(m-pr) > 16*se {
			t.Errorf("column %d: mean %.4f, want %.4f", j, m, pr)
		}
	}
}

func TestReadIDXErrors(t *testing.T) {
	img := idxBytes(idxImagesMagic, []int{2, 2, 2}, []byte{1, 2, 3, 4, 5, 6, 7, 8})
	cases := []struct {
		name  string
		data  []byte
		frags []string
	}{
		{"empty", nil, []string{"file is empty"}},
		{"short header", img[:6], []string{"truncated IDX header"}},
		{"truncated", img[:len(img)-3], []string{"truncated IDX data", "promises 8 pixels", "holds 5 bytes"}},
		{"labels", idxBytes(idxLabelsMagic, []int{2}, []byte{1, 2}), []string{"IDX label file", "ReadLabels"}},
		{"magic", []byte("garbage!garbage!"), []string{"bad IDX magic number", "expected 2051"}},
		{"no images", idxBytes(idxImagesMagic, []int{0, 28, 28}, nil), []string{"holds no images"}},
		{"huge", idxBytes(idxImagesMagic, []int{1 << 30, 1 << 30, 1 << 30}, nil), []string{"implausible IDX dimensions"}},
		{"gzip truncated", gz(img)[:20], []string{"truncated gzip data"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeTemp(t, "train-images-idx3-ubyte", c.data)
			_, err := Read(p, ReadOptions{})
			checkErr(t, err, append([]string{"dataset: " + p + ": "}, c.frags...)...)
		})
	}
}

func TestReadLabels(t *testing.T) {
	cases := []struct {
		name string
		data []byte
	}{
		{"train-labels-idx1-ubyte", idxBytes(idxLabelsMagic, []int{3}, []byte{5, 0, 9})},
		{"train-labels-idx1-ubyte.gz", gz(idxBytes(idxLabelsMagic, []int{3}, []byte{5, 0, 9}))},
		{"y.npy", npyBytes("<i8", false, "(3,)", []byte{5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0})},
		{"col.npy", npyBytes("|u1", false, "(3, 1)", []byte{5, 0, 9})},
		{"float.npy", npyBytes("<f8", false, "(3,)", f64le(5, 0, 9))},
		{"y.csv", []byte("# labels\n5\n\n0\n 9 \n")},
		{"y.txt.gz", gz([]byte("5\n0\n9\n"))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ReadLabels(writeTemp(t, c.name, c.data))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, []int{5, 0, 9}) {
				t.Fatalf("labels %v", got)
			}
		})
	}
}

func TestReadLabelsErrors(t *testing.T) {
	cases := []struct {
		name  string
		data  []byte
		frags []string
	}{
		{"y.json", []byte("[1]"), []string{"unknown label file type"}},
		{"y.csv", nil, []string{"y.csv: file is empty"}},
		{"y.csv", []byte("# only\n"), []string{"y.csv: no labels"}},
		{"y.csv", []byte("1\n2,3\n"), []string{"y.csv line 2: holds several values"}},
		{"y.csv", []byte("1\ncat\n"), []string{`y.csv line 2: cannot parse "cat"`}},
		{"y.npy", npyBytes("<f8", false, "(2,)", f64le(1, 2.5)), []string{"label 1 is 2.5, not an integer"}},
		{"y.npy", npyBytes("<f8", false, "(2, 2)", f64le(1, 2, 3, 4)), []string{"1-D array, got shape (2, 2)"}},
		{"labels-idx1-ubyte", idxBytes(idxLabelsMagic, []int{5}, []byte{1, 2}), []string{"truncated IDX data", "promises 5 labels"}},
		{"images-idx3-ubyte", idxBytes(idxImagesMagic, []int{1, 1, 1}, []byte{1}), []string{"IDX image file"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeTemp(t, c.name, c.data)
			_, err := ReadLabels(p)
			checkErr(t, err, append([]string{p}, c.frags...)...)
		})
	}
}
