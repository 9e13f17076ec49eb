package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// npyBytes builds a version 1.0 .npy file with the given header fields and
// raw data bytes, for tests of dtypes and malformed files.
func npyBytes(descr string, fortran bool, shape string, data []byte) []byte {
	fo := "False"
	if fortran {
		fo = "True"
	}
	dict := "{'descr': '" + descr + "', 'fortran_order': " + fo + ", 'shape': " + shape + ", }"
	dict += strings.Repeat(" ", (64-(10+len(dict)+1)%64)%64) + "\n"
	b := append([]byte("\x93NUMPY\x01\x00"), 0, 0)
	binary.LittleEndian.PutUint16(b[8:], uint16(len(dict)))
	return append(append(b, dict...), data...)
}

// f64le encodes values as little-endian float64.
func f64le(v ...float64) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	return b
}

// idxBytes builds an IDX file with the given magic, dimensions and data.
func idxBytes(magic uint32, dims []int, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, magic)
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, uint32(d))
	}
	return append(b, data...)
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// writeTemp writes content to a file called name in a fresh directory and
// returns its path.
func writeTemp(t *testing.T, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func equalDense(t *testing.T, got *mat.Dense, want [][]float64) {
	t.Helper()
	r, c := got.Dims()
	if r != len(want) || c != len(want[0]) {
		t.Fatalf("shape %d×%d, want %d×%d", r, c, len(want), len(want[0]))
	}
	for i := range want {
		for j := range want[i] {
			if got.At(i, j) != want[i][j] {
				t.Fatalf("x[%d, %d] = %v, want %v\n%v", i, j, got.At(i, j), want[i][j], mat.Formatted(got))
			}
		}
	}
}

// checkErr asserts that err is a one-line error starting with
// "dataset: " that contains every fragment.
func checkErr(t *testing.T, err error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", fragments)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("error spans several lines: %q", msg)
	}
	if !strings.HasPrefix(msg, "dataset: ") {
		t.Errorf("error %q does not start with \"dataset: \"", msg)
	}
	for _, f := range fragments {
		if !strings.Contains(msg, f) {
			t.Errorf("error %q does not contain %q", msg, f)
		}
	}
}
