package bmdca

import (
	"context"
	"math/rand/v2"
	"testing"

	"boltzmann/model/potts"
)

// BenchmarkUpdate times one bmDCA update at adabmDCA's settings (10,000
// chains, 10 sweeps) for a protein-sized model (L = 53, q = 21, as PF00014)
// with random parameters: sampling, chain statistics, Pearson and the
// parameter step. One op is one update; site-updates/s counts single-site
// Gibbs updates.
func BenchmarkUpdate(b *testing.B) {
	const l, q = 53, 21
	rng := rand.New(rand.NewPCG(1, 2))
	seqs := make([][]uint8, 2000)
	for n := range seqs {
		seqs[n] = make([]uint8, l)
		for i := range seqs[n] {
			seqs[n][i] = uint8(rng.IntN(q))
		}
	}
	tgt := NewTarget(seqs, q, nil, -1)
	m := potts.New(l, q)
	InitIndependent(m, tgt)
	tr, err := New(m, tgt, &Settings{Target: 1, MaxUpdates: 1})
	if err != nil {
		b.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil { // allocate buffers
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		tr.SetLimits(0, tr.Updates()+1)
		if err := tr.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*DefaultChains*DefaultSweeps*l/b.Elapsed().Seconds(), "site-updates/s")
}
