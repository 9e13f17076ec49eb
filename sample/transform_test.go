package sample_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/mathx"
	"boltzmann/internal/stattest"
	"boltzmann/internal/testmodels"
	"boltzmann/model"
	"boltzmann/model/ising"
	"boltzmann/model/potts"
	"boltzmann/sample"
)

// allConfigs returns every configuration of d units over states, row k the
// base-q digits of k (unit 0 most significant).
func allConfigs(d int, states []float64) *mat.Dense {
	q := len(states)
	n := 1
	for range d {
		n *= q
	}
	x := mat.NewDense(n, d, nil)
	for k := range n {
		c := k
		for i := d - 1; i >= 0; i-- {
			x.Set(k, i, states[c%q])
			c /= q
		}
	}
	return x
}

func configIndex(x []float64, states []float64) int {
	k := 0
	for _, v := range x {
		k = k*len(states) + model.StateIndex(states, v)
	}
	return k
}

// exactTransformed returns, for transform row r, the exact distribution of
// the transformed model over all configurations xs, from the definition:
// p_t(x) ∝ Σ_h exp(-βE(x,h) + f_r·x) for an RBM (enumerating h with
// Energy), p_t(x) ∝ exp(-βE(x) + f_r·x) for a fully visible model, zero
// where x disagrees with the clamp of row r.
func exactTransformed(m model.Model, t *model.Transform, r int, xs *mat.Dense) []float64 {
	n, d := xs.Dims()
	lw := make([]float64, n)
	b, bip := m.(model.Bipartite)
	f := make([]float64, n)
	if !bip {
		m.FreeEnergy(xs, f) // F = E for a fully visible model
	}
	for k := range n {
		x := xs.RawRowView(k)
		if bip {
			hs := allConfigs(b.HiddenDim(), []float64{0, 1})
			nh, _ := hs.Dims()
			v := mat.NewDense(nh, d, nil)
			for j := range nh {
				copy(v.RawRowView(j), x)
			}
			e := make([]float64, nh)
			b.Energy(v, hs, e)
			for j := range e {
				e[j] *= -t.Beta
			}
			lw[k] = mathx.LogSumExp(e)
		} else {
			lw[k] = -t.Beta * f[k]
		}
		for i, fi := range t.FieldRow(r) {
			lw[k] += fi * x[i]
		}
		for i, c := range t.ClampRow(r) {
			if !math.IsNaN(c) && c != x[i] {
				lw[k] = math.Inf(-1)
			}
		}
	}
	lz := mathx.LogSumExp(lw)
	for k := range lw {
		lw[k] = math.Exp(lw[k] - lz)
	}
	return lw
}

type transformCase struct {
	name    string
	m       model.Model
	sampler func(tm model.Model) sample.Sampler
}

func transformCases() []transformCase {
	r := testmodels.RBM(6, 4, 1.5, 31)
	r32 := testmodels.RBM(6, 4, 1.5, 31)
	r32.SetFloat32(true)
	pt := potts.New(4, 3)
	prng := rand.New(rand.NewPCG(5, 5))
	for j := range pt.Params() {
		pt.Params()[j] = 0.8 * prng.NormFloat64()
	}
	pt.Symmetrize()
	def := sample.DefaultSampler
	return []transformCase{
		{"rbm", r, def},
		{"rbm-float32", r32, def},
		{"rbm/site-gibbs", r, func(model.Model) sample.Sampler { return sample.SiteGibbs{} }},
		{"ising01", testmodels.Ising(6, ising.ZeroOne, 1.5, 32), def},
		{"isingpm1", testmodels.Ising(6, ising.PlusMinus, 1, 33), def},
		{"potts/site-gibbs", pt, func(model.Model) sample.Sampler { return sample.SiteGibbs{} }},
	}
}

// transforms returns the transforms tested on a model of dim units with
// the given states: tempering, interpolation from a random base, two rows
// of random fields, and two rows of clamps (with a field on one row).
func transforms(dim int, states []float64, rng *rand.Rand) map[string]*model.Transform {
	base := make([]float64, dim)
	for i := range base {
		base[i] = rng.NormFloat64()
	}
	field := mat.NewDense(2, dim, nil)
	for i := range dim {
		field.Set(0, i, rng.NormFloat64())
		field.Set(1, i, 2*rng.NormFloat64())
	}
	clamp := mat.NewDense(2, dim, nil)
	for i := range dim {
		clamp.Set(0, i, math.NaN())
		clamp.Set(1, i, math.NaN())
	}
	clamp.Set(0, 1, states[1])
	clamp.Set(0, dim-1, states[0])
	clamp.Set(1, 0, states[0])
	cf := mat.NewDense(1, dim, nil)
	for i := range dim {
		cf.Set(0, i, rng.NormFloat64())
	}
	return map[string]*model.Transform{
		"tempering":     model.Tempering(0.6),
		"interpolation": model.Interpolation(0.4, base),
		"field":         {Beta: 1, Field: field},
		"clamp":         {Beta: 1.3, Clamp: clamp, Field: cf},
	}
}

// TestTransformedFreeEnergy: the transformed model's free energy matches
// the definition to rounding, up to a constant (log p_t + F_t is the same
// for every configuration), for the first row of each transform's field
// (the clamp does not change F).
func TestTransformedFreeEnergy(t *testing.T) {
	for _, tc := range transformCases() {
		d := tc.m.(model.Discrete)
		xs := allConfigs(tc.m.Dim(), d.States())
		n, _ := xs.Dims()
		for name, tr := range transforms(tc.m.Dim(), d.States(), rand.New(rand.NewPCG(1, 1))) {
			one := &model.Transform{Beta: tr.Beta}
			if tr.Field != nil {
				one.Field = mat.NewDense(1, tc.m.Dim(), append([]float64(nil), tr.Field.RawRowView(0)...))
			}
			tm, err := model.NewTransformed(tc.m, one)
			if err != nil {
				t.Fatal(err)
			}
			f := make([]float64, n)
			tm.FreeEnergy(xs, f)
			p := exactTransformed(tc.m, one, 0, xs)
			c0 := math.Log(p[0]) + f[0]
			for k := range n {
				if got := math.Log(p[k]) + f[k]; math.Abs(got-c0) > 1e-9 {
					t.Fatalf("%s %s: log p + F at configuration %d is %v, at 0 %v", tc.name, name, k, got, c0)
				}
			}
		}
	}
}

// TestTransformedSampling: chains of the transformed model, run with the
// sampler of sample on the base model's kernels, follow the exact
// transformed distribution of each transform row. 4000 independent chains
// (2000 per transform row) after 40 transitions; chi-square at the 0.001
// level (fixed seeds). A second check against the untransformed
// distribution shows that the test has power.
func TestTransformedSampling(t *testing.T) {
	for _, tc := range transformCases() {
		states := tc.m.(model.Discrete).States()
		xs := allConfigs(tc.m.Dim(), states)
		for name, tr := range transforms(tc.m.Dim(), states, rand.New(rand.NewPCG(2, 2))) {
			if _, isPotts := tc.m.(*potts.Model); isPotts && tr.Field != nil && tr.Clamp == nil {
				continue // a linear field on Potts colours is defined but not meaningful
			}
			t.Run(fmt.Sprintf("%s/%s", tc.name, name), func(t *testing.T) {
				tm, err := model.NewTransformed(tc.m, tr)
				if err != nil {
					t.Fatal(err)
				}
				const chains = 4000
				c := sample.NewChains(chains, tc.m.Dim(), 7)
				c.Randomize(states)
				tc.sampler(tm).Step(tm, c, 40)
				rows := 1
				if tr.Field != nil {
					rows, _ = tr.Field.Dims()
				}
				if tr.Clamp != nil {
					rows, _ = tr.Clamp.Dims()
				}
				for r := range rows {
					counts := make([]int, len(xs.RawMatrix().Data)/tc.m.Dim())
					for k := r; k < chains; k += rows {
						counts[configIndex(c.Visible().RawRowView(k), states)]++
					}
					p := exactTransformed(tc.m, tr, r, xs)
					if stat, df, pv := stattest.ChiSquare(counts, p, 5); pv < 1e-3 {
						t.Errorf("row %d: chi2 = %.1f, df = %d, p = %.2g", r, stat, df, pv)
					}
					plain := exactTransformed(tc.m, &model.Transform{Beta: 1}, r, xs)
					if _, _, pv := stattest.ChiSquare(counts, plain, 5); pv > 1e-3 {
						t.Errorf("row %d: samples also fit the untransformed model (p = %.2g): no power", r, pv)
					}
				}
			})
		}
	}
}

// TestAnnealStepWeights: the log-weight increment of the fused annealing
// kernel equals F_from(v) - F_to(v) of the interpolation transforms, in
// float64 to rounding and in float32 mode to 1e-4 nats, and a move of the
// kernel matches GibbsStepsTransformed in distribution (checked by the
// ais tests against exact log Z).
func TestAnnealStepWeights(t *testing.T) {
	for _, f32 := range []bool{false, true} {
		r := testmodels.RBM(10, 7, 1, 41)
		r.SetFloat32(f32)
		rng := rand.New(rand.NewPCG(3, 3))
		base := make([]float64, 10)
		for i := range base {
			base[i] = rng.NormFloat64()
		}
		from, to := model.Interpolation(0.3, base), model.Interpolation(0.35, base)
		c := sample.NewChains(40, 10, 4)
		c.Randomize([]float64{0, 1})
		ff, ft := make([]float64, 40), make([]float64, 40)
		r.FreeEnergyTransformed(from, c.Visible(), ff)
		r.FreeEnergyTransformed(to, c.Visible(), ft)
		logw := make([]float64, 40)
		rngs := make([]*rand.Rand, c.NumBlocks())
		for b := range rngs {
			rngs[b] = c.Rand(b)
		}
		r.AnnealStep(from, to, c.Visible(), mat.NewDense(40, 7, nil), logw, false, sample.BlockSize, rngs)
		tol := 1e-12
		if f32 {
			tol = 1e-4
		}
		for k := range logw {
			if want := ff[k] - ft[k]; math.Abs(logw[k]-want) > tol {
				t.Errorf("float32 %v, chain %d: log-weight %v, want %v", f32, k, logw[k], want)
			}
		}
	}
}
