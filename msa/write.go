package msa

import (
	"bufio"
	"fmt"
	"io"
)

// WriteFASTA writes sequences of codes as FASTA records, one line per
// sequence, with headers names (nil or short: "seq_<index>" is used for the
// missing ones) and symbols from alphabet.
func WriteFASTA(w io.Writer, names []string, seqs [][]uint8, alphabet *Alphabet) error {
	bw := bufio.NewWriter(w)
	line := []byte(nil)
	for n, s := range seqs {
		name := fmt.Sprintf("seq_%d", n)
		if n < len(names) {
			name = names[n]
		}
		line = append(line[:0], '>')
		line = append(line, name...)
		line = append(line, '\n')
		for _, c := range s {
			line = append(line, alphabet.Symbol(c))
		}
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return fmt.Errorf("msa: writing FASTA: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("msa: writing FASTA: %w", err)
	}
	return nil
}
