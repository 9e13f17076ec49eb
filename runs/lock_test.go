package runs_test

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"boltzmann/runs"
)

// TestCreateRace: two writers creating one run directory at the same
// moment: exactly one gets it, the other a *LockedError naming this
// process, in 100 of 100 tries.
func TestCreateRace(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no flock")
	}
	tmp := t.TempDir()
	for try := range 100 {
		dir := filepath.Join(tmp, "run", string(rune('a'+try%26)), filepath.Base(t.Name())+string(rune('0'+try/26)))
		var wg sync.WaitGroup
		var mu sync.Mutex
		var got []*runs.Run
		var errs []error
		start := make(chan struct{})
		for range 2 {
			wg.Go(func() {
				<-start
				r, err := runs.Create(dir, false)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
				} else {
					got = append(got, r)
				}
			})
		}
		close(start)
		wg.Wait()
		var le *runs.LockedError
		if len(got) != 1 || len(errs) != 1 || !errors.As(errs[0], &le) || le.PID != os.Getpid() {
			t.Fatalf("try %d: %d writers got the directory, errors %v", try, len(got), errs)
		}
		got[0].Close()
	}
}

// TestLockHeldByAnotherProcess: a run directory locked by another process
// is refused with that process's id; once it is killed (SIGKILL: no
// cleanup), the lock is free again.
func TestLockHeldByAnotherProcess(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no flock")
	}
	if dir := os.Getenv("RUNS_TEST_HOLD_LOCK"); dir != "" {
		if _, err := runs.Create(dir, false); err != nil {
			os.Stdout.WriteString("error " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Stdout.WriteString("locked\n")
		time.Sleep(time.Hour) // hold the lock until killed (a bare select{} would end in the deadlock detector)
	}
	dir := filepath.Join(t.TempDir(), "run")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHeldByAnotherProcess$")
	cmd.Env = append(os.Environ(), "RUNS_TEST_HOLD_LOCK="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "locked\n" {
		t.Fatalf("child: %q", line)
	}
	_, err = runs.Create(dir, true)
	var le *runs.LockedError
	if !errors.As(err, &le) || le.PID != cmd.Process.Pid {
		t.Fatalf("Create of a directory locked by process %d: %v", cmd.Process.Pid, err)
	}
	o := &runs.Run{Dir: dir}
	if err := o.Lock(); !errors.As(err, &le) {
		t.Fatalf("Lock of a directory locked by another process: %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	r, err := runs.Create(dir, false)
	if err != nil {
		t.Fatalf("lock of a killed process not released: %v", err)
	}
	r.Close()
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func writeFiles(t *testing.T, dir string, files ...string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCreateReuse: which existing directories Create takes, and what it
// removes from them: a run killed before its first checkpoint starts
// again without force; force replaces a run but keeps the user's files
// and refuses a directory that holds no run; the temporary files of
// killed writes go in every case.
func TestCreateReuse(t *testing.T) {
	tmp := t.TempDir()
	tempFile := ".model.npz.tmp-123456"
	cases := []struct {
		name  string
		files []string
		force bool
		err   error    // nil: Create succeeds
		left  []string // then the directory holds these
	}{
		{"empty", nil, false, nil, []string{runs.LockFile}},
		{"killed before the first checkpoint", []string{runs.ConfigFile, runs.HistoryFile, runs.ModelFile, tempFile, runs.LockFile}, false, nil, []string{runs.LockFile}},
		{"only leftovers", []string{tempFile}, false, nil, []string{runs.LockFile}},
		{"a run", []string{runs.ConfigFile, runs.CheckpointFile, runs.ModelFile}, false, runs.ErrExists, nil},
		{"unstarted run with the user's file", []string{runs.ConfigFile, "notes.txt"}, false, runs.ErrExists, nil},
		{"not a run", []string{"data.npy"}, false, runs.ErrExists, nil},
		{"force: a Potts run", []string{runs.ConfigFile, runs.CheckpointFile, runs.ParamsFile, runs.CurvesFile, tempFile, "notes.txt"}, true, nil, []string{runs.LockFile, "notes.txt"}},
		{"force: not a run", []string{"data.npy", runs.ModelFile}, true, runs.ErrNotRunDir, nil},
	}
	for i, c := range cases {
		dir := filepath.Join(tmp, string(rune('a'+i)))
		writeFiles(t, dir, c.files...)
		before := names(t, dir)
		r, err := runs.Create(dir, c.force)
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("%s: %v, want %v", c.name, err, c.err)
			}
			if got := names(t, dir); !slices.Equal(got, before) {
				t.Errorf("%s: refused, but the directory went from %v to %v", c.name, before, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := names(t, dir); !slices.Equal(got, c.left) {
			t.Errorf("%s: left %v, want %v", c.name, got, c.left)
		}
		r.Close()
	}
}
