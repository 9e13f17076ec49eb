package bmdca

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"boltzmann/internal/testprocs"
	"boltzmann/model/potts"
	"boltzmann/train"
)

// TestAcrossProcesses: bmDCA of a Potts model with its chains shared among
// 2 and 3 processes (goroutines standing in for an MPI job, through a
// train.BlockReducer) takes the steps of the one-process run without a
// reducer bit for bit: parameters, the Monitor's Pearson, slope and
// PearsonFi of every update, the chains' correlations (ChainCorrelations,
// of every process's chains) and the convergence at the same update; a run
// stopped on 2 processes and resumed on 3 ends the same.
func TestAcrossProcesses(t *testing.T) {
	truth := randomPotts(5, 3, 0.5, 0.7, 51)
	tgt := NewTarget(exactSeqs(t, truth, 600, 52), 3, nil, -1)
	settings := func(updates int) *Settings {
		return &Settings{Chains: 140, Sweeps: 2, LR: 0.2, Target: 0.88, MaxUpdates: updates, Seed: 7}
	}
	newTrainer := func(updates int, red train.Reducer) *train.Trainer {
		m := potts.New(5, 3)
		InitIndependent(m, tgt)
		s := settings(updates)
		s.Reducer = red
		tr, err := New(m, tgt, s)
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	one := newTrainer(40, nil)
	if err := one.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if one.Status() != train.Converged || one.Updates() < 3 {
		t.Fatalf("the one-process run ended %v after %d updates; the test wants it to converge after a few", one.Status(), one.Updates())
	}
	wantC := ChainCorrelations(one, tgt)
	check := func(what string, tr *train.Trainer) {
		t.Helper()
		if tr.Status() != one.Status() || tr.Updates() != one.Updates() {
			t.Errorf("%s: %v after %d updates, want %v after %d", what, tr.Status(), tr.Updates(), one.Status(), one.Updates())
		}
		for k, v := range one.Model().Params() {
			if got := tr.Model().Params()[k]; got != v {
				t.Fatalf("%s: parameter %d is %v, want %v", what, k, got, v)
			}
		}
		h, want := tr.History(), one.History()
		if len(h) != len(want) {
			t.Fatalf("%s: %d records, want %d", what, len(h), len(want))
		}
		for k := range h {
			if h[k].Pearson != want[k].Pearson || h[k].Slope != want[k].Slope || h[k].PearsonFi != want[k].PearsonFi {
				t.Fatalf("%s: record %d %+v, want %+v", what, k, h[k], want[k])
			}
		}
		for k, v := range ChainCorrelations(tr, tgt) {
			if v != wantC[k] {
				t.Fatalf("%s: chain correlation %d is %v, want %v", what, k, v, wantC[k])
			}
		}
	}
	for _, n := range []int{2, 3} {
		var mu sync.Mutex
		testprocs.Run(n, func(p testprocs.Comm) {
			tr := newTrainer(40, &train.BlockReducer{Comm: p})
			err := tr.Run(context.Background())
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("process %d of %d: %v", p.Rank(), n, err)
				return
			}
			check(fmt.Sprintf("process %d of %d", p.Rank(), n), tr)
		})
	}

	// Stopped after 2 updates on 2 processes, resumed on 3.
	var state []byte
	testprocs.Run(2, func(p testprocs.Comm) {
		tr := newTrainer(2, &train.BlockReducer{Comm: p})
		if err := tr.Run(context.Background()); err != nil {
			t.Error(err)
		}
		b, err := tr.MarshalBinary()
		if p.Rank() == 0 {
			state = b
		} else if !errors.Is(err, train.ErrNotRoot) {
			t.Errorf("process 1: MarshalBinary gave %v", err)
		}
	})
	var mu sync.Mutex
	testprocs.Run(3, func(p testprocs.Comm) {
		tr := newTrainer(40, &train.BlockReducer{Comm: p})
		if err := tr.UnmarshalBinary(state); err != nil {
			t.Error(err)
			return
		}
		err := tr.Run(context.Background())
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			t.Error(err)
			return
		}
		check(fmt.Sprintf("resumed on 3, process %d", p.Rank()), tr)
	})
}
