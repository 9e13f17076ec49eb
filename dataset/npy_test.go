package dataset

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"codeberg.org/sbinet/npyio"
	"codeberg.org/sbinet/npyio/npz"
	"gonum.org/v1/gonum/mat"
)

// Every dtype NumPy writes for numbers reads back as float64.
func TestReadNPYDtypes(t *testing.T) {
	want := [][]float64{{0, 1, 2}, {3, 100, 127}}
	flat := []float64{0, 1, 2, 3, 100, 127}
	enc := func(size int, bo binary.AppendByteOrder, f func(v float64) uint64) []byte {
		var b []byte
		for _, v := range flat {
			u := f(v)
			switch size {
			case 1:
				b = append(b, byte(u))
			case 2:
				b = bo.AppendUint16(b, uint16(u))
			case 4:
				b = bo.AppendUint32(b, uint32(u))
			case 8:
				b = bo.AppendUint64(b, u)
			}
		}
		return b
	}
	ints := func(v float64) uint64 { return uint64(int64(v)) }
	le, be := binary.LittleEndian, binary.BigEndian
	cases := []struct {
		descr string
		data  []byte
	}{
		{"|i1", enc(1, le, ints)}, {"|u1", enc(1, le, ints)},
		{"<i2", enc(2, le, ints)}, {">i2", enc(2, be, ints)}, {"<u2", enc(2, le, ints)},
		{"<i4", enc(4, le, ints)}, {">u4", enc(4, be, ints)},
		{"<i8", enc(8, le, ints)}, {"<u8", enc(8, le, ints)}, {">i8", enc(8, be, ints)},
		{"<f4", enc(4, le, func(v float64) uint64 { return uint64(math.Float32bits(float32(v))) })},
		{">f4", enc(4, be, func(v float64) uint64 { return uint64(math.Float32bits(float32(v))) })},
		{"<f8", enc(8, le, math.Float64bits)},
		{">f8", enc(8, be, math.Float64bits)},
		{"=f8", enc(8, le, math.Float64bits)},
		// float16 bit patterns of 0, 1, 2, 3, 100, 127.
		{"<f2", enc(2, le, func(v float64) uint64 {
			return map[float64]uint64{0: 0x0000, 1: 0x3c00, 2: 0x4000, 3: 0x4200, 100: 0x5640, 127: 0x57f0}[v]
		})},
	}
	for _, c := range cases {
		t.Run(c.descr, func(t *testing.T) {
			p := writeTemp(t, "x.npy", npyBytes(c.descr, false, "(2, 3)", c.data))
			x, err := Read(p, ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			equalDense(t, x, want)
		})
	}
	t.Run("bool", func(t *testing.T) {
		p := writeTemp(t, "x.npy", npyBytes("|b1", false, "(2, 2)", []byte{0, 1, 1, 0}))
		x, err := Read(p, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		equalDense(t, x, [][]float64{{0, 1}, {1, 0}})
	})
	t.Run("negative", func(t *testing.T) {
		p := writeTemp(t, "x.npy", npyBytes("<i2", false, "(1, 2)", []byte{0xff, 0xff, 0x00, 0x80}))
		x, err := Read(p, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		equalDense(t, x, [][]float64{{-1, -32768}})
	})
}

func TestReadNPYShapes(t *testing.T) {
	seq := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(i)
		}
		return v
	}
	// (2, 2, 3) in C order: sample i is elements 6i … 6i+5.
	p := writeTemp(t, "x.npy", npyBytes("<f8", false, "(2, 2, 3)", f64le(seq(12)...)))
	x, err := Read(p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	equalDense(t, x, [][]float64{{0, 1, 2, 3, 4, 5}, {6, 7, 8, 9, 10, 11}})

	// The same array stored in Fortran order: element (i, j, k) sits at
	// i + 2j + 4k.
	var fdata []float64
	for k := range 3 {
		for j := range 2 {
			for i := range 2 {
				fdata = append(fdata, float64(6*i+3*j+k))
			}
		}
	}
	p = writeTemp(t, "f.npy", npyBytes("<f8", true, "(2, 2, 3)", f64le(fdata...)))
	x, err = Read(p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	equalDense(t, x, [][]float64{{0, 1, 2, 3, 4, 5}, {6, 7, 8, 9, 10, 11}})
	x, err = Read(p, ReadOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	equalDense(t, x, [][]float64{{0, 1, 2, 3, 4, 5}})

	// 2-D Fortran order.
	p = writeTemp(t, "f2.npy", npyBytes("<f8", true, "(2, 3)", f64le(1, 4, 2, 5, 3, 6)))
	x, err = Read(p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	equalDense(t, x, [][]float64{{1, 2, 3}, {4, 5, 6}})

	// Limit reads a prefix; a limit beyond the end reads everything.
	p = writeTemp(t, "l.npy", npyBytes("<f8", false, "(4, 2)", f64le(seq(8)...)))
	for _, c := range []struct {
		limit int
		want  [][]float64
	}{{1, [][]float64{{0, 1}}}, {3, [][]float64{{0, 1}, {2, 3}, {4, 5}}}, {9, [][]float64{{0, 1}, {2, 3}, {4, 5}, {6, 7}}}} {
		x, err = Read(p, ReadOptions{Limit: c.limit})
		if err != nil {
			t.Fatal(err)
		}
		equalDense(t, x, c.want)
	}

	// A 1-D array is one sample only when asked.
	p = writeTemp(t, "v.npy", npyBytes("<f8", false, "(3,)", f64le(1, 2, 3)))
	_, err = Read(p, ReadOptions{})
	checkErr(t, err, p, "1-D with shape (3,)", "reshape(1, -1)")
	x, err = Read(p, ReadOptions{SingleSample: true})
	if err != nil {
		t.Fatal(err)
	}
	equalDense(t, x, [][]float64{{1, 2, 3}})

	// Extra header keys, double quotes and odd spacing are tolerated.
	hdr := `{"descr":"<f8","fortran_order":False,"shape":(1,2),"extra":[1,(2,),None]}`
	b := append([]byte("\x93NUMPY\x01\x00"), byte(len(hdr)+1), 0)
	b = append(append(append(b, hdr...), '\n'), f64le(7, 8)...)
	x, err = Read(writeTemp(t, "h.npy", b), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	equalDense(t, x, [][]float64{{7, 8}})

	// Version 2.0 headers have a 4-byte length.
	b = append([]byte("\x93NUMPY\x02\x00"), byte(len(hdr)+1), 0, 0, 0)
	b = append(append(append(b, hdr...), '\n'), f64le(7, 8)...)
	x, err = Read(writeTemp(t, "v2.npy", b), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	equalDense(t, x, [][]float64{{7, 8}})

	// gzip-compressed .npy.
	x, err = Read(writeTemp(t, "x.npy.gz", gz(npyBytes("|u1", false, "(1, 2)", []byte{3, 4}))), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	equalDense(t, x, [][]float64{{3, 4}})
}

func TestReadNPYErrors(t *testing.T) {
	good := npyBytes("<f8", false, "(2, 2)", f64le(1, 2, 3, 4))
	cases := []struct {
		name  string
		data  []byte
		frags []string
	}{
		{"empty", nil, []string{"file is empty"}},
		{"magic", []byte("PK\x03\x04 definitely not npy"), []string{"not a NumPy .npy file"}},
		{"short magic", []byte("\x93NU"), []string{"not a NumPy .npy file"}},
		{"version", []byte("\x93NUMPY\x09\x00\x10\x00"), []string{"unsupported .npy format version 9.0"}},
		{"truncated header", good[:30], []string{"truncated .npy header"}},
		{"truncated data", good[:len(good)-3], []string{"truncated .npy data", "promises 4 float64 values", "holds 3"}},
		{"no data", good[:len(good)-32], []string{"truncated .npy data", "holds 0"}},
		{"complex", npyBytes("<c16", false, "(1, 1)", make([]byte, 16)), []string{`unsupported dtype "<c16"`, "complex", "astype(numpy.float64)"}},
		{"string", npyBytes("<U3", false, "(1, 1)", make([]byte, 12)), []string{`unsupported dtype "<U3"`}},
		{"object", npyBytes("|O", false, "(1, 1)", make([]byte, 8)), []string{`unsupported dtype "|O"`}},
		{"longdouble", npyBytes("<f16", false, "(1, 1)", make([]byte, 16)), []string{"extended precision"}},
		{"structured", []byte("\x93NUMPY\x01\x00\x46\x00{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }     \n"), []string{"structured"}},
		{"scalar", npyBytes("<f8", false, "()", f64le(1)), []string{"scalar (0-D)"}},
		{"zero rows", npyBytes("<f8", false, "(0, 5)", nil), []string{"shape (0, 5) holds no data"}},
		{"zero cols", npyBytes("<f8", false, "(5, 0)", nil), []string{"shape (5, 0) holds no data"}},
		{"negative shape", npyBytes("<f8", false, "(-1, 2)", nil), []string{"malformed .npy header: bad shape entry -1"}},
		{"huge shape", npyBytes("<f8", false, "(1000000000, 1000000000)", nil), []string{"implausible .npy shape"}},
		{"garbage header", npyBytes("<f8", false, "((((", nil), []string{"malformed .npy header"}},
		{"nan", npyBytes("<f8", false, "(2, 2)", f64le(1, 2, 3, math.NaN())), []string{"row 1, column 1 is NaN", "remove or impute"}},
		{"inf", npyBytes("<f4", false, "(1, 2)", []byte{0, 0, 0x80, 0x7f, 0, 0, 0, 0}), []string{"row 0, column 0 is +Inf"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeTemp(t, "data.npy", c.data)
			_, err := Read(p, ReadOptions{})
			checkErr(t, err, append([]string{"dataset: " + p + ": "}, c.frags...)...)
		})
	}
}

// Files written by WriteNPY read back exactly, here and in npyio (an
// independent implementation), and have NumPy's 64-byte header alignment.
func TestWriteNPY(t *testing.T) {
	x := mat.NewDense(3, 2, []float64{1.5, -2, math.Pi, 1e-300, 0, math.MaxFloat64})
	p := filepath.Join(t.TempDir(), "x.npy")
	if err := WriteNPY(p, x); err != nil {
		t.Fatal(err)
	}
	y, err := Read(p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(x, y) {
		t.Fatalf("read back %v, want %v", mat.Formatted(y), mat.Formatted(x))
	}
	b, _ := os.ReadFile(p)
	hlen := int(binary.LittleEndian.Uint16(b[8:]))
	if (10+hlen)%64 != 0 || b[10+hlen-1] != '\n' {
		t.Errorf("header of %d bytes is not 64-byte aligned or lacks its newline", hlen)
	}
	if len(b) != 10+hlen+6*8 {
		t.Errorf("file has %d bytes, want %d", len(b), 10+hlen+48)
	}
	var z mat.Dense
	if err := npyio.Read(bytes.NewReader(b), &z); err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(x, &z) {
		t.Fatalf("npyio read %v", mat.Formatted(&z))
	}

	// A strided view is written by rows.
	big := mat.NewDense(3, 3, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9})
	view := big.Slice(1, 3, 0, 2).(*mat.Dense)
	if err := WriteNPY(p, view); err != nil {
		t.Fatal(err)
	}
	y, err = Read(p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	equalDense(t, y, [][]float64{{4, 5}, {7, 8}})
}

// Files written by npyio read correctly.
func TestReadNPYFromNpyio(t *testing.T) {
	var buf bytes.Buffer
	x := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	if err := npyio.Write(&buf, x); err != nil {
		t.Fatal(err)
	}
	y, err := Read(writeTemp(t, "x.npy", buf.Bytes()), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(x, y) {
		t.Fatalf("read %v", mat.Formatted(y))
	}
	buf.Reset()
	if err := npyio.Write(&buf, []int32{5, -6, 7}); err != nil {
		t.Fatal(err)
	}
	labels, err := ReadLabels(writeTemp(t, "y.npy", buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(labels, []int{5, -6, 7}) {
		t.Fatalf("labels %v", labels)
	}
}

func TestNPZ(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "params.npz")
	arrays := []Array{
		{Name: "weights", Shape: []int{2, 3}, Data: []float64{1, 2, 3, 4, 5, 6}},
		{Name: "bias", Shape: []int{3}, Data: []float64{-1, 0, 1}},
		{Name: "beta", Shape: []int{}, Data: []float64{0.5}},
		{Name: "cube", Shape: []int{2, 1, 2}, Data: []float64{1, 2, 3, 4}},
	}
	if err := WriteNPZ(p, arrays); err != nil {
		t.Fatal(err)
	}
	got, err := ReadNPZ(p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, arrays) {
		t.Fatalf("ReadNPZ = %+v, want %+v", got, arrays)
	}
	// Same arrays, same bytes.
	b1, _ := os.ReadFile(p)
	if err := WriteNPZ(p, arrays); err != nil {
		t.Fatal(err)
	}
	if b2, _ := os.ReadFile(p); !bytes.Equal(b1, b2) {
		t.Error("writing the same arrays twice gave different files")
	}

	// Read takes the first array, or the named one.
	x, err := Read(p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	equalDense(t, x, [][]float64{{1, 2, 3}, {4, 5, 6}})
	x, err = Read(p, ReadOptions{Key: "cube"})
	if err != nil {
		t.Fatal(err)
	}
	equalDense(t, x, [][]float64{{1, 2}, {3, 4}})
	x, err = Read(p, ReadOptions{Key: "bias.npy", SingleSample: true})
	if err != nil {
		t.Fatal(err)
	}
	equalDense(t, x, [][]float64{{-1, 0, 1}})
	_, err = Read(p, ReadOptions{Key: "W"})
	checkErr(t, err, p, `no array "W"`, "available: weights, bias, beta, cube")
	_, err = Read(p, ReadOptions{Key: "bias"})
	checkErr(t, err, p, `array "bias"`, "1-D")

	// Archives written by npyio read back.
	q := filepath.Join(dir, "npyio.npz")
	if err := npz.Write(q, map[string]any{"a.npy": mat.NewDense(1, 2, []float64{3, 4})}); err != nil {
		t.Fatal(err)
	}
	x, err = Read(q, ReadOptions{Key: "a"})
	if err != nil {
		t.Fatal(err)
	}
	equalDense(t, x, [][]float64{{3, 4}})

	// And npyio reads ours.
	var w mat.Dense
	f, _ := os.Open(p)
	defer f.Close()
	if err := npz.Read(f, "weights.npy", &w); err != nil {
		t.Fatal(err)
	}
	equalDense(t, &w, [][]float64{{1, 2, 3}, {4, 5, 6}})
}

func TestNPZErrors(t *testing.T) {
	dir := t.TempDir()
	empty := writeTemp(t, "empty.npz", nil)
	_, err := Read(empty, ReadOptions{})
	checkErr(t, err, empty, "file is empty")
	junk := writeTemp(t, "junk.npz", []byte("not a zip archive at all"))
	_, err = Read(junk, ReadOptions{})
	checkErr(t, err, junk, "not a valid .npz")
	_, err = ReadNPZ(junk)
	checkErr(t, err, junk, "not a valid .npz")
	none := filepath.Join(dir, "none.npz")
	if err := WriteNPZ(none, nil); err != nil {
		t.Fatal(err)
	}
	_, err = Read(none, ReadOptions{})
	checkErr(t, err, none, "holds no arrays")
	_, err = Read(filepath.Join(dir, "missing.npz"), ReadOptions{})
	checkErr(t, err, "missing.npz", "no such file")

	for _, bad := range [][]Array{
		{{Name: "", Shape: []int{1}, Data: []float64{1}}},
		{{Name: "a", Shape: []int{1}, Data: []float64{1}}, {Name: "a", Shape: []int{1}, Data: []float64{1}}},
		{{Name: "a", Shape: []int{2, 2}, Data: []float64{1}}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("WriteNPZ(%v) did not panic", bad)
				}
			}()
			WriteNPZ(filepath.Join(dir, "bad.npz"), bad)
		}()
	}
}
