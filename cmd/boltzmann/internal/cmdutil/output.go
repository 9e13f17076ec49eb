package cmdutil

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
	"boltzmann/figure"
	"boltzmann/internal/atomicfile"
	"boltzmann/model"
	"boltzmann/model/catrbm"
	"boltzmann/model/potts"
	"boltzmann/msa"
)

// ArrayWriter returns the writer for an output path, chosen by extension:
// .npy, .npz (one array "samples"), .csv/.txt; an alignment extension
// gives a writer that refuses (AlignmentWriter replaces it for models with
// an alphabet).
func ArrayWriter(path string) (func(*mat.Dense) error, error) {
	return NamedArrayWriter(path, "samples")
}

// NamedArrayWriter is ArrayWriter with the name of the array in an .npz
// archive. The output's directory is checked first (CheckOutput), and a
// write that fails is an input error naming the file (exit code 2).
func NamedArrayWriter(path, key string) (func(*mat.Dense) error, error) {
	write, err := arrayWriter(path, key)
	if err != nil {
		return nil, err
	}
	if err := CheckOutput(path); err != nil {
		return nil, err
	}
	return func(x *mat.Dense) error { return WriteError(path, write(x)) }, nil
}

func arrayWriter(path, key string) (func(*mat.Dense) error, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npy":
		return func(x *mat.Dense) error { return dataset.WriteNPY(path, x) }, nil
	case ".npz":
		return func(x *mat.Dense) error {
			r, c := x.Dims()
			return dataset.WriteNPZ(path, []dataset.Array{{Name: key, Shape: []int{r, c}, Data: x.RawMatrix().Data}})
		}, nil
	case ".csv", ".txt":
		return func(x *mat.Dense) error { return dataset.WriteCSV(path, x) }, nil
	}
	if IsAlignmentPath(path) {
		return func(*mat.Dense) error {
			return BadInput("cannot write %s: FASTA output needs a run trained on an alignment (potts or catrbm); use .npy, .npz or .csv", path)
		}, nil
	}
	return nil, BadInput("cannot write %s: use an output file ending in .npy, .npz or .csv", path)
}

// AlignmentWriter adapts an ArrayWriter to categorical models: FASTA
// output (records >sample_1, … in the model's alphabet) when out ends in
// an alignment extension.
func AlignmentWriter(m model.Model, write func(*mat.Dense) error, out string) func(*mat.Dense) error {
	var alphabet string
	switch cm := m.(type) {
	case *potts.Model:
		alphabet = cm.Alphabet
	case *catrbm.Model:
		alphabet = cm.Alphabet
	default:
		return write
	}
	if !IsAlignmentPath(out) {
		return write
	}
	alpha, err := msa.ByName(alphabet)
	if alphabet == "" || err != nil {
		return func(*mat.Dense) error {
			return BadInput("the model has no alphabet to write FASTA with: use --out FILE.npy")
		}
	}
	return func(x *mat.Dense) error {
		seqs := msa.SeqsFromCodes(x)
		names := make([]string, len(seqs))
		for k := range names {
			names[k] = "sample_" + strconv.Itoa(k+1)
		}
		return WriteError(out, atomicfile.Write(out, func(w io.Writer) error { return msa.WriteFASTA(w, names, seqs, alpha) }))
	}
}

// ImageShape parses --shape HxW for rows of d values; an empty shape means
// square images when needed (d a perfect square) and 0×0 otherwise.
func ImageShape(shape string, d int, needed bool) (h, w int, err error) {
	if shape == "" {
		if !needed {
			return 0, 0, nil
		}
		s := int(math.Round(math.Sqrt(float64(d))))
		if s*s != d {
			return 0, 0, BadInput("rows of %d values are not square images: give --shape HxW", d)
		}
		return s, s, nil
	}
	hs, ws, ok := strings.Cut(strings.ToLower(shape), "x")
	h, err1 := strconv.Atoi(hs)
	w, err2 := strconv.Atoi(ws)
	if !ok || err1 != nil || err2 != nil || h < 1 || w < 1 {
		return 0, 0, BadInput("--shape %q: use HxW, e.g. 28x28", shape)
	}
	if h*w != d {
		return 0, 0, BadInput("--shape %s has %d pixels but rows have %d values", shape, h*w, d)
	}
	return h, w, nil
}

// SideBySide draws at most 20 rows of the columns (each n × h·w) as
// images of h × w pixels side by side into a PNG.
func SideBySide(path string, cols []*mat.Dense, titles []string, h, w int) error {
	n, _ := cols[0].Dims()
	k := min(n, 20)
	sub := make([]*mat.Dense, len(cols))
	for i, c := range cols {
		_, d := c.Dims()
		sub[i] = mat.DenseCopyOf(c.Slice(0, k, 0, d))
	}
	scale := max(1, 84/max(h, w))
	return figure.SideBySide(path, sub, titles, h, w, scale)
}

// CheckOutput checks, before any work, that an output file can be written
// where path says: its directory exists, is a directory, and takes a new
// file (a probe file, removed at once); path itself is not a directory.
func CheckOutput(path string) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case err != nil:
		return BadInput("cannot write %s: %v (create the directory first, or choose another path)", path, UnwrapPathError(err))
	case !st.IsDir():
		return BadInput("cannot write %s: %s is not a directory", path, dir)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return BadInput("cannot write %s: it is a directory; give a file name", path)
	}
	f, err := os.CreateTemp(dir, ".boltzmann-probe-*")
	if err != nil {
		return BadInput("cannot write %s: %v (choose a writable directory)", path, UnwrapPathError(err))
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// WriteError turns an error of writing the output file path into an input
// error naming it (exit code 2: the path, its permissions or its disk are
// the user's to fix); nil stays nil, and input errors stay as they are.
func WriteError(path string, err error) error {
	var ie InputError
	if err == nil || errors.As(err, &ie) {
		return err
	}
	return BadInput("cannot write %s: %v (check its directory's permissions and free space, or choose another path)", path, UnwrapPathError(err))
}
