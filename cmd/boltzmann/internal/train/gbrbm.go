package train

import (
	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/model"
	"boltzmann/model/gbrbm"
	"boltzmann/runs"
)

// GBRBMFlags are the settings of --model gbrbm (Gaussian-Bernoulli RBM on
// real-valued data).
type GBRBMFlags struct {
	Standardize   string // StandardizeNone, StandardizeColumns, gbrbm.WhitenZCA or gbrbm.WhitenPCA
	FixedVariance bool
	// Which were given: they apply to gbrbm only.
	StandardizeSet, FixedVarianceSet bool
}

// The values of --standardize besides gbrbm.WhitenZCA and gbrbm.WhitenPCA.
const (
	StandardizeNone    = "none"
	StandardizeColumns = "columns"
	// DefaultStandardize is the default of --standardize (BENCHMARKS.md,
	// GB-RBM against GaussianMixture: the measurements behind it).
	DefaultStandardize = gbrbm.WhitenPCA
)

func (f *GBRBMFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.Standardize, "standardize", DefaultStandardize, "gbrbm: the map of the data the model is trained on, recorded in the run: none, columns ((x - mean)/std), zca or pca (whitening with the correlation matrix, regularized; a bare --standardize is columns); the saved model and every command use the data's own units")
	fl.Lookup("standardize").NoOptDefVal = StandardizeColumns
	fl.BoolVar(&f.FixedVariance, "fixed-variance", false, "gbrbm: keep the visible variances at 1 (in standardized units: the data's variances) instead of learning them")
}

// check refuses the gbrbm flags for other models.
func (f *GBRBMFlags) check(kind string) error {
	if kind != gbrbm.Kind && (f.StandardizeSet || f.FixedVarianceSet) {
		return cmdutil.BadInput("--standardize and --fixed-variance apply to --model gbrbm only")
	}
	switch f.Standardize { // the values of the former boolean flag
	case "true":
		f.Standardize = StandardizeColumns
	case "false":
		f.Standardize = StandardizeNone
	}
	switch f.Standardize {
	case StandardizeNone, StandardizeColumns, gbrbm.WhitenZCA, gbrbm.WhitenPCA:
		return nil
	}
	return cmdutil.BadInput("unknown --standardize %q: use none, columns, zca or pca", f.Standardize)
}

// spec returns the model spec of a new run.
func (o *Options) spec() model.Spec {
	s := model.Spec{Kind: o.Model, Hidden: o.Hidden}
	if o.Model == gbrbm.Kind && o.GBRBM.FixedVariance {
		s.Options = map[string]string{gbrbm.OptionFixedVariance: "true"}
	}
	return s
}

// standardize records the standardization of the training rows x of a new
// gbrbm run in t and returns the standardized x and validation rows val.
// A constant column is bad input, found before anything is written.
func (f *GBRBMFlags) standardize(t *runs.TrainConfig, x, val *mat.Dense) (*mat.Dense, *mat.Dense, error) {
	var st *runs.Standardization
	var err error
	switch f.Standardize {
	case StandardizeNone:
		return x, val, nil
	case StandardizeColumns:
		st, err = runs.NewStandardization(x)
	default:
		st, err = runs.NewWhitening(x, f.Standardize)
	}
	if err != nil {
		return nil, nil, cmdutil.BadInput("%s: %v; or pass --standardize=none", t.Data, err)
	}
	t.Standardize = st
	return st.Apply(x), st.Apply(val), nil
}

// restandardize applies a resumed run's recorded standardization to its
// training and validation rows.
func restandardize(t *runs.TrainConfig, x, val *mat.Dense) (*mat.Dense, *mat.Dense, error) {
	st := t.Standardize
	if st == nil {
		return x, val, nil
	}
	_, d := x.Dims()
	if err := st.Check(d); err != nil {
		return nil, nil, cmdutil.BadInput("%s: %v", runs.ConfigFile, err)
	}
	return st.Apply(x), st.Apply(val), nil
}
