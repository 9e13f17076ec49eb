package dataset

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// IDX is the format of the MNIST files (LeCun et al.): a big-endian magic
// number 0x0000TTDD, with TT the element type (0x08 for unsigned bytes) and
// DD the number of dimensions, then DD big-endian uint32 sizes, then the
// data in C order.
const (
	idxImagesMagic = 0x00000803 // 2051: unsigned bytes, 3 dimensions
	idxLabelsMagic = 0x00000801 // 2049: unsigned bytes, 1 dimension
)

// readIDXHeader reads the magic number and dimensions of an IDX stream and
// checks that it is of the wanted kind.
func readIDXHeader(r io.Reader, want uint32) ([]int, error) {
	var b [4]byte
	n, err := io.ReadFull(r, b[:])
	if err != nil && !isEOF(err) {
		return nil, err // a read error, reported as it is
	}
	if n == 0 {
		return nil, errors.New("file is empty")
	}
	if err != nil {
		return nil, errors.New("truncated IDX header (re-download the file)")
	}
	magic := binary.BigEndian.Uint32(b[:])
	if magic != want {
		switch magic {
		case idxLabelsMagic:
			return nil, errors.New("this is an IDX label file (magic 2049), not an image file; read it with ReadLabels (--labels)")
		case idxImagesMagic:
			return nil, errors.New("this is an IDX image file (magic 2051), not a label file; read it with Read")
		}
		return nil, fmt.Errorf("bad IDX magic number %d, expected %d (is this an MNIST file? if gzip-compressed, its name should end in .gz)", magic, want)
	}
	dims := make([]int, magic&0xff)
	total := 1
	for i := range dims {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			if !isEOF(err) {
				return nil, err
			}
			return nil, errors.New("truncated IDX header (re-download the file)")
		}
		k := int(binary.BigEndian.Uint32(b[:]))
		if k > 0 && total > maxElems/k {
			return nil, errors.New("implausible IDX dimensions (the file is corrupt)")
		}
		total *= k
		dims[i] = k
	}
	return dims, nil
}

// readIDXBytes reads n unsigned bytes, allocating only as data arrives.
func readIDXBytes(r io.Reader, n int, what string) ([]byte, error) {
	const chunk = 1 << 20
	out := make([]byte, 0, min(n, chunk))
	for len(out) < n {
		m := min(chunk, n-len(out))
		out = slices.Grow(out, m)[:len(out)+m]
		got, err := io.ReadFull(r, out[len(out)-m:])
		if err != nil {
			out = out[:len(out)-m+got]
			if isEOF(err) {
				return nil, fmt.Errorf("truncated IDX data: the header promises %d %s but the file holds %d bytes of them (re-download the file)", n, what, len(out))
			}
			return nil, err
		}
	}
	return out, nil
}

// readIDXImages reads an IDX image file (N × H × W unsigned bytes) as an
// N × (H·W) matrix of intensities pixel/255 in [0, 1]. If limit > 0 only
// the first limit images are read.
func readIDXImages(r io.Reader, limit int) (*mat.Dense, error) {
	dims, err := readIDXHeader(r, idxImagesMagic)
	if err != nil {
		return nil, err
	}
	n, d := dims[0], dims[1]*dims[2]
	if n == 0 || d == 0 {
		return nil, fmt.Errorf("IDX file holds no images (dimensions %d × %d × %d)", dims[0], dims[1], dims[2])
	}
	if limit > 0 {
		n = min(n, limit)
	}
	data, err := readIDXIntensities(r, n*d)
	if err != nil {
		return nil, err
	}
	return mat.NewDense(n, d, data), nil
}

// idxUpfront is the largest matrix (in float64 values) that
// readIDXIntensities allocates before its data arrive: 128 M values, 1 GiB
// of address space that the system backs only as it is written, so that a
// corrupt header costs no memory and a real file is converted without a
// second copy of its pixels.
const idxUpfront = 1 << 27

// readIDXIntensities reads n unsigned bytes as intensities b/255, converting
// them as they arrive: 60,000 MNIST digits take their 376 MB of float64
// and a 1 MB buffer, not also the 47 MB of bytes and the garbage of growing
// them.
func readIDXIntensities(r io.Reader, n int) ([]float64, error) {
	const chunk = 1 << 20
	buf := make([]byte, min(n, chunk))
	var out []float64
	if n <= idxUpfront {
		out = make([]float64, 0, n)
	}
	for len(out) < n {
		m := min(chunk, n-len(out))
		got, err := io.ReadFull(r, buf[:m])
		for _, p := range buf[:got] {
			out = append(out, float64(p)/255)
		}
		if err != nil {
			if isEOF(err) {
				return nil, fmt.Errorf("truncated IDX data: the header promises %d pixels but the file holds %d bytes of them (re-download the file)", n, len(out))
			}
			return nil, err
		}
	}
	return out, nil
}

// readIDXLabels reads an IDX label file (N unsigned bytes).
func readIDXLabels(r io.Reader) ([]int, error) {
	dims, err := readIDXHeader(r, idxLabelsMagic)
	if err != nil {
		return nil, err
	}
	raw, err := readIDXBytes(r, dims[0], "labels")
	if err != nil {
		return nil, err
	}
	out := make([]int, len(raw))
	for i, b := range raw {
		out[i] = int(b)
	}
	return out, nil
}
