package rbm_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model/rbm"
)

// discModel returns a labeled RBM with D = 5 data units, C = 3 classes and
// H = 4 hidden units with N(0, 1) parameters, and n rows [x, e_y] of
// random data, every third one without a label (all-zero label block),
// with weights in [0.5, 1.5).
func discModel(seed uint64, n int) (*rbm.Labeled, *mat.Dense, []float64, []int) {
	l := rbm.NewLabeled(5, 3, 4)
	rng := rand.New(rand.NewPCG(seed, 18))
	for i := range l.Params() {
		l.Params()[i] = rng.NormFloat64()
	}
	x := mat.NewDense(n, 5, nil)
	y := make([]int, n)
	w := make([]float64, n)
	for r := range n {
		for i := range 5 {
			x.Set(r, i, float64(rng.IntN(2)))
		}
		y[r] = rng.IntN(3)
		if r%3 == 2 {
			y[r] = rbm.Unlabeled
		}
		w[r] = 0.5 + rng.Float64()
	}
	return l, l.Concat(x, y), w, y
}

// condLogLik is Σ_r w_r log p(y_r | x_r) over the labeled rows, computed
// from ClassLogProb (not from the code under test).
func condLogLik(l *rbm.Labeled, v *mat.Dense, w []float64, y []int) float64 {
	n, _ := v.Dims()
	lp := mat.NewDense(n, l.Classes(), nil)
	l.ClassLogProb(v.Slice(0, n, 0, l.DataDim()).(*mat.Dense), lp)
	s := 0.0
	for r, c := range y {
		if c >= 0 {
			s += w[r] * lp.At(r, c)
		}
	}
	return s
}

// checkFD compares grad with the central differences of f over every
// parameter of l (step 1e-5; tolerance 1e-7 absolute plus 1e-6 relative).
func checkFD(t *testing.T, what string, l *rbm.Labeled, grad []float64, f func() float64) {
	t.Helper()
	p := l.Params()
	groups := l.Groups()
	for j := range p {
		old := p[j]
		p[j] = old + 1e-5
		fp := f()
		p[j] = old - 1e-5
		fm := f()
		p[j] = old
		want := (fp - fm) / 2e-5
		if d := math.Abs(grad[j] - want); d > 1e-7+1e-6*math.Abs(want) {
			g := ""
			for _, gr := range groups {
				if j >= gr.Start && j < gr.Start+gr.Len {
					g = gr.Name
				}
			}
			t.Errorf("%s: parameter %d (%s): gradient %.10g, finite differences %.10g", what, j, g, grad[j], want)
		}
	}
}

// TestConditionalGradientMatchesFiniteDifferences: AddConditionalGradient
// is -∂/∂θ of the exact Σ_r w_r log p(y_r|x_r) for every parameter (weights
// of the data and label units, class biases, data biases (zero), hidden
// biases), on 20 rows (two pieces of work) with unlabeled rows, which it
// skips; its log-likelihood and count are those of the labeled rows.
func TestConditionalGradientMatchesFiniteDifferences(t *testing.T) {
	l, v, w, y := discModel(1, 20)
	grad := make([]float64, len(l.Params()))
	logp, count := l.AddConditionalGradient(v, w, grad)
	want, wc := condLogLik(l, v, w, y), 0.0
	for r, c := range y {
		if c >= 0 {
			wc += w[r]
		}
	}
	if math.Abs(logp-want) > 1e-12 || math.Abs(count-wc) > 1e-12 {
		t.Errorf("log p = %v, count %v; want %v, %v", logp, count, want, wc)
	}
	neg := make([]float64, len(grad))
	for j, g := range grad {
		neg[j] = -g
	}
	checkFD(t, "conditional", l, neg, func() float64 { return condLogLik(l, v, w, y) })

	// Unlabeled rows change nothing: the gradient of the labeled rows alone.
	var keep []int
	for r, c := range y {
		if c >= 0 {
			keep = append(keep, r)
		}
	}
	sub := mat.NewDense(len(keep), l.Dim(), nil)
	sw := make([]float64, len(keep))
	for k, r := range keep {
		copy(sub.RawRowView(k), v.RawRowView(r))
		sw[k] = w[r]
	}
	g2 := make([]float64, len(grad))
	l.AddConditionalGradient(sub, sw, g2)
	for j := range grad {
		if math.Abs(grad[j]-g2[j]) > 1e-13 {
			t.Fatalf("parameter %d: %v with unlabeled rows, %v without", j, grad[j], g2[j])
		}
	}
	// Only unlabeled rows: nothing added.
	un := mat.NewDense(2, l.Dim(), nil)
	copy(un.RawRowView(0)[:5], []float64{1, 0, 1, 0, 1})
	g3 := make([]float64, len(grad))
	if lp, c := l.AddConditionalGradient(un, nil, g3); lp != 0 || c != 0 || norm2(g3) != 0 {
		t.Errorf("unlabeled rows only: %v %v, gradient norm %v", lp, c, norm2(g3))
	}
}

func norm2(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return s
}

// TestConditionalLogLikelihood: log p, errors and count agree with
// ClassLogProb and Predict on the labeled rows.
func TestConditionalLogLikelihood(t *testing.T) {
	l, v, w, y := discModel(2, 30)
	logp, errs, count := l.ConditionalLogLikelihood(v, w)
	n, _ := v.Dims()
	pred := make([]int, n)
	l.Predict(v.Slice(0, n, 0, 5).(*mat.Dense), pred)
	we, wc := 0.0, 0.0
	for r, c := range y {
		if c < 0 {
			continue
		}
		wc += w[r]
		if pred[r] != c {
			we += w[r]
		}
	}
	if want := condLogLik(l, v, w, y); math.Abs(logp-want) > 1e-12 || math.Abs(errs-we) > 1e-12 || math.Abs(count-wc) > 1e-12 {
		t.Errorf("got %v %v %v, want %v %v %v", logp, errs, count, want, we, wc)
	}
}

// TestSparsityGradientMatchesFiniteDifferences: the sparsity penalty's
// gradient is exact for every parameter, on the labeled rows of a labeled
// RBM (unlabeled rows skipped) and on a plain RBM.
func TestSparsityGradientMatchesFiniteDifferences(t *testing.T) {
	l, v, w, y := discModel(3, 20)
	grad := make([]float64, len(l.Params()))
	s := l.AddSparsityGradient(v, w, 0.1, 0.7, grad)
	scratch := make([]float64, len(grad))
	penalty := func() float64 { return l.AddSparsityGradient(v, w, 0.1, 0.7, scratch) }
	if s <= 0 || math.IsNaN(s) {
		t.Fatalf("penalty %v", s)
	}
	checkFD(t, "sparsity", l, grad, penalty)

	// Equal to the plain RBM's penalty on the labeled rows.
	var keep []int
	for r, c := range y {
		if c >= 0 {
			keep = append(keep, r)
		}
	}
	sub := mat.NewDense(len(keep), l.Dim(), nil)
	sw := make([]float64, len(keep))
	for k, r := range keep {
		copy(sub.RawRowView(k), v.RawRowView(r))
		sw[k] = w[r]
	}
	g2 := make([]float64, len(grad))
	if s2 := l.RBM().AddSparsityGradient(sub, sw, 0.1, 0.7, g2); math.Abs(s2-s) > 1e-13 {
		t.Errorf("penalty %v on the labeled rows of the plain RBM, %v", s2, s)
	}
	for j := range grad {
		if math.Abs(grad[j]-g2[j]) > 1e-13 {
			t.Fatalf("parameter %d: %v, plain RBM %v", j, grad[j], g2[j])
		}
	}
	// The penalty is zero at the target: an RBM whose hidden units are all
	// at P(h=1|v) = target.
	r := rbm.New(3, 2)
	b := r.HiddenBias()
	b[0], b[1] = math.Log(0.1/0.9), math.Log(0.1/0.9)
	g := make([]float64, len(r.Params()))
	want := -2 * (0.1*math.Log(0.1) + 0.9*math.Log(0.9))
	if s := r.AddSparsityGradient(mat.NewDense(4, 3, nil), nil, 0.1, 1, g); math.Abs(s-want) > 1e-12 || norm2(g) > 1e-24 {
		t.Errorf("at the target: penalty %v (want the entropy %v), gradient norm² %v", s, want, norm2(g))
	}
}

// TestUnlabeledRowsAreMarginal: a row [x, 0] has the free energy of the data
// marginal (FreeEnergyData) and the statistics ∂F(x)/∂θ (finite
// differences), in AddStats and in the positive phase of PhaseDifference;
// the pseudo-log-likelihood skips it.
func TestUnlabeledRowsAreMarginal(t *testing.T) {
	l, v, w, y := discModel(4, 9)
	n, _ := v.Dims()
	f := make([]float64, n)
	l.FreeEnergy(v, f)
	x := v.Slice(0, n, 0, 5).(*mat.Dense)
	fd := make([]float64, n)
	l.FreeEnergyData(x, fd)
	full := make([]float64, n)
	l.RBM().FreeEnergy(v, full)
	for r, c := range y {
		want := full[r]
		if c < 0 {
			want = fd[r]
		}
		if math.Abs(f[r]-want) > 1e-12 {
			t.Errorf("row %d (label %d): F = %v, want %v", r, c, f[r], want)
		}
	}
	stats := make([]float64, len(l.Params()))
	l.AddStats(v, w, stats)
	sumF := func() float64 {
		l.FreeEnergy(v, f)
		s := 0.0
		for r, v := range f {
			s += w[r] * v
		}
		return s
	}
	checkFD(t, "AddStats", l, stats, sumF)

	// PhaseDifference = <O>_pos - <O>_neg with the marginal statistics.
	neg := l.Concat(x.Slice(0, 4, 0, 5).(*mat.Dense), []int{0, 1, 2, 0})
	grad := make([]float64, len(stats))
	l.PhaseDifference(v, w, neg, grad)
	ns := make([]float64, len(stats))
	l.AddStats(neg, nil, ns)
	sw := 0.0
	for _, x := range w {
		sw += x
	}
	for j := range grad {
		if want := stats[j]/sw - ns[j]/4; math.Abs(grad[j]-want) > 1e-12 {
			t.Fatalf("PhaseDifference parameter %d: %v, want %v", j, grad[j], want)
		}
	}

	// The pseudo-log-likelihood of the rows is that of the labeled ones.
	var keep []int
	for r, c := range y {
		if c >= 0 {
			keep = append(keep, r)
		}
	}
	sub := mat.NewDense(len(keep), l.Dim(), nil)
	for k, r := range keep {
		copy(sub.RawRowView(k), v.RawRowView(r))
	}
	if a, b := l.PseudoLogLikelihood(v, nil), l.PseudoLogLikelihood(sub, nil); math.Abs(a-b) > 1e-12 {
		t.Errorf("pseudo-log-likelihood %v with unlabeled rows, %v without", a, b)
	}
	if pl := l.PseudoLogLikelihood(mat.NewDense(2, l.Dim(), nil), nil); !math.IsNaN(pl) {
		t.Errorf("pseudo-log-likelihood of unlabeled rows only: %v, want NaN", pl)
	}
}
