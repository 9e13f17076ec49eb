package train

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"

	"boltzmann/bmdca"
	"boltzmann/cluster"
	"boltzmann/cmd/boltzmann/internal/cmdutil"
	"boltzmann/model/catrbm"
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

// ReductionBlocks is the value of --reduction (and of the run's config)
// for the fixed-order block sums of train.BlockReducer.
const ReductionBlocks = "blocks"

var _ trainlib.Comm = (*cluster.Comm)(nil)

// current is the MPI job of this process, or nil in one process.
var current *job

type job struct {
	f        *cmdutil.Factory
	comm     *cluster.Comm
	training bool // the processes agreed that set-up succeeded
	tr       *trainlib.Trainer
}

// runJob runs the command in one process, or as one process of an MPI job
// when mpirun started it.
func runJob(o *Options) error {
	n, launched := cluster.Launched()
	if !launched || (n == 1 && !cluster.Enabled) {
		return run(o)
	}
	if !cluster.Enabled {
		return cmdutil.BadInput("mpirun started %d copies of a boltzmann built without MPI: build it with 'go build -tags mpi ./cmd/boltzmann' (needs libopenmpi-dev), or run it without mpirun", n)
	}
	if o.alignment() && o.Model == catrbm.Kind {
		return cmdutil.BadInput("bmDCA of a catrbm does not run across MPI processes: run it without mpirun, or train --model potts")
	}
	if o.Resume != "" {
		if r, err := runs.Open(o.Resume); err == nil && r.Config.BMDCA != nil && r.Config.Model.Kind == catrbm.Kind {
			return cmdutil.BadInput("bmDCA of a catrbm does not run across MPI processes: resume %s without mpirun", o.Resume)
		}
	}
	c, err := cluster.Init()
	if err != nil {
		return err
	}
	j := &job{comm: c}
	current = j
	defer func() { current = nil }()
	if c.Rank() != 0 {
		o.IO = &cmdutil.Factory{Stdout: io.Discard, Stderr: io.Discard, Quiet: true}
	}
	j.f = o.IO
	if err := j.agree(j.sameCommand()); err != nil {
		return j.finish(err)
	}
	return j.finish(run(o))
}

// checkReduction checks --reduction (validate).
func (o *Options) checkReduction() error {
	switch {
	case o.Reduction != "" && o.Reduction != ReductionBlocks:
		return cmdutil.BadInput("unknown --reduction %q: use %s", o.Reduction, ReductionBlocks)
	case o.Reduction != "" && o.Resume != "":
		return cmdutil.BadInput("--reduction is fixed when a run starts: drop it with --resume, the run keeps its own")
	case o.Reduction != "" && o.alignment():
		return cmdutil.BadInput("--reduction does not apply to bmDCA runs on alignments")
	}
	return nil
}

// sameCommand compares this process's binary and arguments with process
// 0's.
func (j *job) sameCommand() error {
	h := sha256.New()
	if exe, err := os.Executable(); err == nil {
		if f, err := os.Open(exe); err == nil {
			_, _ = io.Copy(h, f)
			f.Close()
		}
	}
	fmt.Fprintf(h, "\x00%q", os.Args[1:])
	mine := h.Sum(nil)
	root, err := j.comm.Broadcast(mine)
	if err != nil {
		return err
	}
	if !bytes.Equal(root, mine) {
		return cmdutil.BadInput("process %d runs another boltzmann binary or other arguments than process 0: start the same command, built the same way, on every process", j.comm.Rank())
	}
	return nil
}

// agreedError is a failure of one process that every process returns.
type agreedError struct {
	msg  string
	code int
}

func (e *agreedError) Error() string { return e.msg }

// agree is collective: every process tells whether its set-up failed, and
// every process returns the first failure (of the lowest rank), or nil.
func (j *job) agree(err error) error {
	status := []byte{0}
	if err != nil {
		status = append([]byte{byte(cmdutil.ExitCode(err))}, cmdutil.OneLine(err.Error())...)
	}
	all, gerr := j.comm.Gather(status)
	if gerr != nil {
		return gerr
	}
	var verdict []byte
	for k, s := range all {
		if s[0] != 0 {
			msg := string(s[1:])
			if k != 0 {
				msg = fmt.Sprintf("process %d of %d: %s", k, len(all), msg)
			}
			verdict = append([]byte{s[0]}, msg...)
			break
		}
	}
	if verdict == nil {
		verdict = []byte{0}
	}
	verdict, gerr = j.comm.Broadcast(verdict)
	if gerr != nil {
		return gerr
	}
	if verdict[0] == 0 {
		return nil
	}
	return &agreedError{msg: string(verdict[1:]), code: int(verdict[0])}
}

// begin is where the processes agree that set-up succeeded, before
// training (nil job: one process).
func (j *job) begin(tr *trainlib.Trainer) error {
	if j == nil {
		return nil
	}
	j.tr = tr
	j.training = true // from here on a failure of one process aborts the job
	return j.agree(nil)
}

// finish ends this process's part in the job with err, the command's
// result: on process 0 it returns err; the others exit silently with its
// code. A failure that only this process saw during training aborts the
// job.
func (j *job) finish(err error) error {
	var agreed *agreedError
	if !j.training && !errors.As(err, &agreed) {
		err = j.agree(err) // the others wait in begin
	}
	same := err == nil || errors.As(err, &agreed)
	if j.tr != nil {
		switch j.tr.Status() {
		case trainlib.Diverged, trainlib.Canceled, trainlib.Converged, trainlib.MaxEpochs, trainlib.MaxUpdates:
			same = true // every process ends there
		}
	}
	code := cmdutil.ExitCode(err)
	if agreed != nil {
		code = agreed.code
		if code == 2 {
			err = cmdutil.BadInput("%s", agreed.msg)
		} else {
			err = errors.New(agreed.msg)
		}
	}
	if !same {
		fmt.Fprintf(os.Stderr, "boltzmann: process %d of %d: %s; stopping every process\n",
			j.comm.Rank(), j.comm.Size(), cmdutil.OneLine(err.Error()))
		j.comm.Abort(max(code, 1))
	}
	if br, ok := j.reducer(); ok && err == nil && j.comm.Rank() == 0 && br.Reductions > 0 {
		j.f.Logger().Info("reduction", "processes", j.comm.Size(), "reductions", br.Reductions,
			"ms_per_reduction", cmdutil.Round(br.Time.Seconds()*1000/float64(br.Reductions), 3),
			"mb_sent_per_reduction", cmdutil.Round(float64(br.Sent)*8/1e6/float64(br.Reductions), 3))
	}
	if ferr := j.comm.Finalize(); ferr != nil && err == nil {
		err = ferr
	}
	if j.comm.Rank() != 0 {
		os.Exit(code)
	}
	return err
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
func isRoot() bool { return current == nil || current.comm.Rank() == 0 }

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
	if isRoot() {
		return r.Save(tr)
	}
	if _, err := tr.MarshalBinary(); !errors.Is(err, trainlib.ErrNotRoot) {
		return err
	}
	return nil
}

// reduction returns the --reduction of a new run: blocks under mpirun
// (any number of processes, one included).
func (o *Options) reduction() string {
	if _, ok := cluster.Launched(); ok {
		return ReductionBlocks
	}
	return o.Reduction
}

// setReducer sets the reducer of a run's trainer: a BlockReducer over the
// job's processes for a run with blocks reduction.
func setReducer(s *trainlib.Settings, tc *runs.TrainConfig, dir string) error {
	if current != nil && current.comm.Size() > 1 && tc.Reduction != ReductionBlocks {
		return cmdutil.BadInput("%s was trained in one process without --reduction %s, whose sums cannot be split across processes: resume it without mpirun", dir, ReductionBlocks)
	}
	if tc.Reduction != ReductionBlocks {
		return nil
	}
	red := &trainlib.BlockReducer{}
	if current != nil {
		red.Comm = current.comm
	}
	s.Reducer = red
	return nil
}

// bmdcaSavers returns the recorders that save a bmDCA run every every
// updates: on process 0 run.Saver and the correlations file; on the other
// processes of a job, their part in gathering the state at the same
// records.
func bmdcaSavers(r *runs.Run, every int, tgt *bmdca.Target) []trainlib.Recorder {
	if isRoot() {
		return []trainlib.Recorder{r.Saver(every), r.CorrelationSaver(every, tgt)}
	}
	return []trainlib.Recorder{trainlib.RecorderFunc(func(tr *trainlib.Trainer, rec trainlib.Record) error {
		if runs.SaveDue(tr, rec, every) {
			return saveRun(r, tr)
		}
		return nil
	})}
}

// setBMDCAReducer shares the chains of a bmDCA run among the processes of
// the job: the Potts model's integer counts are summed exactly, so the run
// is the one-process run bit for bit.
func setBMDCAReducer(s *bmdca.Settings) {
	if current != nil {
		s.Reducer = &trainlib.BlockReducer{Comm: current.comm}
	}
}
