package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
	"boltzmann/figure"
	"boltzmann/tasks"
)

type sampleOptions struct {
	Run        string
	N          int
	Chains     int
	BurnIn     int
	Thin       int
	AnnealFrom float64
	Seed       uint64
	Out        string
	JSON       bool
	PNG, Shape string
}

func init() { register(newSampleCmd) }

func newSampleCmd(e *env) *cobra.Command {
	o := &sampleOptions{}
	cmd := &cobra.Command{
		Use:   "sample RUN_DIR -n N --out FILE.npy",
		Short: "Draw fantasy data from a trained model",
		Long: `Draw N samples from the model in RUN_DIR. --chains independent Markov chains
(default: N, one sample each) start from uniformly random states, run
--burn-in transitions of the model's sampler (block Gibbs for an rbm,
single-site Gibbs sweeps for an ising model, exact draws for a gaussian), and
then record a sample every --thin transitions until N samples are drawn
(ceil(N/chains) per chain; rows are in draw order: all chains' first samples,
then their second, ...). --anneal-from T runs the burn-in at inverse
temperatures rising linearly from 1/T to 1 (the model's energy times beta),
which helps chains leave the random start and cross energy barriers.

Mixing diagnostics are printed (and with --json, as one JSON object): the
integrated autocorrelation time tau of the free energy, in transitions,
measured on the chains after burn-in, and the effective sample size of the
samples. They need several samples per chain (--chains below N).

Samples are written in the encoding of the training data, as .npy, .npz or
.csv according to the extension of --out; --png draws them as a grid of
images of --shape HxW (default square).`,
		Example: `  boltzmann sample runs/bas -n 100 --burn-in 1000 --out fantasy.npy
  boltzmann sample runs/mnist -n 100 --chains 10 --burn-in 1000 --thin 100 --anneal-from 3 \
      --out fantasy.npy --png fantasy.png --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Run = args[0]
			return runSample(e, o)
		},
	}
	f := cmd.Flags()
	f.IntVarP(&o.N, "n", "n", 100, "total number of samples")
	f.IntVar(&o.Chains, "chains", 0, "number of independent chains (default: N, one sample per chain)")
	f.IntVar(&o.BurnIn, "burn-in", 1000, "transitions per chain before its first sample")
	f.IntVar(&o.BurnIn, "steps", 1000, "same as --burn-in")
	f.IntVar(&o.Thin, "thin", 1, "transitions between successive samples of a chain")
	f.Float64Var(&o.AnnealFrom, "anneal-from", 0, "anneal the burn-in from temperature T > 1 down to 1")
	f.Uint64Var(&o.Seed, "seed", 1, "random seed")
	f.StringVar(&o.Out, "out", "", "output file (.npy, .npz or .csv)")
	f.BoolVar(&o.JSON, "json", false, "print the mixing diagnostics as one JSON object")
	f.StringVar(&o.PNG, "png", "", "also draw the samples as a grid of images into this PNG")
	f.StringVar(&o.Shape, "shape", "", "image shape HxW for --png, e.g. 28x28 (default: square)")
	_ = f.MarkHidden("steps")
	return cmd
}

// sampleReport is the JSON printed by sample --json.
type sampleReport struct {
	NSamples   int      `json:"n_samples"`
	Chains     int      `json:"chains"`
	PerChain   int      `json:"per_chain"`
	BurnIn     int      `json:"burn_in"`
	Thin       int      `json:"thin"`
	AnnealFrom float64  `json:"anneal_from,omitempty"`
	Tau        *float64 `json:"tau_free_energy,omitempty"`
	ESS        *float64 `json:"effective_sample_size,omitempty"`
	MeanF      float64  `json:"mean_free_energy"`
}

func runSample(e *env, o *sampleOptions) error {
	if o.Out == "" {
		return badInput("sample needs --out FILE.npy")
	}
	if o.N < 1 || o.BurnIn < 0 || o.Thin < 1 || o.Chains < 0 {
		return badInput("-n and --thin must be at least 1 and --burn-in, --chains non-negative, got %d, %d, %d, %d", o.N, o.Thin, o.BurnIn, o.Chains)
	}
	if o.AnnealFrom != 0 && (o.AnnealFrom < 1 || o.BurnIn < 1) {
		return badInput("--anneal-from T needs T >= 1 and a --burn-in of at least 1, got T = %g", o.AnnealFrom)
	}
	write, err := arrayWriter(o.Out)
	if err != nil {
		return err
	}
	m, _, err := loadRun(o.Run)
	if err != nil {
		return err
	}
	var h, w int
	if o.PNG != "" {
		if h, w, err = imageShape(o.Shape, m.Dim(), true); err != nil {
			return err
		}
	}
	write = alignmentWriter(m, write, o.Out) // FASTA for alignments: energies.go
	chains := o.Chains
	if chains == 0 || chains > o.N {
		chains = o.N
	}
	per := (o.N + chains - 1) / chains
	var bar *progress
	s, err := tasks.Sample(m, &tasks.SampleSettings{
		Chains: chains, PerChain: per, BurnIn: o.BurnIn, Thin: o.Thin, AnnealFrom: o.AnnealFrom, Seed: o.Seed,
		OnStep: func(done, total int) {
			if bar == nil {
				bar = newProgress(e, "sampling", total)
			}
			bar.set(done)
		},
	})
	if err != nil {
		return inputError{err}
	}
	if bar != nil {
		bar.finish()
	}
	x := s.X.Slice(0, o.N, 0, m.Dim()).(*mat.Dense)
	if err := write(x); err != nil {
		return err
	}
	if o.PNG != "" {
		if err := figure.ImageGrid(o.PNG, x, h, w, 0, max(1, 56/max(h, w))); err != nil {
			return err
		}
	}
	rep := sampleReport{NSamples: o.N, Chains: chains, PerChain: per, BurnIn: o.BurnIn, Thin: o.Thin,
		AnnealFrom: o.AnnealFrom, Tau: ptr(s.Tau), ESS: ptr(s.ESS)}
	nf := 0
	for _, fc := range s.FreeEnergy {
		for _, v := range fc {
			rep.MeanF += v
			nf++
		}
	}
	rep.MeanF /= float64(nf)
	if o.JSON {
		return json.NewEncoder(e.stdout).Encode(rep)
	}
	e.log.Info("samples written", "n", o.N, "chains", chains, "burn_in", o.BurnIn, "thin", o.Thin,
		"tau_free_energy", round(s.Tau, 2), "effective_sample_size", round(s.ESS, 1), "out", o.Out)
	return nil
}

// arrayWriter returns the writer for an output path, chosen by extension.
func arrayWriter(path string) (func(*mat.Dense) error, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npy":
		return func(x *mat.Dense) error { return dataset.WriteNPY(path, x) }, nil
	case ".npz":
		return func(x *mat.Dense) error {
			r, c := x.Dims()
			return dataset.WriteNPZ(path, []dataset.Array{{Name: "samples", Shape: []int{r, c}, Data: x.RawMatrix().Data}})
		}, nil
	case ".csv", ".txt":
		return func(x *mat.Dense) error { return dataset.WriteCSV(path, x) }, nil
	case ".fasta", ".fa", ".faa", ".fas", ".afa", ".a2m", ".aln": // replaced by alignmentWriter (energies.go)
		return fastaOnlyForAlignments(path), nil
	}
	return nil, badInput("cannot write %s: use an output file ending in .npy, .npz or .csv", path)
}
