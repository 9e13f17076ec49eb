package root

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
	"boltzmann/runs"
)

// gbrbmArgs trains a small Gaussian-Bernoulli RBM on the builtin factorial
// Gaussian mixture.
var gbrbmArgs = []string{"builtin:gaussian-mixture", "--model", "gbrbm", "--hidden", "3", "--batch-size", "50", "--n-builtin", "400", "--seed", "2", "-q"}

func trainGBRBM(t *testing.T, epochs string, more ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	if _, stderr, code := runCLI(t, append(append([]string{"train", "--epochs", epochs, "--out", dir}, gbrbmArgs...), more...)...); code != 0 {
		t.Fatalf("train exited %d: %s", code, stderr)
	}
	return dir
}

// TestGBRBMWorkflow: train --model gbrbm records the standardization (the
// default, a whitening) and
// saves the model in the data's units; evaluate gives the exact
// log-likelihood, and AIS and reverse AIS agree with it; sample draws rows
// whose column means are the data's (not the standardized zeros) and a
// PNG; inpaint, denoise (--noise-sigma) and transform write arrays of the
// right shapes and improve on their baselines.
func TestGBRBMWorkflow(t *testing.T) {
	dir := trainGBRBM(t, "10")
	cfg, err := runs.ReadConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st := cfg.Train.Standardize; st == nil || len(st.Mean) != 4 || (len(st.Std) != 4 && len(st.Matrix) != 16) || cfg.Train.Optimizer != "adam" {
		t.Fatalf("config %+v does not record the standardization (or the optimizer is not adam)", cfg.Train)
	}
	tmp := t.TempDir()
	data := filepath.Join(tmp, "x.npy")
	x, _ := dataset.Builtin("gaussian-mixture", 200, 9)
	if err := dataset.WriteNPY(data, x); err != nil {
		t.Fatal(err)
	}
	exact, _ := evaluateJSON(t, dir, data, "--logz", "exact")
	ll := exact["log_likelihood"].(float64)
	for _, method := range []string{"ais", "reverse-ais"} {
		ev, _ := evaluateJSON(t, dir, data, "--logz", method, "--ais-steps", "300", "--ais-runs", "50")
		if d := ev["log_likelihood"].(float64) - ll; math.Abs(d) > 0.05 {
			t.Errorf("%s log-likelihood %v, exact %v", method, ev["log_likelihood"], ll)
		}
	}
	if ll < -7.5 || ll > -6 {
		t.Errorf("held-out log-likelihood %v nats (the true mixture's is about -6.7, a Gaussian fit's -7.0)", ll)
	}

	samples, png := filepath.Join(tmp, "s.npy"), filepath.Join(tmp, "s.png")
	if _, stderr, code := runCLI(t, "sample", dir, "-n", "1000", "--burn-in", "50", "--out", samples, "--png", png, "--shape", "2x2", "-q"); code != 0 {
		t.Fatalf("sample exited %d: %s", code, stderr)
	}
	exists(t, png)
	s, err := dataset.Read(samples, dataset.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, mu := range cfg.Train.Standardize.Mean {
		got := mat.Sum(s.ColView(i)) / 1000
		sd := 0.0
		for r := range 1000 {
			sd += (s.At(r, i) - got) * (s.At(r, i) - got) / 1000
		}
		if math.Abs(got-mu) > 0.3*math.Sqrt(sd) {
			t.Errorf("column %d of the samples has mean %.3f, the data %.3f: the samples are not in the data's units", i, got, mu)
		}
	}

	out := filepath.Join(tmp, "o.npy")
	stdout, stderr, code := runCLI(t, "inpaint", dir, data, "--mask", "random:0.5", "--out", out, "--json", "--sweeps", "50", "-q")
	if code != 0 {
		t.Fatalf("inpaint exited %d: %s", code, stderr)
	}
	rep := decode(t, stdout)
	if !(rep["rmse"].(float64) < rep["train_mean_rmse"].(float64)) {
		t.Errorf("inpainting RMSE is not below the training mean's: %s", stdout)
	}
	stdout, stderr, code = runCLI(t, "denoise", dir, data, "--noise-sigma", "1", "--add-noise", "--out", out, "--json", "--sweeps", "50", "-q")
	if code != 0 {
		t.Fatalf("denoise exited %d: %s", code, stderr)
	}
	rep = decode(t, stdout)
	if !(rep["denoised_rmse"].(float64) < rep["noisy_rmse"].(float64)) {
		t.Errorf("denoising does not reduce the error: %s", stdout)
	}
	if o, err := dataset.Read(out, dataset.ReadOptions{}); err != nil || o.RawMatrix().Rows != 200 || o.RawMatrix().Cols != 4 {
		t.Errorf("denoised output: %v", err)
	}
	if _, stderr, code := runCLI(t, "transform", dir, data, "--out", out, "-q"); code != 0 {
		t.Fatalf("transform exited %d: %s", code, stderr)
	}
	if f, err := dataset.Read(out, dataset.ReadOptions{}); err != nil || f.RawMatrix().Cols != 3 {
		t.Errorf("features: %v", err)
	}
}

// TestGBRBMResumeMatchesUninterrupted: 2 epochs and a resume to 4 end
// with the model.npz of 4 uninterrupted epochs, bit for bit (the
// checkpoint is in standardized units, model.npz in the data's).
func TestGBRBMResumeMatchesUninterrupted(t *testing.T) {
	// A constant rate: the default schedule decays over the run's total.
	full := trainGBRBM(t, "4", "--schedule", "constant")
	part := trainGBRBM(t, "2", "--schedule", "constant")
	if _, stderr, code := runCLI(t, "train", "--resume", part, "--epochs", "4", "-q"); code != 0 {
		t.Fatal(stderr)
	}
	a, _ := dataset.ReadNPZ(filepath.Join(full, "model.npz"))
	b, _ := dataset.ReadNPZ(filepath.Join(part, "model.npz"))
	if len(a) != 6 || len(a) != len(b) { // the model of the whitened data and the whitening
		t.Fatalf("model.npz has %d and %d arrays", len(a), len(b))
	}
	for i := range a {
		if !mat.Equal(mat.NewVecDense(len(a[i].Data), a[i].Data), mat.NewVecDense(len(b[i].Data), b[i].Data)) {
			t.Fatalf("array %s differs after resume", a[i].Name)
		}
	}
}

// TestGBRBMBadInput: NaN, infinite and constant columns, and flags that do
// not fit the model, exit 2 with one line before anything is written.
func TestGBRBMBadInput(t *testing.T) {
	tmp := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	nan := write("nan.csv", "0.5,1.5\n1.2,nan\n0.3,0.1\n")
	inf := write("inf.csv", "0.5,1.5\n1.2,inf\n0.3,0.1\n")
	constant := write("const.csv", "0.5,2\n1.2,2\n0.3,2\n")
	nan4 := write("nan4.csv", "0.5,1.5,0,1\n1.2,nan,0,1\n")
	good := trainGBRBM(t, "1")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"nan", []string{"train", nan, "--model", "gbrbm", "--hidden", "2"}, "is nan"},
		{"inf", []string{"train", inf, "--model", "gbrbm", "--hidden", "2"}, "is inf"},
		{"constant column", []string{"train", constant, "--model", "gbrbm", "--hidden", "2"}, "column 2 is constant"},
		{"standardize for rbm", []string{"train", "builtin:bars-and-stripes:3", "--model", "rbm", "--standardize=false"}, "gbrbm only"},
		{"no hidden", []string{"train", "builtin:gaussian-mixture", "--model", "gbrbm", "--hidden", "0"}, "--hidden"},
		{"flip rate for gbrbm", []string{"denoise", good, "builtin:gaussian-mixture", "--flip-rate", "0.1", "--out", filepath.Join(tmp, "d.npy")}, "--noise-sigma"},
		{"negative sigma", []string{"denoise", good, "builtin:gaussian-mixture", "--noise-sigma", "-1", "--out", filepath.Join(tmp, "d.npy")}, "--noise-sigma"},
		{"nan denoise", []string{"denoise", good, nan4, "--noise-sigma", "1", "--out", filepath.Join(tmp, "d.npy")}, "NaN entries"},
		{"wrong width", []string{"evaluate", good, constant}, "columns"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(tmp, "out-"+strings.ReplaceAll(tc.name, " ", "-"))
			args := tc.args
			if args[0] == "train" {
				args = append(args, "--out", out)
			}
			_, stderr, code := runCLI(t, append(args, "-q")...)
			if code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, message %q; want 2 and one line mentioning %q", code, stderr, tc.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("bad input left %s behind", out)
			}
			if _, err := os.Stat(filepath.Join(tmp, "d.npy")); err == nil {
				t.Errorf("bad input wrote d.npy")
			}
		})
	}
}
