package msa

import (
	"encoding/binary"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/parallel"
)

// Weights returns the reweighting of each sequence that corrects for
// phylogenetic redundancy (Morcos et al. 2011; adabmDCA uses identity 0.8):
//
//	w_n = 1 / #{m : identity(n, m) >= threshold},
//
// where identity(n, m) is the fraction of the L columns at which sequences n
// and m have the same code (gaps count as a symbol) and the count includes n
// itself, so 0 < w_n <= 1. A threshold above 1 gives every sequence weight 1.
//
// The all-pairs comparison compares 8 codes per machine word and runs on all
// cores; the result does not depend on the number of cores.
func (a *Alignment) Weights(threshold float64) []float64 {
	n, l := a.N(), a.L()
	w := make([]float64, n)
	if threshold > 1 {
		for i := range w {
			w[i] = 1
		}
		return w
	}
	// identity >= threshold  ⇔  matches >= minMatch.
	minMatch := int(math.Ceil(threshold*float64(l) - 1e-9))
	minMatch = max(minMatch, 0)

	// Pack each sequence into words of 8 codes. The zero padding of the
	// last word matches in every pair, so it is added to the bound.
	words := (l + 7) / 8
	pad := words*8 - l
	packed := make([]uint64, n*words)
	buf := make([]byte, words*8)
	for s, seq := range a.Seqs {
		clear(buf)
		copy(buf, seq)
		for k := range words {
			packed[s*words+k] = binary.LittleEndian.Uint64(buf[8*k:])
		}
	}
	budget := words*8 - (minMatch + pad) // mismatches allowed

	// Pieces take rows cyclically so that the triangle m > s is balanced;
	// each piece counts neighbours in its own array, summed at the end
	// (integer counts, so the result is exact whatever the order).
	pieces := min(n, 64)
	counts := make([][]int32, pieces)
	parallel.For(pieces, func(p int) {
		c := make([]int32, n)
		for s := p; s < n; s += pieces {
			x := packed[s*words : (s+1)*words]
			c[s]++ // identity with itself
			for m := s + 1; m < n; m++ {
				y := packed[m*words : (m+1)*words : (m+1)*words]
				// Stop at the first word where the mismatches exceed the
				// budget: most pairs are far apart.
				miss := 0
				for k, xk := range x[:len(y)] {
					miss += 8 - zeroBytes(xk^y[k])
					if miss > budget {
						break
					}
				}
				if miss <= budget {
					c[s]++
					c[m]++
				}
			}
		}
		counts[p] = c
	})
	for s := range w {
		var total int32
		for _, c := range counts {
			total += c[s]
		}
		w[s] = 1 / float64(total)
	}
	return w
}

// zeroBytes counts the zero bytes of v.
func zeroBytes(v uint64) int {
	const lo7 = 0x7f7f7f7f7f7f7f7f
	t := (v & lo7) + lo7 // high bit of each byte set iff its low 7 bits are nonzero
	t = ^(t | v | lo7)   // high bit set iff the whole byte is zero
	// Sum the flags (one per byte, 0 or 1) with a multiplication.
	return int(((t >> 7) * 0x0101010101010101) >> 56)
}

// Neff is the effective number of sequences, the sum of the weights.
func Neff(weights []float64) float64 {
	s := 0.0
	for _, w := range weights {
		s += w
	}
	return s
}

// Frequencies returns the weighted one- and two-site frequencies of the
// alignment with pseudocount λ; see Frequencies.
func (a *Alignment) Frequencies(weights []float64, pseudocount float64) (fi, fij *mat.Dense) {
	return Frequencies(a.Seqs, a.Q(), weights, pseudocount)
}

// Frequencies returns the one-site frequencies fi (L × q, fi[i, a] = f_i(a))
// and two-site frequencies fij (L·q × L·q, fij[i·q+a, j·q+b] = f_ij(a, b)) of
// the sequences seqs (codes in [0, q)), each sequence counted with its
// weight (nil: weight 1), normalised by the sum of the weights. The
// pseudocount λ in [0, 1] mixes in the uniform distribution, as adabmDCA and
// bmDCA do:
//
//	f_i(a)    = (1-λ) f_i^data(a)    + λ/q,
//	f_ij(a,b) = (1-λ) f_ij^data(a,b) + λ/q²   (i ≠ j),
//
// and the diagonal blocks are f_ii(a, b) = δ_ab f_i(a), so that
// fij - fi fiᵀ is a covariance matrix.
func Frequencies(seqs [][]uint8, q int, weights []float64, pseudocount float64) (fi, fij *mat.Dense) {
	if len(seqs) == 0 {
		panic("msa: Frequencies of no sequences")
	}
	if weights != nil && len(weights) != len(seqs) {
		panic(fmt.Sprintf("msa: %d weights for %d sequences", len(weights), len(seqs)))
	}
	if pseudocount < 0 || pseudocount > 1 {
		panic(fmt.Sprintf("msa: pseudocount %g outside [0, 1]", pseudocount))
	}
	l := len(seqs[0])
	lq := l * q
	total := 0.0
	for n := range seqs {
		total += weight(weights, n)
	}
	fiv := make([]float64, lq)
	fijv := make([]float64, lq*lq)
	// Site i owns rows i·q … i·q+q-1 of fij.
	parallel.For(l, func(i int) {
		for n, s := range seqs {
			w := weight(weights, n)
			if len(s) != l {
				panic(fmt.Sprintf("msa: sequence %d has length %d, want %d", n, len(s), l))
			}
			if int(s[i]) >= q {
				panic(fmt.Sprintf("msa: code %d at sequence %d, site %d is not below q = %d", s[i], n, i, q))
			}
			fiv[i*q+int(s[i])] += w
			row := fijv[(i*q+int(s[i]))*lq:]
			for j, b := range s {
				if j != i {
					row[j*q+int(b)] += w
				}
			}
		}
		scale := (1 - pseudocount) / total
		for a := range q {
			fiv[i*q+a] = scale*fiv[i*q+a] + pseudocount/float64(q)
		}
		for a := range q {
			row := fijv[(i*q+a)*lq : (i*q+a+1)*lq]
			for j := range l {
				for b := range q {
					switch {
					case j != i:
						row[j*q+b] = scale*row[j*q+b] + pseudocount/float64(q*q)
					case a == b:
						row[j*q+b] = fiv[i*q+a]
					}
				}
			}
		}
	})
	return mat.NewDense(l, q, fiv), mat.NewDense(lq, lq, fijv)
}

func weight(w []float64, n int) float64 {
	if w == nil {
		return 1
	}
	return w[n]
}

// ConnectedCorrelations returns C = fij - fi fiᵀ (L·q × L·q), the connected
// two-site correlations C_ij(a,b) = f_ij(a,b) - f_i(a) f_j(b) at
// [i·q+a, j·q+b], from the output of Frequencies.
func ConnectedCorrelations(fi, fij *mat.Dense) *mat.Dense {
	l, q := fi.Dims()
	if r, c := fij.Dims(); r != l*q || c != l*q {
		panic(fmt.Sprintf("msa: fij is %d×%d, want %d×%d", r, c, l*q, l*q))
	}
	flat := mat.NewVecDense(l*q, append([]float64(nil), fi.RawMatrix().Data...))
	var c mat.Dense
	c.Outer(-1, flat, flat)
	c.Add(&c, fij)
	return &c
}

// PairEntries returns the entries of an L·q × L·q matrix (such as the output
// of ConnectedCorrelations) that belong to the off-diagonal blocks i < j, in
// the order i, j, a, b. The Pearson correlation of these entries between
// data and model is adabmDCA's convergence criterion.
func PairEntries(c *mat.Dense, q int) []float64 {
	r, _ := c.Dims()
	l := r / q
	out := make([]float64, 0, l*(l-1)/2*q*q)
	for i := range l {
		for j := i + 1; j < l; j++ {
			for a := range q {
				row := c.RawRowView(i*q + a)
				out = append(out, row[j*q:(j+1)*q]...)
			}
		}
	}
	return out
}

// OneHot returns the one-hot encoding of the alignment (N × L·q): entry
// [n, i·q+a] is 1 if sequence n has code a at column i, else 0.
func (a *Alignment) OneHot() *mat.Dense {
	n, l, q := a.N(), a.L(), a.Q()
	x := mat.NewDense(n, l*q, nil)
	for s, seq := range a.Seqs {
		row := x.RawRowView(s)
		for i, c := range seq {
			row[i*q+int(c)] = 1
		}
	}
	return x
}

// Codes returns the alignment as an N × L matrix of codes stored as float64
// values 0, …, q-1, the batch format of the Potts model.
func (a *Alignment) Codes() *mat.Dense {
	x := mat.NewDense(a.N(), a.L(), nil)
	for s, seq := range a.Seqs {
		row := x.RawRowView(s)
		for i, c := range seq {
			row[i] = float64(c)
		}
	}
	return x
}

// SeqsFromCodes converts a batch of codes stored as float64 (n × L, such as
// Potts chains) to sequences of codes. It panics if a value is not an
// integer in [0, 255].
func SeqsFromCodes(x *mat.Dense) [][]uint8 {
	n, l := x.Dims()
	seqs := make([][]uint8, n)
	flat := make([]uint8, n*l)
	for r := range n {
		s := flat[r*l : (r+1)*l : (r+1)*l]
		for i, v := range x.RawRowView(r) {
			if v < 0 || v > 255 || v != math.Trunc(v) {
				panic(fmt.Sprintf("msa: value %g at row %d, column %d is not a code", v, r, i))
			}
			s[i] = uint8(v)
		}
		seqs[r] = s
	}
	return seqs
}
