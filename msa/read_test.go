package msa

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		opt   Options
		names []string
		seqs  []string // expected, written back with the alphabet
	}{
		{"single-line", ">a\nACD-\n>b\nY-WC\n", Options{}, []string{"a", "b"}, []string{"ACD-", "Y-WC"}},
		{"multi-line records", ">a desc\nAC\nD-\n>b\nY\n-W\nC\n", Options{}, []string{"a desc", "b"}, []string{"ACD-", "Y-WC"}},
		{"CRLF", ">a\r\nACD-\r\n>b\r\nY-WC\r\n", Options{}, []string{"a", "b"}, []string{"ACD-", "Y-WC"}},
		{"no final newline", ">a\nACD-\n>b\nY-WC", Options{}, []string{"a", "b"}, []string{"ACD-", "Y-WC"}},
		{"blank lines comments spaces", "\n; comment\n>a\nAC D-\n\n>b\n\tY-WC \n", Options{}, []string{"a", "b"}, []string{"ACD-", "Y-WC"}},
		{"A2M inserts dropped", ">a\nACkkD-\n>b\nY..-WC\n", Options{}, []string{"a", "b"}, []string{"ACD-", "Y-WC"}},
		{"A2M inserts kept", ">a\nACkD-\n>b\nY.-WC\n", Options{KeepInserts: true}, []string{"a", "b"}, []string{"ACKD-", "Y--WC"}},
		{"ambiguous to gap", ">a\nAXBZ\n>b\nJOUC\n", Options{}, []string{"a", "b"}, []string{"A---", "---C"}},
		{"RNA", ">r\nACGU-\n>s\nNNACG\n", Options{Alphabet: RNA}, []string{"r", "s"}, []string{"ACGU-", "--ACG"}},
		{"DNA", ">r\nACGT-\n", Options{Alphabet: DNA}, []string{"r"}, []string{"ACGT-"}},
		{"empty header", ">\nAC\n", Options{}, []string{""}, []string{"AC"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Read(strings.NewReader(tt.in), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(a.Names, "|") != strings.Join(tt.names, "|") {
				t.Errorf("names %q, want %q", a.Names, tt.names)
			}
			var got []string
			for _, s := range a.Seqs {
				b := make([]byte, len(s))
				for i, c := range s {
					b[i] = a.Alphabet.Symbol(c)
				}
				got = append(got, string(b))
			}
			if strings.Join(got, "|") != strings.Join(tt.seqs, "|") {
				t.Errorf("seqs %q, want %q", got, tt.seqs)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	custom, err := Custom("01")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   string
		opt  Options
		line int      // 0: no ParseError expected
		want []string // substrings of the message
	}{
		{"empty file", "", Options{}, 0, []string{"no sequence records"}},
		{"only blank lines", "\n\n", Options{}, 0, []string{"no sequence records"}},
		{"data before header", "ACD\n>a\nACD\n", Options{}, 1, []string{"before the first '>'"}},
		{"unequal lengths", ">a\nACD\n>b\nAC\nD\n>c\nAC\n", Options{}, 6, []string{`record "c"`, "2 aligned columns", `first record "a" (line 1) has 3`}},
		{"invalid symbol", ">a\nACD\n>b\nA\nC1\n", Options{}, 5, []string{`record "b"`, "column 2", `'1'`, "Options.Alphabet"}},
		{"stop codon", ">a\nACD*\n", Options{}, 2, []string{`'*'`}},
		{"strict ambiguous", ">a\nACD\n>b\nAXD\n", Options{StrictAmbiguous: true}, 4, []string{"ambiguous symbol 'X'", "StrictAmbiguous"}},
		{"no gap for ambiguous", ">a\n01\n>b\nX1\n", Options{Alphabet: custom}, 4, []string{`'X'`, `alphabet "01"`}},
		{"empty record", ">a\nACD\n>b\n>c\nACD\n", Options{}, 3, []string{`record "b"`, "no aligned columns"}},
		{"only inserts", ">a\nacd\n", Options{}, 1, []string{"no aligned columns"}},
		{"protein in DNA", ">a\nACGT\n>b\nACGE\n", Options{Alphabet: DNA}, 4, []string{`'E'`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.in), tt.opt)
			if err == nil {
				t.Fatal("no error")
			}
			var pe *ParseError
			if tt.line == 0 {
				if !errors.Is(err, ErrEmpty) {
					t.Errorf("error %v, want ErrEmpty", err)
				}
			} else if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			} else if pe.Line != tt.line {
				t.Errorf("line %d, want %d (%v)", pe.Line, tt.line, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestCustomAlphabet(t *testing.T) {
	for _, bad := range []string{"", "AA", "A>", "a b"} {
		if _, err := Custom(bad); err == nil {
			t.Errorf("Custom(%q) did not fail", bad)
		}
	}
	a, err := ByName("-ab")
	if err != nil {
		t.Fatal(err)
	}
	aln, err := Read(strings.NewReader(">x\nab-\n"), Options{Alphabet: a})
	if err != nil {
		t.Fatal(err)
	}
	if got := aln.Seqs[0]; got[0] != 1 || got[1] != 2 || got[2] != 0 {
		t.Errorf("codes %v, want [1 2 0] (lowercase symbols of the alphabet are not inserts)", got)
	}
	for name, want := range map[string]*Alphabet{"protein": Protein, "RNA": RNA, "dna": DNA, "-ACGU": RNA} {
		if got, _ := ByName(name); got != want {
			t.Errorf("ByName(%q) = %q", name, got.Symbols())
		}
	}
}

func TestWriteFASTARoundTrip(t *testing.T) {
	in := ">a\nACD-\n>b\nY-WC\n"
	a, err := Read(strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteFASTA(&buf, a.Names, a.Seqs, a.Alphabet); err != nil {
		t.Fatal(err)
	}
	if buf.String() != in {
		t.Errorf("wrote %q, want %q", buf.String(), in)
	}
	buf.Reset()
	if err := WriteFASTA(&buf, nil, a.Seqs[:1], a.Alphabet); err != nil {
		t.Fatal(err)
	}
	if buf.String() != ">seq_0\nACD-\n" {
		t.Errorf("default names: wrote %q", buf.String())
	}
}

// FuzzRead checks that Read never panics, and that whatever it accepts is
// rectangular, within the alphabet and survives a WriteFASTA round trip.
// Seeds are in testdata/fuzz/FuzzRead.
func FuzzRead(f *testing.F) {
	f.Add([]byte(">a\nACD-\n>b\nY-WC\n"), false, false)
	f.Add([]byte(">a\r\nAC..kD-\r\n>b\nYX-WC"), true, true)
	f.Fuzz(func(t *testing.T, data []byte, strict, keep bool) {
		a, err := Read(bytes.NewReader(data), Options{StrictAmbiguous: strict, KeepInserts: keep})
		if err != nil {
			return
		}
		if len(a.Names) != len(a.Seqs) || a.N() == 0 || a.L() == 0 {
			t.Fatalf("%d names, %d seqs, L = %d", len(a.Names), len(a.Seqs), a.L())
		}
		for _, s := range a.Seqs {
			if len(s) != a.L() {
				t.Fatal("ragged alignment")
			}
			for _, c := range s {
				if int(c) >= a.Q() {
					t.Fatalf("code %d", c)
				}
			}
		}
		for i := range a.Names {
			// Headers with line breaks cannot be written back.
			a.Names[i] = strings.Map(func(r rune) rune {
				if r == '\n' || r == '\r' {
					return ' '
				}
				return r
			}, a.Names[i])
			a.Names[i] = strings.TrimSpace(a.Names[i])
		}
		var buf bytes.Buffer
		if err := WriteFASTA(&buf, a.Names, a.Seqs, a.Alphabet); err != nil {
			t.Fatal(err)
		}
		b, err := Read(&buf, Options{})
		if err != nil {
			t.Fatalf("re-reading written alignment: %v", err)
		}
		for n := range a.Seqs {
			if !bytes.Equal(a.Seqs[n], b.Seqs[n]) || a.Names[n] != b.Names[n] {
				t.Fatalf("record %d changed in round trip", n)
			}
		}
	})
}
