package cmdutil

import (
	"errors"
	"strings"
	"testing"

	"boltzmann/dataset"
	"boltzmann/internal/memory"
	"boltzmann/model"
	_ "boltzmann/model/gaussian"
	_ "boltzmann/model/gbrbm"
	_ "boltzmann/model/ising"
)

// TestParamCount: the count computed from a spec is the length of the
// parameter vector of the model the spec builds, for every kind.
func TestParamCount(t *testing.T) {
	specs := []model.Spec{
		{Kind: "rbm", Visible: 7, Hidden: 3},
		{Kind: "rbm-labeled", Visible: 9, Hidden: 4, Options: map[string]string{"classes": "3"}},
		{Kind: "gbrbm", Visible: 5, Hidden: 2},
		{Kind: "gbrbm", Visible: 5, Hidden: 2, Options: map[string]string{"whitened": "true"}},
		{Kind: "ising", Visible: 6},
		{Kind: "gaussian", Visible: 4},
		{Kind: "potts", Visible: 5, States: 3},
		{Kind: "potts", Visible: 5, Options: map[string]string{"alphabet": "-ACGU"}},
		{Kind: "catrbm", Visible: 4, States: 21, Hidden: 6},
	}
	for _, s := range specs {
		m, err := model.New(s)
		if err != nil {
			t.Fatalf("%+v: %v", s, err)
		}
		if got, want := ParamCount(s), len(m.Params()); got != want {
			t.Errorf("%s: ParamCount %d, model has %d parameters", s.Kind, got, want)
		}
	}
	if got := ParamCount(model.Spec{Kind: "rbm", Visible: 1 << 40, Hidden: 1 << 40}); got != int(^uint(0)>>1) {
		t.Errorf("an overflowing count is %d, not saturated", got)
	}
}

// TestMemoryChecks: impossible sizes are refused, ordinary ones pass, and
// the message is one line with the estimate.
func TestMemoryChecks(t *testing.T) {
	defer memory.SetLimit(0)
	memory.SetLimit(memory.GiB)
	rbm := model.Spec{Kind: "rbm", Visible: 784, Hidden: 500}
	if err := CheckTrainMemory(rbm, 100, 100); err != nil {
		t.Errorf("an MNIST rbm refused under 1 GiB: %v", err)
	}
	err := CheckTrainMemory(model.Spec{Kind: "rbm", Visible: 9, Hidden: 64}, 1000000000, 100)
	var ie InputError
	if !errors.As(err, &ie) || !errors.Is(err, memory.ErrTooLarge) || !strings.Contains(err.Error(), "1000000000 chains") ||
		!strings.Contains(err.Error(), "1.00 GiB are available") || strings.Contains(err.Error(), "\n") {
		t.Errorf("a billion chains: %v", err)
	}
	if err := CheckBuiltinMemory("builtin:ising2d:1024", dataset.ReadOptions{}); err == nil {
		t.Error("8 GB of builtin data accepted under 1 GiB")
	}
	if err := CheckBuiltinMemory("builtin:ising2d:1024", dataset.ReadOptions{Limit: 10}); err != nil {
		t.Errorf("10 rows of ising2d:1024 refused: %v", err)
	}
	if err := CheckBuiltinMemory("x.npy", dataset.ReadOptions{N: 1 << 40}); err != nil {
		t.Errorf("a file checked as builtin: %v", err)
	}
	if err := CheckModelMemory(model.Spec{Kind: "ising", Visible: 1 << 20}, "run"); err == nil {
		t.Error("an ising model of 10^12 couplings accepted")
	}
}
