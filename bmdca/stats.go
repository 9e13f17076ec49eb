package bmdca

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/parallel"
	"boltzmann/msa"
)

// Target holds the statistics that Boltzmann learning fits: the reweighted,
// pseudocounted one- and two-site frequencies of an alignment, and the
// data rows themselves for models whose positive phase depends on their
// parameters (latent-variable models such as the categorical RBM).
type Target struct {
	L, Q int
	// Fi holds f_i(a) at [i·q+a] (length L·q).
	Fi []float64
	// Fij holds f_ij(a,b) at [(i·q+a)·L·q + j·q+b] (L·q × L·q, symmetric;
	// the diagonal blocks are diag(f_i)).
	Fij []float64
	// C holds the connected correlations C_ij(a,b) = f_ij(a,b) - f_i(a)f_j(b)
	// of the pairs i < j in the order of msa.PairEntries.
	C []float64
	// X holds the sequences as codes (N × L, float64), W their weights
	// scaled so that they sum to 1.
	X *mat.Dense
	W []float64
	// Neff is the effective number of sequences Σ_n w_n before scaling.
	Neff float64
	// Pseudocount is the λ used for Fi and Fij.
	Pseudocount float64
}

// NewTarget computes the statistics of the sequences seqs (codes in [0, q))
// with sequence weights (nil: 1 each) and pseudocount λ. A negative λ
// selects adabmDCA's default, 1/Neff.
func NewTarget(seqs [][]uint8, q int, weights []float64, pseudocount float64) *Target {
	if len(seqs) == 0 {
		panic("bmdca: NewTarget of no sequences")
	}
	w := weights
	if w == nil {
		w = make([]float64, len(seqs))
		for n := range w {
			w[n] = 1
		}
	}
	neff := msa.Neff(w)
	if pseudocount < 0 {
		pseudocount = 1 / neff
	}
	pseudocount = min(pseudocount, 1)
	fi, fij := msa.Frequencies(seqs, q, w, pseudocount)
	l := len(seqs[0])
	c := msa.PairEntries(msa.ConnectedCorrelations(fi, fij), q)
	x := mat.NewDense(len(seqs), l, nil)
	sw := make([]float64, len(seqs))
	for n, s := range seqs {
		row := x.RawRowView(n)
		for i, k := range s {
			row[i] = float64(k)
		}
		sw[n] = w[n] / neff
	}
	return &Target{L: l, Q: q, Fi: fi.RawMatrix().Data, Fij: fij.RawMatrix().Data, C: c,
		X: x, W: sw, Neff: neff, Pseudocount: pseudocount}
}

// Counts holds the unnormalized one- and two-site counts of a set of
// configurations: Fi[i·q+a] = #{x_i = a} and, for i < j only,
// Fij[(i·q+a)·L·q + j·q+b] = #{x_i = a, x_j = b}; N is the number of
// configurations.
type Counts struct {
	L, Q int
	N    int
	Fi   []float64
	Fij  []float64
}

// Count fills c with the statistics of the rows of codes (n × L codes,
// row-major). It runs in parallel over sites; the result does not depend on
// the number of cores.
func (c *Counts) Count(codes []uint8, l, q int) {
	n := len(codes) / l
	lq := l * q
	if len(c.Fi) != lq || len(c.Fij) != lq*lq {
		c.Fi = make([]float64, lq)
		c.Fij = make([]float64, lq*lq)
	}
	c.L, c.Q, c.N = l, q, n
	clear(c.Fi)
	parallel.For(l, func(i int) {
		for a := range q {
			clear(c.Fij[(i*q+a)*lq : (i*q+a+1)*lq])
		}
		for r := range n {
			x := codes[r*l : (r+1)*l : (r+1)*l]
			ia := i*q + int(x[i])
			c.Fi[ia]++
			row := c.Fij[ia*lq : (ia+1)*lq : (ia+1)*lq]
			for j := i + 1; j < l; j++ {
				row[j*q+int(x[j])]++
			}
		}
	})
}

// Connected writes into out (length L(L-1)/2·q², the order of
// msa.PairEntries) the connected correlations of the counted
// configurations, f_ij(a,b) - f_i(a) f_j(b) for i < j.
func (c *Counts) Connected(out []float64) {
	l, q, lq := c.L, c.Q, c.L*c.Q
	if len(out) != l*(l-1)/2*q*q {
		panic(fmt.Sprintf("bmdca: Connected into %d values, want %d", len(out), l*(l-1)/2*q*q))
	}
	inv := 1 / float64(c.N)
	k := 0
	for i := range l {
		for j := i + 1; j < l; j++ {
			for a := range q {
				fa := c.Fi[i*q+a] * inv
				row := c.Fij[(i*q+a)*lq+j*q : (i*q+a)*lq+j*q+q]
				for b, v := range row {
					out[k] = v*inv - fa*c.Fi[j*q+b]*inv
					k++
				}
			}
		}
	}
}

// Pearson returns the Pearson correlation r of x and y and the slope of
// the least-squares line y = slope·x + c, adabmDCA's convergence measures
// when x are the data's connected correlations and y the model's. It
// returns NaN values when x or y is constant.
func Pearson(x, y []float64) (r, slope float64) {
	if len(x) != len(y) || len(x) == 0 {
		panic(fmt.Sprintf("bmdca: Pearson of %d and %d values", len(x), len(y)))
	}
	n := float64(len(x))
	var mx, my float64
	for k := range x {
		mx += x[k]
		my += y[k]
	}
	mx /= n
	my /= n
	var sxx, syy, sxy float64
	for k := range x {
		dx, dy := x[k]-mx, y[k]-my
		sxx += dx * dx
		syy += dy * dy
		sxy += dx * dy
	}
	if sxx == 0 || syy == 0 {
		return math.NaN(), math.NaN()
	}
	return sxy / math.Sqrt(sxx*syy), sxy / sxx
}
