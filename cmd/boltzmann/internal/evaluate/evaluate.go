// Package evaluate implements 'boltzmann evaluate': the log-likelihood of
// data under a trained model, with log Z exact (package exact) or by
// annealed importance sampling in both directions (ais.Evaluate).
package evaluate

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"boltzmann/ais"
	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/estimate"
	"boltzmann/exact"
	"boltzmann/info"
	"boltzmann/internal/memory"
	"boltzmann/model"
	"boltzmann/model/rbm"
	"boltzmann/sample"
)

// Options are the settings of one evaluate invocation.
type Options struct {
	IO          *cmdutil.Factory
	Run, Data   string
	LogZ        string // exact, ais, reverse-ais, auto or trajectory
	JSON        bool
	DataFlags   cmdutil.DataFlags
	AIS         AISFlags
	BinarizeSet bool // --binarize given (else the run's)
	DataSeedSet bool // --data-seed given (else the run's + 2)

	job        *cmdutil.Job    // the MPI job that shares the AIS runs, or nil
	Trajectory TrajectoryFlags // --logz trajectory (trajectory.go)
}

// AISFlags are evaluate's settings of annealed importance sampling.
type AISFlags struct {
	Runs       int
	Steps      int
	Schedule   string
	Seed       uint64
	WarnMargin float64
	// Float64 runs the Gibbs transitions of an rbm's AIS in float64; by
	// default they use its float32 kernels (rbm.RBM.SetFloat32), and the
	// importance weights are summed in float64 either way.
	Float64 bool
}

func (f *AISFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.IntVar(&f.Runs, "ais-runs", 100, "number of AIS runs, and of DATA rows (drawn at random; all if fewer) annealed by reverse AIS")
	fl.IntVar(&f.Steps, "ais-steps", 0, fmt.Sprintf("number of annealing steps (0: %d; with the default schedule this is Salakhutdinov & Murray's, expensive for large models)", ais.DefaultSteps))
	fl.StringVar(&f.Schedule, "ais-schedule", "sm", "inverse-temperature schedule: "+ais.ScheduleNames+" (sm: Salakhutdinov & Murray 2008, scaled to --ais-steps)")
	fl.Uint64Var(&f.Seed, "ais-seed", 1, "seed of the AIS runs")
	fl.BoolVar(&f.Float64, "ais-float64", false, "rbm: run the AIS transitions in float64 (default: the float32 kernels; the weights are summed in float64 either way)")
	fl.Float64Var(&f.WarnMargin, "ais-warn-margin", 1, "warn when AIS and reverse AIS log-likelihoods differ by more than this many nats")
}

// schedule checks the AIS flags and returns the schedule they select.
func (f *AISFlags) schedule() (ais.Schedule, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	steps := f.Steps
	if steps == 0 {
		steps = ais.DefaultSteps
	}
	if err := memory.Check(memory.Float64s(steps, 2), fmt.Sprintf("an AIS schedule of %d steps", steps), "lower --ais-steps"); err != nil {
		return nil, cmdutil.Input(err)
	}
	sched, err := ais.ParseSchedule(f.Schedule, f.Steps)
	if err != nil {
		return nil, cmdutil.BadInput("unknown --ais-schedule %q: use %s", f.Schedule, ais.ScheduleNames)
	}
	return sched, nil
}

// check checks the numeric AIS flags without building anything.
func (f *AISFlags) check() error {
	if f.Runs < 1 {
		return cmdutil.BadInput("--ais-runs must be at least 1, got %d", f.Runs)
	}
	if f.Steps < 0 || (f.Steps > 0 && f.Steps < 3) {
		return cmdutil.BadInput("--ais-steps must be at least 3 (or 0 for %d), got %d", ais.DefaultSteps, f.Steps)
	}
	if !(f.WarnMargin >= 0) {
		return cmdutil.BadInput("--ais-warn-margin must be a non-negative number of nats, got %g", f.WarnMargin)
	}
	return nil
}

// NewCmdEvaluate returns the evaluate command; runF, if not nil, replaces
// the run function (tests of the flags).
func NewCmdEvaluate(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f}
	cmd := &cobra.Command{
		Use:   "evaluate RUN_DIR DATA",
		Short: "Measure how well a trained model fits data",
		Long: `Report the mean log-likelihood of the rows of DATA under the model in RUN_DIR
(nats per sample), with the log partition function it needs, the
pseudo-log-likelihood and the reconstruction error. --logz exact enumerates
the model (at most 2^24 configurations of the visible layer, or of the
hidden layer of an rbm); ais estimates log Z by annealed importance sampling
(a stochastic lower bound: the log-likelihood it gives is optimistic);
reverse-ais anneals from rows of DATA back to the base-rate model (RAISE: a
stochastic lower bound on the log-likelihood); auto is exact where the model
is enumerable, else both AIS directions, with a warning when they disagree
by more than --ais-warn-margin nats. trajectory estimates log Z along the
models saved by train --save-trajectory (Bennett's acceptance ratio from the
swaps of trajectory tempering, from a first model whose log Z is analytic,
exact or by AIS) and reports AIS in both directions next to it.
DATA is read with the training run's --binarize unless given here.

For a gbrbm (real-valued data) the log-likelihoods are log densities of
DATA in its own units (the run's standardization is undone in model.npz);
exact enumerates the hidden layer, summing a Gaussian integral for each
hidden state, and AIS anneals from independent Gaussians fitted to the
means and variances of DATA.`,
		Example: `  boltzmann evaluate runs/bas builtin:bars-and-stripes --json
  boltzmann evaluate runs/mnist test.npy --logz auto --ais-runs 100 --ais-schedule sm`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Run, o.Data = args[0], args[1]
			o.BinarizeSet = cmd.Flags().Changed("binarize")
			o.DataSeedSet = cmd.Flags().Changed("data-seed")
			o.Trajectory.Set = o.Trajectory.changed(cmd)
			if err := o.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			// Under mpirun the AIS runs are shared among the processes.
			return cmdutil.RunJob(&o.IO, func(j *cmdutil.Job) error { o.job = j; return run(o) })
		},
	}
	cmd.Flags().StringVar(&o.LogZ, "logz", "auto", "how to compute log Z: exact, ais, reverse-ais, auto or trajectory")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print one JSON object")
	o.DataFlags.Register(cmd)
	o.AIS.register(cmd)
	o.Trajectory.register(cmd)
	return cmd
}

func (o *Options) validate() error {
	if cmdutil.IsAlignmentPath(o.Data) {
		return cmdutil.BadInput("%s is an alignment: evaluate reads rows of data; for the statistical energies of its sequences under a potts or catrbm run use 'boltzmann energies %s %s'", o.Data, o.Run, o.Data)
	}
	switch o.LogZ {
	case "exact", "auto":
		if err := o.Trajectory.unused(); err != nil {
			return err
		}
		return o.AIS.check() // refused even where AIS may not run
	case "ais", "reverse-ais":
		if err := o.Trajectory.unused(); err != nil {
			return err
		}
		_, err := o.AIS.schedule()
		return err
	case "trajectory":
		if err := o.Trajectory.check(); err != nil {
			return err
		}
		_, err := o.AIS.schedule()
		return err
	}
	return cmdutil.BadInput("unknown --logz %q: use exact, ais, reverse-ais, auto or trajectory", o.LogZ)
}

// evaluation is the JSON printed by evaluate --json. Quantities that could
// not be computed are omitted.
type evaluation struct {
	LogLikelihood  *float64 `json:"log_likelihood,omitempty"` // mean nats per sample
	LogZ           *float64 `json:"log_z,omitempty"`
	LogZMethod     string   `json:"log_z_method"`
	NSamples       int      `json:"n_samples"`
	PseudoLL       *float64 `json:"pseudo_log_likelihood,omitempty"`
	Reconstruction *float64 `json:"reconstruction_error,omitempty"`
	LogZStderr     *float64 `json:"log_z_stderr,omitempty"`
	LogZLower      *float64 `json:"log_z_lower,omitempty"`
	LogZUpper      *float64 `json:"log_z_upper,omitempty"`

	AISRuns           *int     `json:"ais_runs,omitempty"`
	AISSteps          *int     `json:"ais_steps,omitempty"`
	ReverseLogZ       *float64 `json:"reverse_log_z,omitempty"`
	ReverseLogZStderr *float64 `json:"reverse_log_z_stderr,omitempty"`
	ReverseLL         *float64 `json:"reverse_log_likelihood,omitempty"`
	// AISDisagreement is |log Z by AIS - reverse log Z| in nats, and
	// AISWarning is set when it exceeds --ais-warn-margin.
	AISDisagreement *float64 `json:"ais_disagreement,omitempty"`
	AISWarning      string   `json:"ais_warning,omitempty"`

	// With log Z by enumeration of a discrete model, in nats: the
	// entropy of the data's empirical distribution, the divergence
	// D(p_data || p_model) = -S_data - <log p_model>_data, and the
	// entropy of the model's visible distribution (when its visible
	// states can be enumerated).
	DataEntropy  *float64 `json:"data_entropy,omitempty"`
	KLDataModel  *float64 `json:"kl_data_model,omitempty"`
	ModelEntropy *float64 `json:"model_entropy,omitempty"`

	// With --logz trajectory: the estimate along the trajectory (log_z
	// above is its log Z), and forward AIS next to it (reverse AIS fills
	// the reverse_ fields).
	Trajectory    *trajectoryReport `json:"trajectory,omitempty"`
	AISLogZ       *float64          `json:"ais_log_z,omitempty"`
	AISLogZStderr *float64          `json:"ais_log_z_stderr,omitempty"`
	AISLL         *float64          `json:"ais_log_likelihood,omitempty"`
}

func run(o *Options) error {
	m, cfg, err := cmdutil.LoadRun(o.Run)
	if err != nil {
		return err
	}
	df := cmdutil.WithRunBinarization(o.DataFlags, cfg, o.BinarizeSet)
	if !o.DataSeedSet && cfg.Train != nil {
		df.DataSeed = cfg.Train.DataSeed + 2 // fresh builtin samples / binarization noise
	}
	x, err := cmdutil.ReadData(o.Data, df.Options())
	if err != nil {
		return err
	}
	if err := cmdutil.CheckFits(m, x, o.Data); err != nil {
		return err
	}
	n, _ := x.Dims()
	ev := evaluation{NSamples: n}
	if err := o.logPartition(m, x, &ev); err != nil {
		return err
	}
	if ev.LogZ != nil {
		f := make([]float64, n)
		m.FreeEnergy(x, f)
		ll := 0.0
		for _, v := range f {
			ll += -v - *ev.LogZ
		}
		ev.LogLikelihood = cmdutil.Ptr(ll / float64(n))
		if _, ok := m.(model.Discrete); ok && ev.LogZMethod == "exact" {
			sData := info.NewEmpirical(x, nil).Entropy()
			ev.DataEntropy = cmdutil.Ptr(sData)
			ev.KLDataModel = cmdutil.Ptr(max(0, -sData-*ev.LogLikelihood)) // ≥ 0 up to rounding
			if s, err := exact.Entropy(m); err == nil {
				ev.ModelEntropy = cmdutil.Ptr(s)
			}
		}
	}
	if d, ok := m.(model.Discrete); ok {
		ev.PseudoLL = cmdutil.Ptr(estimate.PseudoLogLikelihood(d, x, nil))
	}
	ev.Reconstruction = cmdutil.Ptr(estimate.ReconstructionError(m, x))
	if o.JSON {
		return json.NewEncoder(o.IO.Stdout).Encode(ev)
	}
	w := o.IO.Stdout
	show := func(name string, v *float64) {
		if v != nil {
			fmt.Fprintf(w, "%-28s %.6f\n", name, *v)
		}
	}
	fmt.Fprintf(w, "%-28s %d\n", "samples", n)
	show("log-likelihood (nats/sample)", ev.LogLikelihood)
	show("log Z ("+ev.LogZMethod+")", ev.LogZ)
	show("log Z standard error", ev.LogZStderr)
	if ev.AISRuns != nil {
		fmt.Fprintf(w, "%-28s %d runs × %d steps\n", "AIS", *ev.AISRuns, *ev.AISSteps)
	}
	if t := ev.Trajectory; t != nil {
		fmt.Fprintf(w, "%-28s %d levels, first log Z %.6f (%s)\n", "trajectory", len(t.Epochs), t.FirstLogZ, t.FirstMethod)
	}
	show("AIS log Z", ev.AISLogZ)
	show("AIS log-likelihood", ev.AISLL)
	show("reverse AIS log Z", ev.ReverseLogZ)
	show("reverse AIS log-likelihood", ev.ReverseLL)
	show("AIS disagreement (nats)", ev.AISDisagreement)
	show("data entropy (nats)", ev.DataEntropy)
	show("KL(data || model) (nats)", ev.KLDataModel)
	show("model entropy (nats)", ev.ModelEntropy)
	show("pseudo-log-likelihood", ev.PseudoLL)
	show("reconstruction error", ev.Reconstruction)
	return nil
}

// logPartition computes log Z by the method of --logz and fills ev's log Z
// fields and, for AIS, the reverse log-likelihood and the disagreement. x
// are the data rows, which give the base-rate model and the start rows of
// reverse AIS.
func (o *Options) logPartition(m model.Model, x *mat.Dense, ev *evaluation) error {
	dir := ais.Both
	switch o.LogZ {
	case "exact", "auto":
		logZ, name, err := exactLogZ(m, cmdutil.ProgressFunc(o.IO, "log Z", "states"))
		if err == nil {
			ev.LogZ, ev.LogZMethod = cmdutil.Ptr(logZ), name
			return nil
		}
		if o.LogZ == "exact" || !errors.Is(err, exact.ErrNotEnumerable) {
			return cmdutil.BadInput("%v; use --logz auto", err)
		}
	case "ais":
		dir = ais.ForwardOnly
	case "reverse-ais":
		dir = ais.ReverseOnly
	case "trajectory":
		return o.trajectoryLogZ(m, x, ev)
	}
	return o.aisLogZ(m, x, ev, dir)
}

// aisLogZ fills ev's log Z fields by AIS in the directions dir.
func (o *Options) aisLogZ(m model.Model, x *mat.Dense, ev *evaluation, dir ais.Direction) error {
	sched, err := o.AIS.schedule()
	if err != nil {
		return err
	}
	a := o.AIS
	if err := checkAISMemory(m, a.Runs, x.RawMatrix().Rows); err != nil {
		return err
	}
	if r, ok := m.(*rbm.RBM); ok {
		// The annealing kernel computes vᵀW in float32 and the weight
		// increment Σ_j [softplus(β_to u_j) - softplus(β_from u_j)] in
		// float64 from it, so its error is Δβ times the float32 rounding
		// of u: the sum over the schedule stays at the float32 level.
		was := r.Float32()
		r.SetFloat32(!a.Float64)
		defer r.SetFloat32(was)
	}
	if err := o.checkShare(dir, x.RawMatrix().Rows); err != nil {
		return err
	}
	if err := o.job.Begin(); err != nil {
		return err
	}
	var fbar, rbar *cmdutil.Progress
	rep, err := ais.Evaluate(m, x, &ais.EvaluateSettings{
		Runs: a.Runs, Schedule: sched, Seed: a.Seed, Margin: a.WarnMargin, Direction: dir, Procs: o.job.Procs(),
		OnForwardStep: func(k, total int) {
			if fbar == nil {
				fbar = cmdutil.NewProgress(o.IO, "AIS", total)
			}
			fbar.Set(k)
		},
		OnReverseStep: func(k, total int) {
			if rbar == nil {
				rbar = cmdutil.NewProgress(o.IO, "reverse AIS", total)
			}
			rbar.Set(k)
		},
	})
	fbar.Finish()
	rbar.Finish()
	if errors.Is(err, ais.ErrNoPath) && o.LogZ == "trajectory" {
		return err // AIS is only reported next to the trajectory estimate
	}
	if errors.Is(err, ais.ErrNoPath) {
		return cmdutil.BadInput("--logz %s needs an rbm, a gbrbm or a discrete fully visible model (%v); use --logz exact for small models", o.LogZ, err)
	}
	if err != nil {
		return err
	}
	ev.AISRuns, ev.AISSteps = &rep.Runs, &rep.Steps
	if r := rep.Reverse; r != nil {
		ev.ReverseLogZ = cmdutil.Ptr(rep.ReverseLogZ)
		ev.ReverseLogZStderr = cmdutil.Ptr(rep.ReverseStdErr)
		ev.ReverseLL = cmdutil.Ptr(rep.ReverseLogLikelihood)
	}
	if rep.Forward != nil && rep.Reverse != nil {
		ev.AISDisagreement = cmdutil.Ptr(rep.Disagreement)
		if rep.Disagree {
			ev.AISWarning = fmt.Sprintf("AIS (log Z %.3f) and reverse AIS (%.3f) disagree by %.3f nats, more than --ais-warn-margin %g: neither figure is reliable; use more --ais-steps", rep.LogZ, rep.ReverseLogZ, rep.Disagreement, a.WarnMargin)
			o.IO.Logger().Warn("AIS and reverse AIS disagree", "log_z", rep.LogZ, "reverse_log_z", rep.ReverseLogZ, "nats", rep.Disagreement, "margin", a.WarnMargin)
		}
	}
	if f := rep.Forward; f != nil {
		ev.LogZ, ev.LogZMethod = cmdutil.Ptr(f.LogZ), "ais"
		ev.LogZStderr, ev.LogZLower, ev.LogZUpper = cmdutil.Ptr(f.StdErr), cmdutil.Ptr(f.Lower), cmdutil.Ptr(f.Upper)
		return nil
	}
	z, se := rep.ReverseLogZ, rep.ReverseStdErr
	ev.LogZ, ev.LogZMethod = cmdutil.Ptr(z), "reverse-ais"
	ev.LogZStderr, ev.LogZLower, ev.LogZUpper = cmdutil.Ptr(se), cmdutil.Ptr(z-3*se), cmdutil.Ptr(z+3*se)
	return nil
}

// exactLogZ enumerates m, reporting the states summed to progress; the
// method is "analytic" for models with a closed form.
func exactLogZ(m model.Model, progress func(done, total int)) (float64, string, error) {
	logZ, err := exact.LogPartitionProgress(m, progress)
	if err != nil {
		return 0, "", err
	}
	if _, ok := m.(model.AnalyticLogPartition); ok {
		return logZ, "analytic", nil
	}
	return logZ, "exact", nil
}

// checkAISMemory refuses AIS runs whose chains cannot fit: runs forward
// chains and up to one reverse chain per data row (n rows).
func checkAISMemory(m model.Model, runs, n int) error {
	chains := int(min(memory.Of(1, runs).Plus(memory.Of(1, min(runs, n))), memory.Size(1<<62)))
	return cmdutil.CheckChainsMemory(cmdutil.SpecOf(m), chains, 0, "AIS", "lower --ais-runs")
}

// checkShare refuses AIS runs (or reverse AIS rows, of n data rows) too
// few to give every process of the job a block of sample.BlockSize.
func (o *Options) checkShare(dir ais.Direction, n int) error {
	procs := o.job.Size()
	blocks := func(k int) int { return (k + sample.BlockSize - 1) / sample.BlockSize }
	if procs == 1 {
		return nil
	}
	o.IO.Logger().Info("AIS runs shared among processes", "processes", procs, "runs", o.AIS.Runs)
	if dir != ais.ReverseOnly && blocks(o.AIS.Runs) < procs {
		return cmdutil.BadInput("--ais-runs %d makes %d blocks of %d runs, fewer than the %d processes: use at least --ais-runs %d, or fewer processes",
			o.AIS.Runs, blocks(o.AIS.Runs), sample.BlockSize, procs, procs*sample.BlockSize)
	}
	if r := min(o.AIS.Runs, n); dir != ais.ForwardOnly && blocks(r) < procs {
		return cmdutil.BadInput("reverse AIS anneals %d rows of DATA (--ais-runs %d, %d rows), %d blocks of %d, fewer than the %d processes: use more rows, or fewer processes",
			r, o.AIS.Runs, n, blocks(r), sample.BlockSize, procs)
	}
	return nil
}
