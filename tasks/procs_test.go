package tasks_test

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/testmodels"
	"boltzmann/internal/testprocs"
	"boltzmann/model/rbm"
	"boltzmann/sample/tempering"
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

// TestSampleAcrossProcessesPT: parallel tempering with its chains shared
// among 2 and 3 processes (the replicas of each PT chain on its process,
// the ladder adapted during burn-in to every process's swap acceptances)
// gives on process 0 the one-process samples bit for bit, and every
// process ends with the one-process ladder and diagnostics.
func TestSampleAcrossProcessesPT(t *testing.T) {
	newModel := func() *rbm.RBM { m := testmodels.RBM(10, 6, 2, 3); m.SetFloat32(true); return m }
	newPT := func() *tempering.Sampler {
		pt, err := tempering.New(tempering.Settings{Replicas: 4, Adapt: 30})
		if err != nil {
			t.Fatal(err)
		}
		return pt
	}
	settings := func(pt *tempering.Sampler) *tasks.SampleSettings {
		return &tasks.SampleSettings{Chains: 70, PerChain: 3, BurnIn: 30, Thin: 2, Seed: 8, Sampler: pt}
	}
	one := newPT()
	want, err := tasks.Sample(newModel(), settings(one))
	if err != nil {
		t.Fatal(err)
	}
	wd := one.Diagnostics()
	if wd.Steps == 0 || wd.RoundTrips == 0 && wd.Acceptance[0] == 0 {
		t.Fatalf("one process: diagnostics %+v count nothing", wd)
	}
	for _, n := range []int{2, 3} {
		got := make([]*tasks.Samples, n)
		errs := make([]error, n)
		pts := make([]*tempering.Sampler, n)
		testprocs.Run(n, func(p testprocs.Comm) {
			pt := newPT()
			s := settings(pt)
			s.Procs = p
			got[p.Rank()], errs[p.Rank()] = tasks.Sample(newModel(), s)
			pts[p.Rank()] = pt
		})
		for k := range n {
			what := fmt.Sprintf("process %d of %d", k, n)
			if errs[k] != nil {
				t.Fatalf("%s: %v", what, errs[k])
			}
			if k == 0 && !mat.Equal(got[0].X, want.X) {
				t.Errorf("%s: samples differ from one process's", what)
			}
			gb, wb := pts[k].Betas(), one.Betas()
			for r := range wb {
				if gb[r] != wb[r] {
					t.Fatalf("%s: ladder %v, one process %v", what, gb, wb)
				}
			}
			gd := pts[k].Diagnostics()
			for p := range wd.Attempts {
				if gd.Attempts[p] != wd.Attempts[p] || gd.Acceptance[p] != wd.Acceptance[p] {
					t.Fatalf("%s: pair %d: %d attempts, acceptance %v; one process %d, %v", what, p,
						gd.Attempts[p], gd.Acceptance[p], wd.Attempts[p], wd.Acceptance[p])
				}
			}
			if gd.RoundTrips != wd.RoundTrips || gd.Steps != wd.Steps {
				t.Fatalf("%s: %d round trips in %d steps, one process %d in %d", what, gd.RoundTrips, gd.Steps, wd.RoundTrips, wd.Steps)
			}
		}
	}
}
