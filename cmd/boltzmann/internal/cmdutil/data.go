package cmdutil

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
	"boltzmann/model"
	"boltzmann/model/catrbm"
	"boltzmann/model/potts"
	"boltzmann/model/rbm"
	"boltzmann/msa"
	"boltzmann/runs"
	"boltzmann/tasks"
)

// DataFormats names the data files the commands read.
const DataFormats = dataset.Supported

// DataFlags are the flags that say how to read a data file.
type DataFlags struct {
	Key      string
	Binarize string
	DataSeed uint64
	Limit    int
	N        int
}

// Register adds the data flags to cmd.
func (f *DataFlags) Register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.Key, "key", "", "array to read from an .npz file (default: the first)")
	fl.StringVar(&f.Binarize, "binarize", "", "turn values in [0,1] into {0,1}: threshold (x >= 0.5) or stochastic (1 with probability x)")
	fl.Uint64Var(&f.DataSeed, "data-seed", 0, "seed of stochastic binarization and of builtin data sets")
	fl.IntVar(&f.Limit, "limit", 0, "read only the first N samples (0: all)")
	fl.IntVar(&f.N, "n-builtin", 1000, "number of samples generated for builtin:SPEC data")
}

// Options returns the dataset options of the flags.
func (f *DataFlags) Options() dataset.ReadOptions {
	return dataset.ReadOptions{Key: f.Key, Binarize: f.Binarize, Seed: f.DataSeed, Limit: f.Limit, N: f.N}
}

// ReadData reads and checks a data file: it must exist, be non-empty and
// hold only finite numbers. Every problem is an input error.
func ReadData(path string, opt dataset.ReadOptions) (*mat.Dense, error) {
	switch opt.Binarize {
	case "", dataset.BinarizeThreshold, dataset.BinarizeStochastic:
	default:
		return nil, BadInput("unknown --binarize %q: use threshold or stochastic", opt.Binarize)
	}
	if !dataset.IsBuiltin(path) {
		if _, err := os.Stat(path); err != nil {
			return nil, BadInput("cannot open data file %s: %v (check the path)", path, UnwrapPathError(err))
		}
	}
	if err := checkKey(path, opt.Key); err != nil {
		return nil, err
	}
	if err := CheckBuiltinMemory(path, opt); err != nil {
		return nil, err
	}
	x, err := dataset.Read(path, opt)
	if err != nil {
		return nil, Input(err)
	}
	if r, _ := x.Dims(); r == 0 {
		return nil, BadInput("%s holds no samples: give a file with one sample per row", path)
	}
	if opt.AllowNaN { // dataset.Read has checked the values otherwise
		if err := dataset.CheckFinite(x); err != nil {
			return nil, Input(fmt.Errorf("%s: %w", path, err))
		}
	}
	return x, nil
}

// ReadDataWithNaN reads a data file like ReadData, but NaN entries are
// allowed and returned as a mask of missing values (nil when there are
// none).
func ReadDataWithNaN(path string, opt dataset.ReadOptions) (*mat.Dense, []bool, error) {
	opt.AllowNaN = true
	if err := checkKey(path, opt.Key); err != nil {
		return nil, nil, err
	}
	if err := CheckBuiltinMemory(path, opt); err != nil {
		return nil, nil, err
	}
	x, err := dataset.Read(path, opt)
	if err != nil {
		return nil, nil, Input(err)
	}
	if r, _ := x.Dims(); r == 0 {
		return nil, nil, BadInput("%s holds no samples: give a file with one sample per row", path)
	}
	nan := tasks.NaNMask(x)
	if slices.Contains(nan, true) {
		return x, nan, nil
	}
	return x, nil, nil
}

// UnwrapPathError returns the cause of a *os.PathError (the path is in the
// message already).
func UnwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// CheckFits checks that data suit a model: the number of columns, and for
// discrete models that every value is one of the model's states, but for a
// labeled rbm, whose data units also take intensities in [0, 1]
// (CheckIntensities).
func CheckFits(m model.Model, x *mat.Dense, what string) error {
	_, d := x.Dims()
	if d != m.Dim() {
		return BadInput("%s has %d columns but the model has %d visible units: use data of the shape the model was trained on", what, d, m.Dim())
	}
	if _, ok := m.(*rbm.Labeled); ok {
		return CheckIntensities(x, what)
	}
	dm, ok := m.(model.Discrete)
	if !ok {
		return nil
	}
	states := dm.States()
	r, _ := x.Dims()
	for i := range r {
		for j, v := range x.RawRowView(i) {
			if !slices.Contains(states, v) {
				return BadInput("%s row %d column %d: value %v is not one of the model's states %v (binarize the data, e.g. --binarize threshold, or convert its encoding)", what, i+1, j+1, v, states)
			}
		}
	}
	return nil
}

// CheckIntensities checks that every value of x is in [0, 1]: binary data,
// or grey levels that a labeled rbm takes as the probabilities of its
// binary data units (the positive phase and log p(y|x) use them as they
// are; its fantasy particles are binary).
func CheckIntensities(x *mat.Dense, what string) error {
	r, _ := x.Dims()
	for i := range r {
		for j, v := range x.RawRowView(i) {
			if !(v >= 0 && v <= 1) {
				return BadInput("%s row %d column %d: value %v is outside [0, 1], which a labeled rbm needs (rescale the data to [0, 1], or binarize it, e.g. --binarize threshold)", what, i+1, j+1, v)
			}
		}
	}
	return nil
}

// CheckStates checks that the entries of x not marked in skip are states
// of a discrete model.
func CheckStates(m model.Model, x *mat.Dense, skip []bool, what string) error {
	dm, ok := m.(model.Discrete)
	if !ok {
		return BadInput("%s: this command needs a discrete model", what)
	}
	_, d := x.Dims()
	for i, v := range x.RawMatrix().Data {
		if (skip == nil || !skip[i]) && !slices.Contains(dm.States(), v) {
			return BadInput("%s row %d column %d: value %v is not one of the model's states %v (binarize the data, e.g. --binarize threshold)", what, i/d+1, i%d+1, v, dm.States())
		}
	}
	return nil
}

// LoadRun loads the model of a run directory; a directory that is not a
// run, or a damaged one, is bad input.
func LoadRun(dir string) (model.Model, *runs.Config, error) {
	if cfg, err := runs.ReadConfig(dir); err == nil {
		if err := CheckModelMemory(cfg.Model, dir); err != nil {
			return nil, nil, err
		}
	}
	m, cfg, err := runs.LoadModel(dir)
	if err != nil {
		return nil, nil, Input(err)
	}
	return m, cfg, nil
}

// WithRunBinarization returns the data flags with the training run's
// --binarize, unless the user gave one on this command line.
func WithRunBinarization(df DataFlags, cfg *runs.Config, binarizeSet bool) DataFlags {
	if !binarizeSet {
		df.Binarize = ""
		if cfg.Train != nil {
			df.Binarize = cfg.Train.Binarize
		}
	}
	return df
}

// LoadRunAndEvidence loads the model of a run and the data to infer from
// (NaN entries as a missing-value mask, the run's binarization unless given
// here), checking that the data have the model's number of columns (for a
// labeled rbm also its number of data units: the labels are then unknown).
func LoadRunAndEvidence(run, path string, flags DataFlags, binarizeSet bool) (model.Model, *runs.Config, *mat.Dense, []bool, error) {
	m, cfg, err := LoadRun(run)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	df := WithRunBinarization(flags, cfg, binarizeSet)
	x, nanMask, err := ReadDataWithNaN(path, df.Options())
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if _, d := x.Dims(); d != m.Dim() {
		if l, ok := m.(*rbm.Labeled); ok && d == l.DataDim() {
			return m, cfg, x, nanMask, nil
		}
		return nil, nil, nil, nil, BadInput("%s has %d columns but the model has %d visible units: use data of the shape the model was trained on", path, d, m.Dim())
	}
	return m, cfg, x, nanMask, nil
}

// ReadLabels reads n class labels in [0, classes) (classes 0: any
// non-negative label; the first n when limit cut the data).
func ReadLabels(path string, n, classes, limit int) ([]int, error) {
	y, err := readLabelFile(path, n, limit, "")
	if err != nil {
		return nil, err
	}
	for i, v := range y {
		if v == dataset.MissingLabel {
			return nil, BadInput("%s: the label of sample %d is missing (NaN or -1): give every sample a label", path, i+1)
		}
		if v < 0 && classes == 0 {
			return nil, BadInput("%s: label %d of sample %d is negative: labels are class numbers 0, 1, 2, …", path, v, i+1)
		}
		if v < 0 || (classes > 0 && v >= classes) {
			return nil, BadInput("%s: label %d of sample %d is outside [0, %d): the model knows classes 0 to %d", path, v, i+1, classes, classes-1)
		}
	}
	return y, nil
}

// ReadPartialLabels is ReadLabels for training data that may mix labeled
// and unlabeled samples: a missing label (NaN or -1) reads as
// dataset.MissingLabel; at least one label must be given.
func ReadPartialLabels(path string, n, classes, limit int) ([]int, error) {
	y, err := readLabelFile(path, n, limit, " (NaN or -1 for an unknown one)")
	if err != nil {
		return nil, err
	}
	known := 0
	for i, v := range y {
		if v == dataset.MissingLabel {
			continue
		}
		if v < 0 && classes == 0 {
			return nil, BadInput("%s: label %d of sample %d is negative: labels are class numbers 0, 1, 2, … (NaN or -1 marks an unknown label)", path, v, i+1)
		}
		if v < 0 || (classes > 0 && v >= classes) {
			return nil, BadInput("%s: label %d of sample %d is outside [0, %d) (NaN or -1 marks an unknown label)", path, v, i+1, classes)
		}
		known++
	}
	if known == 0 {
		return nil, BadInput("%s holds no label (all NaN or -1): label at least some samples", path)
	}
	return y, nil
}

// readLabelFile reads the labels of n samples from path (the first n when
// limit cut the data); hint ends the message of a count that does not
// match.
func readLabelFile(path string, n, limit int, hint string) ([]int, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, BadInput("cannot open label file %s: %v", path, UnwrapPathError(err))
	}
	y, err := dataset.ReadLabels(path)
	if err != nil {
		return nil, Input(err)
	}
	if limit > 0 && len(y) > n {
		y = y[:n]
	}
	if len(y) != n {
		return nil, BadInput("%s has %d labels for %d samples: give one label per sample%s", path, len(y), n, hint)
	}
	return y, nil
}

// msaExtensions are the file extensions read and written as alignments.
var msaExtensions = []string{".fasta", ".fa", ".faa", ".fas", ".afa", ".a2m", ".aln"}

// IsAlignmentPath reports whether path has an alignment extension.
func IsAlignmentPath(path string) bool {
	return slices.Contains(msaExtensions, strings.ToLower(filepath.Ext(path)))
}

// ReadAlignment reads an alignment file with a named alphabet; every
// problem is an input error naming the file (and the line).
func ReadAlignment(path, alphabet string) (*msa.Alignment, error) {
	alpha, err := msa.ByName(alphabet)
	if err != nil {
		return nil, Input(err)
	}
	return ReadAlignmentIn(path, alpha)
}

// ReadAlignmentIn reads an alignment file in the alphabet alpha.
func ReadAlignmentIn(path string, alpha *msa.Alphabet) (*msa.Alignment, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, BadInput("cannot open alignment %s: %v (check the path)", path, UnwrapPathError(err))
	}
	a, err := msa.ReadFile(path, msa.Options{Alphabet: alpha})
	if err != nil {
		return nil, Input(fmt.Errorf("%s: %w", path, commandLineFix(err)))
	}
	return a, nil
}

// LoadCategorical loads a run trained on an alignment (potts or catrbm),
// with its alphabet; what names the command in the message for other runs.
func LoadCategorical(dir, what string) (model.Model, *msa.Alphabet, error) {
	m, cfg, err := LoadRun(dir)
	if err != nil {
		return nil, nil, err
	}
	switch m.(type) {
	case *potts.Model, *catrbm.Model:
	default:
		return nil, nil, BadInput("%s holds a %s model: %s needs a run trained on an alignment with --model potts or catrbm", dir, cfg.Model.Kind, what)
	}
	alpha, err := msa.ByName(cfg.Model.Options["alphabet"])
	if err != nil || alpha.Q() != len(m.(model.Discrete).States()) {
		return nil, nil, BadInput("%s: the model's alphabet %q does not match its %d states", dir, cfg.Model.Options["alphabet"], len(m.(model.Discrete).States()))
	}
	return m, alpha, nil
}

// checkKey refuses a --key for a file that is not an .npz archive (where
// it would be ignored).
func checkKey(path, key string) error {
	if key == "" || strings.HasSuffix(strings.TrimSuffix(strings.ToLower(path), ".gz"), ".npz") {
		return nil
	}
	return BadInput("--key %s names an array of an .npz archive, but %s is not one: drop --key", key, path)
}

// libraryAlphabetFix is the advice of msa's symbol errors, which names the
// library's option; the command line names its flag instead.
const libraryAlphabetFix = "(Options.Alphabet: Protein, RNA, DNA or Custom)"

// commandLineFix rewrites the advice of an alignment error for the
// command line: --alphabet instead of msa.Options.Alphabet.
func commandLineFix(err error) error {
	var pe *msa.ParseError
	if errors.As(err, &pe) && strings.Contains(pe.Msg, libraryAlphabetFix) {
		fixed := *pe
		fixed.Msg = strings.Replace(pe.Msg, libraryAlphabetFix, "(--alphabet protein, rna, dna, or the symbols in code order)", 1)
		return &fixed
	}
	return err
}
