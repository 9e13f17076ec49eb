package train_test

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/mathx"
	"boltzmann/model"
	"boltzmann/model/rbm"
	"boltzmann/optim"
	"boltzmann/train"
)

// labeledProblem returns n rows [x, e_y] of D = 6 random bits with labels
// of C = 3 classes that depend on the first bits, every fourth row without
// a label when semi is set, and a labeled RBM with 4 hidden units
// initialized from them.
func labeledProblem(n int, semi bool, seed uint64) (*rbm.Labeled, *mat.Dense, []int) {
	rng := rand.New(rand.NewPCG(seed, 18))
	x := mat.NewDense(n, 6, nil)
	y := make([]int, n)
	for r := range n {
		for i := range 6 {
			x.Set(r, i, float64(rng.IntN(2)))
		}
		y[r] = int(x.At(r, 0) + x.At(r, 1))
		if rng.Float64() < 0.2 {
			y[r] = rng.IntN(3)
		}
		if semi && r%4 == 3 {
			y[r] = rbm.Unlabeled
		}
	}
	l := rbm.NewLabeled(6, 3, 4)
	v := l.Concat(x, y)
	l.InitFromData(v, rand.New(rand.NewPCG(seed, 1)))
	return l, v, y
}

// oneUpdate takes one update of plain SGD (rate 0.1, no momentum) on all
// the rows of v from the parameters p0 and returns the parameter change
// and the trainer.
func oneUpdate(t *testing.T, l *rbm.Labeled, p0 []float64, v *mat.Dense, obj train.Objective) ([]float64, *train.Trainer) {
	t.Helper()
	copy(l.Params(), p0)
	n, _ := v.Dims()
	tr, err := train.New(l, v, &train.Settings{Objective: obj, BatchSize: n, Chains: 10, MaxUpdates: 1, Seed: 5,
		Optimizer: &optim.SGD{LR: optim.Constant(0.1)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	d := make([]float64, len(p0))
	for j, p := range l.Params() {
		d[j] = p - p0[j]
	}
	return d, tr
}

// TestHybridUpdateIsTheStatedCombination: with the same seed (so the same
// chains), the update of the hybrid objective -L_disc - α·L_gen plus a
// sparsity penalty is α times the generative update plus -lr times the
// exact conditional gradient (AddConditionalGradient over the rows, divided
// by their number, unlabeled rows included in it) and the sparsity
// gradient; the discriminative update is the conditional part alone and
// does not advance the chains.
func TestHybridUpdateIsTheStatedCombination(t *testing.T) {
	l, v, _ := labeledProblem(60, true, 1)
	n, _ := v.Dims()
	p0 := append([]float64(nil), l.Params()...)
	const lr, alpha, target, cost = 0.1, 0.3, 0.2, 0.5

	copy(l.Params(), p0)
	disc := make([]float64, len(p0))
	w := make([]float64, n)
	for r := range w {
		w[r] = 1 / float64(n)
	}
	l.AddConditionalGradient(v, w, disc)
	sp := make([]float64, len(p0))
	l.AddSparsityGradient(v, nil, target, cost, sp)

	gen, trGen := oneUpdate(t, l, p0, v, nil)
	hyb, trHyb := oneUpdate(t, l, p0, v, train.Hybrid{Conditional: 1, Likelihood: alpha, SparsityTarget: target, SparsityCost: cost})
	dis, trDis := oneUpdate(t, l, p0, v, train.Hybrid{Conditional: 1})
	if trGen.Sweeps() != 1 || trHyb.Sweeps() != 1 || trDis.Sweeps() != 0 {
		t.Errorf("sweeps: generative %d, hybrid %d, discriminative %d; want 1, 1, 0", trGen.Sweeps(), trHyb.Sweeps(), trDis.Sweeps())
	}
	for j := range p0 {
		if want := alpha*gen[j] - lr*(disc[j]+sp[j]); math.Abs(hyb[j]-want) > 1e-12 {
			t.Fatalf("hybrid: parameter %d moved %v, want %v", j, hyb[j], want)
		}
		if want := -lr * disc[j]; math.Abs(dis[j]-want) > 1e-12 {
			t.Fatalf("discriminative: parameter %d moved %v, want %v", j, dis[j], want)
		}
	}
	if norm(disc) == 0 || norm(sp) == 0 || norm(gen) == 0 {
		t.Fatalf("degenerate test: gradient norms %v %v %v", norm(disc), norm(sp), norm(gen))
	}
}

func norm(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s)
}

// TestHybridIgnoresUnlabeledRows: the conditional term of rows without a
// label is zero: with them the term is that of the labeled rows scaled by
// n_labeled/n (the mean runs over all rows of the update).
func TestHybridIgnoresUnlabeledRows(t *testing.T) {
	l, v, y := labeledProblem(40, true, 2)
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
	h := train.Hybrid{Conditional: 1}
	all, lab := make([]float64, len(l.Params())), make([]float64, len(l.Params()))
	if err := h.AddGradient(l, v, nil, all); err != nil {
		t.Fatal(err)
	}
	if err := h.AddGradient(l, sub, nil, lab); err != nil {
		t.Fatal(err)
	}
	ratio := float64(len(keep)) / 40
	for j := range all {
		if math.Abs(all[j]-ratio*lab[j]) > 1e-14 {
			t.Fatalf("parameter %d: %v with unlabeled rows, want %v", j, all[j], ratio*lab[j])
		}
	}
}

// TestObjectiveChecks: objectives that do not apply are refused by New.
func TestObjectiveChecks(t *testing.T) {
	l, v, _ := labeledProblem(20, false, 3)
	plain := rbm.New(4, 2)
	x := mat.NewDense(10, 4, nil)
	for _, c := range []struct {
		name string
		err  error
	}{
		{"conditional on a plain rbm", newErr(plain, x, &train.Settings{Objective: train.Hybrid{Conditional: 1}})},
		{"nothing to maximize", newErr(l, v, &train.Settings{Objective: train.Hybrid{SparsityTarget: 0.1, SparsityCost: 1}})},
		{"negative weight", newErr(l, v, &train.Settings{Objective: train.Hybrid{Conditional: 1, Likelihood: -1}})},
		{"target out of range", newErr(l, v, &train.Settings{Objective: train.Hybrid{Conditional: 1, SparsityTarget: 1, SparsityCost: 1}})},
		{"with a reducer", newErr(l, v, &train.Settings{Objective: train.Hybrid{Conditional: 1}, Reducer: nopReducer{}})},
	} {
		if c.err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
	if err := newErr(plain, x, &train.Settings{Objective: train.Hybrid{Likelihood: 1, SparsityTarget: 0.1, SparsityCost: 1}}); err != nil {
		t.Errorf("sparse generative training of a plain rbm: %v", err)
	}
}

type nopReducer struct{}

func (nopReducer) Reduce(pos, neg *train.Phase) error { return nil }

func newErr(m model.Model, x *mat.Dense, s *train.Settings) error {
	_, err := train.New(m, x, s)
	return err
}

// TestMonitorMeasuresClassification: the default monitor records the
// classification error and mean log p(y|x) of a labeled RBM on the
// monitored training rows and the validation rows, which the history's
// JSON keeps; BestEpoch finds the best epoch and EarlyStopping stops the
// run Patience epochs after it.
func TestMonitorMeasuresClassification(t *testing.T) {
	l, v, _ := labeledProblem(600, true, 4)
	_, val, _ := labeledProblem(100, false, 5)
	tr, err := train.New(l, v, &train.Settings{Objective: train.Hybrid{Conditional: 1}, Epochs: 40, BatchSize: 10, Seed: 1, Optimizer: &optim.SGD{LR: optim.Constant(0.3), Momentum: 0.5},
		Validation: val, Convergers: []train.Converger{train.EarlyStopping{Patience: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	h := tr.History()
	last := h[len(h)-1]
	for _, r := range h {
		if !(r.TrainErr >= 0 && r.TrainErr <= 1 && r.ValErr >= 0 && r.ValErr <= 1 && r.TrainCLL < 0 && r.ValCLL < 0) {
			t.Fatalf("epoch %d: train error %v, val error %v, log p(y|x) %v, %v", r.Epoch, r.TrainErr, r.ValErr, r.TrainCLL, r.ValCLL)
		}
	}
	// The labels are the sum of two bits with 20% noise: the Bayes error
	// is 2/3·0.2 ≈ 0.13.
	best, ok := train.BestEpoch(h)
	if !ok || best.ValErr > 0.25 {
		t.Errorf("best validation error %v (found %v)", best.ValErr, ok)
	}
	if tr.Status() != train.Converged || last.Epoch-best.Epoch != 3 {
		t.Errorf("status %v at epoch %d, best epoch %d; want Converged 3 epochs after the best", tr.Status(), last.Epoch, best.Epoch)
	}
	b, _ := json.Marshal(last)
	for _, k := range []string{"train_error", "val_error", "train_conditional_log_likelihood", "val_conditional_log_likelihood"} {
		if !strings.Contains(string(b), `"`+k+`"`) {
			t.Errorf("history record %s lacks %s", b, k)
		}
	}
	var back train.Record
	if err := json.Unmarshal(b, &back); err != nil || back.ValErr != last.ValErr || back.TrainCLL != last.TrainCLL {
		t.Errorf("JSON round trip: %+v, %v", back, err)
	}
}

// TestObjectiveResumeIsExact: a hybrid run with early stopping resumed from
// its state after 2 epochs ends with the parameters of the uninterrupted
// run, bit for bit.
func TestObjectiveResumeIsExact(t *testing.T) {
	l, v, _ := labeledProblem(100, true, 6)
	_, val, _ := labeledProblem(50, false, 7)
	p0 := append([]float64(nil), l.Params()...)
	settings := func() *train.Settings {
		return &train.Settings{Objective: train.Hybrid{Conditional: 1, Likelihood: 0.1, SparsityTarget: 0.1, SparsityCost: 0.1},
			Epochs: 5, BatchSize: 10, Seed: 2, Validation: val, Convergers: []train.Converger{train.EarlyStopping{Patience: 10}}}
	}
	tr, _ := train.New(l, v, settings())
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := append([]float64(nil), l.Params()...)

	copy(l.Params(), p0)
	tr, _ = train.New(l, v, settings())
	tr.SetLimits(2, 0)
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	saved, err := tr.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	l2 := rbm.NewLabeled(6, 3, 4)
	tr2, _ := train.New(l2, v, settings())
	if err := tr2.UnmarshalBinary(saved); err != nil {
		t.Fatal(err)
	}
	if err := tr2.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for j, p := range l2.Params() {
		if p != want[j] {
			t.Fatalf("parameter %d: resumed %v, uninterrupted %v", j, p, want[j])
		}
	}
}

// TestDiscriminativeReachesBayesError: on a problem with a known Bayes
// error, discriminative training of a labeled RBM comes within 1
// percentage point of it and beats generative training of the same model.
//
// The data: x ∈ {0,1}^8 from a mixture of 6 random prototypes with flip
// noise 0.15 (structure the generative model must spend its 4 hidden units
// on), y ∈ {0,1,2} from a softmax of linear scores 2·v_c·x, v_c ∈ {±1}^8.
// The error of a classifier is computed exactly over the 256 values of x
// under the true p(x) and p(y|x), so no test-set noise enters: the Bayes
// error is 0.1196. Measured (seeds fixed): discriminative 0.1196 (the Bayes
// classifier), generative 0.1365.
func TestDiscriminativeReachesBayesError(t *testing.T) {
	const d, c, np, flip, beta = 8, 3, 6, 0.15, 2.0
	rng := rand.New(rand.NewPCG(7, 1))
	protos := make([][]float64, np)
	for k := range protos {
		protos[k] = make([]float64, d)
		for i := range d {
			protos[k][i] = float64(rng.IntN(2))
		}
	}
	vc := mat.NewDense(c, d, nil)
	for k := range c {
		for i := range d {
			vc.Set(k, i, beta*float64(2*rng.IntN(2)-1))
		}
	}
	// Exact p(x) and log p(y|x) over the 2^8 values of x (bit i of k is x_i).
	nx := 1 << d
	xs := mat.NewDense(nx, d, nil)
	px := make([]float64, nx)
	lp := mat.NewDense(nx, c, nil)
	bayes := 0.0
	for k := range nx {
		for i := range d {
			xs.Set(k, i, float64(k>>i&1))
		}
		for _, p := range protos {
			q := 1.0 / np
			for i := range d {
				if xs.At(k, i) == p[i] {
					q *= 1 - flip
				} else {
					q *= flip
				}
			}
			px[k] += q
		}
		row := lp.RawRowView(k)
		for cc := range c {
			row[cc] = mat.Dot(xs.RowView(k), vc.RowView(cc))
		}
		lse, best := mathx.LogSumExp(row), math.Inf(-1)
		for cc := range row {
			row[cc] -= lse
			best = math.Max(best, row[cc])
		}
		bayes += px[k] * (1 - math.Exp(best))
	}
	if math.Abs(bayes-0.1196) > 1e-4 {
		t.Fatalf("Bayes error %v, want 0.1196 (the problem changed)", bayes)
	}
	// 10,000 training rows drawn from p(x) p(y|x).
	n := 10000
	x := mat.NewDense(n, d, nil)
	y := make([]int, n)
	for r := range n {
		p := protos[rng.IntN(np)]
		k := 0
		for i := range d {
			v := p[i]
			if rng.Float64() < flip {
				v = 1 - v
			}
			x.Set(r, i, v)
			k |= int(v) << i
		}
		u := rng.Float64()
		y[r] = c - 1
		for cc := range c {
			if u -= math.Exp(lp.At(k, cc)); u < 0 {
				y[r] = cc
				break
			}
		}
	}
	errorOf := func(obj train.Objective) float64 {
		l := rbm.NewLabeled(d, c, 4)
		v := l.Concat(x, y)
		l.InitFromData(v, rand.New(rand.NewPCG(1, 2)))
		const epochs, batch = 20, 50
		tr, err := train.New(l, v, &train.Settings{Objective: obj, Epochs: epochs, BatchSize: batch, Seed: 3,
			Optimizer: &optim.SGD{LR: optim.LinearDecay{Initial: 0.1, Final: 0.002, Steps: epochs * n / batch}, Momentum: 0.5}})
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		pred := make([]int, nx)
		l.Predict(xs, pred)
		e := 0.0
		for k := range nx {
			e += px[k] * (1 - math.Exp(lp.At(k, pred[k])))
		}
		return e
	}
	disc, gen := errorOf(train.Hybrid{Conditional: 1}), errorOf(nil)
	t.Logf("Bayes error %.4f, discriminative %.4f, generative %.4f", bayes, disc, gen)
	if disc > bayes+0.01 {
		t.Errorf("discriminative error %.4f, more than 1 point above the Bayes error %.4f", disc, bayes)
	}
	if !(gen > disc) {
		t.Errorf("generative error %.4f does not exceed the discriminative %.4f", gen, disc)
	}
}
