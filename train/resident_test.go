package train_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model/rbm"
	"boltzmann/optim"
	"boltzmann/train"
)

// perCall is an RBM in float32 mode that does not keep chains resident:
// its float32 kernels convert the chains from and to the float64 matrices
// at every call, as they all did before the resident chains.
type perCall struct{ *rbm.RBM }

func (perCall) ChainsResident() bool { return false }

// residentData is sparse and dense binary rows, so that the float32
// products take both the gathered and the GEMM paths.
func residentData() *mat.Dense {
	rng := rand.New(rand.NewPCG(9, 9))
	data := mat.NewDense(120, 30, nil)
	for i := range 120 {
		for j := range 30 {
			if rng.Float64() < 0.15+0.5*float64((i+j)%3/2) {
				data.Set(i, j, 1)
			}
		}
	}
	return data
}

// TestResidentChainsMatchPerCall: float32 training whose chains stay
// resident between updates ends bit for bit where the per-call
// conversions end, parameters and chains, for the fused PCD update, PCD
// with separate passes, CD, PCD-3, and with the mixing monitor reading the
// chains at every update.
func TestResidentChainsMatchPerCall(t *testing.T) {
	data := residentData()
	cases := []struct {
		name   string
		method train.Method
		k      int
		fused  bool
		mixing bool
	}{
		{"fused PCD-1", train.PCD, 1, true, false},
		{"fused PCD-1 with mixing monitor", train.PCD, 1, true, true},
		{"fused PCD-3", train.PCD, 3, true, false},
		{"PCD-1 separate passes", train.PCD, 1, false, false},
		{"CD-2", train.CD, 2, true, false},
	}
	for _, c := range cases {
		run := func(resident bool) (*rbm.RBM, *train.Trainer) {
			r := rbm.New(30, 12)
			initModel(r, data, 1)
			r.SetFloat32(true)
			var opt optim.Optimizer = &optim.SGD{LR: optim.Constant(0.05), Momentum: 0.5}
			if !c.fused {
				opt = wholeStep{opt}
			}
			s := &train.Settings{
				Method: c.method, K: c.k, BatchSize: 20, Chains: 40, Epochs: 4, Seed: 4, Optimizer: opt,
				Penalty: optim.Penalty{L1: 1e-3, L2: 1e-3, Proximal: true},
			}
			if c.mixing {
				s.Monitor = &train.Mixing{}
			}
			var tr *train.Trainer
			var err error
			if resident {
				tr, err = train.New(r, data, s)
			} else {
				tr, err = train.New(perCall{r}, data, s)
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := tr.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			return r, tr
		}
		a, ta := run(true)
		b, tb := run(false)
		for j, v := range a.Params() {
			if v != b.Params()[j] {
				t.Fatalf("%s: parameter %d is %v with resident chains, %v with per-call conversions", c.name, j, v, b.Params()[j])
			}
		}
		if !mat.Equal(ta.Chains().Visible(), tb.Chains().Visible()) {
			t.Fatalf("%s: the chains' visible states differ", c.name)
		}
		if ha, hb := ta.Chains().Hidden(), tb.Chains().Hidden(); (ha == nil) != (hb == nil) || ha != nil && !mat.Equal(ha, hb) {
			t.Fatalf("%s: the chains' hidden states differ", c.name)
		}
	}
}

// TestResidentResumeIsExact: a float32 run with resident chains,
// checkpointed after 2 epochs and resumed in a fresh trainer for 3 more,
// ends bit for bit where an uninterrupted run ends, and where the
// per-call conversions end.
func TestResidentResumeIsExact(t *testing.T) {
	data := residentData()
	newRun := func(epochs int, resident bool) (*rbm.RBM, *train.Trainer) {
		r := rbm.New(30, 12)
		initModel(r, data, 1)
		r.SetFloat32(true)
		s := &train.Settings{
			Method: train.PCD, K: 1, BatchSize: 20, Chains: 40, Epochs: epochs, Seed: 4,
			Optimizer: &optim.SGD{LR: optim.Constant(0.05), Momentum: 0.5},
		}
		var tr *train.Trainer
		var err error
		if resident {
			tr, err = train.New(r, data, s)
		} else {
			tr, err = train.New(perCall{r}, data, s)
		}
		if err != nil {
			t.Fatal(err)
		}
		return r, tr
	}
	full, tf := newRun(5, true)
	if err := tf.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	ref, tref := newRun(5, false)
	if err := tref.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, tp := newRun(2, true)
	if err := tp.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	saved, err := tp.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	resumed, tr := newRun(5, true)
	if err := tr.UnmarshalBinary(saved); err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for j, v := range full.Params() {
		if resumed.Params()[j] != v || ref.Params()[j] != v {
			t.Fatalf("parameter %d: resumed %v, uninterrupted %v, per-call %v", j, resumed.Params()[j], v, ref.Params()[j])
		}
	}
	if !mat.Equal(tr.Chains().Visible(), tf.Chains().Visible()) || !mat.Equal(tr.Chains().Visible(), tref.Chains().Visible()) {
		t.Fatal("the resumed chains differ")
	}
}
