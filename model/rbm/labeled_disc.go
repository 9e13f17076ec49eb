package rbm

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/linalg"
	"boltzmann/internal/mathx"
	"boltzmann/internal/parallel"
	"boltzmann/model"
)

// This file holds what the discriminative and semi-supervised use of a
// labeled RBM needs (Larochelle & Bengio 2008): the exact conditional
// log-likelihood log p(y | x) and its exact gradient (model.Conditional),
// the sparsity penalty on the hidden activations (model.HiddenSparsity),
// and the handling of rows without a label.
//
// # Rows without a label
//
// A row [x, 0] whose label block is all zero is a row whose label is
// unknown. FreeEnergy gives it the free energy of the data marginal,
// F(x) = -log Σ_c exp(-F(x, e_c)) (FreeEnergyData), and AddStats and
// PhaseDifference its statistics Σ_c p(c | x) ∂F(x, e_c)/∂θ = ∂F(x)/∂θ, so
// that the log-likelihood gradient of such a row is that of log p(x): it
// contributes to generative training only. The conditional methods skip
// it, PseudoLogLikelihood skips it, and Concat writes it for the label -1.
// The sampler's chains are always one-hot after their first transition.

var (
	_ model.Conditional    = (*Labeled)(nil)
	_ model.HiddenSparsity = (*Labeled)(nil)
)

// Unlabeled is the label that Concat turns into an all-zero label block: a
// row whose label is unknown.
const Unlabeled = -1

// label returns the class of the label block of the row [x, y] (length
// D+C): c for y = e_c, Unlabeled for y = 0; it panics otherwise.
func (l *Labeled) label(row []float64, r int) int {
	y := row[l.nd:]
	c, ones := Unlabeled, 0
	for k, v := range y {
		switch v {
		case 0:
		case 1:
			c, ones = k, ones+1
		default:
			ones = 2
		}
	}
	if ones > 1 {
		panic(fmt.Sprintf("rbm: the label block of row %d is %v: want a one-hot vector (or all zero for an unknown label)", r, y))
	}
	return c
}

// unlabeledRows returns the indices of the rows of v whose label block is
// all zero (nil if none). Other label blocks are left to the caller, so
// that FreeEnergy and AddStats keep the plain RBM's values on them.
func (l *Labeled) unlabeledRows(v *mat.Dense) []int {
	n, _ := v.Dims()
	var idx []int
rows:
	for r := range n {
		for _, y := range v.RawRowView(r)[l.nd:] {
			if y != 0 {
				continue rows
			}
		}
		idx = append(idx, r)
	}
	return idx
}

// expandUnlabeled returns the rows of v with each unlabeled row [x, 0]
// replaced by the C rows [x, e_c] with weights w_r p(c | x) (nil w: 1 each),
// and their weights: statistics of the expanded rows are those of p(x) for
// the unlabeled rows. Labeled rows keep their place and weight.
func (l *Labeled) expandUnlabeled(v *mat.Dense, w []float64, idx []int) (*mat.Dense, []float64) {
	n, d := v.Dims()
	nu := len(idx)
	x := mat.NewDense(nu, l.nd, nil)
	for k, r := range idx {
		copy(x.RawRowView(k), v.RawRowView(r)[:l.nd])
	}
	lp := mat.NewDense(nu, l.nc, nil)
	l.ClassLogProb(x, lp)
	out := mat.NewDense(n-nu+nu*l.nc, d, nil)
	ow := make([]float64, 0, n-nu+nu*l.nc)
	next, k := 0, 0
	for r := range n {
		wr := 1.0
		if w != nil {
			wr = w[r]
		}
		if k < nu && idx[k] == r {
			for c := range l.nc {
				row := out.RawRowView(next)
				copy(row, v.RawRowView(r)[:l.nd])
				row[l.nd+c] = 1
				ow = append(ow, wr*math.Exp(lp.At(k, c)))
				next++
			}
			k++
			continue
		}
		copy(out.RawRowView(next), v.RawRowView(r))
		ow = append(ow, wr)
		next++
	}
	return out, ow
}

// labeledRows returns the data units (m × D), the classes and the weights
// (nil when w is nil) of the rows of v (n × (D+C)) whose label is known.
func (l *Labeled) labeledRows(name string, v *mat.Dense, w []float64) (*mat.Dense, []int, []float64) {
	n, d := v.Dims()
	if d != l.rbm.nv || (w != nil && len(w) != n) {
		panic(fmt.Sprintf("rbm: %s of %d×%d rows (%d weights) for %d visible units", name, n, d, len(w), l.rbm.nv))
	}
	var idx, ys []int
	for r := range n {
		if c := l.label(v.RawRowView(r), r); c != Unlabeled {
			idx = append(idx, r)
			ys = append(ys, c)
		}
	}
	switch len(idx) {
	case 0:
		return nil, nil, nil
	case n:
		return v.Slice(0, n, 0, l.nd).(*mat.Dense), ys, w
	}
	x := mat.NewDense(len(idx), l.nd, nil)
	var wl []float64
	for k, r := range idx {
		copy(x.RawRowView(k), v.RawRowView(r)[:l.nd])
		if w != nil {
			wl = append(wl, w[r])
		}
	}
	return x, ys, wl
}

// ConditionalLogLikelihood returns Σ_r w_r log p(y_r | x_r) (nats), the
// weighted number of rows whose most probable class is not y_r, and
// Σ_r w_r, over the rows [x_r, e_{y_r}] of v (n × (D+C)) with a label (nil
// w: weight 1 each); rows with an all-zero label block are skipped
// (model.Conditional). p(y | x) is exact (ClassLogProb).
func (l *Labeled) ConditionalLogLikelihood(v *mat.Dense, w []float64) (logp, errs, count float64) {
	x, ys, wl := l.labeledRows("ConditionalLogLikelihood", v, w)
	if ys == nil {
		return 0, 0, 0
	}
	lp := mat.NewDense(len(ys), l.nc, nil)
	l.ClassLogProb(x, lp)
	for k, y := range ys {
		wk := 1.0
		if wl != nil {
			wk = wl[k]
		}
		row := lp.RawRowView(k)
		best := 0
		for c, v := range row {
			if v > row[best] {
				best = c
			}
		}
		logp += wk * row[y]
		if best != y {
			errs += wk
		}
		count += wk
	}
	return logp, errs, count
}

// condBlock is the number of rows per piece of work of
// AddConditionalGradient.
const condBlock = 16

// AddConditionalGradient adds Σ_r w_r ∂(-log p(y_r | x_r))/∂θ over the
// rows [x_r, e_{y_r}] of v (n × (D+C)) with a label to grad (the layout of
// Params) and returns Σ_r w_r log p(y_r | x_r) and Σ_r w_r over those rows
// (model.Conditional); rows with an all-zero label block are skipped.
//
// The gradient is exact. With o_cj = b_j + (xᵀW)_j + W_{D+c,j} (data rows
// of W in the product) and -F(x, e_c) = aᵀx + a_{D+c} + Σ_j softplus(o_cj),
//
//	-∂ log p(y|x)/∂θ = Σ_c (δ_cy - p(c|x)) ∂F(x, e_c)/∂θ,
//
// so with d_c = w (δ_cy - p(c|x)) and G_j = Σ_c d_c σ(o_cj) a row adds
// -x_i G_j to the data weights W_ij, -d_c σ(o_cj) to the class weights
// W_{D+c,j}, -d_c to the class bias a_{D+c} and -G_j to the hidden bias
// b_j; the data biases get nothing (Σ_c d_c = 0). It costs two products of
// the n × D data with the D × H data weights and n·C·H exponentials, and
// it does not depend on the number of cores. In float32 mode (the plain
// RBM's SetFloat32) the products and the class terms run in float32
// (labeled_disc32.go).
func (l *Labeled) AddConditionalGradient(v *mat.Dense, w []float64, grad []float64) (logp, count float64) {
	r := l.rbm
	if len(grad) != len(r.params) {
		panic(fmt.Sprintf("rbm: AddConditionalGradient: gradient buffer has length %d, want %d", len(grad), len(r.params)))
	}
	x, ys, wl := l.labeledRows("AddConditionalGradient", v, w)
	if ys == nil {
		return 0, 0
	}
	if r.f32 != nil {
		return l.addConditionalGradient32(x, ys, wl, grad)
	}
	m, nd, nc, nh := len(ys), l.nd, l.nc, r.nh
	u := mat.NewDense(m, nh, nil)
	u.Mul(x, r.w.Slice(0, nd, 0, nh))
	a, b := r.visibleBias(), r.hiddenBias()
	g := mat.NewDense(m, nh, nil)
	nb := parallel.Blocks(m, condBlock)
	type acc struct {
		wl, al    []float64 // Σ d_c σ(o_cj) (C × H) and Σ d_c (C)
		logp, cnt float64
		sig, negF []float64
		p, dc     []float64
	}
	parts := make([]acc, nb)
	parallel.For(nb, func(blk int) {
		pa := &parts[blk]
		pa.wl, pa.al = make([]float64, nc*nh), make([]float64, nc)
		pa.sig, pa.negF, pa.p, pa.dc = make([]float64, nc*nh), make([]float64, nc), make([]float64, nc), make([]float64, nc)
		lo, hi := parallel.Range(blk, condBlock, m)
		for k := lo; k < hi; k++ {
			uk := u.RawRowView(k)
			for c := range nc {
				wc := r.w.RawRowView(nd + c)
				sig := pa.sig[c*nh : (c+1)*nh]
				f := a[nd+c]
				for j, uj := range uk {
					o := uj + b[j] + wc[j]
					var e float64
					if o > 0 {
						e = math.Exp(-o)
						f += o + math.Log1p(e)
						sig[j] = 1 / (1 + e)
					} else {
						e = math.Exp(o)
						f += math.Log1p(e)
						sig[j] = e / (1 + e)
					}
				}
				pa.negF[c] = f
			}
			lse := mathx.LogSumExp(pa.negF)
			wk := 1.0
			if wl != nil {
				wk = wl[k]
			}
			y := ys[k]
			pa.logp += wk * (pa.negF[y] - lse)
			pa.cnt += wk
			for c := range nc {
				d := -math.Exp(pa.negF[c] - lse)
				if c == y {
					d++
				}
				pa.dc[c] = wk * d
				pa.al[c] += wk * d
			}
			gk := g.RawRowView(k)
			for c, d := range pa.dc {
				if d == 0 {
					continue
				}
				sig, acw := pa.sig[c*nh:(c+1)*nh], pa.wl[c*nh:(c+1)*nh]
				for j, s := range sig {
					ds := d * s
					gk[j] += ds
					acw[j] += ds
				}
			}
		}
	})
	nv := r.nv
	linalg.Gemm64(true, false, -1, x.RawMatrix(), g.RawMatrix(), 1, gen64(nd, nh, grad[:nd*nh]))
	gb := grad[nv*nh+nv:]
	for k := range m {
		for j, v := range g.RawRowView(k) {
			gb[j] -= v
		}
	}
	for _, pa := range parts {
		for i, v := range pa.wl {
			grad[nd*nh+i] -= v
		}
		for c, v := range pa.al {
			grad[nv*nh+nd+c] -= v
		}
		logp += pa.logp
		count += pa.cnt
	}
	return logp, count
}

// AddSparsityGradient adds the gradient of the sparsity penalty of
// RBM.AddSparsityGradient over the rows of v (n × (D+C)) with a label,
// their hidden activations P(h | x, y) (rows with an all-zero label block
// are skipped), and returns the penalty (model.HiddenSparsity).
func (l *Labeled) AddSparsityGradient(v *mat.Dense, w []float64, target, cost float64, grad []float64) float64 {
	n, _ := v.Dims()
	idx := l.unlabeledRows(v)
	if len(idx) == n {
		return 0
	}
	if idx == nil {
		return l.rbm.AddSparsityGradient(v, w, target, cost, grad)
	}
	lab := mat.NewDense(n-len(idx), l.rbm.nv, nil)
	var wl []float64
	k, next := 0, 0
	for r := range n {
		if k < len(idx) && idx[k] == r {
			k++
			continue
		}
		copy(lab.RawRowView(next), v.RawRowView(r))
		next++
		if w != nil {
			wl = append(wl, w[r])
		}
	}
	return l.rbm.AddSparsityGradient(lab, wl, target, cost, grad)
}
