package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
	"boltzmann/model"
	"boltzmann/runs"
)

const dataFormats = dataset.Supported

// dataFlags are the flags that say how to read a data file.
type dataFlags struct {
	Key      string
	Binarize string
	DataSeed uint64
	Limit    int
	N        int
}

func (f *dataFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.Key, "key", "", "array to read from an .npz file (default: the first)")
	fl.StringVar(&f.Binarize, "binarize", "", "turn values in [0,1] into {0,1}: threshold (x >= 0.5) or stochastic (1 with probability x)")
	fl.Uint64Var(&f.DataSeed, "data-seed", 0, "seed of stochastic binarization and of builtin data sets")
	fl.IntVar(&f.Limit, "limit", 0, "read only the first N samples (0: all)")
	fl.IntVar(&f.N, "n-builtin", 1000, "number of samples generated for builtin:SPEC data")
}

func (f *dataFlags) options() dataset.ReadOptions {
	return dataset.ReadOptions{Key: f.Key, Binarize: f.Binarize, Seed: f.DataSeed, Limit: f.Limit, N: f.N}
}

// readData reads and checks a data file: it must exist, be non-empty and
// hold only finite numbers.
func readData(path string, f dataFlags) (*mat.Dense, error) {
	switch f.Binarize {
	case "", dataset.BinarizeThreshold, dataset.BinarizeStochastic:
	default:
		return nil, badInput("unknown --binarize %q: use threshold or stochastic", f.Binarize)
	}
	if !dataset.IsBuiltin(path) {
		if _, err := os.Stat(path); err != nil {
			return nil, badInput("cannot open data file %s: %v (check the path)", path, unwrapPathError(err))
		}
	}
	x, err := dataset.Read(path, f.options())
	if err != nil {
		return nil, inputError{err}
	}
	if r, _ := x.Dims(); r == 0 {
		return nil, badInput("%s holds no samples: give a file with one sample per row", path)
	}
	if err := dataset.CheckFinite(x); err != nil {
		return nil, inputError{fmt.Errorf("%s: %w", path, err)}
	}
	return x, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// checkFits checks that data suit a model: the number of columns, and for
// discrete models that every value is one of the model's states.
func checkFits(m model.Model, x *mat.Dense, what string) error {
	_, d := x.Dims()
	if d != m.Dim() {
		return badInput("%s has %d columns but the model has %d visible units: use data of the shape the model was trained on", what, d, m.Dim())
	}
	dm, ok := m.(model.Discrete)
	if !ok {
		return nil
	}
	states := dm.States()
	r, _ := x.Dims()
	for i := range r {
		for j, v := range x.RawRowView(i) {
			if !contains(states, v) {
				return badInput("%s row %d column %d: value %v is not one of the model's states %v (binarize the data, e.g. --binarize threshold, or convert its encoding)", what, i+1, j+1, v, states)
			}
		}
	}
	return nil
}

func contains(s []float64, v float64) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// loadRun loads the model of a run directory; a directory that is not a
// run, or a damaged one, is bad input.
func loadRun(dir string) (model.Model, *runs.Config, error) {
	m, cfg, err := runs.LoadModel(dir)
	if err != nil {
		return nil, nil, inputError{err}
	}
	return m, cfg, nil
}

// withRunBinarization returns the data flags with the training run's
// --binarize, unless the user gave one on this command line.
func withRunBinarization(df dataFlags, cfg *runs.Config, binarizeSet bool) dataFlags {
	if !binarizeSet {
		df.Binarize = cfg.Train.Binarize
	}
	return df
}
