package tasks_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/tasks"
)

func TestMissingScoreThresholdError(t *testing.T) {
	truth := mat.NewDense(2, 2, []float64{1, 0, 0, 1})
	p := mat.NewDense(2, 2, []float64{0.8, 0.4, 1, 0})
	missing := []bool{true, true, false, true}
	lp, acc := tasks.MissingScore(truth, p, missing)
	// log 0.8 + log 0.6 + log 1e-6 (p = 0 clipped), over 3 entries.
	want := (math.Log(0.8) + math.Log(0.6) + math.Log(1e-6)) / 3
	if math.Abs(lp-want) > 1e-12 || acc != 2.0/3 {
		t.Errorf("MissingScore = %v, %v; want %v, 2/3", lp, acc, want)
	}
	truth.Set(0, 1, math.NaN())
	// Entries compared: 1 vs 0.8 (right), 0 vs 1 (wrong), 1 vs 0 (wrong).
	if e := tasks.ThresholdError(truth, p); e != 2.0/3 {
		t.Errorf("ThresholdError = %v, want 2/3", e)
	}
}
