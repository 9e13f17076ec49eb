package evaluate

// --logz trajectory: log Z along the models saved by train
// --save-trajectory (runs.EstimateTrajectoryLogZ), with AIS next to it.

import (
	"errors"
	"math"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"boltzmann/ais"
	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/model"
	"boltzmann/runs"
)

// TrajectoryFlags are the settings of --logz trajectory.
type TrajectoryFlags struct {
	Chains, BurnIn, Steps int
	SwapAcceptance        float64
	Set                   bool // one of the flags was given
}

func (f *TrajectoryFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.IntVar(&f.Chains, "trajectory-chains", 200, "--logz trajectory: independent tempering chains (jackknifed in 20 groups for the error bar)")
	fl.IntVar(&f.BurnIn, "trajectory-burn-in", 200, "--logz trajectory: transitions before the swaps are recorded")
	fl.IntVar(&f.Steps, "trajectory-steps", 1000, "--logz trajectory: transitions whose swaps give the Bennett estimates")
	fl.Float64Var(&f.SwapAcceptance, "swap-acceptance", 0.3, "--logz trajectory: least pilot swap acceptance of neighbouring saved models")
}

// changed reports whether one of the flags was given.
func (f *TrajectoryFlags) changed(cmd *cobra.Command) bool {
	for _, n := range []string{"trajectory-chains", "trajectory-burn-in", "trajectory-steps", "swap-acceptance"} {
		if cmd.Flags().Changed(n) {
			return true
		}
	}
	return false
}

func (f *TrajectoryFlags) check() error {
	switch {
	case f.Chains < 2 || f.BurnIn < 0 || f.Steps < 1:
		return cmdutil.BadInput("--trajectory-chains must be at least 2, --trajectory-burn-in at least 0 and --trajectory-steps at least 1, got %d, %d, %d", f.Chains, f.BurnIn, f.Steps)
	case !(f.SwapAcceptance > 0 && f.SwapAcceptance < 1):
		return cmdutil.BadInput("--swap-acceptance must be between 0 and 1, got %g", f.SwapAcceptance)
	}
	return nil
}

// unused refuses the flags with another --logz (never ignored).
func (f *TrajectoryFlags) unused() error {
	if f.Set {
		return cmdutil.BadInput("--trajectory-* and --swap-acceptance tune --logz trajectory: add it or drop them")
	}
	return nil
}

// trajectoryReport is evaluate's report of --logz trajectory; values that
// cannot be estimated (a pair never tried) are null.
type trajectoryReport struct {
	Epochs          []int      `json:"epochs"` // of each level, the final model first; -1: the zero-weight start
	PilotAcceptance []*float64 `json:"pilot_swap_acceptance"`
	SwapAcceptance  []*float64 `json:"swap_acceptance"`
	RoundTrips      int        `json:"round_trips"`
	LogRatios       []*float64 `json:"log_z_ratios"` // log Z_p - log Z_{p+1}
	LogRatiosStdErr []*float64 `json:"log_z_ratios_stderr"`
	// FirstLogZ is log Z of the last level, by FirstMethod: analytic
	// (zero weights), exact (enumeration) or ais (forward AIS, with its
	// standard error).
	FirstLogZ       float64  `json:"first_log_z"`
	FirstMethod     string   `json:"first_log_z_method"`
	FirstLogZStdErr *float64 `json:"first_log_z_stderr,omitempty"`
	LogZ            float64  `json:"log_z"`
	LogZStdErr      float64  `json:"log_z_stderr"`
	Chains          int      `json:"chains"`
	BurnIn          int      `json:"burn_in"`
	Steps           int      `json:"steps"`
}

// trajectoryLogZ sets ev's log Z by runs.EstimateTrajectoryLogZ and runs
// AIS in both directions next to it (skipped for a model without an AIS
// path).
func (o *Options) trajectoryLogZ(m model.Model, x *mat.Dense, ev *evaluation) error {
	sched, err := o.AIS.schedule()
	if err != nil {
		return err
	}
	if _, ok := m.(model.Discrete); !ok {
		return cmdutil.BadInput("--logz trajectory needs a model of discrete units, not %s; use --logz auto", cmdutil.SpecOf(m).Kind)
	}
	t := o.Trajectory
	if err := cmdutil.CheckChainsMemory(cmdutil.SpecOf(m), t.Chains*2, 0, "trajectory tempering", "lower --trajectory-chains"); err != nil {
		return err
	}
	rep, err := runs.EstimateTrajectoryLogZ(o.Run, m, runs.TrajectoryLogZSettings{
		SwapAcceptance: t.SwapAcceptance, Chains: t.Chains, BurnIn: t.BurnIn, Steps: t.Steps, Seed: o.AIS.Seed,
		Prepare: func(m model.Model) { cmdutil.UsePrecision(m, o.AIS.Float64) },
		AIS:     ais.EvaluateSettings{Runs: o.AIS.Runs, Schedule: sched, Seed: o.AIS.Seed}, Data: x,
	})
	if err != nil {
		return cmdutil.Input(err)
	}
	tr := &trajectoryReport{Epochs: rep.Epochs, PilotAcceptance: nullable(rep.Pilot), SwapAcceptance: nullable(rep.Swap),
		RoundTrips: rep.RoundTrips, LogRatios: nullable(rep.LogRatios), LogRatiosStdErr: nullable(rep.LogRatiosStdErr),
		FirstLogZ: rep.FirstLogZ, FirstMethod: rep.FirstMethod, LogZ: rep.LogZ, LogZStdErr: rep.LogZStdErr,
		Chains: rep.Chains, BurnIn: rep.BurnIn, Steps: rep.Steps}
	if rep.FirstMethod == "ais" {
		tr.FirstLogZStdErr = cmdutil.Ptr(rep.FirstLogZStdErr)
	}
	var a evaluation
	switch err := o.aisLogZ(m, x, &a, ais.Both); {
	case errors.Is(err, ais.ErrNoPath):
		o.IO.Logger().Warn("no AIS path for this model: only the trajectory estimate is reported", "err", err)
	case err != nil:
		return err
	default:
		*ev = a
		if a.LogZMethod == "ais" {
			n, _ := x.Dims()
			f := make([]float64, n)
			m.FreeEnergy(x, f)
			meanF := 0.0
			for _, v := range f {
				meanF += v / float64(n)
			}
			ev.AISLogZ, ev.AISLogZStderr, ev.AISLL = a.LogZ, a.LogZStderr, cmdutil.Ptr(-meanF-*a.LogZ)
		}
	}
	ev.NSamples, ev.Trajectory = x.RawMatrix().Rows, tr
	ev.LogZ, ev.LogZMethod, ev.LogZStderr = cmdutil.Ptr(rep.LogZ), "trajectory", cmdutil.Ptr(rep.LogZStdErr)
	ev.LogZLower, ev.LogZUpper = cmdutil.Ptr(rep.LogZ-3*rep.LogZStdErr), cmdutil.Ptr(rep.LogZ+3*rep.LogZStdErr)
	return nil
}

// nullable maps NaN and ±Inf to nil (JSON null).
func nullable(x []float64) []*float64 {
	out := make([]*float64, len(x))
	for i, v := range x {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			out[i] = cmdutil.Ptr(v)
		}
	}
	return out
}
