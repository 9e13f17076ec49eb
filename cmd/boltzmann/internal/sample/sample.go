// Package sample implements 'boltzmann sample': fantasy data from a
// trained model with mixing diagnostics (tasks.Sample).
package sample

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/figure"
	"boltzmann/model"
	"boltzmann/model/rbm"
	"boltzmann/runs"
	gosample "boltzmann/sample"
	"boltzmann/tasks"
)

// Options are the settings of one sample invocation.
type Options struct {
	IO         *cmdutil.Factory
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
	// Label is the class K whose data a labeled rbm draws (its label
	// block clamped to e_K); -1 (the default): no clamp.
	Label int
	// Float64 runs an rbm's transitions in float64 instead of its
	// float32 kernels.
	Float64 bool
	// AllLabels (--label all) draws N samples of every class of a labeled
	// rbm, written class by class; --png draws one row per class.
	AllLabels bool

	// Tempering holds --sampler, --replicas and --swap-acceptance
	// (tempering.go).
	Tempering TemperingFlags

	job *cmdutil.Job // the MPI job that shares the chains, or nil
}

// labelFlag is the value of --label: a class number or "all".
type labelFlag struct{ o *Options }

func (f labelFlag) String() string {
	if f.o == nil || f.o.Label < 0 && !f.o.AllLabels {
		return ""
	}
	if f.o.AllLabels {
		return "all"
	}
	return strconv.Itoa(f.o.Label)
}

func (f labelFlag) Set(s string) error {
	if s == "all" {
		f.o.Label, f.o.AllLabels = -1, true
		return nil
	}
	k, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("want a class number or all, got %q", s)
	}
	f.o.Label, f.o.AllLabels = k, false
	return nil
}

func (labelFlag) Type() string { return "K|all" }

// NewCmdSample returns the sample command; runF, if not nil, replaces the
// run function (tests of the flags).
func NewCmdSample(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f}
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
images of --shape HxW (default square).

For a labeled rbm (trained with --labels) the samples hold the data units and
the one-hot label block; --label K clamps the label block to class K, so the
chains draw data of class K from p(x | y = K), and only the data units are
written. --png draws the data units. --label all draws N samples of every
class (--chains chains per class), written class by class (the N samples of
class 0 first, then class 1, ...), and --png draws them as a grid with one
row of N images per class.`,
		Example: `  boltzmann sample runs/bas -n 100 --burn-in 1000 --out fantasy.npy
  boltzmann sample runs/mnist-labeled -n 64 --label 3 --out threes.npy --png threes.png
  boltzmann sample runs/mnist-labeled -n 10 --label all --out digits.npy --png digits.png --shape 28x28
  boltzmann sample runs/mnist -n 100 --chains 10 --burn-in 1000 --thin 100 --anneal-from 3 \
      --out fantasy.npy --png fantasy.png --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Run = args[0]
			if err := o.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			// Under mpirun the chains are shared among the processes.
			return cmdutil.RunJob(&o.IO, func(j *cmdutil.Job) error { o.job = j; return run(o) })
		},
	}
	fl := cmd.Flags()
	fl.IntVarP(&o.N, "n", "n", 100, "total number of samples")
	fl.IntVar(&o.Chains, "chains", 0, "number of independent chains (default: N, one sample per chain)")
	fl.IntVar(&o.BurnIn, "burn-in", 1000, "transitions per chain before its first sample")
	fl.IntVar(&o.BurnIn, "steps", 1000, "same as --burn-in")
	fl.IntVar(&o.Thin, "thin", 1, "transitions between successive samples of a chain")
	fl.Float64Var(&o.AnnealFrom, "anneal-from", 0, "anneal the burn-in from temperature T > 1 down to 1")
	fl.Uint64Var(&o.Seed, "seed", 1, "random seed")
	fl.StringVar(&o.Out, "out", "", "output file (.npy, .npz or .csv)")
	fl.BoolVar(&o.JSON, "json", false, "print the mixing diagnostics as one JSON object")
	fl.StringVar(&o.PNG, "png", "", "also draw the samples as a grid of images into this PNG")
	o.Label = -1
	fl.Var(labelFlag{o}, "label", "labeled rbm: draw data of class K (the label block clamped to it), or all: -n samples of every class")
	fl.StringVar(&o.Shape, "shape", "", "image shape HxW for --png, e.g. 28x28 (default: square)")
	cmdutil.RegisterFloat64(cmd, &o.Float64)
	_ = fl.MarkHidden("steps")
	o.Tempering.register(cmd)
	return cmd
}

func (o *Options) validate() error {
	if o.Out == "" {
		return cmdutil.BadInput("sample needs --out FILE.npy")
	}
	if o.N < 1 || o.BurnIn < 0 || o.Thin < 1 || o.Chains < 0 {
		return cmdutil.BadInput("-n and --thin must be at least 1 and --burn-in, --chains non-negative, got %d, %d, %d, %d", o.N, o.Thin, o.BurnIn, o.Chains)
	}
	if o.AnnealFrom != 0 && (!(o.AnnealFrom >= 1) || math.IsInf(o.AnnealFrom, 1) || o.BurnIn < 1) {
		return cmdutil.BadInput("--anneal-from T needs T >= 1, finite, and a --burn-in of at least 1, got T = %g", o.AnnealFrom)
	}
	if o.Label < -1 {
		return cmdutil.BadInput("--label must be a class number >= 0, got %d", o.Label)
	}
	return o.Tempering.validate(o)
}

// report is the JSON printed by sample --json.
type report struct {
	NSamples   int      `json:"n_samples"`
	PerClass   int      `json:"per_class,omitempty"` // --label all: samples of each class
	Chains     int      `json:"chains"`
	PerChain   int      `json:"per_chain"`
	BurnIn     int      `json:"burn_in"`
	Thin       int      `json:"thin"`
	AnnealFrom float64  `json:"anneal_from,omitempty"`
	Tau        *float64 `json:"tau_free_energy,omitempty"`
	ESS        *float64 `json:"effective_sample_size,omitempty"`
	MeanF      float64  `json:"mean_free_energy"`
	// PT describes parallel tempering (--sampler pt) after burn-in.
	PT *ptReport `json:"parallel_tempering,omitempty"`
	// Trajectory describes trajectory tempering (--sampler trajectory).
	Trajectory *trajectoryReport `json:"trajectory_tempering,omitempty"`
}

func run(o *Options) error {
	write, err := cmdutil.ArrayWriter(o.Out)
	if err != nil {
		return err
	}
	m, cfg, err := cmdutil.LoadRun(o.Run)
	if err != nil {
		return err
	}
	cmdutil.UsePrecision(m, o.Float64)
	clamp, cols, err := o.labelClamp(m, cfg.Model.Kind)
	if err != nil {
		return err
	}
	var h, w int
	if o.PNG != "" {
		if h, w, err = cmdutil.ImageShape(o.Shape, imageCols(m), true); err != nil {
			return err
		}
	}
	write = cmdutil.AlignmentWriter(m, write, o.Out) // FASTA for alignments
	chains := o.Chains
	if chains == 0 || chains > o.N {
		chains = o.N
	}
	per := (o.N + chains - 1) / chains
	classes := 1 // --label all: chains per class, chain k clamped to class k mod classes
	if o.AllLabels {
		classes, _ = clamp.Dims()
	}
	if err := cmdutil.CheckChainsMemory(cmdutil.SpecOf(m), classes*chains, classes*o.N, "sampling", "lower -n or --chains"); err != nil {
		return err
	}
	var bar *cmdutil.Progress
	pt, err := o.Tempering.sampler(o.BurnIn)
	if err != nil {
		return err
	}
	settings := &tasks.SampleSettings{
		Chains: classes * chains, PerChain: per, BurnIn: o.BurnIn, Thin: o.Thin, AnnealFrom: o.AnnealFrom, Seed: o.Seed, Clamp: clamp,
		OnStep: func(done, total int) {
			if bar == nil {
				bar = cmdutil.NewProgress(o.IO, "sampling", total)
			}
			bar.Set(done)
		},
	}
	if pt != nil {
		settings.Sampler = pt
	}
	if n := o.job.Size(); n > 1 {
		if o.Tempering.Sampler == runs.SamplerTrajectory {
			return cmdutil.BadInput("--sampler %s does not run across MPI processes: run it without mpirun, or use --sampler pt", o.Tempering.Sampler)
		}
		if nb := (settings.Chains + gosample.BlockSize - 1) / gosample.BlockSize; nb < n {
			return cmdutil.BadInput("%d chains make %d blocks of %d, fewer than the %d processes: use at least --chains %d (and -n), or fewer processes",
				settings.Chains, nb, gosample.BlockSize, n, n*gosample.BlockSize)
		}
		o.IO.Logger().Info("chains shared among processes", "processes", n, "chains", settings.Chains)
	}
	settings.Procs = o.job.Procs()
	if err := o.job.Begin(); err != nil {
		return err
	}
	var traj *trajectoryRun
	if o.Tempering.Sampler == runs.SamplerTrajectory {
		if traj, err = newTrajectoryRun(o, m, classes*chains); err != nil {
			return err
		}
		settings.Sampler = traj.sampler
		onStep := settings.OnStep
		settings.OnStep = func(done, total int) {
			traj.done = done
			onStep(done, total)
		}
	}
	s, err := tasks.Sample(m, settings)
	if err != nil {
		return cmdutil.Input(err)
	}
	bar.Finish()
	if !o.job.Root() {
		return nil // process 0 writes the samples
	}
	x, total, gridCols := s.X.Slice(0, o.N, 0, cols).(*mat.Dense), o.N, 0
	if o.AllLabels {
		x, total, gridCols = byClass(s.X, classes, o.N, cols), classes*o.N, o.N
	}
	if err := write(x); err != nil {
		return err
	}
	if o.PNG != "" {
		img := x.Slice(0, total, 0, imageCols(m)).(*mat.Dense)
		if err := figure.ImageGrid(o.PNG, img, h, w, gridCols, max(1, 56/max(h, w))); err != nil {
			return err
		}
	}
	rep := report{NSamples: total, Chains: classes * chains, PerChain: per, BurnIn: o.BurnIn, Thin: o.Thin,
		AnnealFrom: o.AnnealFrom, Tau: cmdutil.Ptr(s.Tau), ESS: cmdutil.Ptr(s.ESS), PT: newPTReport(pt), Trajectory: traj.report()}
	if o.AllLabels {
		rep.PerClass = o.N
	}
	nf := 0
	for _, fc := range s.FreeEnergy {
		for _, v := range fc {
			rep.MeanF += v
			nf++
		}
	}
	rep.MeanF /= float64(nf)
	if o.JSON {
		return json.NewEncoder(o.IO.Stdout).Encode(rep)
	}
	args := []any{"n", o.N, "chains", chains, "burn_in", o.BurnIn, "thin", o.Thin}
	switch {
	case math.IsNaN(s.Tau) && per < 2:
		// The autocorrelation time needs at least two samples per chain.
		args = append(args, "mixing", "not measured (one sample per chain): give --chains below -n to measure the autocorrelation time")
	case math.IsNaN(s.Tau):
		args = append(args, "mixing", "not measured: the chains' free energy does not vary")
	default:
		args = append(args, "tau_free_energy", cmdutil.Round(s.Tau, 2), "effective_sample_size", cmdutil.Round(s.ESS, 1))
	}
	o.IO.Logger().Info("samples written", append(args, "out", o.Out)...)
	if rep.PT != nil {
		o.IO.Logger().Info("parallel tempering", "betas", roundAll(rep.PT.Betas, 4),
			"swap_acceptance", roundAll(rep.PT.SwapAcceptance, 3), "round_trips", rep.PT.RoundTrips)
	}
	if t := rep.Trajectory; t != nil {
		o.IO.Logger().Info("trajectory tempering", "epochs", t.Epochs, "swap_acceptance", traj.sampler.Diagnostics().MeanAcceptance(),
			"round_trips", t.RoundTrips, "log_z", t.LogZ, "log_z_stderr", t.LogZStdErr)
	}
	return nil
}

// labelClamp returns the clamp of --label (nil without it) and the number
// of columns to write: the data units of a labeled rbm with --label, else
// every unit. A run without labels or a class out of range is bad input.
func (o *Options) labelClamp(m model.Model, kind string) (*mat.Dense, int, error) {
	if o.Label < 0 && !o.AllLabels {
		return nil, m.Dim(), nil
	}
	l, ok := m.(*rbm.Labeled)
	if !ok {
		return nil, 0, cmdutil.BadInput("--label needs a run trained with --labels (kind %s), but %s holds a %s model", rbm.LabeledKind, o.Run, kind)
	}
	if o.AllLabels {
		c := mat.NewDense(l.Classes(), l.Dim(), nil)
		for k := range l.Classes() {
			row := c.RawRowView(k)
			for i := range l.DataDim() {
				row[i] = math.NaN()
			}
			row[l.DataDim()+k] = 1
		}
		return c, l.DataDim(), nil
	}
	if o.Label >= l.Classes() {
		return nil, 0, cmdutil.BadInput("--label %d is out of range: the model has %d classes (0 to %d)", o.Label, l.Classes(), l.Classes()-1)
	}
	c := mat.NewDense(1, l.Dim(), nil)
	row := c.RawRowView(0)
	for i := range l.DataDim() {
		row[i] = math.NaN()
	}
	row[l.DataDim()+o.Label] = 1
	return c, l.DataDim(), nil
}

// byClass returns the first n samples of each class from the draws x of
// Sample with the chains' label blocks clamped to class (chain mod
// classes), class by class: rows [c·n, (c+1)·n) are the samples of class
// c in draw order, cols columns each. The number of chains is a multiple of
// classes, so row r of x is of class r mod classes.
func byClass(x *mat.Dense, classes, n, cols int) *mat.Dense {
	out := mat.NewDense(classes*n, cols, nil)
	for c := range classes {
		for k := range n {
			copy(out.RawRowView(c*n+k), x.RawRowView(k*classes + c)[:cols])
		}
	}
	return out
}

// imageCols is the number of units drawn by --png: a labeled rbm's data
// units, else all.
func imageCols(m model.Model) int {
	if l, ok := m.(*rbm.Labeled); ok {
		return l.DataDim()
	}
	return m.Dim()
}
