// Package estimate holds the Monte Carlo and approximate estimators used to
// monitor models too large to enumerate: the pseudo-log-likelihood, the
// reconstruction error, and gradients of model averages estimated from
// fantasy particles by the log-derivative trick.
package estimate

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/mathx"
	"boltzmann/internal/parallel"
	"boltzmann/model"
)

// rowBlock is the number of rows handled by one goroutine; fixed so that
// sums do not depend on the number of cores.
const rowBlock = 64

// PseudoLogLikelihood returns the mean over the rows x_r of x of
//
//	PL(x) = Σ_i log p(x_i | x_-i),
//
// summed over all units (not one random unit scaled by the number of
// units), in nats per sample (Besag 1975). For each unit the conditional is
// normalized over all of the unit's states, so the estimate is exact for
// the given data. w weights the rows (nil for equal weights).
func PseudoLogLikelihood(m model.Discrete, x *mat.Dense, w []float64) float64 {
	n, d := x.Dims()
	if d != m.Dim() {
		panic(fmt.Sprintf("estimate: PseudoLogLikelihood of %d-column data for a %d-unit model", d, m.Dim()))
	}
	if p, ok := m.(ownPseudoLogLikelihood); ok {
		return p.PseudoLogLikelihood(x, w)
	}
	states := m.States()
	if f, ok := m.(flipper); ok && len(states) == 2 {
		return flipPseudoLogLikelihood(f, x, w)
	}
	nb := parallel.Blocks(n, rowBlock)
	part := make([]float64, nb)
	parallel.For(nb, func(b int) {
		deltas := model.NewSiteDeltas(m)
		dE := make([]float64, len(states))
		neg := make([]float64, len(states))
		row := make([]float64, d)
		lo, hi := parallel.Range(b, rowBlock, n)
		for r := lo; r < hi; r++ {
			copy(row, x.RawRowView(r))
			pl := 0.0
			for i := range row {
				deltas(row, i, dE)
				for k, v := range dE {
					neg[k] = -v
				}
				// log p(x_i | x_-i) = -ΔE(current) - log Σ_k exp(-ΔE_k), ΔE(current) = 0.
				pl -= mathx.LogSumExp(neg)
			}
			part[b] += weight(w, r) * pl
		}
	})
	return sum(part) / totalWeight(w, n)
}

// ownPseudoLogLikelihood is implemented by models whose space has
// constrained blocks and that compute the pseudo-log-likelihood over its
// variables themselves (rbm.Labeled: the label block is one variable).
type ownPseudoLogLikelihood interface {
	PseudoLogLikelihood(x *mat.Dense, w []float64) float64
}

// flipper is implemented by binary models that compute all single-unit flip
// energy changes of a batch at once (an RBM: rbm.RBM.FlipDeltas).
type flipper interface {
	FlipDeltas(x, out *mat.Dense)
}

// flipPseudoLogLikelihood uses log p(x_i | x_-i) = -softplus(ΔF_i) for
// binary units, where ΔF_i is the free-energy change of flipping unit i.
func flipPseudoLogLikelihood(f flipper, x *mat.Dense, w []float64) float64 {
	n, d := x.Dims()
	df := mat.NewDense(n, d, nil)
	f.FlipDeltas(x, df)
	s := 0.0
	for r := range n {
		pl := 0.0
		for _, v := range df.RawRowView(r) {
			pl -= mathx.Softplus(-v)
		}
		s += weight(w, r) * pl
	}
	return s / totalWeight(w, n)
}

// ReconstructionError returns the mean squared difference between each row
// of x and its reconstruction, averaged over units and rows: for a
// bipartite model the mean-field reconstruction P(v=1 | h = P(h=1|v)); for
// other discrete models the conditional mean of each unit given all the
// others, E[x_i | x_-i].
func ReconstructionError(m model.Model, x *mat.Dense) float64 {
	n, d := x.Dims()
	if b, ok := m.(model.Bipartite); ok {
		ph := mat.NewDense(n, b.HiddenDim(), nil)
		b.HiddenProb(x, ph)
		pv := mat.NewDense(n, d, nil)
		b.VisibleProb(ph, pv)
		pv.Sub(pv, x)
		return mat.Norm(pv, 2) * mat.Norm(pv, 2) / float64(n*d)
	}
	dm, ok := m.(model.Discrete)
	if !ok {
		return math.NaN()
	}
	states := dm.States()
	nb := parallel.Blocks(n, rowBlock)
	part := make([]float64, nb)
	parallel.For(nb, func(b int) {
		deltas := model.NewSiteDeltas(dm)
		dE := make([]float64, len(states))
		row := make([]float64, d)
		lo, hi := parallel.Range(b, rowBlock, n)
		for r := lo; r < hi; r++ {
			copy(row, x.RawRowView(r))
			for i, xi := range row {
				deltas(row, i, dE)
				lo := dE[0]
				for _, v := range dE {
					lo = min(lo, v)
				}
				z, mean := 0.0, 0.0
				for k, v := range dE {
					p := math.Exp(lo - v)
					z += p
					mean += p * states[k]
				}
				mean /= z
				part[b] += (mean - xi) * (mean - xi)
			}
		}
	})
	return sum(part) / float64(n*d)
}

// AverageGradient estimates, from samples x (n × Dim) drawn from the model,
// the average <f> and its gradient by the log-derivative trick
// (Mehta et al. 2019, eq. 198),
//
//	∂<f>/∂θ_j = -Cov_model(O_j, f),
//
// with standard errors that assume independent samples (thin correlated
// chains first, or scale by the effective sample size).
func AverageGradient(m model.Model, x *mat.Dense, f func(x []float64) float64) (mean float64, grad, stderr []float64) {
	n, d := x.Dims()
	np := len(m.Params())
	fs := make([]float64, n)
	for r := range n {
		fs[r] = f(x.RawRowView(r))
		mean += fs[r]
	}
	mean /= float64(n)
	o := make([]float64, np)
	// Sample covariance needs per-sample O; accumulate first and second
	// moments of the products one row at a time.
	s1 := make([]float64, np) // Σ (f - f̄) O
	s2 := make([]float64, np) // Σ ((f - f̄) O)²  for the standard error
	for r := range n {
		clear(o)
		m.AddStats(x.Slice(r, r+1, 0, d).(*mat.Dense), nil, o)
		df := fs[r] - mean
		for j, v := range o {
			s1[j] += df * v
			s2[j] += (df * v) * (df * v)
		}
	}
	grad = make([]float64, np)
	stderr = make([]float64, np)
	nf := float64(n)
	for j := range grad {
		c := s1[j] / (nf - 1)
		grad[j] = -c
		v := s2[j]/nf - (s1[j]/nf)*(s1[j]/nf)
		stderr[j] = math.Sqrt(math.Max(v, 0) / nf)
	}
	return mean, grad, stderr
}

func weight(w []float64, r int) float64 {
	if w == nil {
		return 1
	}
	return w[r]
}

func totalWeight(w []float64, n int) float64 {
	if w == nil {
		return float64(n)
	}
	return sum(w)
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}
