package sample

// --sampler pt: parallel tempering for the chains of 'boltzmann sample'.

import (
	"github.com/spf13/cobra"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/runs"
	"boltzmann/sample/tempering"
)

// TemperingFlags choose the sampler of the chains. The zero values are
// the defaults (the model's own sampler).
type TemperingFlags struct {
	Sampler        string  // "" (gibbs), "pt" or "trajectory"
	Replicas       int     // pt: replicas per chain; 0: tempering.DefaultReplicas
	SwapAcceptance float64 // pt, trajectory: target swap acceptance; 0: tempering.DefaultSwapAcceptance
}

func (f *TemperingFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.Sampler, "sampler", "", "gibbs (the model's own sampler, the default), pt (parallel tempering; samples come from the β = 1 replicas) or trajectory (tempering over the models saved by train --save-trajectory; samples come from the final model)")
	fl.IntVar(&f.Replicas, "replicas", 0, "pt: replicas per chain on the inverse-temperature ladder (default 8)")
	fl.Float64Var(&f.SwapAcceptance, "swap-acceptance", 0, "pt: target swap acceptance the ladder adapts to during burn-in; trajectory: the least pilot acceptance of neighbouring saved models (default 0.3)")
}

func (f *TemperingFlags) validate(o *Options) error {
	switch {
	case f.Sampler != "" && f.Sampler != runs.SamplerGibbs && f.Sampler != runs.SamplerPT && f.Sampler != runs.SamplerTrajectory:
		return cmdutil.BadInput("unknown --sampler %q: use one of %v", f.Sampler, runs.Samplers())
	case f.Sampler == runs.SamplerTrajectory && f.Replicas != 0:
		return cmdutil.BadInput("--replicas tunes --sampler pt; --sampler trajectory chooses its levels for --swap-acceptance: drop --replicas")
	case f.Sampler == runs.SamplerTrajectory && (o.AnnealFrom != 0 || o.Label >= 0 || o.AllLabels):
		return cmdutil.BadInput("--sampler trajectory does not combine with --anneal-from or --label: drop them")
	case f.Sampler != runs.SamplerPT && f.Sampler != runs.SamplerTrajectory && (f.Replicas != 0 || f.SwapAcceptance != 0):
		return cmdutil.BadInput("--replicas and --swap-acceptance tune --sampler pt: add --sampler pt or drop them")
	case f.Sampler == runs.SamplerPT && o.AnnealFrom != 0:
		return cmdutil.BadInput("--anneal-from and --sampler pt are two ways across energy barriers: choose one")
	case f.Replicas != 0 && (f.Replicas < 2 || f.Replicas > 127):
		return cmdutil.BadInput("--replicas must be from 2 to 127, got %d", f.Replicas)
	case f.SwapAcceptance != 0 && !(f.SwapAcceptance > 0 && f.SwapAcceptance < 1):
		return cmdutil.BadInput("--swap-acceptance must be between 0 and 1, got %g", f.SwapAcceptance)
	}
	return nil
}

// sampler returns parallel tempering whose ladder adapts during the
// burn-in of burnIn transitions (none without burn-in), or nil for the
// model's own sampler.
func (f *TemperingFlags) sampler(burnIn int) (*tempering.Sampler, error) {
	if f.Sampler != runs.SamplerPT {
		return nil, nil
	}
	adapt := burnIn
	if adapt == 0 {
		adapt = -1
	}
	pt, err := runs.NewTempering(f.Replicas, f.SwapAcceptance, adapt)
	return pt, cmdutil.Input(err)
}

// ptReport is the part of sample's report about parallel tempering,
// measured after burn-in.
type ptReport struct {
	Replicas       int       `json:"replicas"`
	Betas          []float64 `json:"betas"`
	SwapAcceptance []float64 `json:"swap_acceptance"`
	RoundTrips     int       `json:"round_trips"`
}

func newPTReport(pt *tempering.Sampler) *ptReport {
	if pt == nil {
		return nil
	}
	d := pt.Diagnostics()
	return &ptReport{Replicas: len(pt.Betas()), Betas: pt.Betas(), SwapAcceptance: d.MeanAcceptance(), RoundTrips: d.RoundTrips}
}

func roundAll(x []float64, digits int) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = cmdutil.Round(v, digits)
	}
	return out
}
