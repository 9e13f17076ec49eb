package msa_test

import (
	"fmt"
	"os"
	"strings"

	"boltzmann/msa"
)

func Example() {
	const fasta = `>seq1 first
ACDE-
>seq2 with an A2M insert
ACkDE-
>seq3
AXWE-
`
	a, err := msa.Read(strings.NewReader(fasta), msa.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.N(), "sequences of", a.L(), "columns, q =", a.Q())
	fmt.Println("codes of seq3 (X read as the gap):", a.Seqs[2])
	w := a.Weights(0.8) // seq1 and seq2 are identical
	fmt.Printf("weights %.2f, Neff %.1f\n", w, msa.Neff(w))
	fi, _ := a.Frequencies(w, 0)
	fmt.Printf("f_1(C) = %.2f\n", fi.At(1, 2))
	_ = msa.WriteFASTA(os.Stdout, a.Names[:1], a.Seqs[:1], a.Alphabet)
	// Output:
	// 3 sequences of 5 columns, q = 21
	// codes of seq3 (X read as the gap): [1 0 19 4 0]
	// weights [0.50 0.50 1.00], Neff 2.0
	// f_1(C) = 0.50
	// >seq1 first
	// ACDE-
}

func ExampleRead_error() {
	_, err := msa.Read(strings.NewReader(">a\nACDE\n>b\nAC\n"), msa.Options{})
	fmt.Println(err)
	// Output:
	// msa: line 3 (record "b"): record has 2 aligned columns but the first record "a" (line 1) has 4; all sequences must be aligned to the same length (lowercase letters and '.' are A2M insert columns and are not counted)
}
