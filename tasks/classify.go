package tasks

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
	"boltzmann/model/gbrbm"
	"boltzmann/model/rbm"
)

// Classify predicts the class of each row of x (n × D) under a labeled RBM:
// pred[r] = argmax_y p(y | x_r), and logProb (n × C) holds log p(y | x_r),
// computed exactly from the free energies F(x, e_y) of the C one-hot label
// vectors (no partition function is needed).
func Classify(m model.Model, x *mat.Dense) (pred []int, logProb *mat.Dense, err error) {
	l, ok := m.(*rbm.Labeled)
	if !ok {
		return nil, nil, fmt.Errorf("tasks: Classify needs a labeled RBM (kind %q), got %T: train one with labels", rbm.LabeledKind, m)
	}
	n, d := x.Dims()
	if d != l.DataDim() {
		return nil, nil, fmt.Errorf("tasks: Classify: data have %d columns, the model %d data units", d, l.DataDim())
	}
	logProb = mat.NewDense(n, l.Classes(), nil)
	l.ClassLogProb(x, logProb)
	pred = make([]int, n)
	for r := range n {
		row := logProb.RawRowView(r)
		for c, v := range row {
			if v > row[pred[r]] {
				pred[r] = c
			}
		}
	}
	return pred, logProb, nil
}

// ErrorRate returns the fraction of predictions that differ from labels.
func ErrorRate(pred, labels []int) float64 {
	if len(pred) != len(labels) || len(pred) == 0 {
		panic(fmt.Sprintf("tasks: ErrorRate with %d predictions and %d labels", len(pred), len(labels)))
	}
	wrong := 0
	for i, p := range pred {
		if p != labels[i] {
			wrong++
		}
	}
	return float64(wrong) / float64(len(pred))
}

// Features returns P(h_j = 1 | v_r) (n × H) for the rows of v (n × Dim):
// the hidden representation of a bipartite model or of a Gaussian-Bernoulli
// RBM (real-valued v, also whitened: gbrbm.Whitened). For a labeled RBM, v may
// also hold only the D data units; the label is then unknown and the
// features are the exact marginal E[h_j | x] = Σ_y p(y | x) P(h_j = 1 | x,
// y) over the C classes (p(y | x) from ClassLogProb).
func Features(m model.Model, v *mat.Dense) (*mat.Dense, error) {
	if g, ok := m.(interface {
		model.Model
		HiddenDim() int
		HiddenProb(x, prob *mat.Dense)
	}); ok && gbrbm.IsReal(m) {
		n, d := v.Dims()
		if d != g.Dim() {
			return nil, fmt.Errorf("tasks: Features: data have %d columns, the model %d visible units", d, g.Dim())
		}
		out := mat.NewDense(n, g.HiddenDim(), nil)
		g.HiddenProb(v, out)
		return out, nil
	}
	b, ok := m.(model.Bipartite)
	if !ok {
		return nil, fmt.Errorf("tasks: Features needs a model with hidden units (an RBM), got %T", m)
	}
	n, d := v.Dims()
	if l, ok := m.(*rbm.Labeled); ok && d == l.DataDim() {
		return labeledFeatures(l, v), nil
	}
	if d != b.Dim() {
		return nil, fmt.Errorf("tasks: Features: data have %d columns, the model %d visible units", d, b.Dim())
	}
	out := mat.NewDense(n, b.HiddenDim(), nil)
	b.HiddenProb(v, out)
	return out, nil
}

// labeledFeatures returns Σ_y p(y | x_r) P(h = 1 | x_r, e_y) for the data
// rows x (n × D) of a labeled RBM.
func labeledFeatures(l *rbm.Labeled, x *mat.Dense) *mat.Dense {
	n, nd := x.Dims()
	nc, nh := l.Classes(), l.HiddenDim()
	lp := mat.NewDense(n, nc, nil)
	l.ClassLogProb(x, lp)
	full := mat.NewDense(n, l.Dim(), nil)
	full.Slice(0, n, 0, nd).(*mat.Dense).Copy(x)
	ph := mat.NewDense(n, nh, nil)
	out := mat.NewDense(n, nh, nil)
	for c := range nc {
		for r := range n {
			row := full.RawRowView(r)
			clear(row[nd:])
			row[nd+c] = 1
		}
		l.HiddenProb(full, ph)
		for r := range n {
			w := math.Exp(lp.At(r, c))
			o := out.RawRowView(r)
			for j, p := range ph.RawRowView(r) {
				o[j] += w * p
			}
		}
	}
	return out
}

// ConfusionMatrix returns the classes × classes counts of the predictions:
// out[y][p] is the number of rows of true class y predicted as class p.
// Labels and predictions must lie in [0, classes).
func ConfusionMatrix(pred, labels []int, classes int) [][]int {
	if len(pred) != len(labels) {
		panic(fmt.Sprintf("tasks: ConfusionMatrix with %d predictions and %d labels", len(pred), len(labels)))
	}
	out := make([][]int, classes)
	for c := range out {
		out[c] = make([]int, classes)
	}
	for i, p := range pred {
		out[labels[i]][p]++
	}
	return out
}

// MeanLogProb returns the mean over the rows of log p(y_r | x_r) of their
// true labels y_r, in nats, from the class log-probabilities logProb (n × C,
// as Classify returns them).
func MeanLogProb(logProb *mat.Dense, labels []int) float64 {
	n, _ := logProb.Dims()
	if n != len(labels) || n == 0 {
		panic(fmt.Sprintf("tasks: MeanLogProb of %d rows with %d labels", n, len(labels)))
	}
	s := 0.0
	for r, y := range labels {
		s += logProb.At(r, y)
	}
	return s / float64(n)
}
