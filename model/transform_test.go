package model_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/model/potts"
)

// TestRowVarDeltasOfEvidence: for a Potts model seen through tempering,
// a field and evidence for observed states, the energy changes of
// NewRowVarDeltas equal the differences of the transformed free energy
// F_t(x) = βF(x) - Σ_i f_i x_i - w Σ_i [x_i = e_i], for every unit, every
// state and rows with their own evidence.
func TestRowVarDeltasOfEvidence(t *testing.T) {
	const l, q = 4, 3
	rng := rand.New(rand.NewPCG(5, 5))
	m := potts.New(l, q)
	for k := range m.Params() {
		m.Params()[k] = rng.NormFloat64()
	}
	m.Symmetrize()
	ev := mat.NewDense(2, l, []float64{2, math.NaN(), 0, 1, math.NaN(), 1, 1, 2})
	field := mat.NewDense(1, l, []float64{0.3, -0.2, 0.1, 0.5})
	tm, err := model.NewTransformed(m, &model.Transform{Beta: 0.7, Field: field, Evidence: ev, EvidenceWeight: 1.3})
	if err != nil {
		t.Fatal(err)
	}
	dm := tm.(model.Discrete)
	deltas := model.NewRowVarDeltas(dm)
	x := mat.NewDense(2, l, nil)
	for r := range 2 {
		for i := range l {
			x.Set(r, i, float64(rng.IntN(q)))
		}
	}
	f := make([]float64, 2)
	tm.FreeEnergy(x, f)
	out := make([]float64, q)
	vars, err := dm.Space().Vars()
	if err != nil {
		t.Fatal(err)
	}
	for r := range 2 {
		for _, v := range vars {
			if deltas(r, x.RawRowView(r), v, out) {
				t.Fatalf("row %d unit %d skipped without a clamp", r, v.Start)
			}
			for k := range q {
				y := mat.DenseCopyOf(x)
				y.Set(r, v.Start, float64(k))
				g := make([]float64, 2)
				tm.FreeEnergy(y, g)
				if want := g[r] - f[r]; math.Abs(out[k]-want) > 1e-12 {
					t.Errorf("row %d unit %d state %d: delta %.15g, free-energy difference %.15g", r, v.Start, k, out[k], want)
				}
			}
		}
	}
	// Evidence is refused where it cannot be honoured.
	if _, err := model.NewTransformed(m, &model.Transform{Beta: 1, Evidence: ev, EvidenceWeight: math.NaN()}); err == nil {
		t.Error("a NaN evidence weight was accepted")
	}
}
