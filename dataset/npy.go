package dataset

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"codeberg.org/sbinet/npyio/npy/float16"
)

// This file holds a small NumPy .npy codec. It is written here rather than
// taken from npyio's reader because data files come from users: the reader
// must return an error, never panic or allocate without bound, on any
// input (see FuzzReadNPY), and it must handle arrays of any rank.

var npyMagic = []byte("\x93NUMPY")

// maxNPYHeader bounds the header length accepted from a file; NumPy's own
// limit for version 1.0 headers is 65535 bytes.
const maxNPYHeader = 1 << 20

// maxElems bounds the number of elements a shape may claim, so that
// products of dimensions cannot overflow.
const maxElems = 1 << 46

// npyHeader describes the array stored in a .npy file.
type npyHeader struct {
	kind    byte // 'b' (bool), 'i', 'u' or 'f'
	size    int  // bytes per element
	order   binary.ByteOrder
	fortran bool
	shape   []int
}

// readNPYHeader reads the magic string and header dictionary from r.
func readNPYHeader(r io.Reader) (npyHeader, error) {
	var h npyHeader
	var pre [8]byte
	n, err := io.ReadFull(r, pre[:])
	if err != nil && !isEOF(err) {
		return h, err // a read error, reported as it is
	}
	if n == 0 {
		return h, errors.New("file is empty")
	}
	if err != nil || !bytes.Equal(pre[:6], npyMagic) {
		return h, errors.New("not a NumPy .npy file (bad magic string; save it with numpy.save)")
	}
	var hlen int
	switch pre[6] {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return h, truncatedHeader(err)
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return h, truncatedHeader(err)
		}
		hlen = int(binary.LittleEndian.Uint32(b[:]))
	default:
		return h, fmt.Errorf("unsupported .npy format version %d.%d (re-save the file with numpy.save)", pre[6], pre[7])
	}
	if hlen > maxNPYHeader {
		return h, fmt.Errorf(".npy header claims %d bytes, more than the %d allowed (the file is corrupt)", hlen, maxNPYHeader)
	}
	buf := make([]byte, hlen)
	if _, err := io.ReadFull(r, buf); err != nil {
		return h, truncatedHeader(err)
	}
	return parseNPYDict(string(buf))
}

// isEOF reports whether err says that the data ended early, as opposed to
// a read error (permissions, a directory, corrupt compressed data).
func isEOF(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// truncatedHeader is the error of a .npy header cut short; read errors
// other than the end of the data are passed through.
func truncatedHeader(err error) error {
	if !isEOF(err) {
		return err
	}
	return errors.New("truncated .npy header (re-save the file with numpy.save)")
}

// parseNPYDict interprets the header dictionary, for example
// {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }.
func parseNPYDict(s string) (npyHeader, error) {
	var h npyHeader
	p := pyParser{s: s}
	v, err := p.value(0)
	if err != nil {
		return h, fmt.Errorf("malformed .npy header: %v (re-save the file with numpy.save)", err)
	}
	d, ok := v.(map[string]any)
	if !ok {
		return h, errors.New("malformed .npy header: not a dictionary (re-save the file with numpy.save)")
	}
	descr, ok := d["descr"].(string)
	if !ok {
		if _, isList := d["descr"].([]any); isList {
			return h, errors.New("structured (record) arrays are not supported (save a plain numeric array)")
		}
		return h, errors.New("malformed .npy header: missing 'descr' (re-save the file with numpy.save)")
	}
	if err := h.setDescr(descr); err != nil {
		return h, err
	}
	fo, ok := d["fortran_order"].(bool)
	if !ok {
		return h, errors.New("malformed .npy header: missing 'fortran_order' (re-save the file with numpy.save)")
	}
	h.fortran = fo
	shape, ok := d["shape"].([]any)
	if !ok {
		return h, errors.New("malformed .npy header: missing 'shape' tuple (re-save the file with numpy.save)")
	}
	total := 1
	for _, e := range shape {
		k, ok := e.(int)
		if !ok || k < 0 {
			return h, fmt.Errorf("malformed .npy header: bad shape entry %v", e)
		}
		if k > 0 && total > maxElems/k {
			return h, errors.New("implausible .npy shape (more than 2^46 elements; the file is corrupt)")
		}
		total *= k
		h.shape = append(h.shape, k)
	}
	return h, nil
}

// setDescr parses a NumPy type string such as "<f8", "|u1" or "|b1".
func (h *npyHeader) setDescr(descr string) error {
	unsupported := func(what string) error {
		return fmt.Errorf("unsupported dtype %q (%s; convert with x.astype(numpy.float64))", descr, what)
	}
	t := descr
	h.order = binary.LittleEndian
	if t != "" {
		switch t[0] {
		case '>':
			h.order = binary.BigEndian
			t = t[1:]
		case '<', '|', '=':
			t = t[1:]
		}
	}
	if len(t) < 2 {
		return unsupported("not a numeric type")
	}
	h.kind = t[0]
	size, err := strconv.Atoi(t[1:])
	if err != nil {
		return unsupported("not a numeric type")
	}
	h.size = size
	switch {
	case h.kind == 'b' && size == 1:
	case (h.kind == 'i' || h.kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8):
	case h.kind == 'f' && (size == 2 || size == 4 || size == 8):
	case h.kind == 'c':
		return unsupported("complex numbers")
	case h.kind == 'f':
		return unsupported("extended precision")
	default:
		return unsupported("only bool, integer and float arrays can be read")
	}
	return nil
}

func (h npyHeader) dtypeName() string {
	switch h.kind {
	case 'b':
		return "bool"
	case 'i':
		return fmt.Sprintf("int%d", 8*h.size)
	case 'u':
		return fmt.Sprintf("uint%d", 8*h.size)
	}
	return fmt.Sprintf("float%d", 8*h.size)
}

// numElems is the number of elements the shape holds (1 for a scalar).
func numElems(shape []int) int {
	n := 1
	for _, k := range shape {
		n *= k
	}
	return n
}

// readValues reads n elements of the array from r, converting to float64.
// It allocates in proportion to the data actually present, so a header
// that promises more than the file holds costs nothing.
func (h npyHeader) readValues(r io.Reader, n int) ([]float64, error) {
	const chunk = 1 << 16
	out := make([]float64, 0, min(n, chunk))
	buf := make([]byte, chunk-chunk%h.size)
	for len(out) < n {
		want := min(len(buf), (n-len(out))*h.size)
		got, err := io.ReadFull(r, buf[:want])
		for i := 0; i+h.size <= got; i += h.size {
			out = append(out, h.decode(buf[i:i+h.size]))
		}
		if err != nil {
			if isEOF(err) {
				return nil, fmt.Errorf("truncated .npy data: the header promises %d %s values but the file holds %d (re-save or re-download the file)",
					n, h.dtypeName(), len(out))
			}
			return nil, err
		}
	}
	return out, nil
}

func (h npyHeader) decode(b []byte) float64 {
	switch h.kind {
	case 'b':
		if b[0] != 0 {
			return 1
		}
		return 0
	case 'i':
		switch h.size {
		case 1:
			return float64(int8(b[0]))
		case 2:
			return float64(int16(h.order.Uint16(b)))
		case 4:
			return float64(int32(h.order.Uint32(b)))
		}
		return float64(int64(h.order.Uint64(b)))
	case 'u':
		switch h.size {
		case 1:
			return float64(b[0])
		case 2:
			return float64(h.order.Uint16(b))
		case 4:
			return float64(h.order.Uint32(b))
		}
		return float64(h.order.Uint64(b))
	}
	switch h.size {
	case 2:
		return float64(float16.Float16Frombits(h.order.Uint16(b)).Float32())
	case 4:
		return float64(math.Float32frombits(h.order.Uint32(b)))
	}
	return math.Float64frombits(h.order.Uint64(b))
}

// fortranToC reorders the elements of an array stored in Fortran
// (column-major) order into C (row-major) order.
func fortranToC(src []float64, shape []int) []float64 {
	dst := make([]float64, len(src))
	k := len(shape)
	strides := make([]int, k)
	s := 1
	for m := range k {
		strides[m] = s
		s *= shape[m]
	}
	idx := make([]int, k)
	off := 0
	for c := range dst {
		dst[c] = src[off]
		for m := k - 1; m >= 0; m-- {
			idx[m]++
			off += strides[m]
			if idx[m] < shape[m] {
				break
			}
			off -= strides[m] * shape[m]
			idx[m] = 0
		}
	}
	return dst
}

// decodeNPY reads a whole .npy stream: its shape, and its elements in C
// order as float64. If maxRows > 0, only the first maxRows entries along the
// first axis are returned (and, for C-ordered data, read).
func decodeNPY(r io.Reader, maxRows int) (shape []int, data []float64, err error) {
	h, err := readNPYHeader(r)
	if err != nil {
		return nil, nil, err
	}
	shape = h.shape
	n := numElems(shape)
	if maxRows > 0 && len(shape) > 0 && shape[0] > maxRows && !h.fortran {
		n = n / shape[0] * maxRows
		shape = append([]int{maxRows}, shape[1:]...)
	}
	data, err = h.readValues(r, n)
	if err != nil {
		return nil, nil, err
	}
	if h.fortran && len(shape) > 1 {
		data = fortranToC(data, shape)
		if maxRows > 0 && shape[0] > maxRows {
			data = data[:len(data)/shape[0]*maxRows]
			shape = append([]int{maxRows}, shape[1:]...)
		}
	}
	return shape, data, nil
}

// encodeNPYHeader writes a version 1.0 header for a little-endian float64
// C-ordered array of the given shape, padded so that the data starts at a
// multiple of 64 bytes as NumPy itself does.
func encodeNPYHeader(w io.Writer, shape []int) error {
	var sb strings.Builder
	sb.WriteString("{'descr': '<f8', 'fortran_order': False, 'shape': (")
	for i, k := range shape {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(strconv.Itoa(k))
	}
	if len(shape) == 1 {
		sb.WriteString(",")
	}
	sb.WriteString("), }")
	dict := sb.String()
	hlen := len(dict) + 1 // with the final newline
	pad := (64 - (10+hlen)%64) % 64
	hlen += pad
	if hlen > math.MaxUint16 {
		return errors.New("dataset: shape too long for a .npy header")
	}
	hdr := make([]byte, 0, 10+hlen)
	hdr = append(hdr, npyMagic...)
	hdr = append(hdr, 1, 0)
	hdr = binary.LittleEndian.AppendUint16(hdr, uint16(hlen))
	hdr = append(hdr, dict...)
	hdr = append(hdr, bytes.Repeat([]byte{' '}, pad)...)
	hdr = append(hdr, '\n')
	_, err := w.Write(hdr)
	return err
}

// encodeNPYRows writes the header and then each row of rows in turn.
func encodeNPY(w io.Writer, shape []int, rows func(yield func([]float64) bool)) error {
	if err := encodeNPYHeader(w, shape); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	var b [8]byte
	var err error
	rows(func(row []float64) bool {
		for _, v := range row {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
			if _, err = bw.Write(b[:]); err != nil {
				return false
			}
		}
		return true
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// pyParser parses the subset of Python literals found in .npy headers:
// dictionaries, tuples, lists, strings, integers, True, False and None.
type pyParser struct {
	s string
	i int
}

const maxPyDepth = 32

func (p *pyParser) skipSpace() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *pyParser) value(depth int) (any, error) {
	if depth > maxPyDepth {
		return nil, errors.New("nested too deeply")
	}
	p.skipSpace()
	if p.i >= len(p.s) {
		return nil, errors.New("unexpected end")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.dict(depth)
	case c == '(':
		return p.seq(depth, ')')
	case c == '[':
		return p.seq(depth, ']')
	case c == '\'' || c == '"':
		return p.str()
	case c == '-' || (c >= '0' && c <= '9'):
		j := p.i + 1
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		k, err := strconv.Atoi(p.s[p.i:j])
		if err != nil {
			return nil, fmt.Errorf("bad integer %q", p.s[p.i:j])
		}
		p.i = j
		if p.i < len(p.s) && p.s[p.i] == 'L' { // Python 2 long
			p.i++
		}
		return k, nil
	}
	for _, w := range []struct {
		word string
		v    any
	}{{"True", true}, {"False", false}, {"None", nil}} {
		if strings.HasPrefix(p.s[p.i:], w.word) {
			p.i += len(w.word)
			return w.v, nil
		}
	}
	return nil, fmt.Errorf("unexpected character %q at offset %d", p.s[p.i], p.i)
}

func (p *pyParser) str() (string, error) {
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", errors.New("unterminated string")
	}
	v := p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	return v, nil
}

// expect consumes either the closing byte (reporting true) or a comma.
func (p *pyParser) sepOrClose(close byte) (closed bool, err error) {
	p.skipSpace()
	if p.i >= len(p.s) {
		return false, errors.New("unexpected end")
	}
	switch p.s[p.i] {
	case close:
		p.i++
		return true, nil
	case ',':
		p.i++
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == close {
			p.i++
			return true, nil
		}
		return false, nil
	}
	return false, fmt.Errorf("expected ',' or %q at offset %d", close, p.i)
}

func (p *pyParser) seq(depth int, close byte) ([]any, error) {
	p.i++
	out := []any{}
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == close {
		p.i++
		return out, nil
	}
	for {
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		closed, err := p.sepOrClose(close)
		if err != nil || closed {
			return out, err
		}
	}
}

func (p *pyParser) dict(depth int) (map[string]any, error) {
	p.i++
	out := map[string]any{}
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return out, nil
	}
	for {
		p.skipSpace()
		if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
			return nil, errors.New("dictionary key is not a string")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, errors.New("expected ':' after dictionary key")
		}
		p.i++
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out[k] = v
		closed, err := p.sepOrClose('}')
		if err != nil || closed {
			return out, err
		}
	}
}
