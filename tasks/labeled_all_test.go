package tasks_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/stattest"
	"boltzmann/tasks"
)

// TestLabeledSampleEveryClass: with one clamp row per class (what 'sample
// --label all' passes), chain c is clamped to class c mod C and its draws
// follow the exact p(x | y = c mod C), for every class. Independent
// chains, chi-square at the 0.001 level (fixed seed).
func TestLabeledSampleEveryClass(t *testing.T) {
	l := labeledModel(1.2, 5)
	joint := labeledJoint(l)
	clamp := mat.NewDense(labC, labD+labC, nil)
	for k := range labC {
		row := clamp.RawRowView(k)
		for i := range labD {
			row[i] = math.NaN()
		}
		row[labD+k] = 1
	}
	const perClass = 2000
	s, err := tasks.Sample(l, &tasks.SampleSettings{Chains: labC * perClass, BurnIn: 30, Seed: 4, Clamp: clamp})
	if err != nil {
		t.Fatal(err)
	}
	counts := make([][]int, labC)
	for k := range counts {
		counts[k] = make([]int, 1<<labD)
	}
	for r := range labC * perClass {
		row := s.X.RawRowView(r)
		k := r % labC
		if row[labD+k] != 1 {
			t.Fatalf("chain %d: label block %v, want e_%d", r, row[labD:], k)
		}
		counts[k][index(row[:labD], []float64{0, 1})]++
	}
	for k := range labC {
		if stat, df, p := stattest.ChiSquare(counts[k], classConditional(joint, k), 5); p < 1e-3 {
			t.Errorf("class %d vs exact p(x | y): chi2 = %.1f, df = %d, p = %.2g", k, stat, df, p)
		}
	}
}
