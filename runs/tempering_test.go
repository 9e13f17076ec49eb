package runs_test

import (
	"encoding/json"
	"testing"

	"boltzmann/internal/testmodels"
	"boltzmann/model/ising"
	"boltzmann/model/rbm"
	"boltzmann/runs"
	"boltzmann/sample/tempering"
)

// TestNegativePhaseSettings: a config without the sampler fields (as
// written before they existed) trains with the model's own sampler and no
// centering; "pt" gives parallel tempering with the recorded replicas and
// acceptance, centering an rbm.Centering; bad combinations are refused.
func TestNegativePhaseSettings(t *testing.T) {
	old := `{"version":2,"model":{"kind":"rbm","visible":5,"hidden":3},"train":{"data":"x.npy","method":"pcd","k":1,"chains":0,"epochs":3,"batch_size":10,"optimizer":"sgd","lr":0.05,"seed":1,"data_seed":0}}`
	var c runs.Config
	if err := json.Unmarshal([]byte(old), &c); err != nil {
		t.Fatal(err)
	}
	m := testmodels.RBM(5, 3, 1, 1)
	s, err := c.Train.Settings(m, 100)
	if err != nil {
		t.Fatal(err)
	}
	if s.Sampler != nil || s.Gradient != nil {
		t.Errorf("an old config gives sampler %T and gradient transform %T, want the defaults", s.Sampler, s.Gradient)
	}
	tc := *c.Train
	tc.Sampler, tc.Replicas, tc.SwapAcceptance, tc.Centering = runs.SamplerPT, 5, 0.4, true
	s, err = tc.Settings(m, 100)
	if err != nil {
		t.Fatal(err)
	}
	pt, ok := s.Sampler.(*tempering.Sampler)
	if !ok || pt.Settings().Replicas != 5 || pt.Settings().SwapAcceptance != 0.4 {
		t.Errorf("sampler %T %+v, want parallel tempering with 5 replicas at acceptance 0.4", s.Sampler, s.Sampler)
	}
	if _, ok := s.Gradient.(*rbm.Centering); !ok {
		t.Errorf("gradient transform %T, want *rbm.Centering", s.Gradient)
	}
	for name, bad := range map[string]runs.TrainConfig{
		"unknown sampler": {Sampler: "hmc"},
		"pt with cd":      {Sampler: runs.SamplerPT, Method: "cd"},
		"one replica":     {Sampler: runs.SamplerPT, Replicas: 1},
	} {
		b := *c.Train
		b.Sampler, b.Replicas = bad.Sampler, bad.Replicas
		if bad.Method != "" {
			b.Method = bad.Method
		}
		if _, err := b.Settings(m, 100); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	b := *c.Train
	b.Centering = true
	if _, err := b.Settings(testmodels.Ising(4, ising.PlusMinus, 1, 1), 100); err == nil {
		t.Error("centering of an ising model accepted")
	}
}

// TestTrajectoryEpoch: with --save-trajectory 4 the epochs 1, 2, 4, 8, 12
// are saved and 3, 5, 6 are not; with 1 every epoch; 0 saves none.
func TestTrajectoryEpoch(t *testing.T) {
	for _, c := range []struct {
		e, every int
		want     bool
	}{{1, 4, true}, {2, 4, true}, {3, 4, false}, {4, 4, true}, {5, 4, false}, {6, 4, false}, {8, 4, true}, {12, 4, true},
		{16, 10, false}, {20, 10, true}, {3, 1, true}, {3, 0, false}, {0, 4, false}} {
		if got := runs.TrajectoryEpoch(c.e, c.every); got != c.want {
			t.Errorf("TrajectoryEpoch(%d, %d) = %v, want %v", c.e, c.every, got, c.want)
		}
	}
}
