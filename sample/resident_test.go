package sample_test

import (
	"bytes"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/testmodels"
	"boltzmann/model"
	"boltzmann/model/rbm"
	"boltzmann/sample"
)

// convertingRBM is an RBM in float32 mode whose kernels do not keep
// chains resident, so that every call converts the float64 chains.
type convertingRBM struct{ *rbm.RBM }

func (convertingRBM) ChainsResident() bool { return false }

// TestResidentChainsAccessors: chains advanced by an RBM that keeps them
// resident read, write, checkpoint and split exactly like chains converted
// at every call, whatever the order of steps, reads through Visible,
// VisibleView and HiddenView, writes through Visible and SetHidden, and
// StepHidden with and without the probabilities.
func TestResidentChainsAccessors(t *testing.T) {
	r := testmodels.RBM(13, 9, 1.5, 3)
	r.SetFloat32(true)
	var res model.Bipartite = r
	conv := convertingRBM{r}
	const n = 40 // 2.5 blocks of BlockSize
	a, b := sample.NewChains(n, 13, 5), sample.NewChains(n, 13, 5)
	a.Randomize([]float64{0, 1})
	b.Randomize([]float64{0, 1})
	same := func(what string) {
		t.Helper()
		if !mat.Equal(a.VisibleView(), b.VisibleView()) {
			t.Fatalf("%s: visible states differ", what)
		}
		ha, hb := a.HiddenView(), b.HiddenView()
		if (ha == nil) != (hb == nil) || ha != nil && !mat.Equal(ha, hb) {
			t.Fatalf("%s: hidden states differ", what)
		}
	}
	both := func(what string, f func(m model.Bipartite, c *sample.Chains)) {
		t.Helper()
		f(res, a)
		f(conv, b)
		same(what)
	}
	step := func(k int) func(model.Bipartite, *sample.Chains) {
		return func(m model.Bipartite, c *sample.Chains) { sample.BlockGibbs{}.Step(m, c, k) }
	}
	both("Step 3", step(3))
	both("Step 1 after a view", step(1))
	// A write through Visible must reach the next resident step.
	both("write", func(_ model.Bipartite, c *sample.Chains) {
		x := c.Visible()
		for j := range 13 {
			x.Set(7, j, float64(j%2))
		}
	})
	both("Step 2 after a write", step(2))
	pa, pb := mat.NewDense(n, 9, nil), mat.NewDense(n, 9, nil)
	sample.BlockGibbs{}.StepHidden(res, a, 2, pa)
	sample.BlockGibbs{}.StepHidden(conv, b, 2, pb)
	same("StepHidden")
	if !mat.Equal(pa, pb) {
		t.Fatal("StepHidden: probabilities differ")
	}
	both("StepHidden without probabilities", func(m model.Bipartite, c *sample.Chains) {
		sample.BlockGibbs{}.StepHidden(m, c, 1, nil)
	})
	both("SetHidden", func(_ model.Bipartite, c *sample.Chains) {
		h := mat.NewDense(n, 9, nil)
		h.Set(3, 4, 1)
		c.SetHidden(h)
	})
	both("StepHidden after SetHidden", func(m model.Bipartite, c *sample.Chains) {
		sample.BlockGibbs{}.StepHidden(m, c, 1, nil)
	})
	both("Step 1 again", step(1))
	// Checkpoints and splits see the current states.
	ma, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	mb, _ := b.MarshalBinary()
	if !bytes.Equal(ma, mb) {
		t.Fatal("MarshalBinary of resident chains differs")
	}
	both("Step 1 after MarshalBinary", step(1))
	pa0, pb0 := a.Blocks(1, 3), b.Blocks(1, 3)
	if !mat.Equal(pa0.Visible(), pb0.Visible()) || !mat.Equal(pa0.Hidden(), pb0.Hidden()) {
		t.Fatal("Blocks of resident chains differ")
	}
	// The resident state follows the chains: Resident returns the state
	// that the last step left, which holds what the view shows.
	both("Step 2 before Resident", step(2))
	s := a.Resident(r)
	if s == nil {
		t.Fatal("Resident is nil for an RBM in float32 mode")
	}
	x, h := mat.NewDense(n, 13, nil), mat.NewDense(n, 9, nil)
	s.Download(x, h)
	if !mat.Equal(x, b.VisibleView()) || !mat.Equal(h, b.HiddenView()) {
		t.Fatal("the resident state differs from the chains")
	}
	if conv.ChainsResident() || b.Resident(conv) != nil {
		t.Fatal("the converting RBM keeps chains resident")
	}
}
