package ais_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/ais"
	"boltzmann/exact"
	"boltzmann/internal/testmodels"
	"boltzmann/internal/testprocs"
	"boltzmann/model"
	"boltzmann/model/ising"
)

// TestEvaluateAcrossProcesses: Evaluate with its runs shared among 2 and 3
// processes (goroutines standing in for an MPI job) returns, on every
// process, the one-process report bit for bit: log-weights of every run
// in order, log Z of both directions, for an RBM (its float32 annealing
// kernel) and an Ising model (the site path). Process 0 alone holds the
// final states, equal to the one-process ones. Too few runs for the
// processes are refused.
func TestEvaluateAcrossProcesses(t *testing.T) {
	for _, c := range []struct {
		name string
		make func() model.Model
	}{
		{"rbm", func() model.Model { m := testmodels.RBM(10, 8, 0.8, 4); m.SetFloat32(true); return m }},
		{"ising", func() model.Model { return testmodels.Ising(9, ising.PlusMinus, 0.5, 2) }},
	} {
		m := c.make()
		samp, err := exact.NewSampler(m.(model.Discrete))
		if err != nil {
			t.Fatal(err)
		}
		data := mat.NewDense(90, m.Dim(), nil)
		samp.Draw(rand.New(rand.NewPCG(4, 9)), data)
		s := ais.EvaluateSettings{Runs: 70, Schedule: ais.SalakhutdinovMurray(50), Seed: 3, Margin: 1}
		want, err := ais.Evaluate(m, data, &s)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{2, 3} {
			reps := make([]ais.Report, n)
			errs := make([]error, n)
			testprocs.Run(n, func(p testprocs.Comm) {
				ps := s
				ps.Procs = p
				reps[p.Rank()], errs[p.Rank()] = ais.Evaluate(c.make(), data, &ps)
			})
			for k, rep := range reps {
				what := fmt.Sprintf("%s, process %d of %d", c.name, k, n)
				if errs[k] != nil {
					t.Fatalf("%s: %v", what, errs[k])
				}
				same(t, what+" forward", rep.Forward.LogWeights, want.Forward.LogWeights)
				same(t, what+" reverse", rep.Reverse.LogWeights, want.Reverse.LogWeights)
				if rep.LogZ != want.LogZ || rep.ReverseLogZ != want.ReverseLogZ || rep.LogZStdErr != want.LogZStdErr ||
					rep.Disagree != want.Disagree || rep.LogLikelihood != want.LogLikelihood {
					t.Errorf("%s: report %+v, want %+v", what, rep, want)
				}
				if k == 0 {
					same(t, what+" final states", rep.Forward.Final.RawMatrix().Data, want.Forward.Final.RawMatrix().Data)
				} else if rep.Forward.Final != nil {
					t.Errorf("%s holds final states", what)
				}
			}
		}
	}
	m := testmodels.RBM(10, 8, 0.8, 4)
	errs := make([]error, 3)
	testprocs.Run(3, func(p testprocs.Comm) {
		_, errs[p.Rank()] = ais.Forward(ais.NewRBMPath(m, make([]float64, 10)), &ais.Settings{Runs: 32, Schedule: ais.Linear(10), Procs: p})
	})
	for k, err := range errs {
		if err == nil {
			t.Errorf("process %d: 32 runs (2 blocks) shared among 3 processes refused nothing", k)
		}
	}
}

func same(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] && !(math.IsNaN(got[i]) && math.IsNaN(want[i])) {
			t.Fatalf("%s: value %d is %v, want %v", what, i, got[i], want[i])
		}
	}
}
