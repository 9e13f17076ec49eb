package bmdca_test

import (
	"context"
	"fmt"
	"strings"

	"boltzmann/bmdca"
	"boltzmann/model/potts"
	"boltzmann/msa"
	"boltzmann/train"
)

// Example fits a Potts model to a small alignment with adabmDCA's settings
// (reweighting at 80% identity, pseudocount 1/Neff) and fewer chains, until
// the model's connected correlations reach a Pearson correlation of 0.9
// with the data's.
func Example() {
	fasta := `>s1
ACDA
>s2
ACDA
>s3
GCDW
>s4
GHKW
>s5
AHKA
>s6
GHKW
>s7
ACKA
>s8
GCDW
`
	a, err := msa.Read(strings.NewReader(fasta), msa.Options{})
	if err != nil {
		panic(err)
	}
	tgt := bmdca.NewTarget(a.Seqs, a.Q(), a.Weights(bmdca.DefaultReweight), -1)
	m := potts.New(a.L(), a.Q())
	m.Alphabet = a.Alphabet.Symbols()
	bmdca.InitIndependent(m, tgt)
	tr, err := bmdca.New(m, tgt, &bmdca.Settings{Chains: 2000, LR: 0.5, Target: 0.9, MaxUpdates: 500, Seed: 1})
	if err != nil {
		panic(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		panic(err)
	}
	fmt.Println("converged:", tr.Status() == train.Converged)
	// Output:
	// converged: true
}
