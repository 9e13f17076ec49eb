package train

import (
	"math"
	"strings"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/dataset"
	"boltzmann/model"
	"boltzmann/model/catrbm"
	"boltzmann/model/gbrbm"
	"boltzmann/model/rbm"
	"boltzmann/runs"
)

// checkTrainNumbers refuses the numeric settings of a run on rows that
// no trainer can use: NaN or infinite rates and penalties, a momentum
// outside [0, 1), a negative number of hidden units. It complements the
// range checks of trainConfig, which NaN passes (every comparison with
// NaN is false).
func checkTrainNumbers(t *runs.TrainConfig, hidden int) error {
	switch {
	case !finitePositive(t.LR):
		return cmdutil.BadInput("--lr must be a positive finite number, got %g", t.LR)
	case !(t.Momentum >= 0 && t.Momentum < 1):
		return cmdutil.BadInput("--momentum must be in [0, 1) (0: plain sgd), got %g", t.Momentum)
	case !finiteNonNegative(t.L1):
		return cmdutil.BadInput("--l1 must be a non-negative finite number, got %g", t.L1)
	case !finiteNonNegative(t.L2):
		return cmdutil.BadInput("--l2 must be a non-negative finite number, got %g", t.L2)
	case hidden < 0:
		return cmdutil.BadInput("--hidden must be at least 1, got %d", hidden)
	}
	return nil
}

// checkBMDCANumbers refuses the numeric settings of a bmDCA run that NaN
// or ±Inf slip past bmdcaConfig's range checks.
func checkBMDCANumbers(b *runs.BMDCAConfig, hidden int) error {
	switch {
	case !finitePositive(b.LR):
		return cmdutil.BadInput("--lr must be a positive finite number, got %g", b.LR)
	case !(b.Reweight >= 0 && b.Reweight <= 1):
		return cmdutil.BadInput("--reweight must be in [0, 1] (0: no reweighting), got %g", b.Reweight)
	case !(b.Pseudocount >= 0 && b.Pseudocount <= 1) && b.Pseudocount != -1:
		return cmdutil.BadInput("--pseudocount must be in [0, 1], or -1 for 1/Neff, got %g", b.Pseudocount)
	case !(b.TargetPearson > 0 && b.TargetPearson <= 1):
		return cmdutil.BadInput("--target-pearson must be in (0, 1], got %g", b.TargetPearson)
	case hidden < 0:
		return cmdutil.BadInput("--hidden must be at least 1, got %d", hidden)
	}
	return nil
}

func finitePositive(v float64) bool    { return v > 0 && !math.IsInf(v, 1) }
func finiteNonNegative(v float64) bool { return v >= 0 && !math.IsInf(v, 1) }

// checkTrainMemory refuses a run on rows whose model, chains and minibatch
// buffers cannot fit, for data of n rows and d columns: called before the
// data are read for builtin data (whose shape the spec gives) and again
// with the data's shape, always before the model is built.
func checkTrainMemory(o *Options, t *runs.TrainConfig, n, d int) error {
	spec := model.Spec{Kind: o.Model, Visible: d}
	switch o.Model {
	case rbm.Kind:
		spec.Hidden = o.Hidden
	case gbrbm.Kind:
		spec.Hidden = o.Hidden
		if w := o.GBRBM.Standardize; w == gbrbm.WhitenPCA || w == gbrbm.WhitenZCA {
			spec.Options = map[string]string{gbrbm.OptionWhitened: "true"} // μ and A: D + D² more
		}
	}
	batch := min(t.BatchSize, n)
	chains := t.Chains
	if chains == 0 {
		chains = batch
	}
	return cmdutil.CheckTrainMemory(spec, chains, batch)
}

// checkBuiltinTrainMemory is checkTrainMemory before builtin data are
// generated (files pass: their shape is known once read).
func checkBuiltinTrainMemory(o *Options, t *runs.TrainConfig) error {
	if !strings.HasPrefix(t.Data, "builtin:") {
		return nil
	}
	d, err := dataset.BuiltinFeatures(t.Data)
	if err != nil {
		return cmdutil.Input(err)
	}
	n := t.N
	if n == 0 {
		n = 1000
	}
	if t.Limit > 0 {
		n = min(n, t.Limit)
	}
	return checkTrainMemory(o, t, n, d)
}

// checkBMDCAMemory refuses a bmDCA run whose model and chains cannot fit
// an alignment of l columns over q states.
func checkBMDCAMemory(kind string, hidden int, b *runs.BMDCAConfig, l, q int) error {
	spec := model.Spec{Kind: kind, Visible: l, States: q}
	if kind == catrbm.Kind {
		spec.Hidden = hidden
	}
	return cmdutil.CheckTrainMemory(spec, b.Chains, 0)
}
