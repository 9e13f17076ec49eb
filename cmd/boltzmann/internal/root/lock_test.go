package root

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"boltzmann/runs"
)

// TestTwoWritersRace: two train commands on one --out at the same moment:
// exactly one trains (exit 0), the other exits 2 with one line (the
// directory is in use by this process, or already holds the winner's run),
// and the run directory holds the winner's run alone, in 10 of 10 tries
// (the lock itself is raced 100 times in package runs).
func TestTwoWritersRace(t *testing.T) {
	tmp := t.TempDir()
	for try := range 10 {
		dir := filepath.Join(tmp, fmt.Sprint("run", try))
		var wg sync.WaitGroup
		codes, msgs := make([]int, 2), make([]string, 2)
		start := make(chan struct{})
		for w := range 2 {
			wg.Go(func() {
				<-start
				_, msgs[w], codes[w] = runCLI(t, "train", "builtin:bars-and-stripes:3", "--model", "rbm", "--hidden", "4",
					"--epochs", "2", "--seed", fmt.Sprint(w+1), "--out", dir, "-q")
			})
		}
		close(start)
		wg.Wait()
		win, lose := 0, 1
		if codes[0] != 0 {
			win, lose = 1, 0
		}
		loser := strings.TrimSpace(msgs[lose])
		if codes[win] != 0 || codes[lose] != 2 || strings.Count(loser, "\n") != 0 ||
			!(strings.Contains(loser, fmt.Sprintf("in use by process %d", os.Getpid())) || strings.Contains(loser, "already exists")) {
			t.Fatalf("try %d: exit codes %v, messages %q", try, codes, msgs)
		}
		r, err := runs.Open(dir)
		if err != nil || r.Config.Train.Seed != uint64(win+1) {
			t.Fatalf("try %d: the run directory holds %+v (%v), not the winner's run", try, r, err)
		}
		hist, _ := os.ReadFile(filepath.Join(dir, runs.HistoryFile))
		if n := strings.Count(string(hist), "\n"); n != 2 {
			t.Fatalf("try %d: history of %d epochs", try, n)
		}
	}
}

// TestLockedResumeRefused: a run directory that another writer holds is
// refused by train --resume with the holder's process id, and left as it
// was.
func TestLockedResumeRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	mustRun(t, "train", "builtin:bars-and-stripes:3", "--model", "rbm", "--hidden", "4", "--epochs", "1", "--out", dir, "-q")
	r, err := runs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Lock(); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	before := snapshot(t, dir)
	_, stderr, code := runCLI(t, "train", "--resume", dir, "--epochs", "3", "-q")
	if code != 2 || !strings.Contains(stderr, fmt.Sprintf("in use by process %d", os.Getpid())) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Fatalf("resume of a locked run: exit %d, %q", code, stderr)
	}
	for name, b := range snapshot(t, dir) {
		if string(before[name]) != string(b) {
			t.Errorf("refused resume changed %s", name)
		}
	}
}

// TestRestartUnstartedRun: a run killed before its first checkpoint (its
// config.json written, an atomic write cut short) starts again with the
// same command, without --force, and the leftovers are gone.
func TestRestartUnstartedRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	args := []string{"train", "builtin:bars-and-stripes:3", "--model", "rbm", "--hidden", "4", "--epochs", "1", "--out", dir, "-q"}
	mustRun(t, args...)
	os.Remove(filepath.Join(dir, runs.CheckpointFile))
	tmp := filepath.Join(dir, ".checkpoint.bin.tmp-4242")
	if err := os.WriteFile(tmp, []byte("half a checkpoint"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runCLI(t, "train", "--resume", dir, "-q"); code != 2 || !strings.Contains(stderr, "start it again") {
		t.Fatalf("resume of an unstarted run: exit %d, %s", code, stderr)
	}
	mustRun(t, args...)
	if _, err := os.Stat(tmp); err == nil {
		t.Error("the temporary file of the killed write is still there")
	}
	if _, err := os.Stat(filepath.Join(dir, runs.CheckpointFile)); err != nil {
		t.Error("the restarted run has no checkpoint")
	}
	// A run with a checkpoint is not replaced without --force.
	if _, stderr, code := runCLI(t, args...); code != 2 || !strings.Contains(stderr, "already exists") {
		t.Errorf("second run over a finished one: exit %d, %s", code, stderr)
	}
}
