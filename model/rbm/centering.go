package rbm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
)

// DefaultCenteringRate is the default sliding-average rate ν of the
// centering offsets (Melchior, Fischer & Wiskott 2016 use 0.01).
const DefaultCenteringRate = 0.01

// Centering turns the log-likelihood gradient of an RBM (or of the RBM of
// a labeled RBM) into the centered gradient of Melchior, Fischer & Wiskott
// ("How to center deep Boltzmann machines", JMLR 17, 2016), for use as
// train.Settings.Gradient. The centered RBM has the energy
//
//	E(v, h) = -(v-μ)ᵀW(h-λ) - aᵀ(v-μ) - bᵀ(h-λ)
//
// with offsets μ (length V) and λ (length H) that do not change the model
// (they shift the biases); the gradient with respect to its parameters,
// transformed back to the uncentered W, a, b that the RBM stores, is
//
//	∇W^c = ∇W - μ ∇bᵀ - ∇a λᵀ,   ∇a^c = ∇a - ∇W^c λ,   ∇b^c = ∇b - ∇W^cᵀ μ,
//
// where ∇W = <vhᵀ>_data - <vhᵀ>_model, ∇a = <v>_data - <v>_model and ∇b
// = <h>_data - <h>_model are the plain gradients (the map is linear, so it
// applies as well to the gradient of -L that the trainer holds). The
// centered gradient is better conditioned: the updates of W no longer
// move the mean activations. The offsets are sliding averages of the
// data means, μ ← (1-ν)μ + ν<v>_batch and λ ← (1-ν)λ + ν<P(h=1|v)>_batch
// (their "dd" variant, the best in their comparison), set to the first
// minibatch's means at the first update and updated after each gradient
// is transformed; computing <P(h|v)>_batch costs one extra product of the
// minibatch with W per update.
//
// Its state (the offsets) is saved with the trainer (MarshalBinary).
type Centering struct {
	// Rate is the sliding-average rate ν in (0, 1]; default
	// DefaultCenteringRate.
	Rate float64

	mu, lambda []float64 // offsets; nil before the first update
}

// Offsets returns the current offsets μ (visible) and λ (hidden), nil
// before the first update. They alias the Centering's state.
func (c *Centering) Offsets() (mu, lambda []float64) { return c.mu, c.lambda }

// rbmOf returns the RBM whose parameters m's are.
func rbmOf(m model.Model) *RBM {
	switch r := m.(type) {
	case *RBM:
		return r
	case *Labeled:
		return r.rbm
	}
	panic(fmt.Sprintf("rbm: Centering needs an *rbm.RBM or *rbm.Labeled, got %T", m))
}

// TransformGradient replaces grad (the gradient of -L of m, in the layout
// of m's Params: W row-major V×H, a, b) by the centered gradient with the
// current offsets, then moves the offsets towards the means of the rows of
// batch (weights w, nil: 1 each).
func (c *Centering) TransformGradient(m model.Model, batch *mat.Dense, w []float64, grad []float64) {
	r := rbmOf(m)
	vm, hm := batchMeans(r, batch, w)
	c.apply(r, vm, hm, grad)
}

// TransformGradientPhase is TransformGradient with the minibatch's means
// taken from its positive phase instead of its rows: sum holds the sums
// Σ_r w_r ∂F(v_r)/∂θ over the minibatch (AddStats, in the layout of m's
// Params), count the sum of the weights. A data-parallel trainer, whose
// minibatch is spread over processes, calls it with the phase summed over
// all of them, so that every process moves the offsets alike.
func (c *Centering) TransformGradientPhase(m model.Model, sum []float64, count float64, grad []float64) {
	r := rbmOf(m)
	nv, nh := r.nv, r.nh
	if len(sum) != nv*nh+nv+nh || !(count > 0) {
		panic(fmt.Sprintf("rbm: Centering of a phase of length %d and weight %v for a %d×%d RBM", len(sum), count, nv, nh))
	}
	vm, hm := make([]float64, nv), make([]float64, nh)
	for i := range vm {
		vm[i] = -sum[nv*nh+i] / count // ∂F/∂a_i = -v_i
	}
	for j := range hm {
		hm[j] = -sum[nv*nh+nv+j] / count // ∂F/∂b_j = -P(h_j=1|v)
	}
	c.apply(r, vm, hm, grad)
}

// apply transforms grad with the current offsets, then moves them
// towards the minibatch's means vm and hm.
func (c *Centering) apply(r *RBM, vm, hm, grad []float64) {
	nv, nh := r.nv, r.nh
	if len(grad) != nv*nh+nv+nh {
		panic(fmt.Sprintf("rbm: Centering of a gradient of length %d for a %d×%d RBM", len(grad), nv, nh))
	}
	if c.mu == nil {
		c.mu, c.lambda = vm, hm
	}
	gw, ga, gb := grad[:nv*nh], grad[nv*nh:nv*nh+nv], grad[nv*nh+nv:]
	mu, lambda := c.mu, c.lambda
	for i := range nv {
		row := gw[i*nh : (i+1)*nh]
		for j := range row {
			row[j] -= mu[i]*gb[j] + ga[i]*lambda[j]
		}
	}
	for i := range nv {
		row := gw[i*nh : (i+1)*nh]
		s := 0.0
		for j, g := range row {
			s += g * lambda[j]
		}
		ga[i] -= s
	}
	for i := range nv {
		row := gw[i*nh : (i+1)*nh]
		for j, g := range row {
			gb[j] -= g * mu[i]
		}
	}
	nu := c.rate()
	for i, v := range vm {
		mu[i] += nu * (v - mu[i])
	}
	for j, v := range hm {
		lambda[j] += nu * (v - lambda[j])
	}
}

func (c *Centering) rate() float64 {
	if c.Rate == 0 {
		return DefaultCenteringRate
	}
	if !(c.Rate > 0 && c.Rate <= 1) {
		panic(fmt.Sprintf("rbm: Centering rate %v outside (0, 1]", c.Rate))
	}
	return c.Rate
}

// batchMeans returns the weighted means of the rows v of batch and of
// P(h=1|v).
func batchMeans(r *RBM, batch *mat.Dense, w []float64) (vm, hm []float64) {
	n, _ := batch.Dims()
	ph := mat.NewDense(n, r.nh, nil)
	r.HiddenProb(batch, ph)
	vm, hm = make([]float64, r.nv), make([]float64, r.nh)
	total := 0.0
	for k := range n {
		wk := 1.0
		if w != nil {
			wk = w[k]
		}
		total += wk
		for i, v := range batch.RawRowView(k) {
			vm[i] += wk * v
		}
		for j, p := range ph.RawRowView(k) {
			hm[j] += wk * p
		}
	}
	for i := range vm {
		vm[i] /= total
	}
	for j := range hm {
		hm[j] /= total
	}
	return vm, hm
}

// MarshalBinary encodes the offsets.
func (c *Centering) MarshalBinary() ([]byte, error) {
	buf := binary.LittleEndian.AppendUint64(nil, uint64(len(c.mu)))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(len(c.lambda)))
	for _, v := range append(append([]float64(nil), c.mu...), c.lambda...) {
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
	}
	return buf, nil
}

// UnmarshalBinary restores offsets encoded by MarshalBinary.
func (c *Centering) UnmarshalBinary(data []byte) error {
	if len(data) < 16 {
		return errors.New("rbm: centering state is truncated")
	}
	nv, nh := binary.LittleEndian.Uint64(data), binary.LittleEndian.Uint64(data[8:])
	data = data[16:]
	if nv > 1<<32 || nh > 1<<32 || uint64(len(data)) != 8*(nv+nh) {
		return errors.New("rbm: centering state has the wrong length")
	}
	v := make([]float64, nv+nh)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
	}
	c.mu, c.lambda = nil, nil
	if nv+nh > 0 {
		c.mu, c.lambda = v[:nv], v[nv:]
	}
	return nil
}
