package cmdutil

import (
	"io"
	"math"
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
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npy":
		return func(x *mat.Dense) error { return dataset.WriteNPY(path, x) }, nil
	case ".npz":
		return func(x *mat.Dense) error {
			r, c := x.Dims()
			return dataset.WriteNPZ(path, []dataset.Array{{Name: "samples", Shape: []int{r, c}, Data: x.RawMatrix().Data}})
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
		return atomicfile.Write(out, func(w io.Writer) error { return msa.WriteFASTA(w, names, seqs, alpha) })
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
