//go:build kill

package root

// The long kill test: `go test -tags kill ./cmd/boltzmann/internal/root
// -run TestKillEveryKind -v -timeout 3h` (BOLTZMANN_KILL_TRIES sets the
// tries per model kind, default 100; BOLTZMANN_KILL_KINDS a comma-separated
// subset of the kinds). Its counts are in BENCHMARKS.md.

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"boltzmann/dataset"
	"boltzmann/internal/atomicfile"
	"boltzmann/runs"
)

// killKind is one model kind of the kill test: the train arguments of a
// short run that writes several checkpoints.
type killKind struct {
	name string
	args []string
}

// killTries counts the outcomes of the tries of one kind.
type killTries struct {
	firstEpoch int // killed before the first checkpoint: the same command started again
	resumed    int // killed after a checkpoint: train --resume
	complete   int // killed after the last checkpoint: nothing left to train
	finished   int // the run ended before its kill time
	midWrite   int // a temporary file of an atomic write was left by the kill
	midCkpt    int // of which one of checkpoint.bin
	identical  int // model.npz bit-identical to the uninterrupted run's
}

// TestKillEveryKind kills train with SIGKILL at seeded random moments, for
// every model kind, and checks that the run ends bit-identical to an
// uninterrupted one: a run killed after a checkpoint by train --resume, a
// run killed before it by the same command again, without --force. The
// kill times are drawn by a PCG stream seeded by the kind's index and the
// try: a quarter of the tries uniformly in the first epoch (before the
// uninterrupted run's first checkpoint), a quarter at the first temporary
// file of checkpoint.bin seen in the run directory after a time drawn
// uniformly over the run (a checkpoint being written), the rest uniformly
// over the whole run. After each try no temporary file is left.
func TestKillEveryKind(t *testing.T) {
	tries := 100
	if s := os.Getenv("BOLTZMANN_KILL_TRIES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("BOLTZMANN_KILL_TRIES=%q: want a positive integer", s)
		}
		tries = n
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "boltzmann")
	if out, err := exec.Command("go", "build", "-o", bin, "boltzmann/cmd/boltzmann").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	x, y, _ := threeClasses(t, tmp, 600, false, 1)
	family := writeMSA(t, 8, 300)
	kinds := []killKind{
		{"rbm", []string{"builtin:bars-and-stripes:4", "--n-builtin", "3000", "--model", "rbm", "--hidden", "16", "--batch-size", "20", "--epochs", "6"}},
		{"labeled-rbm", []string{x, "--labels", y, "--model", "rbm", "--hidden", "6", "--objective", "hybrid", "--alpha", "0.5", "--batch-size", "5", "--epochs", "6"}},
		{"catrbm", []string{family, "--model", "catrbm", "--hidden", "4", "--chains", "100", "--max-updates", "60", "--save-every", "10", "--target-pearson", "1"}},
		{"ising", []string{"builtin:ising2d:4", "--n-builtin", "3000", "--model", "ising", "--batch-size", "20", "--epochs", "6"}},
		{"potts", []string{family, "--model", "potts", "--chains", "100", "--max-updates", "60", "--save-every", "10", "--target-pearson", "1"}},
		{"gaussian", []string{"builtin:gaussian-mixture", "--n-builtin", "4000", "--model", "gaussian", "--batch-size", "10", "--epochs", "6"}},
		{"gbrbm", []string{"builtin:gaussian-mixture", "--n-builtin", "4000", "--model", "gbrbm", "--hidden", "3", "--batch-size", "10", "--epochs", "6"}},
	}
	only := os.Getenv("BOLTZMANN_KILL_KINDS")
	for ki, k := range kinds {
		if only != "" && !slices.Contains(strings.Split(only, ","), k.name) {
			continue
		}
		t.Run(k.name, func(t *testing.T) {
			args := append(append([]string{"train"}, k.args...), "--seed", "5", "-q")
			ref := filepath.Join(tmp, k.name, "full")
			total, first := timedRun(t, bin, args, ref)
			want := readModel(t, ref)
			t.Logf("uninterrupted: %.2f s, first checkpoint at %.2f s", total.Seconds(), first.Seconds())
			var c killTries
			for i := range tries {
				dir := filepath.Join(tmp, k.name, fmt.Sprintf("try%03d", i))
				rng := rand.New(rand.NewPCG(uint64(ki), uint64(i)))
				var at time.Duration
				atWrite := false
				switch i % 4 {
				case 0:
					at = time.Duration(rng.Float64() * float64(first))
				case 1:
					atWrite = true
					at = time.Duration(rng.Float64() * float64(total))
				default:
					at = time.Duration(rng.Float64() * 1.2 * float64(total))
				}
				killOnce(t, bin, args, dir, at, atWrite, &c)
				if got := readModel(t, dir); equalModels(got, want) {
					c.identical++
				} else {
					t.Errorf("try %d (kill at %v, at a write %v): model.npz differs from the uninterrupted run's", i, at, atWrite)
				}
				os.RemoveAll(dir)
			}
			t.Logf("%s: %d tries: %d killed before the first checkpoint and started again, %d resumed, %d killed after the last checkpoint, %d finished before the kill; %d kills left a temporary file (%d of checkpoint.bin); %d of %d bit-identical",
				k.name, tries, c.firstEpoch, c.resumed, c.complete, c.finished, c.midWrite, c.midCkpt, c.identical, tries)
		})
	}
}

// timedRun runs train to the end in dir and returns its wall time and the
// time its first checkpoint appeared.
func timedRun(t *testing.T, bin string, args []string, dir string) (total, first time.Duration) {
	t.Helper()
	cmd := exec.Command(bin, append(args, "--out", dir)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for first == 0 {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("uninterrupted run: %v: %s", err, stderr.String())
			}
			t.Fatal("uninterrupted run ended before its first checkpoint was seen")
		default:
		}
		if _, err := os.Stat(filepath.Join(dir, runs.CheckpointFile)); err == nil {
			first = time.Since(start)
		}
		time.Sleep(time.Millisecond)
	}
	if err := <-done; err != nil {
		t.Fatalf("uninterrupted run: %v: %s", err, stderr.String())
	}
	return time.Since(start), first
}

// killOnce starts train in dir and kills it with SIGKILL after at, or, if
// atWrite, at the first temporary file of checkpoint.bin seen in dir after
// at, then finishes the run as a user would: train --resume after a
// checkpoint, the same command again before one.
func killOnce(t *testing.T, bin string, args []string, dir string, at time.Duration, atWrite bool, c *killTries) {
	t.Helper()
	cmd := exec.Command(bin, append(args, "--out", dir)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.Now().Add(at)
	if atWrite {
		time.Sleep(at)
	}
	exited := false
wait:
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("train exited by itself with %v", err)
			}
			exited = true
			break wait
		default:
		}
		if atWrite && hasTemp(dir, "."+runs.CheckpointFile) || !atWrite && !time.Now().Before(deadline) {
			break
		}
		if atWrite {
			time.Sleep(100 * time.Microsecond)
		} else {
			time.Sleep(time.Until(deadline) / 4)
		}
	}
	if !exited {
		if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
			t.Fatal(err)
		}
		<-done
	}
	if exited {
		c.finished++
		return
	}
	if hasTemp(dir, ".") {
		c.midWrite++
	}
	if hasTemp(dir, "."+runs.CheckpointFile) {
		c.midCkpt++
	}
	if _, err := os.Stat(filepath.Join(dir, runs.CheckpointFile)); err != nil {
		c.firstEpoch++
		if out, err := exec.Command(bin, append(args, "--out", dir)...).CombinedOutput(); err != nil {
			t.Fatalf("the same command again after a kill before the first checkpoint: %v: %s", err, out)
		}
	} else {
		out, err := exec.Command(bin, "train", "--resume", dir, "-q").CombinedOutput()
		var ee *exec.ExitError
		switch {
		case err == nil:
			c.resumed++
		case errors.As(err, &ee) && ee.ExitCode() == 2 && strings.Contains(string(out), "already"):
			c.complete++
		default:
			t.Fatalf("train --resume after a kill: %v: %s", err, out)
		}
	}
	if hasTemp(dir, ".") {
		t.Errorf("%s: a temporary file is left after the run was finished", dir)
	}
}

// hasTemp reports whether dir holds a temporary file of an atomic write
// whose name starts with prefix.
func hasTemp(dir, prefix string) bool {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if atomicfile.IsTemp(e.Name()) && strings.HasPrefix(e.Name(), prefix) {
			return true
		}
	}
	return false
}

func readModel(t *testing.T, dir string) []dataset.Array {
	t.Helper()
	a, err := dataset.ReadNPZ(filepath.Join(dir, runs.ModelFile))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// equalModels reports whether two model.npz contents are bit for bit the
// same: names, shapes and values.
func equalModels(a, b []dataset.Array) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || !slices.Equal(a[i].Shape, b[i].Shape) || len(a[i].Data) != len(b[i].Data) {
			return false
		}
		for j := range a[i].Data {
			if math.Float64bits(a[i].Data[j]) != math.Float64bits(b[i].Data[j]) {
				return false
			}
		}
	}
	return true
}
