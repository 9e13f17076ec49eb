package ising_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/testmodels"
	"boltzmann/model"
	"boltzmann/model/ising"
)

// energy computes E(s) = -Σ h_i s_i - Σ_{i<j} J_ij s_i s_j directly.
func energy(m *ising.Model, s []float64) float64 {
	e := 0.0
	for i := range s {
		e -= m.Fields()[i] * s[i]
		for j := i + 1; j < len(s); j++ {
			e -= m.Coupling(i, j) * s[i] * s[j]
		}
	}
	return e
}

func TestEnergyDeltasAndStats(t *testing.T) {
	for _, enc := range []ising.Encoding{ising.ZeroOne, ising.PlusMinus} {
		m := testmodels.Ising(6, enc, 1, 4)
		rng := rand.New(rand.NewPCG(2, 2))
		st := enc.States()
		x := mat.NewDense(10, 6, nil)
		x.Apply(func(_, _ int, _ float64) float64 { return st[rng.IntN(2)] }, x)
		f := make([]float64, 10)
		m.FreeEnergy(x, f)
		for r := range 10 {
			s := x.RawRowView(r)
			if want := energy(m, s); math.Abs(f[r]-want) > 1e-12 {
				t.Fatalf("%s: E = %v, want %v", enc, f[r], want)
			}
			out := make([]float64, 2)
			for i := range 6 {
				m.SiteDeltas(s, i, out)
				for k, v := range st {
					y := append([]float64(nil), s...)
					y[i] = v
					if want := energy(m, y) - energy(m, s); math.Abs(out[k]-want) > 1e-12 {
						t.Fatalf("%s: delta = %v, want %v", enc, out[k], want)
					}
				}
			}
		}
		// ∂E/∂h_i = -s_i; ∂E/∂J_ij summed over both stored entries = -s_i s_j.
		g := make([]float64, len(m.Params()))
		m.AddStats(x.Slice(0, 1, 0, 6).(*mat.Dense), nil, g)
		s := x.RawRowView(0)
		for i := range 6 {
			if g[36+i] != -s[i] || g[i*6+i] != 0 {
				t.Fatalf("%s: field or diagonal statistic wrong", enc)
			}
			for j := i + 1; j < 6; j++ {
				if got := g[i*6+j] + g[j*6+i]; math.Abs(got+s[i]*s[j]) > 1e-12 {
					t.Fatalf("%s: coupling statistic %v, want %v", enc, got, -s[i]*s[j])
				}
			}
		}
	}
}

func TestInitFromDataMatchesMarginals(t *testing.T) {
	x := mat.NewDense(4, 2, []float64{1, -1, 1, 1, -1, 1, 1, 1})
	m := ising.New(2, ising.PlusMinus)
	m.InitFromData(x, nil)
	// <s_0> = 0.5 → h = atanh(0.5); <s_1> = 0.5 likewise.
	for i, h := range m.Fields() {
		if math.Abs(h-math.Atanh(0.5)) > 1e-12 {
			t.Fatalf("field %d = %v, want atanh(0.5)", i, h)
		}
	}
}

func TestSpec(t *testing.T) {
	m, err := model.New(model.Spec{Kind: "ising", Visible: 4, Encode: "pm1"})
	if err != nil || m.(*ising.Model).Encoding() != ising.PlusMinus {
		t.Fatalf("spec round trip: %v", err)
	}
	if _, err := model.New(model.Spec{Kind: "ising", Visible: 4, Encode: "xx"}); err == nil {
		t.Fatal("unknown encoding accepted")
	}
}
