package train

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
)

// Phase accumulates one phase of the log-likelihood gradient as a weighted
// sum with its total weight, Sum_j = Σ_r w_r O_j(x_r) and Count = Σ_r w_r,
// so that partial phases computed by several workers (or machines) can be
// merged exactly before dividing.
type Phase struct {
	Sum   []float64
	Count float64
}

// NewPhase returns an empty phase for a model with n parameters.
func NewPhase(n int) *Phase { return &Phase{Sum: make([]float64, n)} }

// Reset empties the phase.
func (p *Phase) Reset() {
	clear(p.Sum)
	p.Count = 0
}

// Add accumulates the statistics of the rows of x with weights w (nil for
// weight 1 each).
func (p *Phase) Add(m model.Model, x *mat.Dense, w []float64) { p.AddWith(m, x, w) }

// AddWith accumulates the statistics of the rows of x with weights w (nil
// for weight 1 each) as computed by s.
func (p *Phase) AddWith(s Stats, x *mat.Dense, w []float64) {
	s.AddStats(x, w, p.Sum)
	if w == nil {
		n, _ := x.Dims()
		p.Count += float64(n)
		return
	}
	for _, v := range w {
		p.Count += v
	}
}

// Merge adds another phase's sums and count.
func (p *Phase) Merge(q *Phase) {
	if len(q.Sum) != len(p.Sum) {
		panic(fmt.Sprintf("train: merging phases of %d and %d parameters", len(p.Sum), len(q.Sum)))
	}
	for j, v := range q.Sum {
		p.Sum[j] += v
	}
	p.Count += q.Count
}

// Gradient writes the gradient of -L, <O>_pos - <O>_neg, into grad.
func Gradient(pos, neg *Phase, grad []float64) {
	if pos.Count <= 0 || neg.Count <= 0 {
		panic("train: Gradient of an empty phase")
	}
	a, b := 1/pos.Count, 1/neg.Count
	for j := range grad {
		grad[j] = pos.Sum[j]*a - neg.Sum[j]*b
	}
}
