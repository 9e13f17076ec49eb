package rbm_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/testmodels"
	"boltzmann/model"
	"boltzmann/model/rbm"
)

// configs returns all 2^n binary vectors as rows.
func configs(n int) *mat.Dense {
	x := mat.NewDense(1<<n, n, nil)
	for k := range 1 << n {
		for i := range n {
			x.Set(k, i, float64(k>>(n-1-i)&1))
		}
	}
	return x
}

// TestFreeEnergiesAndConditionals checks F(v), F(h), P(h|v), P(v|h) against
// sums of exp(-E(v,h)) over the other layer (agreement to 1e-10).
func TestFreeEnergiesAndConditionals(t *testing.T) {
	r := testmodels.RBM(4, 3, 1.5, 7)
	vs, hs := configs(4), configs(3)
	nv, nh := 16, 8
	e := make([]float64, 1)
	energy := func(v, h []float64) float64 {
		r.Energy(mat.NewDense(1, 4, v), mat.NewDense(1, 3, h), e)
		return e[0]
	}
	fv, fh := make([]float64, nv), make([]float64, nh)
	r.FreeEnergy(vs, fv)
	r.HiddenFreeEnergy(hs, fh)
	ph := mat.NewDense(nv, 3, nil)
	r.HiddenProb(vs, ph)
	pv := mat.NewDense(nh, 4, nil)
	r.VisibleProb(hs, pv)
	for a := range nv {
		z := 0.0
		m := make([]float64, 3)
		for b := range nh {
			w := math.Exp(-energy(vs.RawRowView(a), hs.RawRowView(b)))
			z += w
			for j := range 3 {
				m[j] += w * hs.At(b, j)
			}
		}
		if got, want := fv[a], -math.Log(z); math.Abs(got-want) > 1e-10 {
			t.Errorf("F(v_%d) = %v, want %v", a, got, want)
		}
		for j := range 3 {
			if got, want := ph.At(a, j), m[j]/z; math.Abs(got-want) > 1e-10 {
				t.Errorf("P(h_%d=1|v_%d) = %v, want %v", j, a, got, want)
			}
		}
	}
	for b := range nh {
		z := 0.0
		m := make([]float64, 4)
		for a := range nv {
			w := math.Exp(-energy(vs.RawRowView(a), hs.RawRowView(b)))
			z += w
			for i := range 4 {
				m[i] += w * vs.At(a, i)
			}
		}
		if got, want := fh[b], -math.Log(z); math.Abs(got-want) > 1e-10 {
			t.Errorf("F(h_%d) = %v, want %v", b, got, want)
		}
		for i := range 4 {
			if got, want := pv.At(b, i), m[i]/z; math.Abs(got-want) > 1e-10 {
				t.Errorf("P(v_%d=1|h_%d) = %v, want %v", i, b, got, want)
			}
		}
	}
}

// TestStatsMatchFiniteDifferences checks AddStats (∂F(v)/∂θ) and
// AddHiddenStats (∂F(h)/∂θ) with weights against central differences.
func TestStatsMatchFiniteDifferences(t *testing.T) {
	r := testmodels.RBM(5, 4, 1, 3)
	rng := rand.New(rand.NewPCG(1, 1))
	v := mat.NewDense(6, 5, nil)
	h := mat.NewDense(6, 4, nil)
	for _, m := range []*mat.Dense{v, h} {
		m.Apply(func(_, _ int, _ float64) float64 { return float64(rng.IntN(2)) }, m)
	}
	w := []float64{1, 0.5, 2, 1, 0.1, 3}
	check := func(name string, x *mat.Dense, f func(*mat.Dense, []float64), stats func(*mat.Dense, []float64, []float64)) {
		p := r.Params()
		g := make([]float64, len(p))
		stats(x, w, g)
		out := make([]float64, 6)
		total := func() float64 {
			f(x, out)
			s := 0.0
			for i, o := range out {
				s += w[i] * o
			}
			return s
		}
		for j := range p {
			old := p[j]
			p[j] = old + 1e-6
			fp := total()
			p[j] = old - 1e-6
			fm := total()
			p[j] = old
			if fd := (fp - fm) / 2e-6; math.Abs(fd-g[j]) > 1e-6 {
				t.Errorf("%s: param %d: stats %v, finite difference %v", name, j, g[j], fd)
			}
		}
	}
	check("visible", v, r.FreeEnergy, r.AddStats)
	check("hidden", h, r.HiddenFreeEnergy, r.AddHiddenStats)
}

// TestFlipDeltas: each flip delta is the difference of the two free
// energies, for small and large hidden layers (the product form's chunks)
// and for weights beyond its range (the softplus form), within 1e-9 nats.
func TestFlipDeltas(t *testing.T) {
	for _, c := range []struct {
		hidden int
		scale  float64
	}{{4, 1}, {37, 1}, {37, 3}, {37, 30}, {5, 60}} {
		r := testmodels.RBM(6, c.hidden, c.scale, 5)
		v := configs(6)
		out := mat.NewDense(64, 6, nil)
		r.FlipDeltas(v, out)
		f := make([]float64, 64)
		r.FreeEnergy(v, f)
		for k := range 64 {
			for i := range 6 {
				flipped := k ^ (1 << (5 - i))
				want := f[flipped] - f[k]
				if got := out.At(k, i); math.Abs(got-want) > 1e-9*max(1, math.Abs(want)) {
					t.Fatalf("%d hidden, weights %g: flip delta (%d,%d) = %v, want %v", c.hidden, c.scale, k, i, got, want)
				}
			}
		}
	}
}

func TestSpecRoundTrip(t *testing.T) {
	r := rbm.New(7, 3)
	m, err := model.New(r.Spec())
	if err != nil {
		t.Fatal(err)
	}
	if m.Dim() != 7 || m.(*rbm.RBM).HiddenDim() != 3 {
		t.Fatal("spec does not rebuild the shape")
	}
	if _, err := model.New(model.Spec{Kind: "rbm", Visible: 3}); err == nil {
		t.Fatal("rbm without hidden units accepted")
	}
}

// TestRBMInitFromDataNilRand: a nil random source draws the weights from
// the documented fixed-seed stream PCG(1, 0).
func TestRBMInitFromDataNilRand(t *testing.T) {
	x := mat.NewDense(4, 3, []float64{0, 1, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0})
	a, b := rbm.New(3, 2), rbm.New(3, 2)
	a.InitFromData(x, nil)
	b.InitFromData(x, rand.New(rand.NewPCG(1, 0)))
	for j, v := range a.Params() {
		if v != b.Params()[j] {
			t.Fatalf("parameter %d: %v with a nil rng, %v with PCG(1, 0)", j, v, b.Params()[j])
		}
	}
	if sp := a.Space(); !sp.Equal(model.BinarySpace(3)) {
		t.Fatalf("space %v, want binary(3)", sp)
	}
}
