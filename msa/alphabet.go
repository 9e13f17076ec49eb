package msa

import (
	"fmt"
	"strings"
)

// Alphabet maps the symbols of an alignment to integer codes 0, …, Q()-1 in
// the order of its symbol string. The gap '-' comes first in the built-in
// alphabets, so that gap = 0 as in adabmDCA and bmDCA.
//
// An Alphabet is immutable and safe for concurrent use.
type Alphabet struct {
	symbols   string
	code      [256]int16 // code of each byte, -1 if not a symbol
	ambiguous string     // letters mapped to the gap unless Options.StrictAmbiguous
}

var (
	// Protein is the 21-state amino-acid alphabet "-ACDEFGHIKLMNPQRSTVWY"
	// (gap = 0, then the amino acids in alphabetical order of their
	// one-letter codes), the order used by adabmDCA 2.0 and bmDCA. The
	// ambiguous or non-standard letters B, Z, X, J, O and U are mapped to
	// the gap unless Options.StrictAmbiguous is set.
	Protein = mustAlphabet("-ACDEFGHIKLMNPQRSTVWY", "BZXJOU")
	// RNA is the alphabet "-ACGU"; the IUPAC ambiguity letters
	// N, R, Y, K, M, S, W, B, D, H, V are treated as ambiguous.
	RNA = mustAlphabet("-ACGU", "NRYKMSWBDHV")
	// DNA is the alphabet "-ACGT", with the same ambiguous letters as RNA.
	DNA = mustAlphabet("-ACGT", "NRYKMSWBDHV")
)

func mustAlphabet(symbols, ambiguous string) *Alphabet {
	a, err := newAlphabet(symbols, ambiguous)
	if err != nil {
		panic(err)
	}
	return a
}

// Custom returns the alphabet whose codes 0, 1, … are the bytes of symbols in
// order. Symbols must be distinct printable ASCII characters other than '>'
// and ';' (at most 255 of them). A custom alphabet has no ambiguous letters:
// a symbol outside it is always an error. Include '-' to allow gaps.
func Custom(symbols string) (*Alphabet, error) {
	return newAlphabet(symbols, "")
}

func newAlphabet(symbols, ambiguous string) (*Alphabet, error) {
	if len(symbols) == 0 || len(symbols) > 255 {
		return nil, fmt.Errorf("msa: alphabet %q must have between 1 and 255 symbols", symbols)
	}
	a := &Alphabet{symbols: symbols, ambiguous: ambiguous}
	for i := range a.code {
		a.code[i] = -1
	}
	for i := 0; i < len(symbols); i++ {
		c := symbols[i]
		if c <= ' ' || c >= 0x7f || c == '>' || c == ';' {
			return nil, fmt.Errorf("msa: alphabet %q: symbol %q is not a printable ASCII character other than '>' and ';'", symbols, c)
		}
		if a.code[c] >= 0 {
			return nil, fmt.Errorf("msa: alphabet %q: symbol %q appears twice", symbols, c)
		}
		a.code[c] = int16(i)
	}
	return a, nil
}

// Symbols returns the alphabet's symbols in code order.
func (a *Alphabet) Symbols() string { return a.symbols }

// Q is the number of states (symbols).
func (a *Alphabet) Q() int { return len(a.symbols) }

// Code returns the code of symbol c and whether c belongs to the alphabet.
func (a *Alphabet) Code(c byte) (uint8, bool) {
	k := a.code[c]
	return uint8(k), k >= 0
}

// Symbol returns the symbol of code k. It panics if k >= Q().
func (a *Alphabet) Symbol(k uint8) byte {
	if int(k) >= len(a.symbols) {
		panic(fmt.Sprintf("msa: code %d out of range for alphabet %q", k, a.symbols))
	}
	return a.symbols[k]
}

// Gap returns the code of the gap symbol '-' and whether the alphabet has
// one.
func (a *Alphabet) Gap() (uint8, bool) { return a.Code('-') }

// ambiguousLetter reports whether c is one of the alphabet's ambiguous
// letters.
func (a *Alphabet) ambiguousLetter(c byte) bool {
	return a.ambiguous != "" && strings.IndexByte(a.ambiguous, c) >= 0
}

// ByName returns the built-in alphabet called "protein", "rna" or "dna"
// (case-insensitive; "" means protein), the built-in alphabet whose symbols
// are name, or else the custom alphabet whose symbols are name.
func ByName(name string) (*Alphabet, error) {
	switch strings.ToLower(name) {
	case "protein", "":
		return Protein, nil
	case "rna":
		return RNA, nil
	case "dna":
		return DNA, nil
	}
	for _, a := range []*Alphabet{Protein, RNA, DNA} {
		if name == a.symbols {
			return a, nil
		}
	}
	return Custom(name)
}
