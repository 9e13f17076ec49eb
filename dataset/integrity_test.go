package dataset

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// storedNPZ builds an uncompressed .npz archive (as numpy.savez writes
// it) of the given members, in order.
func storedNPZ(t testing.TB, members ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: m[0], Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(m[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// deflatedNPZ is the archive WriteNPZ writes for a 2 × 3 "weights" and a
// length-3 "bias".
func deflatedNPZ(t testing.TB) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "m.npz")
	err := WriteNPZ(p, []Array{
		{Name: "weights", Shape: []int{2, 3}, Data: []float64{1, 2, 3, 4, 5, 6}},
		{Name: "bias", Shape: []int{3}, Data: []float64{0.5, -0.5, 0.25}},
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// zipLayout locates, for member i, the start of its data and the offset
// of its central directory record.
func zipLayout(t *testing.T, b []byte, i int) (data, central int) {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	off, err := z.File[i].DataOffset()
	if err != nil {
		t.Fatal(err)
	}
	// The end of central directory record holds the directory's offset.
	eocd := bytes.LastIndex(b, []byte("PK\x05\x06"))
	central = int(binary.LittleEndian.Uint32(b[eocd+16:]))
	for range i {
		n := int(binary.LittleEndian.Uint16(b[central+28:]))
		m := int(binary.LittleEndian.Uint16(b[central+30:]))
		k := int(binary.LittleEndian.Uint16(b[central+32:]))
		central += 46 + n + m + k
	}
	return int(off), central
}

func flip(b []byte, at int, mask byte) []byte {
	c := bytes.Clone(b)
	c[at] ^= mask
	return c
}

func TestNPZCorruption(t *testing.T) {
	w := string(npyBytes("<f8", false, "(2, 3)", f64le(1, 2, 3, 4, 5, 6)))
	stored := storedNPZ(t, [2]string{"weights.npy", w}, [2]string{"bias.npy", string(npyBytes("<f8", false, "(3,)", f64le(1, 2, 3)))})
	wData, wCentral := zipLayout(t, stored, 0)
	_, bCentral := zipLayout(t, stored, 1)
	deflated := deflatedNPZ(t)
	dData, dCentral := zipLayout(t, deflated, 0)
	const crc = "CRC-32 mismatch (the file is corrupt; re-create it)"
	cases := []struct {
		name    string
		file    []byte
		want    []string
		partial bool // reading the first row of "weights" does not see the damage
	}{
		{"stored: bit in the values", flip(stored, wData+len(w)-3, 0x10), []string{`array "weights": ` + crc}, false},
		{"stored: bit in the .npy header dictionary", flip(stored, wData+20, 0x01), []string{`array "weights": ` + crc}, false},
		{"stored: bit in the .npy magic", flip(stored, wData+1, 0x01), []string{`array "weights": ` + crc}, false},
		{"stored: CRC-32 in the directory", flip(stored, wCentral+16, 0x80), []string{`array "weights": ` + crc}, false},
		{"stored: CRC-32 of the second array", flip(stored, bCentral+17, 0x01), []string{`array "bias": ` + crc}, true},
		{"stored: CRC-32 zeroed", func() []byte {
			c := bytes.Clone(stored)
			binary.LittleEndian.PutUint32(c[wCentral+16:], 0)
			return c
		}(), []string{`array "weights": ` + crc}, false},
		{"stored: uncompressed size lies", func() []byte {
			c := bytes.Clone(stored)
			binary.LittleEndian.PutUint32(c[wCentral+24:], uint32(len(w)+8))
			return c
		}(), []string{`array "weights": `, "the file is corrupt"}, false},
		{"deflated: bit in the compressed data", flip(deflated, dData+30, 0x04), []string{`array "weights": `, "the file is corrupt; re-create it"}, false},
		{"deflated: bit in the first compressed byte", flip(deflated, dData, 0x02), []string{`array "weights": `, "the file is corrupt; re-create it"}, false},
		{"deflated: CRC-32 in the directory", flip(deflated, dCentral+19, 0x40), []string{`array "weights": ` + crc}, false},
		{"truncated archive", deflated[:len(deflated)/2], []string{"not a valid .npz (zip) archive"}, false},
		{"truncated directory", deflated[:len(deflated)-5], []string{"not a valid .npz (zip) archive"}, false},
		{"bit in the end of directory record", flip(deflated, len(deflated)-22, 0x01), []string{"not a valid .npz (zip) archive"}, false},
		{"lying .npy header", storedNPZ(t, [2]string{"weights.npy", string(npyBytes("<f8", false, "(4, 3)", f64le(1, 2, 3)))}),
			[]string{`array "weights": truncated .npy data: the header promises 12 float64 values but the file holds 3`}, true},
		{"empty", nil, []string{"file is empty"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := writeTemp(t, "m.npz", tc.file)
			_, err := ReadNPZ(p)
			checkErr(t, err, append([]string{p + ": "}, tc.want...)...)
			if !tc.partial {
				_, err = Read(p, ReadOptions{Key: "weights", Limit: 1})
				checkErr(t, err, tc.want...)
			}
		})
	}
	if _, err := ReadNPZ(writeTemp(t, "m.npz", stored)); err != nil {
		t.Fatalf("intact archive: %v", err)
	}
}

func TestGzipCorruption(t *testing.T) {
	npy := npyBytes("<f8", false, "(2, 2)", f64le(1, 2, 3, 4))
	csv := []byte("1,2\n3,4\n5,6\n")
	idx := idxBytes(idxImagesMagic, []int{2, 1, 2}, []byte{0, 255, 255, 0})
	labels := idxBytes(idxLabelsMagic, []int{3}, []byte{1, 0, 2})
	const crc = "gzip CRC-32 or length mismatch (the file is corrupt; re-download or re-compress it)"
	type mangle struct {
		name string
		f    func([]byte) []byte
		want string
	}
	mangles := []mangle{
		{"bit in the CRC-32", func(b []byte) []byte { return flip(b, len(b)-6, 0x20) }, crc},
		{"bit in the length", func(b []byte) []byte { return flip(b, len(b)-3, 0x01) }, crc},
		{"bit in the header method", func(b []byte) []byte { return flip(b, 2, 0x01) }, "corrupt gzip data: bad member header"},
		{"trailer cut", func(b []byte) []byte { return b[:len(b)-4] }, "truncated gzip data: the file ends early"},
		{"half the file", func(b []byte) []byte { return b[:len(b)/2] }, "truncated gzip data: the file ends early"},
		{"garbage after the trailer", func(b []byte) []byte { return append(bytes.Clone(b), "junk"...) }, "unexpected data after the gzip trailer"},
		{"zeros after the trailer", func(b []byte) []byte { return append(bytes.Clone(b), 0, 0, 0, 0) }, "unexpected data after the gzip trailer"},
		{"second member damaged", func(b []byte) []byte {
			c := append(bytes.Clone(b), gz(nil)...)
			return flip(c, len(c)-8, 0x01)
		}, crc},
	}
	formats := []struct {
		name, file string
		payload    []byte
		read       func(string) error
	}{
		{"x.npy.gz", "x.npy.gz", npy, func(p string) error { _, err := Read(p, ReadOptions{}); return err }},
		{"x.npy.gz with a limit", "x.npy.gz", npy, func(p string) error { _, err := Read(p, ReadOptions{Limit: 1}); return err }},
		{"x.csv.gz", "x.csv.gz", csv, func(p string) error { _, err := Read(p, ReadOptions{Limit: 1}); return err }},
		{"train-images-idx3-ubyte.gz", "train-images-idx3-ubyte.gz", idx, func(p string) error { _, err := Read(p, ReadOptions{Limit: 1}); return err }},
		{"train-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte.gz", labels, func(p string) error { _, err := ReadLabels(p); return err }},
	}
	for _, fm := range formats {
		file := gz(fm.payload)
		name := fm.file
		if err := fm.read(writeTemp(t, name, file)); err != nil {
			t.Fatalf("%s intact: %v", fm.name, err)
		}
		// A file of several gzip members (cat a.gz b.gz) is valid.
		half := len(fm.payload) / 2
		if err := fm.read(writeTemp(t, name, append(gz(fm.payload[:half]), gz(fm.payload[half:])...))); err != nil {
			t.Fatalf("%s in two members: %v", fm.name, err)
		}
		for _, m := range mangles {
			t.Run(fm.name+"/"+m.name, func(t *testing.T) {
				p := writeTemp(t, name, m.f(file))
				checkErr(t, fm.read(p), p+": ", m.want)
			})
		}
	}
}

func TestReadErrorsAreNotEmptyFiles(t *testing.T) {
	dir := t.TempDir()
	mkdir := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.Mkdir(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name string
		read func() error
		want string
	}{
		{"directory x.npy", func() error { _, err := Read(mkdir("x.npy"), ReadOptions{}); return err }, "x.npy: is a directory, not a data file"},
		{"directory x.csv.gz", func() error { _, err := Read(mkdir("x.csv.gz"), ReadOptions{}); return err }, "x.csv.gz: is a directory, not a data file"},
		{"directory x.npz", func() error { _, err := Read(mkdir("x.npz"), ReadOptions{}); return err }, "x.npz: is a directory, not an .npz file"},
		{"directory labels.npy", func() error { _, err := ReadLabels(mkdir("labels.npy")); return err }, "labels.npy: is a directory, not a data file"},
		{"corrupt gzip stream", func() error {
			b := gz(npyBytes("<f8", false, "(1, 1)", f64le(7)))
			for i := 10; i < len(b)-8; i++ {
				b[i] = 0xff
			}
			_, err := Read(writeTemp(t, "x.npy.gz", b), ReadOptions{})
			return err
		}, "corrupt gzip data: flate: corrupt input"},
		{"empty gzip stream", func() error { _, err := Read(writeTemp(t, "x.npy.gz", gz(nil)), ReadOptions{}); return err }, "x.npy.gz: file is empty"},
	}
	if os.Geteuid() != 0 { // root reads any file
		p := writeTemp(t, "secret.npy", npyBytes("<f8", false, "(1, 1)", f64le(1)))
		if err := os.Chmod(p, 0); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, struct {
			name string
			read func() error
			want string
		}{"permission", func() error { _, err := Read(p, ReadOptions{}); return err }, "permission denied"})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.read()
			checkErr(t, err, tc.want)
			if bytes.Contains([]byte(err.Error()), []byte("empty")) != bytes.Contains([]byte(tc.want), []byte("empty")) {
				t.Errorf("error %q", err)
			}
		})
	}
}
