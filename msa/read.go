// Package msa reads multiple sequence alignments (FASTA and A2M) and computes
// the statistics that direct coupling analysis (DCA) fits: sequence weights,
// the effective number of sequences, and one- and two-site frequencies and
// connected correlations.
//
// Sequences are stored as integer codes 0, …, q-1 of an Alphabet; the
// built-in Protein alphabet has q = 21 with the gap as code 0, the order of
// adabmDCA 2.0 and bmDCA.
//
// # File format
//
// A record is a header line starting with '>' followed by one or more
// sequence lines. Headers are kept verbatim (without the '>'). Blank lines,
// spaces, tabs, a trailing '\r' (CRLF files) and lines starting with ';' are
// ignored. Uppercase letters and '-' are aligned columns. As in A2M, the
// lowercase letters and '.' are insert columns (residues, or gaps, that the
// alignment does not align) and are dropped, unless Options.KeepInserts is
// set. Every record must have the same number of aligned columns.
package msa

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// Options controls how Read parses an alignment. The zero value reads a
// protein alignment.
type Options struct {
	// Alphabet maps symbols to codes; nil means Protein.
	Alphabet *Alphabet
	// StrictAmbiguous makes an ambiguous letter (for proteins B, Z, X, J,
	// O, U) an error. By default such letters are replaced by the gap, as
	// bmDCA does; the alphabet must then contain '-'.
	StrictAmbiguous bool
	// KeepInserts keeps A2M insert columns instead of dropping them:
	// lowercase letters are read as their uppercase symbol and '.' as the
	// gap. Use it for plain FASTA files written in lowercase.
	KeepInserts bool
}

// Alignment is a multiple sequence alignment of N sequences of L aligned
// columns.
type Alignment struct {
	// Names holds the header of each sequence, without the leading '>'.
	Names []string
	// Seqs holds the codes of each sequence (N × L), values in
	// [0, Alphabet.Q()).
	Seqs [][]uint8
	// Alphabet is the alphabet the codes refer to.
	Alphabet *Alphabet
}

// N is the number of sequences.
func (a *Alignment) N() int { return len(a.Seqs) }

// L is the number of aligned columns (0 for an empty alignment).
func (a *Alignment) L() int {
	if len(a.Seqs) == 0 {
		return 0
	}
	return len(a.Seqs[0])
}

// Q is the number of states of the alignment's alphabet.
func (a *Alignment) Q() int { return a.Alphabet.Q() }

// ErrEmpty is returned by Read for input with no sequence record.
var ErrEmpty = errors.New("msa: no sequence records (a FASTA record starts with a '>' header line)")

// ParseError reports a malformed line of an alignment file.
type ParseError struct {
	Line   int    // 1-based line number
	Record string // header of the record being read, if any
	Msg    string // what is wrong and how to fix it
}

func (e *ParseError) Error() string {
	if e.Record != "" {
		return fmt.Sprintf("msa: line %d (record %q): %s", e.Line, e.Record, e.Msg)
	}
	return fmt.Sprintf("msa: line %d: %s", e.Line, e.Msg)
}

// ReadFile reads the FASTA or A2M alignment in the named file.
func ReadFile(name string, opt Options) (*Alignment, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("msa: %w", err)
	}
	defer f.Close()
	a, err := Read(f, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return a, nil
}

// Read reads a FASTA or A2M alignment from r (see the package documentation
// for the format). Errors name the offending line and record.
func Read(r io.Reader, opt Options) (*Alignment, error) {
	alpha := opt.Alphabet
	if alpha == nil {
		alpha = Protein
	}
	gap, hasGap := alpha.Gap()
	p := &parser{alpha: alpha, opt: opt, gap: gap, hasGap: hasGap}
	br := bufio.NewReaderSize(r, 64<<10)
	lineNo := 0
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			lineNo++
			if perr := p.line(line, lineNo); perr != nil {
				return nil, perr
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("msa: reading line %d: %w", lineNo+1, err)
		}
	}
	if err := p.finish(); err != nil {
		return nil, err
	}
	if len(p.aln.Seqs) == 0 {
		return nil, ErrEmpty
	}
	p.aln.Alphabet = alpha
	return &p.aln, nil
}

type parser struct {
	alpha  *Alphabet
	opt    Options
	gap    uint8
	hasGap bool

	aln      Alignment
	cur      []uint8 // codes of the record being read
	inRecord bool
	header   int // line of the current header
	first    int // line of the first record's header
}

func (p *parser) line(line []byte, no int) error {
	line = bytes.TrimRight(line, "\r\n")
	if len(line) > 0 && line[0] == '>' {
		if err := p.finish(); err != nil {
			return err
		}
		p.aln.Names = append(p.aln.Names, string(bytes.TrimSpace(line[1:])))
		p.inRecord = true
		p.header = no
		p.cur = make([]uint8, 0, max(p.aln.L(), 16))
		return nil
	}
	if len(bytes.TrimSpace(line)) == 0 || line[0] == ';' {
		return nil
	}
	if !p.inRecord {
		return &ParseError{Line: no, Msg: "sequence data before the first '>' header line; every FASTA record starts with a line \">name\""}
	}
	for col, c := range line {
		if err := p.symbol(c, no, col+1); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) symbol(c byte, no, col int) error {
	if k, ok := p.alpha.Code(c); ok {
		p.cur = append(p.cur, k)
		return nil
	}
	switch {
	case c == ' ' || c == '\t':
		return nil
	case c == '.' || ('a' <= c && c <= 'z'):
		if !p.opt.KeepInserts {
			return nil // A2M insert column
		}
		if c == '.' {
			c = '-'
		} else {
			c -= 'a' - 'A'
		}
		if k, ok := p.alpha.Code(c); ok {
			p.cur = append(p.cur, k)
			return nil
		}
	}
	rec := p.aln.Names[len(p.aln.Names)-1]
	if p.alpha.ambiguousLetter(c) {
		if p.opt.StrictAmbiguous {
			return &ParseError{Line: no, Record: rec, Msg: fmt.Sprintf(
				"column %d: ambiguous symbol %q; unset Options.StrictAmbiguous to read it as the gap '-', or remove the sequence", col, c)}
		}
		if p.hasGap {
			p.cur = append(p.cur, p.gap)
			return nil
		}
	}
	return &ParseError{Line: no, Record: rec, Msg: fmt.Sprintf(
		"column %d: symbol %q is not in the alphabet %q; fix the file or choose the matching alphabet (Options.Alphabet: Protein, RNA, DNA or Custom)",
		col, c, p.alpha.Symbols())}
}

// finish closes the record being read, checking its length.
func (p *parser) finish() error {
	if !p.inRecord {
		return nil
	}
	p.inRecord = false
	name := p.aln.Names[len(p.aln.Names)-1]
	if len(p.cur) == 0 {
		return &ParseError{Line: p.header, Record: name, Msg: "record has no aligned columns (an empty sequence, or only lowercase insert letters)"}
	}
	if len(p.aln.Seqs) == 0 {
		p.first = p.header
	} else if want := len(p.aln.Seqs[0]); len(p.cur) != want {
		return &ParseError{Line: p.header, Record: name, Msg: fmt.Sprintf(
			"record has %d aligned columns but the first record %q (line %d) has %d; all sequences must be aligned to the same length (lowercase letters and '.' are A2M insert columns and are not counted)",
			len(p.cur), p.aln.Names[0], p.first, want)}
	}
	p.aln.Seqs = append(p.aln.Seqs, p.cur)
	p.cur = nil
	return nil
}
