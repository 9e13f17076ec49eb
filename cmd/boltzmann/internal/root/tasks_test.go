package root

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
)

// trainBAS trains a small rbm on 3×3 bars and stripes.
func trainBAS(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	if _, stderr, code := runCLI(t, "train", "builtin:bars-and-stripes:3", "--model", "rbm", "--hidden", "8",
		"--epochs", "5", "--batch-size", "20", "--lr", "0.02", "--out", dir, "-q"); code != 0 {
		t.Fatalf("train exited %d: %s", code, stderr)
	}
	return dir
}

func decode(t *testing.T, stdout string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatalf("output %q is not JSON: %v", stdout, err)
	}
	return v
}

func exists(t *testing.T, path string) {
	t.Helper()
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		t.Errorf("%s was not written", path)
	}
}

func TestSampleThinAnnealDiagnostics(t *testing.T) {
	dir := trainBAS(t)
	tmp := t.TempDir()
	out, png := filepath.Join(tmp, "s.npy"), filepath.Join(tmp, "s.png")
	stdout, stderr, code := runCLI(t, "sample", dir, "-n", "30", "--chains", "4", "--burn-in", "20", "--thin", "3",
		"--anneal-from", "5", "--out", out, "--png", png, "--json")
	if code != 0 {
		t.Fatalf("sample exited %d: %s", code, stderr)
	}
	rep := decode(t, stdout)
	if rep["per_chain"].(float64) != 8 || rep["chains"].(float64) != 4 {
		t.Errorf("report %s", stdout)
	}
	if _, ok := rep["tau_free_energy"]; !ok {
		t.Errorf("report lacks tau: %s", stdout)
	}
	x, err := dataset.Read(out, dataset.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r, c := x.Dims(); r != 30 || c != 9 {
		t.Errorf("samples have shape %d×%d, want 30×9", r, c)
	}
	exists(t, png)
}

func TestInpaintDenoiseTransform(t *testing.T) {
	dir := trainBAS(t)
	tmp := t.TempDir()
	data := filepath.Join(tmp, "d.npy")
	x, _ := dataset.Builtin("bars-and-stripes:3", 40, 7)
	if err := dataset.WriteNPY(data, x); err != nil {
		t.Fatal(err)
	}
	out, png := filepath.Join(tmp, "f.npy"), filepath.Join(tmp, "f.png")
	stdout, stderr, code := runCLI(t, "inpaint", dir, data, "--mask", "bottom-half", "--shape", "3x3",
		"--out", out, "--png", png, "--json", "--sweeps", "20", "--burn-in", "5")
	if code != 0 {
		t.Fatalf("inpaint exited %d: %s", code, stderr)
	}
	rep := decode(t, stdout)
	if rep["missing"].(float64) != 40*6 || rep["accuracy"] == nil || rep["train_mean_accuracy"] == nil {
		t.Errorf("inpaint report %s", stdout)
	}
	y, err := dataset.Read(out, dataset.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for r := range 40 {
		for i := range 3 { // observed top row copied
			if y.At(r, i) != x.At(r, i) {
				t.Fatalf("row %d: observed entry %d changed", r, i)
			}
		}
		for i := 3; i < 9; i++ {
			if v := y.At(r, i); v < 0 || v > 1 {
				t.Fatalf("row %d: posterior mean %v outside [0, 1]", r, v)
			}
		}
	}
	exists(t, png)

	// NaN entries are missing; --output samples gives {0,1} draws.
	withNaN := mat.DenseCopyOf(x)
	withNaN.Set(0, 4, math.NaN())
	withNaN.Set(3, 0, math.NaN())
	nanPath := filepath.Join(tmp, "nan.npy")
	writeRawNPY(t, nanPath, withNaN)
	if _, stderr, code := runCLI(t, "inpaint", dir, nanPath, "--output", "samples", "--out", out, "-q"); code != 0 {
		t.Fatalf("inpaint of NaN data exited %d: %s", code, stderr)
	}
	y, _ = dataset.Read(out, dataset.ReadOptions{})
	if v := y.At(0, 4); v != 0 && v != 1 {
		t.Errorf("inpainted NaN entry is %v", v)
	}

	stdout, stderr, code = runCLI(t, "denoise", dir, data, "--flip-rate", "0.1", "--add-noise", "--out", out,
		"--png", png, "--json", "--sweeps", "20")
	if code != 0 {
		t.Fatalf("denoise exited %d: %s", code, stderr)
	}
	rep = decode(t, stdout)
	for _, k := range []string{"noisy_error_rate", "denoised_error_rate", "median3x3_error_rate"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("denoise report lacks %s: %s", k, stdout)
		}
	}

	if _, stderr, code := runCLI(t, "transform", dir, data, "--out", out, "-q"); code != 0 {
		t.Fatalf("transform exited %d: %s", code, stderr)
	}
	f, _ := dataset.Read(out, dataset.ReadOptions{})
	if r, c := f.Dims(); r != 40 || c != 8 {
		t.Errorf("features have shape %d×%d, want 40×8", r, c)
	}
}

func writeRawNPY(t *testing.T, path string, x *mat.Dense) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := npyio.Write(f, x); err != nil {
		t.Fatal(err)
	}
}

// TestTrainLabelsClassify: a labeled rbm learns two well separated classes.
func TestTrainLabelsClassify(t *testing.T) {
	tmp := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 1))
	n, d := 400, 8
	x := mat.NewDense(n, d, nil)
	y := make([]int64, n)
	for r := range n {
		y[r] = int64(rng.IntN(2))
		for i := range d {
			p := 0.15
			if (i < d/2) == (y[r] == 1) {
				p = 0.85
			}
			if rng.Float64() < p {
				x.Set(r, i, 1)
			}
		}
	}
	data, labels := filepath.Join(tmp, "x.npy"), filepath.Join(tmp, "y.npy")
	if err := dataset.WriteNPY(data, x); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Create(labels)
	if err := npyio.Write(f, y); err != nil {
		t.Fatal(err)
	}
	f.Close()
	dir := filepath.Join(tmp, "run")
	if _, stderr, code := runCLI(t, "train", data, "--labels", labels, "--model", "rbm", "--hidden", "4",
		"--epochs", "30", "--batch-size", "20", "--out", dir, "-q"); code != 0 {
		t.Fatalf("train --labels exited %d: %s", code, stderr)
	}
	pred := filepath.Join(tmp, "pred.npy")
	stdout, stderr, code := runCLI(t, "classify", dir, data, "--labels", labels, "--out", pred, "--json",
		"--proba", filepath.Join(tmp, "p.npy"))
	if code != 0 {
		t.Fatalf("classify exited %d: %s", code, stderr)
	}
	rep := decode(t, stdout)
	// The Bayes error of this problem is about 0.01.
	if e := rep["error_rate"].(float64); e > 0.06 {
		t.Errorf("error rate %v on a well separated problem", e)
	}
	got, err := dataset.ReadLabels(pred)
	if err != nil || len(got) != n {
		t.Fatalf("predictions: %v (%d)", err, len(got))
	}
	// Resuming a labeled run works.
	if _, stderr, code := runCLI(t, "train", "--resume", dir, "--epochs", "31", "-q"); code != 0 {
		t.Fatalf("resume of a labeled run exited %d: %s", code, stderr)
	}
}

// TestLabeledRunWorkflow: a labeled rbm trained on 3×3 images of two
// classes inpaints and denoises rows of data units only (the label summed
// over), writes features of them, and draws samples of one class.
func TestLabeledRunWorkflow(t *testing.T) {
	tmp := t.TempDir()
	rng := rand.New(rand.NewPCG(2, 2))
	n, d := 300, 9
	x := mat.NewDense(n, d, nil)
	y := make([]int64, n)
	for r := range n {
		y[r] = int64(rng.IntN(2))
		for i := range d {
			p := 0.1
			if (i%3 == 1) == (y[r] == 1) { // class 1: the middle column
				p = 0.9
			}
			if rng.Float64() < p {
				x.Set(r, i, 1)
			}
		}
	}
	data, labels := filepath.Join(tmp, "x.npy"), filepath.Join(tmp, "y.npy")
	if err := dataset.WriteNPY(data, x); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Create(labels)
	if err := npyio.Write(f, y); err != nil {
		t.Fatal(err)
	}
	f.Close()
	dir := filepath.Join(tmp, "run")
	if _, stderr, code := runCLI(t, "train", data, "--labels", labels, "--model", "rbm", "--hidden", "6",
		"--epochs", "20", "--batch-size", "20", "--out", dir, "-q"); code != 0 {
		t.Fatalf("train --labels exited %d: %s", code, stderr)
	}
	out, png := filepath.Join(tmp, "o.npy"), filepath.Join(tmp, "o.png")
	shape := func(what string, rows, cols int) {
		t.Helper()
		z, err := dataset.Read(out, dataset.ReadOptions{})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if r, c := z.Dims(); r != rows || c != cols {
			t.Errorf("%s wrote %d×%d, want %d×%d", what, r, c, rows, cols)
		}
	}
	stdout, stderr, code := runCLI(t, "inpaint", dir, data, "--mask", "bottom-half", "--shape", "3x3",
		"--out", out, "--json", "--sweeps", "20", "--burn-in", "5")
	if code != 0 {
		t.Fatalf("inpaint of data without labels exited %d: %s", code, stderr)
	}
	if rep := decode(t, stdout); rep["accuracy"] == nil {
		t.Errorf("inpaint report %s", stdout)
	}
	shape("inpaint", n, d)
	stdout, stderr, code = runCLI(t, "denoise", dir, data, "--flip-rate", "0.1", "--add-noise", "--out", out,
		"--json", "--sweeps", "20")
	if code != 0 {
		t.Fatalf("denoise of data without labels exited %d: %s", code, stderr)
	}
	if rep := decode(t, stdout); rep["denoised_error_rate"] == nil {
		t.Errorf("denoise report %s", stdout)
	}
	shape("denoise", n, d)
	if _, stderr, code := runCLI(t, "transform", dir, data, "--out", out, "-q"); code != 0 {
		t.Fatalf("transform of data without labels exited %d: %s", code, stderr)
	}
	shape("transform", n, 6)
	if _, stderr, code := runCLI(t, "sample", dir, "--label", "1", "-n", "40", "--burn-in", "50",
		"--out", out, "--png", png, "-q"); code != 0 {
		t.Fatalf("sample --label 1 exited %d: %s", code, stderr)
	}
	shape("sample --label 1", 40, d)
	exists(t, png)
	// Samples of class 1 have the middle column on more often than not.
	z, _ := dataset.Read(out, dataset.ReadOptions{})
	mid, side := 0.0, 0.0
	for r := range 40 {
		for i := range d {
			if i%3 == 1 {
				mid += z.At(r, i)
			} else {
				side += z.At(r, i)
			}
		}
	}
	if mid/3 <= side/6 {
		t.Errorf("samples of class 1: middle column mean %.2f, sides %.2f", mid/120, side/240)
	}
	if _, stderr, code := runCLI(t, "sample", dir, "--label", "2", "--out", out, "-q"); code != 2 {
		t.Errorf("sample --label 2 of a two-class run: exit %d, want 2 (%s)", code, stderr)
	}
}

func TestTaskBadInput(t *testing.T) {
	dir := trainBAS(t)
	tmp := t.TempDir()
	out := filepath.Join(tmp, "o.npy")
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"classify unlabeled", []string{"classify", dir, "builtin:bars-and-stripes:3", "--out", out}},
		{"nothing missing", []string{"inpaint", dir, "builtin:bars-and-stripes:3", "--out", out}},
		{"bad mask", []string{"inpaint", dir, "builtin:bars-and-stripes:3", "--mask", "random:2", "--out", out}},
		{"bad flip rate", []string{"denoise", dir, "builtin:bars-and-stripes:3", "--flip-rate", "0.6", "--out", out}},
		{"bad shape", []string{"sample", dir, "--png", filepath.Join(tmp, "x.png"), "--shape", "2x2", "--out", out}},
		{"label without labels", []string{"sample", dir, "--label", "1", "--out", out}},
		{"labels with ising", []string{"train", "builtin:bars-and-stripes:3", "--model", "ising", "--labels", out, "--out", filepath.Join(tmp, "r")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, stderr, code := runCLI(t, append(tc.args, "-q")...); code != 2 {
				t.Errorf("exit code %d, want 2 (%s)", code, stderr)
			}
		})
	}
}
