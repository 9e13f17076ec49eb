package cli

import (
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
	"boltzmann/model"
	"boltzmann/runs"
	"boltzmann/sample"
	"boltzmann/train"
)

type sampleOptions struct {
	Run   string
	N     int
	Steps int
	Seed  uint64
	Out   string
}

func init() { register(newSampleCmd) }

func newSampleCmd(e *env) *cobra.Command {
	o := &sampleOptions{}
	cmd := &cobra.Command{
		Use:   "sample RUN_DIR -n N --out FILE.npy",
		Short: "Draw fantasy data from a trained model",
		Long: `Draw N samples from the model in RUN_DIR: N independent Markov chains start
from uniformly random states and run --steps transitions of the model's
sampler (block Gibbs for an rbm, single-site Gibbs sweeps for an ising model,
exact draws for a gaussian). Samples are written in the encoding of the
training data, as .npy, .npz or .csv according to the extension of --out.`,
		Example: `  boltzmann sample runs/bas -n 100 --steps 1000 --out fantasy.npy`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Run = args[0]
			return runSample(e, o)
		},
	}
	f := cmd.Flags()
	f.IntVarP(&o.N, "n", "n", 100, "number of samples (independent chains)")
	f.IntVar(&o.Steps, "steps", 1000, "Monte Carlo transitions per chain before its sample is taken")
	f.Uint64Var(&o.Seed, "seed", 1, "random seed")
	f.StringVar(&o.Out, "out", "", "output file (.npy, .npz or .csv)")
	return cmd
}

func runSample(e *env, o *sampleOptions) error {
	if o.Out == "" {
		return badInput("sample needs --out FILE.npy")
	}
	if o.N < 1 || o.Steps < 1 {
		return badInput("-n and --steps must be at least 1, got %d and %d", o.N, o.Steps)
	}
	write, err := arrayWriter(o.Out)
	if err != nil {
		return err
	}
	m, _, err := runs.LoadModel(o.Run)
	if err != nil {
		return inputError{err}
	}
	c := sample.NewChains(o.N, m.Dim(), o.Seed)
	if d, ok := m.(model.Discrete); ok {
		c.Randomize(d.States())
	}
	s := train.DefaultSampler(m)
	s, write = categoricalSampling(m, s, write, o.Out) // alignments: energies.go
	bar := newProgress(e, "sampling", o.Steps)
	for step := range o.Steps {
		s.Step(m, c, 1)
		bar.set(step + 1)
	}
	bar.finish()
	if err := write(c.X); err != nil {
		return err
	}
	e.log.Info("samples written", "n", o.N, "steps", o.Steps, "out", o.Out)
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
	case ".fasta", ".fa", ".faa", ".fas", ".afa", ".a2m", ".aln": // replaced by categoricalSampling (energies.go)
		return fastaOnlyForAlignments(path), nil
	}
	return nil, badInput("cannot write %s: use an output file ending in .npy, .npz or .csv", path)
}
