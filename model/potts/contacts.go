package potts

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
)

// Pair is a pair of sites i < j with its contact score.
type Pair struct {
	I, J int
	// Frobenius is the Frobenius norm F_ij of the zero-sum-gauge coupling
	// block.
	Frobenius float64
	// Score is the APC-corrected norm F_ij - F_i F_j / F.
	Score float64
}

// ContactOptions controls Contacts. The zero value scores every pair and
// excludes the gap state 0 from the norms, as is standard for proteins.
type ContactOptions struct {
	// MinSeparation drops the pairs with |i - j| < MinSeparation from the
	// result (after the APC, which uses every pair).
	MinSeparation int
	// IncludeState0 keeps state 0 (the gap of the built-in alphabets) in the
	// Frobenius norms.
	IncludeState0 bool
}

// Contacts ranks the residue pairs i < j by the average-product-corrected
// Frobenius norm of their couplings (Ekeberg et al. 2013), the standard DCA
// contact prediction:
//
//	F_ij     = sqrt(Σ_{a,b} J'_ij(a,b)²),   J' in the zero-sum gauge,
//	F^APC_ij = F_ij - F_i F_j / F,
//
// where the sum skips state 0 unless opt.IncludeState0, F_i is the mean of
// F_ij over j ≠ i and F the mean over all pairs. The highest score comes
// first; ties are broken by (i, j). m is not modified. Needs L >= 3.
func Contacts(m *Model, opt ContactOptions) []Pair {
	l, q, lq := m.l, m.q, m.l*m.q
	if l < 3 {
		panic(fmt.Sprintf("potts: Contacts needs at least 3 sites, got %d", l))
	}
	g := New(l, q)
	copy(g.params, m.params)
	g.ZeroSumGauge()
	c := g.Couplings()
	start := 1
	if opt.IncludeState0 || q == 1 {
		start = 0
	}
	f := make([]float64, l*l)
	for i := range l {
		for j := i + 1; j < l; j++ {
			s := 0.0
			for a := start; a < q; a++ {
				row := c[(i*q+a)*lq+j*q : (i*q+a)*lq+j*q+q]
				for _, v := range row[start:] {
					s += v * v
				}
			}
			f[i*l+j] = math.Sqrt(s)
			f[j*l+i] = f[i*l+j]
		}
	}
	fi := make([]float64, l)
	all := 0.0
	for i := range l {
		for j := range l {
			fi[i] += f[i*l+j]
		}
		all += fi[i]
		fi[i] /= float64(l - 1)
	}
	all /= float64(l * (l - 1))
	var pairs []Pair
	for i := range l {
		for j := i + 1; j < l; j++ {
			if j-i < opt.MinSeparation {
				continue
			}
			apc := 0.0
			if all > 0 {
				apc = fi[i] * fi[j] / all
			}
			pairs = append(pairs, Pair{I: i, J: j, Frobenius: f[i*l+j], Score: f[i*l+j] - apc})
		}
	}
	sort.SliceStable(pairs, func(a, b int) bool { return pairs[a].Score > pairs[b].Score })
	return pairs
}

// WriteContacts writes one line "i j score" per pair, with 0-based site
// indices as in the adabmDCA parameter file, in the order given.
func WriteContacts(w io.Writer, pairs []Pair) error {
	bw := bufio.NewWriter(w)
	var line []byte
	for _, p := range pairs {
		line = strconv.AppendInt(line[:0], int64(p.I), 10)
		line = append(line, ' ')
		line = strconv.AppendInt(line, int64(p.J), 10)
		line = append(line, ' ')
		line = strconv.AppendFloat(line, p.Score, 'g', 8, 64)
		line = append(line, '\n')
		bw.Write(line)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("potts: writing contacts: %w", err)
	}
	return nil
}
