package root

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
)

// runCLI runs the command line in-process and returns its outputs and exit
// code.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(args, &out, &errb)
	return out.String(), errb.String(), code
}

// TestTrainSampleEvaluate runs the whole workflow on the built-in data.
func TestTrainSampleEvaluate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	_, stderr, code := runCLI(t, "train", "builtin:bars-and-stripes:3", "--model", "rbm", "--hidden", "8",
		"--epochs", "3", "--batch-size", "20", "--out", dir, "-q")
	if code != 0 {
		t.Fatalf("train exited %d: %s", code, stderr)
	}
	for _, f := range []string{"config.json", "model.npz", "history.jsonl", "curves.png", "checkpoint.bin"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("run directory lacks %s", f)
		}
	}
	out := filepath.Join(t.TempDir(), "s.npy")
	if _, stderr, code := runCLI(t, "sample", dir, "-n", "7", "--steps", "10", "--out", out, "-q"); code != 0 {
		t.Fatalf("sample exited %d: %s", code, stderr)
	}
	x, err := dataset.Read(out, dataset.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r, c := x.Dims(); r != 7 || c != 9 {
		t.Fatalf("samples have shape %d×%d, want 7×9", r, c)
	}
	if enc, err := dataset.DetectBinary(x); err != nil || enc != dataset.ZeroOne {
		t.Fatalf("samples are not binary {0,1}: %v %v", enc, err)
	}
	stdout, stderr, code := runCLI(t, "evaluate", dir, "builtin:bars-and-stripes:3", "--json")
	if code != 0 {
		t.Fatalf("evaluate exited %d: %s", code, stderr)
	}
	var ev map[string]any
	if err := json.Unmarshal([]byte(stdout), &ev); err != nil {
		t.Fatalf("evaluate --json printed %q: %v", stdout, err)
	}
	for _, k := range []string{"log_likelihood", "log_z", "log_z_method", "n_samples"} {
		if _, ok := ev[k]; !ok {
			t.Errorf("evaluate JSON lacks %q: %s", k, stdout)
		}
	}
	if ev["log_z_method"] != "exact" || ev["log_likelihood"].(float64) >= 0 {
		t.Errorf("unexpected evaluation %s", stdout)
	}
}

// TestIsingKeepsPlusMinusEncoding: ±1 data give ±1 samples.
func TestIsingKeepsPlusMinusEncoding(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if _, stderr, code := runCLI(t, "train", "builtin:ising2d:3", "--model", "ising", "--epochs", "2", "--out", dir, "-q"); code != 0 {
		t.Fatalf("train exited %d: %s", code, stderr)
	}
	out := filepath.Join(t.TempDir(), "s.csv")
	if _, stderr, code := runCLI(t, "sample", dir, "-n", "20", "--steps", "5", "--out", out, "-q"); code != 0 {
		t.Fatalf("sample exited %d: %s", code, stderr)
	}
	x, err := dataset.Read(out, dataset.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if enc, err := dataset.DetectBinary(x); err != nil || enc != dataset.PlusMinus {
		t.Fatalf("samples of a ±1 model are %v (%v)", enc, err)
	}
}

// TestResumeMatchesUninterrupted: 2 epochs then --resume to 4 gives the
// same parameters as 4 epochs at once (with a schedule that does not
// depend on the total number of epochs).
func TestResumeMatchesUninterrupted(t *testing.T) {
	tmp := t.TempDir()
	full, part := filepath.Join(tmp, "full"), filepath.Join(tmp, "part")
	args := []string{"builtin:bars-and-stripes:3", "--model", "rbm", "--hidden", "6", "--batch-size", "25", "-q", "--seed", "3", "--schedule", "constant"}
	if _, stderr, code := runCLI(t, append([]string{"train", "--epochs", "4", "--out", full}, args...)...); code != 0 {
		t.Fatal(stderr)
	}
	if _, stderr, code := runCLI(t, append([]string{"train", "--epochs", "2", "--out", part}, args...)...); code != 0 {
		t.Fatal(stderr)
	}
	if _, stderr, code := runCLI(t, "train", "--resume", part, "--epochs", "4", "-q"); code != 0 {
		t.Fatal(stderr)
	}
	a, _ := dataset.ReadNPZ(filepath.Join(full, "model.npz"))
	b, _ := dataset.ReadNPZ(filepath.Join(part, "model.npz"))
	for i := range a {
		if !mat.Equal(mat.NewVecDense(len(a[i].Data), a[i].Data), mat.NewVecDense(len(b[i].Data), b[i].Data)) {
			t.Fatalf("array %s differs after resume", a[i].Name)
		}
	}
	hist, _ := os.ReadFile(filepath.Join(part, "history.jsonl"))
	if n := strings.Count(string(hist), "\n"); n != 4 {
		t.Fatalf("resumed history has %d lines, want 4", n)
	}
}

// TestBadInput: each bad input gets a one-line message naming the problem,
// exit code 2, and leaves no run directory behind.
func TestBadInput(t *testing.T) {
	tmp := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	nanCSV := write("nan.csv", "0,1,0\n1,nan,0\n")
	ragged := write("ragged.csv", "0,1,0\n1,0\n")
	grey := write("grey.csv", "0,0.5,1\n1,0,0\n")
	empty := write("empty.csv", "")
	trunc := write("trunc.npy", "\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (10, 3), }")
	notRun := t.TempDir()
	good := filepath.Join(tmp, "good")
	if _, stderr, code := runCLI(t, "train", "builtin:bars-and-stripes:3", "--model", "rbm", "--hidden", "4", "--epochs", "1", "--out", good, "-q"); code != 0 {
		t.Fatal(stderr)
	}
	wide := write("wide.csv", "0,1,0,1\n")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"nan", []string{"train", nanCSV, "--model", "ising"}, "NaN"},
		{"ragged", []string{"train", ragged, "--model", "ising"}, "line 2"},
		{"non-binary", []string{"train", grey, "--model", "rbm"}, "binarize"},
		{"empty", []string{"train", empty, "--model", "ising"}, "empty"},
		{"truncated", []string{"train", trunc, "--model", "ising"}, "trunc"},
		{"unknown model", []string{"train", "builtin:bars-and-stripes", "--model", "hopfield"}, "unknown --model"},
		{"unknown flag", []string{"train", "builtin:bars-and-stripes", "--model", "rbm", "--frobnicate"}, "unknown flag"},
		{"bad method", []string{"train", "builtin:bars-and-stripes", "--model", "rbm", "--method", "mcmc"}, "--method"},
		{"missing file", []string{"train", filepath.Join(tmp, "nope.npy"), "--model", "rbm"}, "no such file"},
		{"not a run dir", []string{"sample", notRun, "--out", filepath.Join(tmp, "s.npy")}, "not a run directory"},
		{"wrong shape", []string{"evaluate", good, wide}, "columns"},
		{"existing out", []string{"train", "builtin:bars-and-stripes:3", "--model", "rbm", "--out", good}, "already exists"},
		{"bad output ext", []string{"sample", good, "--out", filepath.Join(tmp, "s.xyz")}, ".npy"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(tmp, "out-"+strings.ReplaceAll(tc.name, " ", "-"))
			args := tc.args
			if args[0] == "train" && !contains2(args, "--out") {
				args = append(args, "--out", out)
			}
			_, stderr, code := runCLI(t, append(args, "-q")...)
			if code != 2 {
				t.Errorf("exit code %d, want 2 (stderr %q)", code, stderr)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("message is not one line: %q", stderr)
			}
			if !strings.Contains(strings.ToLower(stderr), strings.ToLower(tc.want)) {
				t.Errorf("message %q does not mention %q", stderr, tc.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("bad input left %s behind", out)
			}
		})
	}
}

func contains2(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestKilledRunResumesIdentically kills a training process with SIGKILL
// after its second checkpoint and resumes it: the final parameters equal
// those of an uninterrupted run bit for bit.
func TestKilledRunResumesIdentically(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command; skipped in -short mode")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "boltzmann")
	if out, err := exec.Command("go", "build", "-o", bin, "boltzmann/cmd/boltzmann").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	args := []string{"train", "builtin:bars-and-stripes:4", "--n-builtin", "20000", "--model", "rbm", "--hidden", "32",
		"--batch-size", "10", "--k", "3", "--epochs", "6", "--seed", "5", "-q"}
	full, killed := filepath.Join(tmp, "full"), filepath.Join(tmp, "killed")
	if out, err := exec.Command(bin, append(args, "--out", full)...).CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, append(args, "--out", killed)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		h, _ := os.ReadFile(filepath.Join(killed, "history.jsonl"))
		if strings.Count(string(h), "\n") >= 2 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	h, _ := os.ReadFile(filepath.Join(killed, "history.jsonl"))
	done := strings.Count(string(h), "\n")
	t.Logf("killed after %d completed epochs", done)
	if done < 6 {
		if out, err := exec.Command(bin, "train", "--resume", killed, "-q").CombinedOutput(); err != nil {
			t.Fatalf("resume: %v\n%s", err, out)
		}
	}
	a, err := dataset.ReadNPZ(filepath.Join(full, "model.npz"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := dataset.ReadNPZ(filepath.Join(killed, "model.npz"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		for j := range a[i].Data {
			if a[i].Data[j] != b[i].Data[j] {
				t.Fatalf("array %s element %d differs after kill and resume: %v vs %v", a[i].Name, j, b[i].Data[j], a[i].Data[j])
			}
		}
	}
}
