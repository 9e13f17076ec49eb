package train

import (
	"errors"

	"boltzmann/bmdca"
	"boltzmann/cluster"
	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/model"
	"boltzmann/model/catrbm"
	"boltzmann/model/rbm"
	"boltzmann/runs"
	trainlib "boltzmann/train"
)

// Training across the processes of an MPI job (mpirun -n N boltzmann
// train ..., a binary built with -tags mpi). Every process reads the data
// (and, with --resume, the run directory: on several machines they need a
// shared file system) and trains its share through a train.BlockReducer;
// process 0 alone writes the run directory and prints. Set-up errors are
// agreed on before training (every process exits with the code of the
// first failure, process 0 prints it); an error of one process during
// training aborts the job (MPI_Abort), and a process that dies ends it
// through mpirun, so that no process waits forever.

// The values of --reduction (and of the run's config). ReductionBlocks:
// the fixed-order block sums of train.BlockReducer. ReductionExact: an
// RBM's phase sums in fixed point (rbm.ExactStats), exact in any order, so
// that each process sends one partial per phase instead of one per block.
const (
	ReductionBlocks = "blocks"
	ReductionExact  = "exact"
)

var _ trainlib.Comm = (*cluster.Comm)(nil)

// current is the MPI job of this process, or nil in one process.
var current *job

// job is a cmdutil.Job that trains.
type job struct {
	*cmdutil.Job
	tr *trainlib.Trainer
}

// runJob runs the command in one process, or as one process of an MPI job
// when mpirun started it (cmdutil.RunJob).
func runJob(o *Options) error {
	return cmdutil.RunJob(&o.IO, func(cj *cmdutil.Job) error {
		if cj == nil {
			return run(o)
		}
		if err := checkJob(o, cj.Size()); err != nil {
			return err
		}
		j := &job{Job: cj}
		current = j
		defer func() { current = nil }()
		// The trainer's own stops (divergence, an interruption agreed
		// through the reductions, convergence, the last epoch) come on
		// every process at the same update.
		cj.EndsTogether(func(error) bool {
			if j.tr == nil {
				return false
			}
			switch j.tr.Status() {
			case trainlib.Diverged, trainlib.Canceled, trainlib.Converged, trainlib.MaxEpochs, trainlib.MaxUpdates:
				return true
			}
			return false
		})
		err := run(o)
		if br, ok := j.reducer(); ok && err == nil && cj.Root() && br.Reductions > 0 {
			o.IO.Logger().Info("reduction", "processes", cj.Size(), "reductions", br.Reductions,
				"ms_per_reduction", cmdutil.Round(br.Time.Seconds()*1000/float64(br.Reductions), 3),
				"mb_sent_per_reduction", cmdutil.Round(float64(br.Sent)*8/1e6/float64(br.Reductions), 3))
		}
		return err
	})
}

// checkJob refuses, before training, what does not run across the n
// processes of a job.
func checkJob(o *Options, n int) error {
	if o.alignment() && o.Model == catrbm.Kind {
		return cmdutil.BadInput("bmDCA of a catrbm does not run across MPI processes: run it without mpirun, or train --model potts")
	}
	sampler, objective := o.Negative.Sampler, o.Objective
	if o.Resume != "" {
		if r, err := runs.Open(o.Resume); err == nil {
			if r.Config.BMDCA != nil && r.Config.Model.Kind == catrbm.Kind {
				return cmdutil.BadInput("bmDCA of a catrbm does not run across MPI processes: resume %s without mpirun", o.Resume)
			}
			if t := r.Config.Train; t != nil {
				sampler, objective = t.Sampler, t.Objective
			}
		}
	}
	return acrossProcesses(sampler, objective, n)
}

// acrossProcesses refuses what does not run across n > 1 processes: the
// trajectory-tempered negative phase (its snapshot decisions measure one
// process's chains) and the exact term of the discriminative and hybrid
// objectives (not reduced over processes).
func acrossProcesses(sampler, objective string, n int) error {
	if n <= 1 {
		return nil
	}
	if sampler == runs.SamplerTrajectory {
		return cmdutil.BadInput("--sampler %s does not run across MPI processes: train it without mpirun, or use --sampler pt", sampler)
	}
	if objective == runs.ObjectiveDiscriminative || objective == runs.ObjectiveHybrid {
		return cmdutil.BadInput("--objective %s does not run across MPI processes (its exact term is not reduced): train it without mpirun", objective)
	}
	return nil
}

// checkReduction checks --reduction (validate).
func (o *Options) checkReduction() error {
	switch {
	case o.Reduction != "" && o.Reduction != ReductionBlocks && o.Reduction != ReductionExact:
		return cmdutil.BadInput("unknown --reduction %q: use %s or %s", o.Reduction, ReductionBlocks, ReductionExact)
	case o.Reduction == ReductionExact && (o.Model != rbm.Kind || o.Labels != ""):
		return cmdutil.BadInput("--reduction %s sums an unlabeled rbm's statistics in fixed point: use it with --model rbm without --labels, or use --reduction %s", ReductionExact, ReductionBlocks)
	case o.Reduction != "" && o.Resume != "":
		return cmdutil.BadInput("--reduction is fixed when a run starts: drop it with --resume, the run keeps its own")
	case o.Reduction != "" && o.alignment():
		return cmdutil.BadInput("--reduction does not apply to bmDCA runs on alignments")
	}
	return nil
}

// begin is where the processes agree that set-up succeeded, before
// training (nil job: one process).
func (j *job) begin(tr *trainlib.Trainer) error {
	if j == nil {
		return nil
	}
	j.tr = tr
	return j.Begin() // from here on a failure of one process aborts the job
}

// reducer returns the trainer's BlockReducer.
func (j *job) reducer() (*trainlib.BlockReducer, bool) {
	if j.tr == nil {
		return nil, false
	}
	br, ok := j.tr.Settings().Reducer.(*trainlib.BlockReducer)
	return br, ok
}

// isRoot reports whether this process writes the run directory.
func isRoot() bool { return current == nil || current.Root() }

// createRun is create on process 0; the other processes of a job write
// nothing and get the run without making its directory.
func createRun(dir string, force bool) (*runs.Run, error) {
	if !isRoot() {
		return &runs.Run{Dir: dir}, nil
	}
	return create(dir, force)
}

// writeConfig is r.WriteConfig on process 0.
func writeConfig(r *runs.Run) error {
	if !isRoot() {
		return nil
	}
	return r.WriteConfig()
}

// saveRun is r.Save on process 0; the others take their part in gathering
// the chains for the checkpoint.
func saveRun(r *runs.Run, tr *trainlib.Trainer) error {
	if err := saveRunInBackground(r, tr); err != nil {
		return err
	}
	return r.Wait()
}

// saveRunInBackground is r.SaveInBackground on process 0 (the files are
// written while training goes on; r.Wait waits for them); the others take
// their part in gathering the chains for the checkpoint.
func saveRunInBackground(r *runs.Run, tr *trainlib.Trainer) error {
	if isRoot() {
		return r.SaveInBackground(tr)
	}
	if _, err := tr.MarshalBinary(); !errors.Is(err, trainlib.ErrNotRoot) {
		return err
	}
	return nil
}

// reduction returns the --reduction of a new run: as given, and blocks
// under mpirun (any number of processes, one included) when none is.
func (o *Options) reduction() string {
	if _, ok := cluster.Launched(); ok && o.Reduction == "" {
		return ReductionBlocks
	}
	return o.Reduction
}

// setReducer sets the reducer of a run's trainer of m: a BlockReducer over
// the job's processes for a run with blocks or exact reduction, the
// latter with fixed-point statistics.
func setReducer(s *trainlib.Settings, m model.Model, tc *runs.TrainConfig, dir string) error {
	if current != nil && current.Size() > 1 && tc.Reduction != ReductionBlocks && tc.Reduction != ReductionExact {
		return cmdutil.BadInput("%s was trained in one process without --reduction %s (or %s), whose sums cannot be split across processes: resume it without mpirun", dir, ReductionBlocks, ReductionExact)
	}
	switch tc.Reduction {
	case ReductionBlocks:
	case ReductionExact:
		r, ok := m.(*rbm.RBM)
		if !ok {
			return cmdutil.BadInput("%s has --reduction %s, which needs an unlabeled rbm, not a %T", dir, ReductionExact, m)
		}
		s.PositiveStats = rbm.ExactStats{RBM: r}
		s.NegativeStats = s.PositiveStats
	default:
		return nil
	}
	red := &trainlib.BlockReducer{}
	if current != nil {
		red.Comm = current.Comm()
	}
	s.Reducer = red
	return nil
}

// bmdcaSavers returns the recorders that save a bmDCA run every every
// updates: on process 0 run.BackgroundSaver and the correlations file; on the other
// processes of a job, their part in gathering the state at the same
// records.
func bmdcaSavers(r *runs.Run, every int, tgt *bmdca.Target) []trainlib.Recorder {
	if isRoot() {
		return []trainlib.Recorder{r.BackgroundSaver(every), r.CorrelationSaver(every, tgt)}
	}
	return []trainlib.Recorder{trainlib.RecorderFunc(func(tr *trainlib.Trainer, rec trainlib.Record) error {
		if runs.SaveDue(tr, rec, every) {
			return saveRunInBackground(r, tr)
		}
		return nil
	})}
}

// setBMDCAReducer shares the chains of a bmDCA run among the processes of
// the job: the Potts model's integer counts are summed exactly, so the run
// is the one-process run bit for bit.
func setBMDCAReducer(s *bmdca.Settings) {
	if current != nil {
		s.Reducer = &trainlib.BlockReducer{Comm: current.Comm()}
	}
}
