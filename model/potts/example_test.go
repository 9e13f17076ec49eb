package potts_test

import (
	"fmt"
	"os"
	"strings"

	"boltzmann/model/potts"
	"boltzmann/msa"
	"boltzmann/sample"
)

// A Potts model on an alignment: the data statistics the trainer matches
// (minus AddStats divided by the weight sum are the frequencies), then
// persistent chains advanced by the Gibbs sampler.
func Example() {
	aln, err := msa.Read(strings.NewReader(">a\nACD-\n>b\nACE-\n>c\nWCD-\n"), msa.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	m := potts.New(aln.L(), aln.Q())
	m.Alphabet = aln.Alphabet.Symbols()

	w := aln.Weights(0.8)
	sum := make([]float64, len(m.Params()))
	m.AddStats(aln.Codes(), w, sum)
	fmt.Printf("f_0(A) = %.2f\n", -sum[0*21+1]/msa.Neff(w))

	c := sample.NewChains(1000, m.L(), 1)
	c.SetVisible(aln.Codes())
	var g potts.Gibbs // reuse across training steps
	g.Step(m, c, 10)  // 10 sweeps of all 1000 chains
	fmt.Println(c.Len(), "chains of length", c.Dim())
	// Output:
	// f_0(A) = 0.67
	// 1000 chains of length 4
}

func ExampleModel_WriteAdabmDCA() {
	m := potts.New(2, 3)
	m.Alphabet = "-AU"
	m.SetField(0, 1, 0.5)
	m.SetCoupling(0, 1, 1, 2, -1.25)
	_ = m.WriteAdabmDCA(os.Stdout)
	// Output:
	// J 0 1 - - 0
	// J 0 1 - A 0
	// J 0 1 - U 0
	// J 0 1 A - 0
	// J 0 1 A A 0
	// J 0 1 A U -1.25
	// J 0 1 U - 0
	// J 0 1 U A 0
	// J 0 1 U U 0
	// h 0 - 0
	// h 0 A 0.5
	// h 0 U 0
	// h 1 - 0
	// h 1 A 0
	// h 1 U 0
}

func ExampleContacts() {
	m := potts.New(6, 3)
	m.SetCoupling(1, 4, 1, 1, 2) // one strong coupling; its zero-sum norm without the gap is 10/9
	m.SetCoupling(0, 2, 2, 1, 0.3)
	pairs := potts.Contacts(m, potts.ContactOptions{MinSeparation: 2})
	fmt.Printf("top pair (%d, %d), Frobenius norm %.3f\n", pairs[0].I, pairs[0].J, pairs[0].Frobenius)
	// Output:
	// top pair (1, 4), Frobenius norm 1.111
}
