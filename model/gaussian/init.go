package gaussian

import (
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
)

var _ model.DataInitializer = (*Model)(nil)

// MinInitVariance is the floor InitFromData puts under a column's
// variance, so that a constant column still gives a positive definite A.
const MinInitVariance = 1e-6

// InitFromData sets the model to the independent Gaussian fitted to each
// column of x (n × D): mean μ_i the column mean, A = diag(1/σ_i²) with σ_i²
// the biased (1/n) column variance, floored at MinInitVariance, and b = Aμ.
// This is positive definite whatever x is, matches the data's scale (so
// that the first gradient steps are of the data's size), and leaves the
// correlations to training. rng is not used: the initialization is
// deterministic.
func (m *Model) InitFromData(x *mat.Dense, _ *rand.Rand) {
	n := m.checkBatch("InitFromData", x)
	if n == 0 {
		panic("gaussian: InitFromData with no rows")
	}
	d := m.d
	mean, sq := make([]float64, d), make([]float64, d)
	for r := range n {
		for i, v := range x.RawRowView(r) {
			mean[i] += v
		}
	}
	for i := range mean {
		mean[i] /= float64(n)
	}
	for r := range n {
		for i, v := range x.RawRowView(r) {
			sq[i] += (v - mean[i]) * (v - mean[i])
		}
	}
	clear(m.params)
	for i := range d {
		v := max(sq[i]/float64(n), MinInitVariance)
		m.a.Data[i*d+i] = 1 / v
		m.b[i] = mean[i] / v
	}
}
