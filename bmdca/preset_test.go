package bmdca

import (
	"context"
	"testing"

	"boltzmann/model/potts"
	"boltzmann/optim"
)

// fitKnownPotts fits TestLearnKnownPotts's data (4 sites, 3 states, 4000
// exact draws) with the optimizer of preset at rate lr for updates updates
// and returns KL(truth || fit).
func fitKnownPotts(t *testing.T, preset string, lr float64, updates int) float64 {
	t.Helper()
	truth := randomPotts(4, 3, 0.7, 0.7, 11)
	tgt := NewTarget(exactSeqs(t, truth, 4000, 12), 3, nil, 0)
	m := potts.New(4, 3)
	InitIndependent(m, tgt)
	s := &Settings{Chains: 2000, Sweeps: 2, LR: lr, Target: 1, MaxUpdates: updates, Seed: 3}
	if err := s.ApplyPreset(preset); err != nil {
		t.Fatal(err)
	}
	tr, err := New(m, tgt, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return klFromTruth(t, truth, m)
}

// The adaptive preset converges to the model plain gradient descent
// converges to (the maximum-likelihood fit, within the KL tolerance of
// TestLearnKnownPotts: 0.03 nats, where the data's own sampling error puts
// the fit about 0.01 from the truth), from a ten times smaller initial
// rate, while the adabmDCA preset at that rate is still far from it after
// the same 150 updates.
func TestAdaptivePresetSameFit(t *testing.T) {
	klAdaptive := fitKnownPotts(t, PresetAdaptive, 0.05, 150)
	klSGD := fitKnownPotts(t, PresetAdabmDCA, 0.5, 150)
	klSlow := fitKnownPotts(t, PresetAdabmDCA, 0.05, 150)
	t.Logf("KL(truth||fit): adaptive from rate 0.05 %.4f, plain rate 0.5 %.4f, plain rate 0.05 %.4f", klAdaptive, klSGD, klSlow)
	if klAdaptive > 0.03 || klSGD > 0.03 {
		t.Errorf("KL(truth || fit) = %.4f (adaptive), %.4f (plain rate 0.5), want < 0.03", klAdaptive, klSGD)
	}
	if klSlow < 2*klAdaptive {
		t.Errorf("plain rate 0.05: KL %.4f, not clearly behind the adaptive preset's %.4f", klSlow, klAdaptive)
	}
}

func TestApplyPreset(t *testing.T) {
	s := &Settings{LR: 0.02}
	if err := s.ApplyPreset(PresetAdaptive); err != nil {
		t.Fatal(err)
	}
	sa, ok := s.Optimizer.(*optim.SignAdaptive)
	if !ok || sa.Init != 0.02 || sa.Max != AdaptiveMax*0.02 {
		t.Errorf("adaptive preset: optimizer %#v", s.Optimizer)
	}
	for _, name := range []string{"", PresetAdabmDCA} {
		if err := s.ApplyPreset(name); err != nil || s.Optimizer != nil {
			t.Errorf("preset %q: optimizer %v, error %v", name, s.Optimizer, err)
		}
	}
	if err := s.ApplyPreset("fastest"); err == nil {
		t.Error("unknown preset accepted")
	}
}

// A run with the adaptive preset resumed from MarshalBinary ends with the
// parameters of the uninterrupted run, bit for bit: the per-parameter rates
// and the previous gradient are part of the state.
func TestAdaptiveResumeExact(t *testing.T) {
	truth := randomPotts(5, 3, 0.5, 0.5, 21)
	tgt := NewTarget(exactSeqs(t, truth, 500, 22), 3, nil, -1)
	settings := func(maxUpdates int) *Settings {
		s := &Settings{Chains: 100, Sweeps: 3, LR: 0.1, Target: 1, MaxUpdates: maxUpdates, Seed: 5}
		if err := s.ApplyPreset(PresetAdaptive); err != nil {
			t.Fatal(err)
		}
		return s
	}
	run := func(m *potts.Model, s *Settings, state []byte) []byte {
		tr, err := New(m, tgt, s)
		if err != nil {
			t.Fatal(err)
		}
		if state != nil {
			if err := tr.UnmarshalBinary(state); err != nil {
				t.Fatal(err)
			}
		}
		if err := tr.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		out, err := tr.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a := potts.New(5, 3)
	InitIndependent(a, tgt)
	run(a, settings(8), nil)
	b := potts.New(5, 3)
	InitIndependent(b, tgt)
	half := run(b, settings(4), nil)
	b2 := potts.New(5, 3)
	run(b2, settings(8), half)
	for k, v := range a.Params() {
		if v != b2.Params()[k] {
			t.Fatalf("parameter %d: uninterrupted %g, resumed %g", k, v, b2.Params()[k])
		}
	}
}
