package cmdutil

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"

	"boltzmann/cluster"
	"boltzmann/sample"
)

// Job is the MPI job of a command that shares its chains or runs among
// processes (mpirun -n N boltzmann sample|evaluate ..., a binary built with
// -tags mpi): every process reads the inputs and computes its share;
// process 0 alone prints and writes. Set-up errors are agreed on at Begin
// (every process exits with the code of the first failure, which process 0
// prints); after Begin, a failure of one process aborts the job
// (MPI_Abort), and a process that dies ends it through mpirun. A nil *Job
// is one process.
type Job struct {
	comm     *cluster.Comm
	started  bool
	together func(error) bool
}

// RunJob runs fn in one process (with a nil Job), or as one process of an
// MPI job when mpirun started it; on the processes other than 0, *f is
// replaced by a Factory that discards all output, and RunJob exits
// instead of returning (with 0: process 0 returns the job's error, which
// gives mpirun its exit code, and a failure of this process alone aborts
// the job with a non-zero code).
func RunJob(f **Factory, fn func(j *Job) error) error {
	n, launched := cluster.Launched()
	if !launched || (n == 1 && !cluster.Enabled) {
		return fn(nil)
	}
	if !cluster.Enabled {
		return BadInput("mpirun started %d copies of a boltzmann built without MPI: build it with 'go build -tags mpi ./cmd/boltzmann' (needs libopenmpi-dev), or run it without mpirun", n)
	}
	c, err := cluster.Init()
	if err != nil {
		return err
	}
	j := &Job{comm: c}
	if c.Rank() != 0 {
		*f = &Factory{Stdout: io.Discard, Stderr: io.Discard, Quiet: true}
	}
	err = j.agree(j.sameCommand())
	if err == nil {
		err = fn(j)
	}
	return j.finish(err)
}

// Comm returns the job's communication (nil: one process).
func (j *Job) Comm() *cluster.Comm {
	if j == nil {
		return nil
	}
	return j.comm
}

// EndsTogether sets the test of a failure after Begin that every process
// reaches at the same point of the work (a trainer's own stop: divergence,
// cancellation agreed through the reductions), so that the job ends with
// it on every process instead of aborting.
func (j *Job) EndsTogether(f func(err error) bool) { j.together = f }

// Procs returns the processes that share the work (nil: one process).
func (j *Job) Procs() sample.Procs {
	if j == nil {
		return nil
	}
	return j.comm
}

// Size is the number of processes (1 without a job).
func (j *Job) Size() int {
	if j == nil {
		return 1
	}
	return j.comm.Size()
}

// Root reports whether this process prints and writes: process 0.
func (j *Job) Root() bool { return j == nil || j.comm.Rank() == 0 }

// Begin is where the processes agree that set-up succeeded, before the
// first collective of the work; it returns the first process's failure
// when one failed.
func (j *Job) Begin() error {
	if j == nil {
		return nil
	}
	j.started = true
	return j.agree(nil)
}

// sameCommand compares this process's binary and arguments with process
// 0's.
func (j *Job) sameCommand() error {
	mine := CommandDigest()
	root, err := j.comm.Broadcast(mine)
	if err != nil {
		return err
	}
	if !bytes.Equal(root, mine) {
		return BadInput("process %d runs another boltzmann binary or other arguments than process 0: start the same command, built the same way, on every process", j.comm.Rank())
	}
	return nil
}

// CommandDigest is the SHA-256 of this process's executable and
// arguments.
func CommandDigest() []byte {
	h := sha256.New()
	if exe, err := os.Executable(); err == nil {
		if f, err := os.Open(exe); err == nil {
			_, _ = io.Copy(h, f)
			f.Close()
		}
	}
	fmt.Fprintf(h, "\x00%q", os.Args[1:])
	return h.Sum(nil)
}

// agreedError is a failure of one process that every process returns.
type agreedError struct {
	msg  string
	code int
}

func (e *agreedError) Error() string { return e.msg }

// agree is collective: every process tells whether its set-up failed, and
// every process returns the first failure (of the lowest rank), or nil.
func (j *Job) agree(err error) error {
	status := []byte{0}
	if err != nil {
		status = append([]byte{byte(ExitCode(err))}, OneLine(err.Error())...)
	}
	all, gerr := j.comm.Gather(status)
	if gerr != nil {
		return gerr
	}
	verdict := []byte{0}
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
	if verdict, gerr = j.comm.Broadcast(verdict); gerr != nil {
		return gerr
	}
	if verdict[0] == 0 {
		return nil
	}
	return &agreedError{msg: string(verdict[1:]), code: int(verdict[0])}
}

// finish ends this process's part in the job with err, the command's
// result: process 0 returns it, the others exit with its code. A failure
// that only this process saw after Begin aborts the job.
func (j *Job) finish(err error) error {
	var agreed *agreedError
	if !j.started && !errors.As(err, &agreed) {
		err = j.agree(err) // the others wait in Begin, or here
	}
	code := ExitCode(err)
	if errors.As(err, &agreed) {
		code = agreed.code
		if code == ExitBadInput {
			err = BadInput("%s", agreed.msg)
		} else {
			err = errors.New(agreed.msg)
		}
	} else if err != nil && (j.together == nil || !j.together(err)) {
		fmt.Fprintf(os.Stderr, "boltzmann: process %d of %d: %s; stopping every process\n",
			j.comm.Rank(), j.comm.Size(), OneLine(err.Error()))
		j.comm.Abort(max(code, 1))
	}
	if ferr := j.comm.Finalize(); ferr != nil && err == nil {
		err = ferr
	}
	if j.comm.Rank() != 0 {
		// Process 0 prints the job's error and exits with its code. mpirun
		// ends the whole job at the first non-zero exit, so a non-zero
		// exit here could kill process 0 before it has printed.
		os.Exit(0)
	}
	return err
}
