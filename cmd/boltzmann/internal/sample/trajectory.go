package sample

// --sampler trajectory: tempering over the models saved along training
// (runs.TrajectoryRecorder), with log Z of the final model along the
// ladder.

import (
	"math"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/model"
	"boltzmann/runs"
	"boltzmann/sample/tempering"
)

// trajectoryRun is the sampler of --sampler trajectory and the statistics
// it collects after burn-in.
type trajectoryRun struct {
	ladder  *runs.TrajectoryLadder
	sampler *tempering.Sampler
	bridge  *tempering.Bridge
	burnIn  int
	done    int // transitions done (tasks.SampleSettings.OnStep)
}

// newTrajectoryRun loads the run's snapshots, chooses the levels and
// returns the sampler for chains chains; the final model m (model.npz)
// is level 0, appended to the snapshots when it differs from the last.
func newTrajectoryRun(o *Options, m model.Model, chains int) (*trajectoryRun, error) {
	snap, epochs, err := runs.TrajectoryWithFinal(o.Run, m)
	if err != nil {
		return nil, cmdutil.Input(err)
	}
	for _, s := range snap {
		cmdutil.UsePrecision(s, o.Float64)
	}
	target := o.Tempering.SwapAcceptance
	if target == 0 {
		target = tempering.DefaultSwapAcceptance
	}
	l, err := runs.NewTrajectoryLadder(snap, epochs, target, runs.TrajectoryPilotChains, runs.TrajectoryPilotSteps, o.Seed^0x5bd1e995)
	if err != nil {
		return nil, cmdutil.Input(err)
	}
	// Levels that do not overlap make the swaps fail and the sampler no
	// better than the final model's own (the ladder takes every saved
	// model then): say so, and how to save usable levels.
	weak, worst := -1, math.Inf(1)
	for p, a := range l.Pilot {
		if a < worst {
			weak, worst = p, a
		}
	}
	if weak >= 0 && worst < target/10 {
		o.IO.Logger().Warn("the saved models barely overlap: trajectory tempering will mix no better than the final model's own sampler",
			"epochs", []int{l.Epochs[weak], l.Epochs[weak+1]}, "pilot_swap_acceptance", cmdutil.Round(worst, 4), "target", target,
			"fix", "train with snapshots closer together (a smaller --save-trajectory N), or sample with --sampler pt")
	}
	t := &trajectoryRun{ladder: l, burnIn: o.BurnIn, bridge: tempering.NewBridge(len(l.Models), chains, 0)}
	t.sampler, err = tempering.New(tempering.Settings{Models: l.Models[1:], OnSwap: func(p int, fwd, rev []float64) {
		if t.done >= t.burnIn {
			t.bridge.Add(p, fwd, rev)
		}
	}})
	return t, cmdutil.Input(err)
}

// trajectoryReport is the part of sample's report about trajectory
// tempering: the swap statistics count every transition, log Z uses the
// transitions after burn-in; a value that cannot be estimated (a pair
// never tried) is null.
type trajectoryReport struct {
	Levels          int        `json:"levels"`
	Epochs          []int      `json:"epochs"` // of each level, the final model first; -1: the zero-weight start
	PilotAcceptance []*float64 `json:"pilot_swap_acceptance"`
	SwapAcceptance  []*float64 `json:"swap_acceptance"`
	RoundTrips      int        `json:"round_trips"`
	// LogRatios[p] = log Z_p - log Z_{p+1} by Bennett's acceptance ratio.
	LogRatios       []*float64 `json:"log_z_ratios"`
	LogRatiosStdErr []*float64 `json:"log_z_ratios_stderr"`
	// LogZ is log Z of the final model (absent when the last level's log
	// Z is not known), LogZStdErr its jackknife standard error.
	LogZ       *float64 `json:"log_z,omitempty"`
	LogZStdErr *float64 `json:"log_z_stderr,omitempty"`
}

func (t *trajectoryRun) report() *trajectoryReport {
	if t == nil {
		return nil
	}
	d := t.sampler.Diagnostics()
	r, se := t.bridge.LogRatios()
	rep := &trajectoryReport{Levels: len(t.ladder.Models), Epochs: t.ladder.Epochs, PilotAcceptance: nullable(t.ladder.Pilot, 4),
		SwapAcceptance: nullable(d.MeanAcceptance(), 4), RoundTrips: d.RoundTrips, LogRatios: nullable(r, 6), LogRatiosStdErr: nullable(se, 6)}
	if !math.IsNaN(t.ladder.LogZLast) {
		z, zse := t.bridge.LogZ(t.ladder.LogZLast)
		rep.LogZ, rep.LogZStdErr = cmdutil.Ptr(cmdutil.Round(z, 6)), cmdutil.Ptr(cmdutil.Round(zse, 6))
	}
	return rep
}

// nullable rounds x to digits, NaN and ±Inf as nil (JSON null).
func nullable(x []float64, digits int) []*float64 {
	out := make([]*float64, len(x))
	for i, v := range x {
		out[i] = cmdutil.Ptr(cmdutil.Round(v, digits))
	}
	return out
}
