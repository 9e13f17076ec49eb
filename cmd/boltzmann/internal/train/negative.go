package train

// The negative-phase flags of training on rows of data: --sampler,
// --replicas, --swap-acceptance and --centering, recorded in the run's
// config (runs.TrainConfig).

import (
	"slices"

	"github.com/spf13/cobra"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/model/rbm"
	"boltzmann/runs"
	"boltzmann/sample/tempering"
)

// NegativeFlags choose how the fantasy particles are drawn. The zero
// values are the defaults (the model's own sampler, no centering), so
// that a run without these flags is the run of earlier releases.
type NegativeFlags struct {
	Sampler        string  // "" (gibbs), "pt" or "trajectory"
	Replicas       int     // pt: replicas per chain, trajectory: most levels; 0: tempering.DefaultReplicas
	SwapAcceptance float64 // pt: target swap acceptance, trajectory: snapshot threshold; 0: tempering.DefaultSwapAcceptance
	Centering      bool
	// SaveTrajectory > 0 keeps model snapshots along training
	// (runs.TrajectoryEpoch) for sample --sampler trajectory.
	SaveTrajectory int
}

func (f *NegativeFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.Sampler, "sampler", "", "negative phase: gibbs (the model's own sampler, the default), pt (parallel tempering; the β = 1 replicas give the negative phase) or trajectory (tempering over models saved earlier in the run; the current model's replicas give the negative phase)")
	fl.IntVar(&f.Replicas, "replicas", 0, "pt: replicas per chain on the inverse-temperature ladder; trajectory: most levels, the current model included (default 8)")
	fl.Float64Var(&f.SwapAcceptance, "swap-acceptance", 0, "pt: target swap acceptance of neighbouring replicas that the ladder adapts to; trajectory: save a snapshot when the current model's swap acceptance with the newest falls below this (default 0.3)")
	fl.IntVar(&f.SaveTrajectory, "save-trajectory", 0, "keep model snapshots in RUN_DIR/trajectory every N epochs, and at epochs 1, 2, 4, ... below N, and the last (for sample --sampler trajectory); 0: none")
	fl.BoolVar(&f.Centering, "centering", false, "rbm: centered gradients (offsets: running means of the visible and hidden activations of the data)")
}

// apply checks the flags and records them in t, a new run of --model kind.
func (f *NegativeFlags) apply(t *runs.TrainConfig, kind string) error {
	tempered := f.Sampler == runs.SamplerPT || f.Sampler == runs.SamplerTrajectory
	switch {
	case f.Sampler != "" && !slices.Contains(runs.Samplers(), f.Sampler):
		return cmdutil.BadInput("unknown --sampler %q: use one of %v", f.Sampler, runs.Samplers())
	case !tempered && (f.Replicas != 0 || f.SwapAcceptance != 0):
		return cmdutil.BadInput("--replicas and --swap-acceptance tune --sampler pt or trajectory: add one or drop them")
	case tempered && t.Method == "cd":
		return cmdutil.BadInput("--sampler %s keeps its replicas between updates: use --method pcd", f.Sampler)
	}
	if err := f.checkLadder(); err != nil {
		return err
	}
	switch {
	case f.Sampler == runs.SamplerTrajectory && f.Replicas == 2:
		return cmdutil.BadInput("--sampler trajectory needs --replicas of at least 3 (the current model, the newest and the first snapshot)")
	case f.SaveTrajectory < 0:
		return cmdutil.BadInput("--save-trajectory must be a number of epochs >= 1 (or 0: none), got %d", f.SaveTrajectory)
	case f.Centering && kind != rbm.Kind:
		return cmdutil.BadInput("--centering applies to --model rbm only, got %q", kind)
	}
	t.Sampler, t.Replicas, t.SwapAcceptance, t.Centering = f.Sampler, f.Replicas, f.SwapAcceptance, f.Centering
	t.SaveTrajectory = f.SaveTrajectory
	if tempered {
		t.Replicas, t.SwapAcceptance = f.ladder()
	}
	return nil
}

// checkLadder checks the ranges of --replicas and --swap-acceptance.
func (f *NegativeFlags) checkLadder() error {
	switch {
	case f.Replicas != 0 && (f.Replicas < 2 || f.Replicas > 127):
		return cmdutil.BadInput("--replicas must be from 2 to 127, got %d", f.Replicas)
	case f.SwapAcceptance != 0 && !(f.SwapAcceptance > 0 && f.SwapAcceptance < 1):
		return cmdutil.BadInput("--swap-acceptance must be between 0 and 1, got %g", f.SwapAcceptance)
	}
	return nil
}

// ladder returns --replicas and --swap-acceptance with tempering's
// defaults for those not given.
func (f *NegativeFlags) ladder() (replicas int, acceptance float64) {
	replicas, acceptance = f.Replicas, f.SwapAcceptance
	if replicas == 0 {
		replicas = tempering.DefaultReplicas
	}
	if acceptance == 0 {
		acceptance = tempering.DefaultSwapAcceptance
	}
	return replicas, acceptance
}
