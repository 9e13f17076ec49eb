package cmdutil

import (
	"github.com/spf13/cobra"

	"boltzmann/tasks"
)

// InferFlags are the Monte Carlo settings shared by inpaint and denoise.
type InferFlags struct {
	BurnIn, Sweeps, Replicas int
	Seed                     uint64
	Output                   string
	PNG, Shape               string
	JSON                     bool
	Float64                  bool // an rbm's transitions in float64, not its float32 kernels
}

// Register adds the inference flags to cmd.
func (f *InferFlags) Register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.IntVar(&f.BurnIn, "burn-in", 50, "sweeps discarded before averaging")
	fl.IntVar(&f.Sweeps, "sweeps", 200, "sweeps averaged for the posterior mean")
	fl.IntVar(&f.Replicas, "replicas", 10, "independent chains per row, averaged for the posterior mean: one chain tends to stay in one mode and is overconfident")
	fl.Uint64Var(&f.Seed, "seed", 1, "random seed")
	fl.StringVar(&f.Output, "output", "mean", "what to write: mean (posterior mean, the probability of 1 for {0,1} units) or samples (one posterior draw per row)")
	fl.StringVar(&f.PNG, "png", "", "also draw originals, corrupted input and result side by side into this PNG (images only; needs --shape unless square)")
	fl.StringVar(&f.Shape, "shape", "", "image shape HxW of each row, e.g. 28x28 (default: square)")
	fl.BoolVar(&f.JSON, "json", false, "print one JSON object with the measured quality")
	RegisterFloat64(cmd, &f.Float64)
}

// Check rejects bad inference flags.
func (f *InferFlags) Check() error {
	if f.BurnIn < 0 || f.Sweeps < 1 || f.Replicas < 1 {
		return BadInput("--burn-in must be >= 0, --sweeps and --replicas >= 1")
	}
	if f.Output != "mean" && f.Output != "samples" {
		return BadInput("unknown --output %q: use mean or samples", f.Output)
	}
	return nil
}

// Settings returns the library settings of the flags.
func (f *InferFlags) Settings() *tasks.InferSettings {
	b := f.BurnIn
	if b == 0 {
		b = -1 // no burn-in (0 selects the library default)
	}
	return &tasks.InferSettings{BurnIn: b, Sweeps: f.Sweeps, Replicas: f.Replicas, Seed: f.Seed}
}
