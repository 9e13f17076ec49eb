package rbm_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/mathx"
	"boltzmann/internal/stattest"
	"boltzmann/model"
	"boltzmann/model/rbm"
	"boltzmann/sample"
)

// randomLabeled returns a labeled RBM with D = 3 data units, C = 3 classes
// and H = 2 hidden units with N(0, 1) parameters.
func randomLabeled(seed uint64) *rbm.Labeled {
	l := rbm.NewLabeled(3, 3, 2)
	rng := rand.New(rand.NewPCG(seed, 3))
	for i := range l.Params() {
		l.Params()[i] = rng.NormFloat64()
	}
	return l
}

// allowed lists the 2^D · C visible configurations [x, one-hot y].
func allowed(l *rbm.Labeled) *mat.Dense {
	d, c := l.DataDim(), l.Classes()
	out := mat.NewDense((1<<d)*c, d+c, nil)
	for k := range (1 << d) * c {
		x, y := k/c, k%c
		row := out.RawRowView(k)
		for i := range d {
			row[i] = float64(x >> (d - 1 - i) & 1)
		}
		row[d+y] = 1
	}
	return out
}

func TestLabeledSpecRoundTrip(t *testing.T) {
	l := randomLabeled(1)
	m, err := model.New(l.Spec())
	if err != nil {
		t.Fatal(err)
	}
	got, ok := m.(*rbm.Labeled)
	if !ok || got.DataDim() != 3 || got.Classes() != 3 || got.HiddenDim() != 2 {
		t.Fatalf("model.New(%+v) = %T %+v", l.Spec(), m, m)
	}
}

// TestLabeledClassLogProb: log p(y|x) from ClassLogProb equals the
// normalized exp(-F(x, e_y)) of the RBM free energy (1e-12).
func TestLabeledClassLogProb(t *testing.T) {
	l := randomLabeled(2)
	v := allowed(l)
	n, _ := v.Dims()
	f := make([]float64, n)
	l.FreeEnergy(v, f)
	x := mat.NewDense(8, 3, nil)
	for k := range 8 {
		copy(x.RawRowView(k), v.RawRowView(3 * k)[:3])
	}
	lp := mat.NewDense(8, 3, nil)
	l.ClassLogProb(x, lp)
	pred := make([]int, 8)
	l.Predict(x, pred)
	for k := range 8 {
		negF := []float64{-f[3*k], -f[3*k+1], -f[3*k+2]}
		lse := mathx.LogSumExp(negF)
		best := 0
		for y := range 3 {
			if want := negF[y] - lse; math.Abs(lp.At(k, y)-want) > 1e-12 {
				t.Errorf("x #%d y %d: log p(y|x) = %v, want %v", k, y, lp.At(k, y), want)
			}
			if negF[y] > negF[best] {
				best = y
			}
		}
		if pred[k] != best {
			t.Errorf("x #%d: Predict = %d, want %d", k, pred[k], best)
		}
	}
}

// TestLabeledHiddenFreeEnergy: F(h) sums over the allowed visible
// configurations only (one-hot label block), to 1e-12.
func TestLabeledHiddenFreeEnergy(t *testing.T) {
	l := randomLabeled(3)
	v := allowed(l)
	n, _ := v.Dims()
	hs := mat.NewDense(4, 2, []float64{0, 0, 0, 1, 1, 0, 1, 1})
	f := make([]float64, 4)
	l.HiddenFreeEnergy(hs, f)
	for k := range 4 {
		h := mat.NewDense(n, 2, nil)
		for r := range n {
			copy(h.RawRowView(r), hs.RawRowView(k))
		}
		e := make([]float64, n)
		l.Energy(v, h, e)
		for r := range e {
			e[r] = -e[r]
		}
		if want := -mathx.LogSumExp(e); math.Abs(f[k]-want) > 1e-12 {
			t.Errorf("h #%d: F(h) = %v, want %v", k, f[k], want)
		}
	}
}

// TestLabeledGibbsMatchesExact: LabeledGibbs keeps the label block one-hot
// and its samples follow p(x, y) ∝ exp(-F(x, y)) over the allowed
// configurations (independent chains, chi-square at the 0.001 level).
func TestLabeledGibbsMatchesExact(t *testing.T) {
	l := randomLabeled(4)
	v := allowed(l)
	n, _ := v.Dims()
	f := make([]float64, n)
	l.FreeEnergy(v, f)
	for k := range f {
		f[k] = -f[k]
	}
	lz := mathx.LogSumExp(f)
	probs := make([]float64, n)
	for k := range f {
		probs[k] = math.Exp(f[k] - lz)
	}
	const chains = 4000
	c := sample.NewChains(chains, 6, 7)
	c.Randomize(l.States())
	rbm.LabeledGibbs{}.Step(l, c, 30)
	counts := make([]int, n)
	for r := range chains {
		row := c.Visible().RawRowView(r)
		x := int(row[0])<<2 | int(row[1])<<1 | int(row[2])
		on, y := 0, 0
		for j, u := range row[3:] {
			if u == 1 {
				on++
				y = j
			}
		}
		if on != 1 {
			t.Fatalf("chain %d: label block %v is not one-hot", r, row[3:])
		}
		counts[3*x+y]++
	}
	if stat, df, p := stattest.ChiSquare(counts, probs, 5); p < 1e-3 {
		t.Errorf("LabeledGibbs vs exact: chi2 = %.1f, df = %d, p = %.2g", stat, df, p)
	}
}

// TestBlockGibbsRefusesLabeled: plain block Gibbs would draw the label
// block as independent bits, so it refuses a labeled RBM and names the
// sampler to use.
func TestBlockGibbsRefusesLabeled(t *testing.T) {
	l := rbm.NewLabeled(4, 3, 2)
	c := sample.NewChains(5, l.Dim(), 1)
	defer func() {
		msg, _ := recover().(string)
		if !strings.Contains(msg, "LabeledGibbs") {
			t.Fatalf("panic %q, want one naming LabeledGibbs", msg)
		}
	}()
	sample.BlockGibbs{}.Step(l, c, 1)
}

// TestLabeledSpace: the declared space is {0,1}^D × one-hot(C), with
// 2^D·C configurations.
func TestLabeledSpace(t *testing.T) {
	l := randomLabeled(5)
	sp := l.Space()
	if n, ok := sp.Configurations(); !ok || n != 8*3 || sp.Dim() != l.Dim() || !sp.HasOneHot() {
		t.Fatalf("space %v: %d configurations (ok %v), %d units", sp, n, ok, sp.Dim())
	}
	v := allowed(l)
	for r := range 24 {
		if err := sp.Contains(v.RawRowView(r)); err != nil {
			t.Fatal(err)
		}
	}
	if sp.Contains([]float64{0, 1, 0, 1, 1, 0}) == nil || sp.Contains([]float64{0, 1, 0, 0, 0, 0}) == nil {
		t.Fatal("a label block with two or no units on is accepted")
	}
}

// TestLabeledComposesRBM: Labeled shares its parameters with RBM(), and
// does not offer the plain RBM's kernels that would move label bits
// independently.
func TestLabeledComposesRBM(t *testing.T) {
	l := randomLabeled(6)
	r := l.RBM()
	if &r.Params()[0] != &l.Params()[0] || r.Dim() != l.Dim() || r.HiddenDim() != l.HiddenDim() {
		t.Fatal("RBM() does not alias the labeled model's parameters")
	}
	// Row D+c of W is the weight vector of class c.
	if w := l.Weights(); w.At(3+1, 0) != l.Params()[(3+1)*2] {
		t.Fatal("label rows are not the last C rows of W")
	}
	var m model.Model = l
	if _, ok := m.(model.BlockGibbsKernel); ok {
		t.Error("Labeled exposes the fused block Gibbs kernel")
	}
	if _, ok := m.(model.HiddenBlockGibbsKernel); ok {
		t.Error("Labeled exposes the fused hidden block Gibbs kernel")
	}
	if _, ok := m.(interface{ FlipDeltas(x, out *mat.Dense) }); ok {
		t.Error("Labeled exposes FlipDeltas, which flips label bits alone")
	}
	if _, ok := m.(model.SiteEnergies); ok {
		t.Error("Labeled exposes single-unit SiteDeltas")
	}
}

// TestInitFromDataNilRand: InitFromData(x, nil) uses a fixed-seed stream:
// it does not panic, and two calls give the same parameters.
func TestInitFromDataNilRand(t *testing.T) {
	l := randomLabeled(7)
	x := allowed(l)
	a, b := rbm.NewLabeled(3, 3, 2), rbm.NewLabeled(3, 3, 2)
	a.InitFromData(x, nil)
	b.InitFromData(x, nil)
	nonzero := false
	for j, v := range a.Params() {
		if v != b.Params()[j] {
			t.Fatalf("parameter %d: %v and %v from two nil-rng initializations", j, v, b.Params()[j])
		}
		nonzero = nonzero || (j < 12 && v != 0)
	}
	if !nonzero {
		t.Fatal("weights were not drawn")
	}
}

// TestFreeEnergyData: F(x) = -log Σ_c exp(-F(x, e_c)) over the allowed
// rows, to 1e-12.
func TestFreeEnergyData(t *testing.T) {
	l := randomLabeled(8)
	v := allowed(l)
	f := make([]float64, 24)
	l.FreeEnergy(v, f)
	x := mat.NewDense(8, 3, nil)
	for k := range 8 {
		copy(x.RawRowView(k), v.RawRowView(3 * k)[:3])
	}
	fd := make([]float64, 8)
	l.FreeEnergyData(x, fd)
	for k := range 8 {
		want := -mathx.LogSumExp([]float64{-f[3*k], -f[3*k+1], -f[3*k+2]})
		if math.Abs(fd[k]-want) > 1e-12 {
			t.Errorf("x #%d: FreeEnergyData %v, want %v", k, fd[k], want)
		}
	}
}

// TestLabeledPseudoLogLikelihood: the fast pseudo-log-likelihood equals
// Σ over the space's variables of log p(variable | rest), each conditional
// normalized over the variable's values from model.NewVarDeltas (the label
// block over its one-hot vectors), to 1e-10; estimate uses it.
func TestLabeledPseudoLogLikelihood(t *testing.T) {
	l := randomLabeled(9)
	v := allowed(l)
	w := make([]float64, 24)
	for r := range w {
		w[r] = 0.5 + float64(r%4)
	}
	vars, _ := l.Space().Vars()
	deltas := model.NewVarDeltas(l)
	want, sw := 0.0, 0.0
	for r := range 24 {
		x := v.RawRowView(r)
		pl := 0.0
		for _, vr := range vars {
			dE := make([]float64, vr.Values())
			deltas(x, vr, dE)
			for k := range dE {
				dE[k] = -dE[k]
			}
			pl += dE[vr.Get(x)] - mathx.LogSumExp(dE)
		}
		want += w[r] * pl
		sw += w[r]
	}
	want /= sw
	if got := l.PseudoLogLikelihood(v, w); math.Abs(got-want) > 1e-10 {
		t.Fatalf("PseudoLogLikelihood %v, sum over variables %v", got, want)
	}
}

// TestLabeledGibbsTransformedMatchesExact: LabeledGibbs of the labeled RBM
// transformed by β = 0.6, a field on every unit (the label units too) and
// data unit 0 clamped to 1 samples p_t(x, y) ∝ exp(-βF(x, y) + fᵀ[x, y])
// over the configurations with x_0 = 1, enumerated; the label block stays
// one-hot and free. Chi-square at the 0.001 level, with power against the
// untransformed conditional.
func TestLabeledGibbsTransformedMatchesExact(t *testing.T) {
	l := randomLabeled(6)
	field := []float64{0.3, -0.8, 0.5, 0.4, -0.6, 0.2}
	nan := math.NaN()
	tr := &model.Transform{Beta: 0.6, Field: mat.NewDense(1, 6, field),
		Clamp: mat.NewDense(1, 6, []float64{1, nan, nan, nan, nan, nan})}
	v := allowed(l)
	n, _ := v.Dims()
	f := make([]float64, n)
	l.FreeEnergy(v, f)
	exact := func(beta float64, withField bool) []float64 {
		lw := make([]float64, n)
		for k := range n {
			row := v.RawRowView(k)
			lw[k] = math.Inf(-1)
			if row[0] != 1 {
				continue
			}
			lw[k] = -beta * f[k]
			if withField {
				for i, fi := range field {
					lw[k] += fi * row[i]
				}
			}
		}
		lz := mathx.LogSumExp(lw)
		for k := range lw {
			lw[k] = math.Exp(lw[k] - lz)
		}
		return lw
	}
	tm, err := model.NewTransformed(l, tr)
	if err != nil {
		t.Fatal(err)
	}
	const chains = 4000
	c := sample.NewChains(chains, 6, 8)
	c.Randomize(l.States())
	rbm.LabeledGibbs{}.Step(tm, c, 30)
	counts := make([]int, n)
	for r := range chains {
		row := c.Visible().RawRowView(r)
		if row[0] != 1 {
			t.Fatalf("chain %d: clamped unit is %v", r, row[0])
		}
		x := int(row[0])<<2 | int(row[1])<<1 | int(row[2])
		on, y := 0, 0
		for j, u := range row[3:] {
			if u == 1 {
				on++
				y = j
			}
		}
		if on != 1 {
			t.Fatalf("chain %d: label block %v is not one-hot", r, row[3:])
		}
		counts[3*x+y]++
	}
	if stat, df, p := stattest.ChiSquare(counts, exact(0.6, true), 5); p < 1e-3 {
		t.Errorf("transformed LabeledGibbs vs exact: chi2 = %.1f, df = %d, p = %.2g", stat, df, p)
	}
	if _, _, p := stattest.ChiSquare(counts, exact(1, false), 5); p > 1e-3 {
		t.Errorf("samples also fit the untransformed conditional (p = %.2g): the test has no power", p)
	}
}
