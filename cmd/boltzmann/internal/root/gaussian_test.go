package root

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
	"boltzmann/model/gaussian"
	"boltzmann/runs"
)

// TestGaussianWorkflow trains the Gaussian model on real-valued data from
// the command line, samples it and evaluates it exactly (analytic log Z):
// the log-likelihood evaluate reports is the model's own, computed here
// from model.npz; it lies below the maximum-likelihood optimum of the
// training data (FitMaxLikelihood) and within 0.15 nats of it, having
// learned most of the 0.51 nats that the correlation of the first two
// columns (0.8) adds to the independent Gaussian it starts from; the
// samples' mean is the model's.
func TestGaussianWorkflow(t *testing.T) {
	tmp := t.TempDir()
	rng := rand.New(rand.NewPCG(4, 4))
	n, d := 600, 3
	x := mat.NewDense(n, d, nil)
	for r := range n {
		z0, z1, z2 := rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		x.SetRow(r, []float64{2 + z0, -1 + 0.8*z0 + 0.6*z1, 0.5 * z2})
	}
	data := filepath.Join(tmp, "x.npy")
	if err := dataset.WriteNPY(data, x); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(tmp, "run")
	mustRun(t, "train", data, "--model", "gaussian", "--epochs", "10", "--batch-size", "10", "--lr", "0.1", "--out", dir, "-q")

	stdout := mustRun(t, "evaluate", dir, data, "--json")
	var ev struct {
		LL     float64 `json:"log_likelihood"`
		Method string  `json:"log_z_method"`
	}
	if err := json.Unmarshal([]byte(stdout), &ev); err != nil {
		t.Fatal(err)
	}
	mm, _, err := runs.LoadModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := mm.(*gaussian.Model)
	meanLL := func(g *gaussian.Model) float64 {
		f := make([]float64, n)
		g.FreeEnergy(x, f)
		s := 0.0
		for _, v := range f {
			s -= v
		}
		return s/float64(n) - g.LogPartition()
	}
	best, err := gaussian.FitMaxLikelihood(x)
	if err != nil {
		t.Fatal(err)
	}
	opt := meanLL(best)
	if ev.Method != "analytic" || math.Abs(ev.LL-meanLL(m)) > 1e-9 {
		t.Errorf("evaluate: log-likelihood %v by %q, the model's is %v", ev.LL, ev.Method, meanLL(m))
	}
	init := gaussian.New(d)
	init.InitFromData(x, nil)
	if ev.LL > opt+1e-9 || ev.LL < opt-0.15 || ev.LL < meanLL(init)+0.3 {
		t.Errorf("trained log-likelihood %v, the optimum is %v, the initial model's %v", ev.LL, opt, meanLL(init))
	}

	out := filepath.Join(tmp, "s.npy")
	mustRun(t, "sample", dir, "-n", "4000", "--out", out, "-q")
	s, err := dataset.Read(out, dataset.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mu, _ := m.Mean()
	cov, _ := m.Covariance()
	for i := range d {
		col := mat.Col(nil, i, s)
		avg := 0.0
		for _, v := range col {
			avg += v / float64(len(col))
		}
		// Exact draws are independent: 4 standard errors.
		if se := math.Sqrt(cov.At(i, i) / float64(len(col))); math.Abs(avg-mu[i]) > 4*se {
			t.Errorf("sample mean of column %d is %v, the model's %v (standard error %v)", i, avg, mu[i], se)
		}
	}
}
