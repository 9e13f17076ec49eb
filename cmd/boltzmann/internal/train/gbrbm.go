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
	Standardize   bool
	FixedVariance bool
	// Which were given: they apply to gbrbm only.
	StandardizeSet, FixedVarianceSet bool
}

func (f *GBRBMFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&f.Standardize, "standardize", true, "gbrbm: train on the per-column standardized data (x - mean)/std, recorded in the run; the saved model and every command use the data's own units")
	fl.BoolVar(&f.FixedVariance, "fixed-variance", false, "gbrbm: keep the visible variances at 1 (in standardized units: the data's variances) instead of learning them")
}

// check refuses the gbrbm flags for other models.
func (f *GBRBMFlags) check(kind string) error {
	if kind != gbrbm.Kind && (f.StandardizeSet || f.FixedVarianceSet) {
		return cmdutil.BadInput("--standardize and --fixed-variance apply to --model gbrbm only")
	}
	return nil
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
	if !f.Standardize {
		return x, val, nil
	}
	st, err := runs.NewStandardization(x)
	if err != nil {
		return nil, nil, cmdutil.BadInput("%s: %v; or pass --standardize=false", t.Data, err)
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
