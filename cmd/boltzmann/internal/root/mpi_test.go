//go:build mpi

package root

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"boltzmann/dataset"
)

// The end-to-end tests of training across MPI processes (go test -tags
// mpi): a binary built with -tags mpi, started by mpirun with several
// processes on this machine (--oversubscribe), must give the parameters of
// the one-process run bit for bit.

// mpiSetup builds the MPI binary and returns it with the mpirun command
// line prefix, or skips the test without mpirun.
func mpiSetup(t *testing.T) (bin string, mpirun []string) {
	t.Helper()
	path, err := exec.LookPath("mpirun")
	if err != nil {
		t.Skip("mpirun is not installed (Debian: apt-get install openmpi-bin libopenmpi-dev)")
	}
	bin = filepath.Join(t.TempDir(), "boltzmann")
	if out, err := exec.Command("go", "build", "-tags", "mpi", "-o", bin, "boltzmann/cmd/boltzmann").CombinedOutput(); err != nil {
		t.Fatalf("go build -tags mpi: %v\n%s", err, out)
	}
	return bin, []string{path, "--oversubscribe", "--allow-run-as-root"}
}

// mpiCmd is the command that starts n processes of bin with args.
func mpiCmd(mpirun []string, n int, bin string, args ...string) *exec.Cmd {
	cmd := exec.Command(mpirun[0], append(append(append([]string(nil), mpirun[1:]...), "-n", strconv.Itoa(n), bin), args...)...)
	// Shared memory and loopback only: no network interface is needed.
	cmd.Env = append(os.Environ(), "OMPI_MCA_btl=self,vader", "OMPI_MCA_rmaps_base_oversubscribe=1")
	return cmd
}

// sameModel fails unless the model.npz files of two run directories hold
// the same parameters bit for bit.
func sameModel(t *testing.T, what, dirA, dirB string) {
	t.Helper()
	a, err := dataset.ReadNPZ(filepath.Join(dirA, "model.npz"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := dataset.ReadNPZ(filepath.Join(dirB, "model.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) {
		t.Fatalf("%s: %d arrays, want %d", what, len(b), len(a))
	}
	for i := range a {
		for j := range a[i].Data {
			if a[i].Data[j] != b[i].Data[j] {
				t.Fatalf("%s: array %s element %d is %v, want %v", what, a[i].Name, j, b[i].Data[j], a[i].Data[j])
			}
		}
	}
}

// TestMPITrainIdentical: an RBM (float32 arithmetic, PCD) trained by 1, 2,
// 3 and 4 processes, an Ising model by 2, an RBM with parallel tempering and
// centering by 2 and 3 and one with --reduction exact by 2 and 3 ends
// with the parameters of the one-process run with the same --reduction
// (blocks, the default under mpirun, or exact), bit for bit; only process 0 writes (one run
// directory, one progress output). Trajectory tempering and the
// discriminative objectives are refused across processes.
func TestMPITrainIdentical(t *testing.T) {
	bin, mpirun := mpiSetup(t)
	tmp := t.TempDir()
	data, labels, _ := threeClasses(t, tmp, 60, false, 1)
	for _, refused := range [][]string{
		{"--sampler", "trajectory", "--save-trajectory", "1"},
		{"--labels", labels, "--objective", "hybrid"},
	} {
		args := append([]string{"train", data, "--model", "rbm", "--hidden", "4", "--epochs", "1", "--chains", "32",
			"--out", filepath.Join(tmp, "refused"), "-q"}, refused...)
		out, err := mpiCmd(mpirun, 2, bin, args...).CombinedOutput()
		if code := exitCode(err); code != 2 || !strings.Contains(string(out), "does not run across MPI processes") {
			t.Errorf("train %v on 2 processes: exit %d\n%s", refused, code, out)
		}
	}
	for _, c := range []struct {
		name      string
		args      []string
		ranks     []int
		reduction string // of the one-process run; "" blocks, which mpirun picks
	}{
		{"rbm", []string{"train", "builtin:bars-and-stripes", "--model", "rbm", "--hidden", "12", "--chains", "50", "--batch-size", "20",
			"--epochs", "3", "--seed", "3", "-q"}, []int{1, 2, 3, 4}, ""},
		{"ising", []string{"train", "builtin:bars-and-stripes", "--model", "ising", "--chains", "40", "--batch-size", "16", "--k", "2",
			"--epochs", "2", "--seed", "4", "-q"}, []int{2}, ""},
		// Parallel tempering (replicas and the adapted ladder shared by
		// the processes) with centered gradients.
		{"rbm-pt-centering", []string{"train", "builtin:bars-and-stripes", "--model", "rbm", "--hidden", "12", "--chains", "50", "--batch-size", "20",
			"--epochs", "3", "--seed", "5", "--sampler", "pt", "--replicas", "3", "--centering", "-q"}, []int{2, 3}, ""},
		// Fixed-point statistics: one partial per process.
		{"rbm-exact", []string{"train", "builtin:bars-and-stripes", "--model", "rbm", "--hidden", "12", "--chains", "50", "--batch-size", "20",
			"--epochs", "3", "--seed", "6", "--reduction", "exact", "-q"}, []int{2, 3}, "exact"},
	} {
		want := filepath.Join(tmp, c.name+"-one")
		args := append([]string(nil), c.args...)
		if c.reduction == "" {
			args = append(args, "--reduction", "blocks")
		}
		if out, err := exec.Command(bin, append(args, "--out", want)...).CombinedOutput(); err != nil {
			t.Fatalf("%s in one process: %v\n%s", c.name, err, out)
		}
		for _, n := range c.ranks {
			dir := filepath.Join(tmp, fmt.Sprintf("%s-%d", c.name, n))
			out, err := mpiCmd(mpirun, n, bin, append(c.args, "--out", dir)...).CombinedOutput()
			if err != nil {
				t.Fatalf("%s on %d processes: %v\n%s", c.name, n, err, out)
			}
			sameModel(t, fmt.Sprintf("%s on %d processes", c.name, n), want, dir)
		}
	}
}

// rankPID returns the process id of rank of the job started by mpirun
// (pid), or 0 while it has not started.
func rankPID(pid, rank int) int {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		stat, err := os.ReadFile(filepath.Join(d, "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) < 2 || f[1] != strconv.Itoa(pid) {
			continue
		}
		env, _ := os.ReadFile(filepath.Join(d, "environ"))
		if bytes.Contains(env, []byte("\x00OMPI_COMM_WORLD_RANK="+strconv.Itoa(rank)+"\x00")) {
			p, _ := strconv.Atoi(filepath.Base(d))
			return p
		}
	}
	return 0
}

// TestMPIKilledRankResumesOnOtherRanks: SIGKILL of one of 2 processes
// after the first checkpoint ends the job within 10 s with a non-zero exit
// code; the run then resumes on 3 processes and ends with the parameters
// of an uninterrupted one-process run, bit for bit.
func TestMPIKilledRankResumesOnOtherRanks(t *testing.T) {
	bin, mpirun := mpiSetup(t)
	tmp := t.TempDir()
	args := []string{"train", "builtin:bars-and-stripes:4", "--n-builtin", "2000", "--model", "rbm", "--hidden", "24",
		"--batch-size", "20", "--chains", "48", "--k", "2", "--epochs", "5", "--seed", "5", "-q"}
	full, killed := filepath.Join(tmp, "full"), filepath.Join(tmp, "killed")
	if out, err := exec.Command(bin, append(args, "--reduction", "blocks", "--out", full)...).CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}
	cmd := mpiCmd(mpirun, 2, bin, append(args, "--out", killed)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(filepath.Join(killed, "checkpoint.bin")); err == nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	victim := rankPID(cmd.Process.Pid, 1)
	if victim == 0 {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("rank 1 of the job not found\n%s", out.String())
	}
	if err := syscallKill(victim); err != nil {
		t.Fatal(err)
	}
	killedAt := time.Now()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err == nil {
			h, _ := os.ReadFile(filepath.Join(killed, "history.jsonl"))
			if strings.Count(string(h), "\n") < 5 {
				t.Fatalf("the job exited 0 after rank 1 was killed\n%s", out.String())
			}
			t.Log("the run ended before the kill took effect")
		}
		t.Logf("job ended %v after the kill: %v", time.Since(killedAt).Round(time.Millisecond), err)
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("the job was still running 10 s after rank 1 was killed\n%s", out.String())
	}
	h, _ := os.ReadFile(filepath.Join(killed, "history.jsonl"))
	t.Logf("killed after %d completed epochs", strings.Count(string(h), "\n"))
	if o, err := mpiCmd(mpirun, 3, bin, "train", "--resume", killed, "-q").CombinedOutput(); err != nil {
		t.Fatalf("resume on 3 processes: %v\n%s", err, o)
	}
	sameModel(t, "killed on 2 processes, resumed on 3", full, killed)
}

// TestMPIMismatchedArguments: processes started with different arguments
// are refused at start-up with one message and exit code 2.
func TestMPIMismatchedArguments(t *testing.T) {
	bin, mpirun := mpiSetup(t)
	dir := filepath.Join(t.TempDir(), "run")
	a := []string{"train", "builtin:bars-and-stripes", "--model", "rbm", "--hidden", "4", "--epochs", "1", "--out", dir, "-q"}
	b := append(append([]string(nil), a...), "--seed", "2")
	line := append(append(append(append(append([]string(nil), mpirun[1:]...), "-n", "1", bin), a...), ":", "-n", "1", bin), b...)
	cmd := exec.Command(mpirun[0], line...)
	cmd.Env = append(os.Environ(), "OMPI_MCA_btl=self,vader")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("mismatched processes ran\n%s", out)
	}
	if !strings.Contains(string(out), "process 1 runs another boltzmann binary or other arguments than process 0") {
		t.Fatalf("no message about the mismatch:\n%s", out)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("the run directory was created")
	}
}
