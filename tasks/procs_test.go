package tasks_test

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/testmodels"
	"boltzmann/internal/testprocs"
	"boltzmann/model/rbm"
	"boltzmann/tasks"
)

// TestSampleAcrossProcesses: fantasy samples with the chains shared among
// 2 and 3 processes (goroutines standing in for an MPI job), with
// annealed burn-in, thinning and a clamp of 3 rows (whose row of a chain
// depends on its global index), are on process 0 the one-process samples
// and free energies bit for bit; the other processes get nil.
func TestSampleAcrossProcesses(t *testing.T) {
	clamp := mat.NewDense(3, 10, nil)
	for r := range 3 {
		for i := range 10 {
			clamp.Set(r, i, math.NaN())
		}
		clamp.Set(r, r, 1)
		clamp.Set(r, 9-r, 0)
	}
	settings := func() *tasks.SampleSettings {
		return &tasks.SampleSettings{Chains: 70, PerChain: 3, BurnIn: 20, Thin: 2, AnnealFrom: 2, Seed: 5, Clamp: clamp}
	}
	newModel := func() *rbm.RBM { m := testmodels.RBM(10, 6, 1, 3); m.SetFloat32(true); return m }
	want, err := tasks.Sample(newModel(), settings())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{2, 3} {
		got := make([]*tasks.Samples, n)
		errs := make([]error, n)
		testprocs.Run(n, func(p testprocs.Comm) {
			s := settings()
			s.Procs = p
			got[p.Rank()], errs[p.Rank()] = tasks.Sample(newModel(), s)
		})
		for k := range n {
			what := fmt.Sprintf("process %d of %d", k, n)
			if errs[k] != nil {
				t.Fatalf("%s: %v", what, errs[k])
			}
			if k > 0 {
				if got[k] != nil {
					t.Errorf("%s returned samples", what)
				}
				continue
			}
			g := got[0]
			if !mat.Equal(g.X, want.X) {
				t.Errorf("%s: samples differ from one process's", what)
			}
			if len(g.FreeEnergy) != len(want.FreeEnergy) {
				t.Fatalf("%s: %d free-energy series, want %d", what, len(g.FreeEnergy), len(want.FreeEnergy))
			}
			for c := range g.FreeEnergy {
				for i := range g.FreeEnergy[c] {
					if g.FreeEnergy[c][i] != want.FreeEnergy[c][i] {
						t.Fatalf("%s: free energy %d of chain %d is %v, want %v", what, i, c, g.FreeEnergy[c][i], want.FreeEnergy[c][i])
					}
				}
			}
			if g.Tau != want.Tau && !(math.IsNaN(g.Tau) && math.IsNaN(want.Tau)) || g.ESS != want.ESS && !math.IsNaN(want.ESS) {
				t.Errorf("%s: tau %v, ESS %v, want %v, %v", what, g.Tau, g.ESS, want.Tau, want.ESS)
			}
		}
	}
}
