package train

import (
	"math"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
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
