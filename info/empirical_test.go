package info

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestEmpiricalDuplicates(t *testing.T) {
	x := mat.NewDense(6, 2, []float64{
		0, 1,
		1, 1,
		0, 1,
		math.Copysign(0, -1), 1, // negative zero: same row as (0, 1)
		1, 0,
		1, 1,
	})
	e := NewEmpirical(x, nil)
	if e.Len() != 3 || e.Dim() != 2 {
		t.Fatalf("Len, Dim = %d, %d, want 3, 2", e.Len(), e.Dim())
	}
	wantRows := [][]float64{{0, 1}, {1, 1}, {1, 0}}
	wantP := []float64{0.5, 1.0 / 3, 1.0 / 6}
	k := 0
	for row, p := range e.All() {
		if !mat.Equal(mat.NewVecDense(2, row), mat.NewVecDense(2, wantRows[k])) || !near(p, wantP[k], tol) {
			t.Errorf("entry %d = %v, %g; want %v, %g", k, row, p, wantRows[k], wantP[k])
		}
		if got := e.Lookup(wantRows[k]); got != p {
			t.Errorf("Lookup(%v) = %g, want %g", wantRows[k], got, p)
		}
		k++
	}
	if k != 3 {
		t.Errorf("All visited %d rows, want 3", k)
	}
	if got := e.Lookup([]float64{0, 0}); got != 0 {
		t.Errorf("Lookup of an absent row = %g, want 0", got)
	}
	if err := Check(e.Probs()); err != nil {
		t.Error(err)
	}
	if got, want := e.Entropy(), Entropy(wantP); !near(got, want, tol) {
		t.Errorf("Entropy = %g, want %g", got, want)
	}
	if r, c := e.Rows().Dims(); r != 3 || c != 2 {
		t.Errorf("Rows is %d×%d, want 3×2", r, c)
	}
}

func TestEmpiricalWeights(t *testing.T) {
	x := mat.NewDense(4, 1, []float64{2, 3, 2, 5})
	e := NewEmpirical(x, []float64{1, 2, 3, 0})
	// The zero-weight row 5 is left out: p = (4/6, 2/6).
	if e.Len() != 2 || !near(e.Prob(0), 4.0/6, tol) || !near(e.Prob(1), 2.0/6, tol) {
		t.Errorf("weighted empirical = %v (len %d)", e.Probs(), e.Len())
	}
	for _, bad := range []func(){
		func() { NewEmpirical(x, []float64{1, 2}) },
		func() { NewEmpirical(x, []float64{1, -1, 1, 1}) },
		func() { NewEmpirical(x, []float64{0, 0, 0, 0}) },
		func() { NewEmpirical(mat.NewDense(1, 1, []float64{math.NaN()}), nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("NewEmpirical did not panic on bad input")
				}
			}()
			bad()
		}()
	}
}

func TestKLDataModel(t *testing.T) {
	// Data: three rows (0), one row (1) of a single binary unit, so
	// p_data = (3/4, 1/4); model p(1) = 1/2.
	x := mat.NewDense(4, 1, []float64{0, 0, 1, 0})
	e := NewEmpirical(x, nil)
	logProb := func(row []float64) float64 { return math.Log(0.5) }
	pd, pm := []float64{0.75, 0.25}, []float64{0.5, 0.5}
	if got, want := KLDataModel(e, logProb), KL(pd, pm); !near(got, want, tol) {
		t.Errorf("KLDataModel = %.17g, want %.17g", got, want)
	}
	if got, want := KLDataModelLog(e, []float64{math.Log(0.5), math.Log(0.5)}), KL(pd, pm); !near(got, want, tol) {
		t.Errorf("KLDataModelLog = %.17g, want %.17g", got, want)
	}
	if got, want := CrossEntropyDataModel(e, logProb), math.Log(2); !near(got, want, tol) {
		t.Errorf("CrossEntropyDataModel = %.17g, want log 2", got)
	}
	// The model that equals the data has zero divergence.
	exact := func(row []float64) float64 { return math.Log(e.Lookup(row)) }
	if got := KLDataModel(e, exact); got != 0 {
		t.Errorf("KLDataModel(data, data) = %g, want 0", got)
	}
	zero := func(row []float64) float64 {
		if row[0] == 1 {
			return math.Inf(-1)
		}
		return 0
	}
	if got := KLDataModel(e, zero); !math.IsInf(got, 1) {
		t.Errorf("KLDataModel with a zero-probability data row = %g, want +Inf", got)
	}
}
