package runs_test

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"boltzmann/bmdca"
	"boltzmann/model/potts"
	"boltzmann/runs"
	"boltzmann/train"
)

// TestCorrelationSaver: a bmDCA run saved every 3 updates leaves a
// correlations.json of its last update whose Pearson and slope, over all
// L(L-1)/2·q² = 90 pairs, are those of the history record of that
// update (to 1e-12), and whose data points are the target's connected
// correlations.
func TestCorrelationSaver(t *testing.T) {
	const l, q, n = 5, 3, 300
	rng := rand.New(rand.NewPCG(1, 2))
	seqs := make([][]uint8, n)
	for i := range seqs {
		seqs[i] = make([]uint8, l)
		for j := range seqs[i] {
			seqs[i][j] = uint8(rng.IntN(q))
			if j > 0 && rng.Float64() < 0.6 {
				seqs[i][j] = seqs[i][j-1] // correlated neighbours
			}
		}
	}
	tgt := bmdca.NewTarget(seqs, q, nil, 0.01)
	m := potts.New(l, q)
	bmdca.InitIndependent(m, tgt)
	dir := t.TempDir()
	r := &runs.Run{Dir: dir}
	tr, err := bmdca.New(m, tgt, &bmdca.Settings{Chains: 200, Sweeps: 2, MaxUpdates: 7, LR: 0.05, Target: 0.9999, Seed: 3,
		Recorders: []train.Recorder{r.CorrelationSaver(3, tgt)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, runs.CorrelationsFile))
	if err != nil {
		t.Fatal(err)
	}
	var c runs.Correlations
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	if c.Update != 7 || c.Pairs != 90 || c.Stride != 1 || len(c.Data) != 90 || len(c.Model) != 90 {
		t.Fatalf("update %d, %d pairs, stride %d, %d and %d points; want 7, 90, 1, 90, 90", c.Update, c.Pairs, c.Stride, len(c.Data), len(c.Model))
	}
	for k, v := range c.Data {
		if v != tgt.C[k] {
			t.Fatalf("data point %d: %v, target %v", k, v, tgt.C[k])
		}
	}
	var found bool
	for _, rec := range tr.History() {
		if rec.Updates == c.Update {
			found = true
			if math.Abs(rec.Pearson-c.Pearson) > 1e-12 || math.Abs(rec.Slope-c.Slope) > 1e-12 {
				t.Errorf("correlations.json: pearson %v slope %v; the history record: %v, %v", c.Pearson, c.Slope, rec.Pearson, rec.Slope)
			}
		}
	}
	if !found {
		t.Errorf("no history record of update %d", c.Update)
	}
}

// TestCorrelationsSubsample: 10,000 pairs are shown as every third, 3,334
// points (at most MaxScatterPairs), the first one first.
func TestCorrelationsSubsample(t *testing.T) {
	x, y := make([]float64, 10000), make([]float64, 10000)
	for k := range x {
		x[k], y[k] = float64(k), 2*float64(k)
	}
	c := runs.NewCorrelations(4, x, y)
	if c.Stride != 3 || len(c.Data) != 3334 || c.Data[1] != 3 || c.Model[1] != 6 || math.Abs(c.Slope-2) > 1e-12 || math.Abs(c.Pearson-1) > 1e-12 {
		t.Errorf("stride %d, %d points, second (%v, %v), slope %v, pearson %v", c.Stride, len(c.Data), c.Data[1], c.Model[1], c.Slope, c.Pearson)
	}
}
