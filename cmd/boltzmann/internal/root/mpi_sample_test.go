//go:build mpi

package root

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestMPISampleEvaluateIdentical: sample (chains shared among the
// processes, annealed burn-in and thinning; parallel tempering with its
// ladder adapted over every process's chains) and evaluate (forward AIS
// and reverse AIS runs shared) started by mpirun with 1, 2, 3 and 4
// processes
// write the one-process samples byte for byte and print the one-process
// JSON (log Z, its error, the log-likelihoods, the mixing diagnostics);
// too few chains for the processes are refused with exit code 2.
func TestMPISampleEvaluateIdentical(t *testing.T) {
	bin, mpirun := mpiSetup(t)
	tmp := t.TempDir()
	run := filepath.Join(tmp, "run")
	if out, err := exec.Command(bin, "train", "builtin:bars-and-stripes", "--model", "rbm", "--hidden", "10", "--epochs", "3",
		"--seed", "2", "--out", run, "-q").CombinedOutput(); err != nil {
		t.Fatalf("train: %v\n%s", err, out)
	}
	cases := []struct {
		name string
		args []string
		file bool // writes --out
	}{
		{"sample", []string{"sample", run, "-n", "128", "--chains", "64", "--burn-in", "40", "--thin", "2", "--anneal-from", "2", "--json"}, true},
		{"sample-pt", []string{"sample", run, "-n", "128", "--chains", "64", "--burn-in", "40", "--thin", "2", "--sampler", "pt", "--replicas", "4", "--json"}, true},
		{"ais", []string{"evaluate", run, "builtin:bars-and-stripes", "--logz", "ais", "--ais-runs", "64", "--ais-steps", "300", "--json"}, false},
		{"reverse-ais", []string{"evaluate", run, "builtin:bars-and-stripes", "--logz", "reverse-ais", "--ais-runs", "64", "--ais-steps", "300", "--json"}, false},
	}
	for _, c := range cases {
		args := func(tag string) []string {
			if !c.file {
				return c.args
			}
			return append(append([]string(nil), c.args...), "--out", filepath.Join(tmp, c.name+"-"+tag+".npy"))
		}
		cmd := exec.Command(bin, args("one")...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		want, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s in one process: %v\n%s", c.name, err, stderr.String())
		}
		if !strings.HasPrefix(string(want), "{") {
			t.Fatalf("%s printed %q, want JSON", c.name, want)
		}
		for _, n := range []int{1, 2, 3, 4} {
			cmd := mpiCmd(mpirun, n, bin, args(fmt.Sprint(n))...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			got, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s on %d processes: %v\n%s", c.name, n, err, stderr.String())
			}
			if shared := fmt.Sprintf("processes=%d", n); n > 1 && !strings.Contains(stderr.String(), shared) {
				t.Errorf("%s on %d processes did not log %s:\n%s", c.name, n, shared, stderr.String())
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s on %d processes printed\n%s\nwant (one process)\n%s", c.name, n, got, want)
			}
			if c.file {
				a, _ := os.ReadFile(filepath.Join(tmp, c.name+"-one.npy"))
				b, err := os.ReadFile(filepath.Join(tmp, c.name+"-"+fmt.Sprint(n)+".npy"))
				if err != nil || len(a) == 0 || !bytes.Equal(a, b) {
					t.Errorf("%s on %d processes: samples differ from one process's (%v)", c.name, n, err)
				}
			}
		}
	}
	out, err := mpiCmd(mpirun, 4, bin, "sample", run, "-n", "48", "--out", filepath.Join(tmp, "few.npy")).CombinedOutput()
	if code := exitCode(err); code != 2 || !strings.Contains(string(out), "fewer than the 4 processes") {
		t.Errorf("48 chains on 4 processes: exit %d\n%s", code, out)
	}
}

func exitCode(err error) int {
	if e, ok := err.(*exec.ExitError); ok {
		return e.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestMPIBMDCAIdentical: bmDCA of a Potts model started by mpirun with 1,
// 2 and 3 processes (chains shared, integer counts summed exactly) writes
// the model, the history (seconds aside) and correlations.json of the
// one-process run without mpirun, bit for bit; a run stopped after 6
// updates on 2 processes and resumed on 3 ends the same.
func TestMPIBMDCAIdentical(t *testing.T) {
	bin, mpirun := mpiSetup(t)
	tmp := t.TempDir()
	fasta := writeMSA(t, 8, 300)
	args := func(updates int, dir string) []string {
		return []string{"train", fasta, "--model", "potts", "--chains", "150", "--k", "2", "--max-updates", fmt.Sprint(updates),
			"--save-every", "5", "--target-pearson", "0.999", "--seed", "3", "--out", dir, "-q"}
	}
	want := filepath.Join(tmp, "one")
	if out, err := exec.Command(bin, args(12, want)...).CombinedOutput(); err != nil {
		t.Fatalf("bmDCA in one process: %v\n%s", err, out)
	}
	same := func(what, dir string) {
		t.Helper()
		sameModel(t, what, want, dir)
		for _, f := range []string{"history.jsonl", "correlations.json"} {
			a, err := os.ReadFile(filepath.Join(want, f))
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if sa, sb := withoutSeconds(a), withoutSeconds(b); sa != sb {
				t.Errorf("%s: %s differs from one process's:\n%.600s\nwant\n%.600s", what, f, sb, sa)
			}
		}
	}
	for _, n := range []int{1, 2, 3} {
		dir := filepath.Join(tmp, fmt.Sprint(n))
		if out, err := mpiCmd(mpirun, n, bin, args(12, dir)...).CombinedOutput(); err != nil {
			t.Fatalf("bmDCA on %d processes: %v\n%s", n, err, out)
		}
		same(fmt.Sprintf("bmDCA on %d processes", n), dir)
	}
	dir := filepath.Join(tmp, "resumed")
	if out, err := mpiCmd(mpirun, 2, bin, args(6, dir)...).CombinedOutput(); err != nil {
		t.Fatalf("bmDCA on 2 processes: %v\n%s", err, out)
	}
	if out, err := mpiCmd(mpirun, 3, bin, "train", "--resume", dir, "--max-updates", "12", "-q").CombinedOutput(); err != nil {
		t.Fatalf("resume on 3 processes: %v\n%s", err, out)
	}
	same("bmDCA stopped on 2 processes, resumed on 3", dir)
}

var secondsField = regexp.MustCompile(`"seconds":[^,}]*`)

func withoutSeconds(b []byte) string { return secondsField.ReplaceAllString(string(b), "") }
