package root

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
	"boltzmann/runs"
)

// threeClasses writes n rows of 9 bits whose class (0, 1, 2) turns on one
// third of the units (each unit on with probability 0.85 in its class's
// third, 0.1 elsewhere) to DIR/x.npy, and their labels to DIR/y.npy as
// floats, every fifth one NaN (unknown) when semi is set.
func threeClasses(t *testing.T, dir string, n int, semi bool, seed uint64) (string, string, []int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 18))
	x := mat.NewDense(n, 9, nil)
	yf := mat.NewDense(n, 1, nil)
	y := make([]int, n)
	for r := range n {
		y[r] = rng.IntN(3)
		for i := range 9 {
			p := 0.1
			if i/3 == y[r] {
				p = 0.85
			}
			if rng.Float64() < p {
				x.Set(r, i, 1)
			}
		}
		yf.Set(r, 0, float64(y[r]))
		if semi && r%5 == 4 {
			yf.Set(r, 0, math.NaN())
		}
	}
	xp, yp := filepath.Join(dir, "x.npy"), filepath.Join(dir, "y.npy")
	if err := dataset.WriteNPY(xp, x); err != nil {
		t.Fatal(err)
	}
	if err := dataset.WriteNPY(yp, yf); err != nil {
		t.Fatal(err)
	}
	return xp, yp, y
}

// TestDiscriminativeWorkflow: a labeled rbm trained discriminatively on
// partly unlabeled data with a held-out validation fraction and early
// stopping records its validation error and curves, classifies held-out
// data with a confusion matrix, mean log p(y|x) and class probabilities,
// and draws samples of every class; a hybrid run with a validation file
// resumes.
func TestDiscriminativeWorkflow(t *testing.T) {
	tmp := t.TempDir()
	data, labels, _ := threeClasses(t, tmp, 600, true, 1)
	dir := filepath.Join(tmp, "disc")
	if _, stderr, code := runCLI(t, "train", data, "--labels", labels, "--model", "rbm", "--hidden", "6",
		"--objective", "discriminative", "--val-fraction", "0.25", "--patience", "4", "--epochs", "15",
		"--batch-size", "10", "--lr", "0.2", "--out", dir, "-q"); code != 0 {
		t.Fatalf("train --objective discriminative exited %d: %s", code, stderr)
	}
	cfg, err := runs.ReadConfig(dir)
	if err != nil || cfg.Train.Objective != "discriminative" || cfg.Train.ValFraction != 0.25 || cfg.Train.Patience != 4 {
		t.Fatalf("config %+v, %v", cfg.Train, err)
	}
	hist, err := runs.ReadHistory(dir)
	if err != nil || len(hist) == 0 {
		t.Fatalf("history: %d records, %v", len(hist), err)
	}
	last := hist[len(hist)-1]
	t.Logf("stopped at epoch %d, validation error %v", last.Epoch, last.ValErr)
	if math.IsNaN(last.ValErr) || math.IsNaN(last.TrainErr) || math.IsNaN(last.ValCLL) || last.ValErr > 0.15 {
		t.Errorf("last epoch %d: train error %v, validation error %v, log p(y|x) %v", last.Epoch, last.TrainErr, last.ValErr, last.ValCLL)
	}
	exists(t, filepath.Join(dir, runs.CurvesFile))

	test, testLabels, _ := threeClasses(t, t.TempDir(), 300, false, 2)
	proba := filepath.Join(tmp, "p.npy")
	stdout, stderr, code := runCLI(t, "classify", dir, test, "--labels", testLabels, "--out", filepath.Join(tmp, "pred.npy"),
		"--proba", proba, "--json")
	if code != 0 {
		t.Fatalf("classify exited %d: %s", code, stderr)
	}
	rep := decode(t, stdout)
	if e := rep["error_rate"].(float64); e > 0.1 {
		t.Errorf("test error %v (the Bayes error is about 0.03)", e)
	}
	if lp := rep["mean_log_prob"].(float64); !(lp < 0 && lp > -0.5) {
		t.Errorf("mean log p(y|x) %v", lp)
	}
	conf := rep["confusion"].([]any)
	total, diag := 0.0, 0.0
	for y, row := range conf {
		for p, v := range row.([]any) {
			total += v.(float64)
			if y == p {
				diag += v.(float64)
			}
		}
	}
	if len(conf) != 3 || total != 300 || math.Abs(1-diag/total-rep["error_rate"].(float64)) > 1e-12 {
		t.Errorf("confusion matrix %v", conf)
	}
	p, err := dataset.Read(proba, dataset.ReadOptions{})
	if r, c := p.Dims(); err != nil || r != 300 || c != 3 {
		t.Fatalf("probabilities: %v, %d×%d", err, r, c)
	}
	for r := range 300 {
		if s := mat.Sum(p.RowView(r)); math.Abs(s-1) > 1e-12 {
			t.Fatalf("row %d of the probabilities sums to %v", r, s)
		}
	}
	// Text output: the error rate and the confusion matrix.
	stdout, _, _ = runCLI(t, "classify", dir, test, "--labels", testLabels, "--out", filepath.Join(tmp, "pred.npy"), "-q")
	if !strings.Contains(stdout, "error rate") || !strings.Contains(stdout, "confusion matrix") {
		t.Errorf("classify printed %q", stdout)
	}

	// Samples of every class, class by class, with a grid of one row per class.
	out, png := filepath.Join(tmp, "s.npy"), filepath.Join(tmp, "s.png")
	stdout, stderr, code = runCLI(t, "sample", dir, "--label", "all", "-n", "5", "--burn-in", "20",
		"--out", out, "--png", png, "--shape", "3x3", "--json")
	if code != 0 {
		t.Fatalf("sample --label all exited %d: %s", code, stderr)
	}
	if rep := decode(t, stdout); rep["n_samples"] != 15.0 || rep["per_class"] != 5.0 {
		t.Errorf("sample --label all report %s", stdout)
	}
	s, err := dataset.Read(out, dataset.ReadOptions{})
	if r, c := s.Dims(); err != nil || r != 15 || c != 9 {
		t.Fatalf("sample --label all wrote %v %d×%d, want 15×9", err, r, c)
	}
	exists(t, png)

	// A hybrid run with a validation file, resumed.
	val, valLabels, _ := threeClasses(t, t.TempDir(), 100, false, 3)
	hyb := filepath.Join(tmp, "hybrid")
	if _, stderr, code := runCLI(t, "train", data, "--labels", labels, "--model", "rbm", "--hidden", "6",
		"--objective", "hybrid", "--alpha", "0.1", "--sparsity", "0.2", "--val", val, "--val-labels", valLabels,
		"--epochs", "3", "--batch-size", "10", "--lr", "0.2", "--out", hyb, "-q"); code != 0 {
		t.Fatalf("train --objective hybrid exited %d: %s", code, stderr)
	}
	if _, stderr, code := runCLI(t, "train", "--resume", hyb, "--epochs", "4", "-q"); code != 0 {
		t.Fatalf("resume of a hybrid run exited %d: %s", code, stderr)
	}
	if hist, _ := runs.ReadHistory(hyb); len(hist) != 4 || math.IsNaN(hist[3].ValErr) {
		t.Errorf("hybrid history: %d records", len(hist))
	}

	// Labels that are all unknown are refused before anything is written.
	none := filepath.Join(tmp, "none.npy")
	nan := mat.NewDense(600, 1, nil)
	for r := range 600 {
		nan.Set(r, 0, math.NaN())
	}
	if err := dataset.WriteNPY(none, nan); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(tmp, "bad")
	if _, stderr, code := runCLI(t, "train", data, "--labels", none, "--model", "rbm", "--objective", "discriminative",
		"--out", bad, "-q"); code != 2 || !strings.Contains(stderr, "no label") {
		t.Errorf("all labels unknown: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(bad); err == nil {
		t.Errorf("%s was created for bad input", bad)
	}
}

// greyLevels rewrites the bits of the data file at path as grey levels in
// [0, 1]: 0.7 + 0.3u for a 1, 0.3u for a 0 (u uniform), so that a
// threshold at 0.5 gives back the bits.
func greyLevels(t *testing.T, path string, seed uint64) {
	t.Helper()
	x, err := dataset.Read(path, dataset.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 3))
	for i, v := range x.RawMatrix().Data {
		x.RawMatrix().Data[i] = 0.7*v + 0.3*rng.Float64()
	}
	if err := dataset.WriteNPY(path, x); err != nil {
		t.Fatal(err)
	}
}

// TestLabeledGreyLevels: a labeled rbm trains on grey levels in [0, 1]
// (the literature's MNIST protocol: intensities as the probabilities of
// the binary data units) with the hybrid objective, records no
// pseudo-likelihood for such rows (it is defined for states only) but its
// classification error, and classifies grey test data as well as the Bayes
// rule nearly does; a value outside [0, 1] is refused with exit 2.
func TestLabeledGreyLevels(t *testing.T) {
	tmp := t.TempDir()
	data, labels, _ := threeClasses(t, tmp, 600, false, 3)
	greyLevels(t, data, 1)
	dir := filepath.Join(tmp, "grey")
	if _, stderr, code := runCLI(t, "train", data, "--labels", labels, "--model", "rbm", "--hidden", "6",
		"--objective", "hybrid", "--alpha", "0.1", "--val-fraction", "0.25", "--epochs", "15",
		"--batch-size", "10", "--lr", "0.2", "--out", dir, "-q"); code != 0 {
		t.Fatalf("train on grey levels exited %d: %s", code, stderr)
	}
	hist, err := runs.ReadHistory(dir)
	if err != nil || len(hist) == 0 {
		t.Fatalf("history: %d records, %v", len(hist), err)
	}
	last := hist[len(hist)-1]
	if !math.IsNaN(last.TrainPL) || !math.IsNaN(last.TrainLL) {
		t.Errorf("pseudo-likelihood %v and log-likelihood %v recorded for grey rows", last.TrainPL, last.TrainLL)
	}
	if math.IsNaN(last.ValErr) || last.ValErr > 0.15 || math.IsNaN(last.Recon) {
		t.Errorf("last epoch: validation error %v, reconstruction error %v", last.ValErr, last.Recon)
	}
	test, testLabels, _ := threeClasses(t, t.TempDir(), 300, false, 4)
	greyLevels(t, test, 2)
	stdout, stderr, code := runCLI(t, "classify", dir, test, "--labels", testLabels, "--out", filepath.Join(tmp, "pred.npy"), "--json")
	if code != 0 {
		t.Fatalf("classify of grey levels exited %d: %s", code, stderr)
	}
	if e := decode(t, stdout)["error_rate"].(float64); e > 0.1 {
		t.Errorf("test error %v on grey levels (the Bayes error of the bits is about 0.03)", e)
	}

	bad, err := dataset.Read(data, dataset.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bad.Set(5, 2, 1.5)
	badPath := filepath.Join(tmp, "bad.npy")
	if err := dataset.WriteNPY(badPath, bad); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = runCLI(t, "train", badPath, "--labels", labels, "--model", "rbm", "--hidden", "6",
		"--epochs", "1", "--out", filepath.Join(tmp, "bad"), "-q")
	if code != 2 || !strings.Contains(stderr, "outside [0, 1]") || !strings.Contains(stderr, "row 6 column 3") {
		t.Errorf("train with 1.5 in the data: exit %d, %q", code, stderr)
	}
}
