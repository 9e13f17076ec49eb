package model_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/model/rbm"
)

func freeEnergy(m model.Model, x []float64) float64 {
	f := make([]float64, 1)
	m.FreeEnergy(mat.NewDense(1, len(x), append([]float64(nil), x...)), f)
	return f[0]
}

func TestSpaceConfigurations(t *testing.T) {
	for _, c := range []struct {
		s    model.Space
		want int
		ok   bool
	}{
		{model.BinarySpace(5), 32, true},
		{model.SpinSpace(3), 8, true},
		{model.CategoricalSpace(2, 21), 441, true},
		{model.Concat(model.BinarySpace(2), model.OneHotSpace(3)), 12, true},
		{model.Concat(model.OneHotSpace(4), model.OneHotSpace(3)), 12, true},
		{model.RealSpace(2), 0, false},
		{model.BinarySpace(80), 0, false},
	} {
		n, ok := c.s.Configurations()
		if n != c.want || ok != c.ok {
			t.Errorf("%v: %d configurations (ok %v), want %d (%v)", c.s, n, ok, c.want, c.ok)
		}
	}
}

func TestSpaceBlocksAndVars(t *testing.T) {
	s := model.Concat(model.BinarySpace(2), model.OneHotSpace(3), model.SpinSpace(1))
	if s.Dim() != 6 || s.Blocks[1].Start != 2 || s.Blocks[2].Start != 5 {
		t.Fatalf("Concat blocks %+v", s.Blocks)
	}
	vars, err := s.Vars()
	if err != nil || len(vars) != 4 || !vars[2].OneHot || vars[2].Values() != 3 || vars[3].Values() != 2 {
		t.Fatalf("vars %+v, %v", vars, err)
	}
	if _, err := model.Concat(s, model.RealSpace(1)).Vars(); err == nil {
		t.Fatal("a space with real units has variables")
	}
	if st, ok := s.Product(); ok {
		t.Fatalf("a space with a one-hot block is a product of %v", st)
	}
	if st, ok := model.BinarySpace(3).Product(); !ok || len(st) != 2 {
		t.Fatal("binary space is not a product space")
	}
	if !model.FiniteSpace(3, []float64{-1, 1}).Equal(model.SpinSpace(3)) ||
		!model.FiniteSpace(3, []float64{0, 1, 2}).Equal(model.CategoricalSpace(3, 3)) ||
		model.FiniteSpace(3, []float64{0, 2}).Blocks[0].Kind != model.FiniteBlock {
		t.Fatal("FiniteSpace does not name the usual value sets")
	}
	x := []float64{1, 0, 0, 0, 1, -1}
	if err := s.Contains(x); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]float64{{1, 0, 0, 1, 1, -1}, {1, 0, 0, 0, 0, -1}, {2, 0, 0, 0, 1, -1}, {1, 0, 0, 0, 1, 0}} {
		if s.Contains(bad) == nil {
			t.Errorf("Contains(%v) = nil", bad)
		}
	}
	if vars[2].Get(x) != 2 {
		t.Fatalf("one-hot value %d, want 2", vars[2].Get(x))
	}
	vars[2].Set(x, 0)
	if x[2] != 1 || x[3] != 0 || x[4] != 0 {
		t.Fatalf("Set(0) gave %v", x)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for range 100 {
		s.Uniform(rng, x)
		if err := s.Contains(x); err != nil {
			t.Fatal(err)
		}
	}
}

// TestVarDeltasOneHot: the deltas of a one-hot block are the free-energy
// differences of its one-hot settings, to 1e-12.
func TestVarDeltasOneHot(t *testing.T) {
	l := rbm.NewLabeled(2, 3, 2)
	for j := range l.Params() {
		l.Params()[j] = math.Sin(float64(j))
	}
	vars, _ := l.Space().Vars()
	deltas := model.NewVarDeltas(l)
	x := []float64{1, 0, 0, 1, 0}
	out := make([]float64, 3)
	deltas(x, vars[2], out)
	base := freeEnergy(l, x)
	for k := range 3 {
		y := append([]float64(nil), x...)
		vars[2].Set(y, k)
		if want := freeEnergy(l, y) - base; math.Abs(out[k]-want) > 1e-12 {
			t.Errorf("value %d: delta %v, want %v", k, out[k], want)
		}
	}
}
