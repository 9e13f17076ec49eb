package dataset

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// This file reads NumPy .npz archives (zip files of .npy members, as
// numpy.savez and numpy.savez_compressed write them). Every member that is
// read is read to its end and its CRC-32 compared with the one the archive
// records, so that a damaged archive is an error naming the member instead
// of wrong numbers: archive/zip verifies the checksum only when a member is
// read to EOF, and the .npy parser stops after the elements it needs.

// npzArchive is an opened .npz file.
type npzArchive struct {
	path string
	f    *os.File // nil for an archive from newNPZ
	z    *zip.Reader
}

// openNPZ opens the archive at path; errors name path and start with
// "dataset: ".
func openNPZ(path string) (*npzArchive, error) {
	f, st, err := openFile(path, "an .npz file")
	if err != nil {
		return nil, err
	}
	if st.Size() == 0 {
		f.Close()
		return nil, fmt.Errorf("dataset: %s: file is empty", path)
	}
	a, err := newNPZ(path, f, st.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	a.f = f
	return a, nil
}

// newNPZ reads the directory of the archive of the given size in r; path
// names it in errors.
func newNPZ(path string, r io.ReaderAt, size int64) (*npzArchive, error) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrAlgorithm) || errors.Is(err, zip.ErrChecksum) {
			return nil, fmt.Errorf("dataset: %s: not a valid .npz (zip) archive: %v (save it with numpy.savez, or re-create it)", path, err)
		}
		return nil, fmt.Errorf("dataset: %s: %v", path, err)
	}
	return &npzArchive{path: path, z: z}, nil
}

// Close closes the file of an archive from openNPZ.
func (a *npzArchive) Close() error {
	if a.f == nil {
		return nil
	}
	return a.f.Close()
}

// keys lists the member names in archive order.
func (a *npzArchive) keys() []string {
	out := make([]string, len(a.z.File))
	for i, f := range a.z.File {
		out[i] = f.Name
	}
	return out
}

// read decodes member i (see decodeNPY for maxRows) and then reads the
// member to its end, verifying its length and CRC-32. Errors name the
// archive and the array.
func (a *npzArchive) read(i, maxRows int) (shape []int, data []float64, err error) {
	f := a.z.File[i]
	defer func() {
		if err != nil {
			err = fmt.Errorf("dataset: %s: array %q: %w", a.path, npzName(f.Name), err)
		}
	}()
	rc, err := f.Open()
	if err != nil {
		return nil, nil, npzError(err)
	}
	defer rc.Close()
	h := crc32.NewIEEE()
	r := io.TeeReader(rc, h)
	shape, data, err = decodeNPY(r, maxRows)
	// Read to the end even after a parse error: a damaged member is
	// reported as such rather than as the malformed array it decodes to.
	_, cerr := io.Copy(io.Discard, r)
	// archive/zip skips the comparison when the recorded CRC-32 is 0;
	// compare here too so that a zeroed field is caught.
	if cerr == nil && h.Sum32() != f.CRC32 {
		cerr = zip.ErrChecksum
	}
	if cerr != nil && (err == nil || !isEOF(cerr)) {
		err = cerr
	}
	if err != nil {
		return nil, nil, npzError(err)
	}
	return shape, data, nil
}

// npzError says what an error reading a member means for the archive;
// errors of the .npy parser are passed through.
func npzError(err error) error {
	var ce flate.CorruptInputError
	switch {
	case errors.Is(err, zip.ErrChecksum):
		return errors.New("CRC-32 mismatch (the file is corrupt; re-create it)")
	case errors.Is(err, zip.ErrFormat):
		return errors.New("member does not match the archive's directory (the file is corrupt; re-create it)")
	case errors.Is(err, zip.ErrAlgorithm):
		return errors.New("unsupported compression method (save it with numpy.savez or numpy.savez_compressed)")
	case errors.As(err, &ce):
		return errors.New("corrupt compressed data (the file is corrupt; re-create it)")
	case isEOF(err):
		// The .npy parser turns the ends it meets into its own messages:
		// this one is the zip member ending before its recorded size.
		return errors.New("member data ends early (the file is corrupt; re-create it)")
	}
	return err
}

// ReadNPZ reads every array of an .npz archive, in archive order, converted
// to float64 in C order. Names have the ".npy" suffix removed, as in
// numpy.load. It reads parameter files written by WriteNPZ or numpy.savez.
//
// Every member is verified against its CRC-32; a damaged archive is a
// one-line error naming the file and the array, for example
// `dataset: model.npz: array "weights": CRC-32 mismatch (the file is
// corrupt; re-create it)`.
func ReadNPZ(path string) ([]Array, error) {
	z, err := openNPZ(path)
	if err != nil {
		return nil, err
	}
	defer z.Close()
	var out []Array
	for i, k := range z.keys() {
		shape, data, err := z.read(i, 0)
		if err != nil {
			return nil, err
		}
		if shape == nil {
			shape = []int{}
		}
		out = append(out, Array{Name: npzName(k), Shape: shape, Data: data})
	}
	return out, nil
}

// readNPZMatrix reads one array of an .npz archive as a matrix.
func readNPZMatrix(path string, opt ReadOptions) (*mat.Dense, error) {
	z, err := openNPZ(path)
	if err != nil {
		return nil, err
	}
	defer z.Close()
	keys := z.keys()
	if len(keys) == 0 {
		return nil, fmt.Errorf("dataset: %s: archive holds no arrays (save one with numpy.savez)", path)
	}
	entry := 0
	if opt.Key != "" {
		entry = -1
		for i, k := range keys {
			if k == opt.Key || k == opt.Key+".npy" {
				entry = i
				break
			}
		}
		if entry < 0 {
			return nil, fmt.Errorf("dataset: %s: no array %q in the archive (available: %s)", path, opt.Key, strings.Join(npzNames(keys), ", "))
		}
	}
	shape, data, err := z.read(entry, opt.Limit)
	if err != nil {
		return nil, err
	}
	x, err := toMatrix(shape, data, opt.SingleSample)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: array %q: %w", path, npzName(keys[entry]), err)
	}
	return x, nil
}

func npzName(entry string) string { return strings.TrimSuffix(entry, ".npy") }

func npzNames(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = npzName(k)
	}
	return out
}
