package info

import (
	"encoding/binary"
	"fmt"
	"iter"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Empirical is the empirical distribution of a dataset: the distinct rows
// of a data matrix with their relative (weighted) frequencies,
//
//	p_data(x) = Σ_r w_r [x_r = x] / Σ_r w_r.
//
// Rows are identical when all their values are equal (-0 and +0 are the
// same value). Distinct rows are kept in order of first appearance, so
// iteration is deterministic. An Empirical is read-only once built.
type Empirical struct {
	rows  *mat.Dense // n × dim distinct rows
	prob  []float64
	index map[string]int
	dim   int
}

// NewEmpirical returns the empirical distribution of the rows of x
// (batch × dim), where row r has weight w[r] (nil means every row has
// weight 1). Distinct rows whose total weight is zero are left out.
//
// It panics if len(w) is not the number of rows, if a weight is negative or
// not finite, if the weights sum to zero, or if x holds a NaN.
func NewEmpirical(x *mat.Dense, w []float64) *Empirical {
	n, dim := x.Dims()
	if w != nil && len(w) != n {
		panic(fmt.Sprintf("info: NewEmpirical: %d weights for %d rows", len(w), n))
	}
	e := &Empirical{index: make(map[string]int), dim: dim}
	var counts []kahan
	var data []float64
	var total kahan
	key := make([]byte, 8*dim)
	for r := range n {
		wr := 1.0
		if w != nil {
			wr = w[r]
			if wr < 0 || math.IsNaN(wr) || math.IsInf(wr, 0) {
				panic(fmt.Sprintf("info: NewEmpirical: weight w[%d] = %v is negative or not finite", r, wr))
			}
		}
		row := x.RawRowView(r)
		rowKey(key, row, r)
		if wr == 0 {
			continue
		}
		total.add(wr)
		k, ok := e.index[string(key)]
		if !ok {
			k = len(counts)
			e.index[string(key)] = k
			counts = append(counts, kahan{})
			data = append(data, row...)
		}
		counts[k].add(wr)
	}
	t := total.sum()
	if !(t > 0) {
		panic("info: NewEmpirical: the weights sum to zero")
	}
	e.prob = make([]float64, len(counts))
	for k := range counts {
		e.prob[k] = counts[k].sum() / t
	}
	if len(counts) > 0 {
		e.rows = mat.NewDense(len(counts), dim, data)
	}
	return e
}

// rowKey writes the bit patterns of row into key, mapping -0 to +0.
func rowKey(key []byte, row []float64, r int) {
	for j, v := range row {
		if math.IsNaN(v) {
			panic(fmt.Sprintf("info: NewEmpirical: x[%d, %d] is NaN", r, j))
		}
		if v == 0 {
			v = 0
		}
		binary.LittleEndian.PutUint64(key[8*j:], math.Float64bits(v))
	}
}

// Len is the number of distinct rows (states with p_data > 0).
func (e *Empirical) Len() int { return len(e.prob) }

// Dim is the length of each row.
func (e *Empirical) Dim() int { return e.dim }

// Row returns the k-th distinct row, 0 <= k < Len(). The slice aliases the
// Empirical's storage and must not be modified.
func (e *Empirical) Row(k int) []float64 { return e.rows.RawRowView(k) }

// Prob returns p_data of the k-th distinct row.
func (e *Empirical) Prob(k int) float64 { return e.prob[k] }

// Probs returns p_data of every distinct row, in the order of Row (length
// Len()). The slice aliases the Empirical's storage and must not be
// modified.
func (e *Empirical) Probs() []float64 { return e.prob }

// Rows returns the distinct rows as a Len() × Dim() matrix, in the order of
// Probs, for evaluating a model on all of them in one batch. The matrix
// aliases the Empirical's storage and must not be modified.
func (e *Empirical) Rows() *mat.Dense { return e.rows }

// All iterates over the distinct rows and their probabilities. The rows
// alias the Empirical's storage and must not be modified.
func (e *Empirical) All() iter.Seq2[[]float64, float64] {
	return func(yield func([]float64, float64) bool) {
		for k, p := range e.prob {
			if !yield(e.Row(k), p) {
				return
			}
		}
	}
}

// Lookup returns p_data(x), which is 0 for a row that is not in the data.
// It panics if len(x) != Dim().
func (e *Empirical) Lookup(x []float64) float64 {
	if len(x) != e.dim {
		panic(fmt.Sprintf("info: Lookup: row of length %d, want %d", len(x), e.dim))
	}
	key := make([]byte, 8*e.dim)
	rowKey(key, x, 0)
	if k, ok := e.index[string(key)]; ok {
		return e.prob[k]
	}
	return 0
}

// Entropy returns the entropy of the empirical distribution in nats.
func (e *Empirical) Entropy() float64 { return Entropy(e.prob) }

// KLDataModel returns the Kullback-Leibler divergence of a model from the
// data, in nats:
//
//	D(p_data||p_model) = Σ_x p_data(x) (log p_data(x) - log p_model(x)),
//
// where logProb returns the normalized log-probability log p_model(x) =
// -F(x) - log Z of a row (it must not modify the row). The result is +Inf
// if the model gives zero probability to a row of the data. Use
// KLDataModelLog to evaluate the model on a whole batch at once.
func KLDataModel(e *Empirical, logProb func(row []float64) float64) float64 {
	return klData(e, func(k int) float64 { return logProb(e.Row(k)) })
}

func klData(e *Empirical, logq func(k int) float64) float64 {
	var s kahan
	for k, p := range e.prob {
		lq := logq(k)
		if math.IsInf(lq, -1) {
			return math.Inf(1)
		}
		s.add(p * (math.Log(p) - lq))
	}
	return s.sum()
}

// KLDataModelLog is KLDataModel with the model's normalized
// log-probabilities of the distinct rows given as a slice: logq[k] is
// log p_model(e.Row(k)). It panics if len(logq) != e.Len().
func KLDataModelLog(e *Empirical, logq []float64) float64 {
	checkLen("KLDataModelLog", e.Len(), len(logq))
	return klData(e, func(k int) float64 { return logq[k] })
}

// CrossEntropyDataModel returns the cross entropy of a model on the data,
// -Σ_x p_data(x) log p_model(x) in nats: the negative log-likelihood per
// sample, equal to e.Entropy() + KLDataModel(e, logProb). logProb is as
// for KLDataModel.
func CrossEntropyDataModel(e *Empirical, logProb func(row []float64) float64) float64 {
	var s kahan
	for k, p := range e.prob {
		s.add(-p * logProb(e.Row(k)))
	}
	return s.sum()
}
