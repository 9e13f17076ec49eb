package potts

import "fmt"

// Gauge freedom: adding a function g(a) of the first state to J_ij(a, b)
// and subtracting it from h_i(a) leaves every energy unchanged, and adding a
// constant to h_i shifts every energy by the same constant. A gauge fixes
// these freedoms. Both gauges below are special cases of one transformation
// with a probability vector u over the states, writing X(·) = Σ_c u_c X(c):
//
//	J'_ij(a,b) = J_ij(a,b) - J_ij(·,b) - J_ij(a,·) + J_ij(·,·),
//	h'_i(a)    = h_i(a) - h_i(·) + Σ_{j≠i} [J_ij(a,·) - J_ij(·,·)],
//
// which changes every energy by one constant, so that energy differences and
// the distribution are unchanged. Afterwards Σ_a u_a J'_ij(a,b) =
// Σ_b u_b J'_ij(a,b) = 0 and Σ_a u_a h'_i(a) = 0.

// ZeroSumGauge transforms the parameters to the zero-sum (Ising) gauge,
// u uniform: Σ_a J_ij(a,b) = Σ_b J_ij(a,b) = 0 and Σ_a h_i(a) = 0. It is
// the gauge in which the Frobenius norms of Contacts are computed.
func (m *Model) ZeroSumGauge() {
	u := make([]float64, m.q)
	for a := range u {
		u[a] = 1 / float64(m.q)
	}
	m.gauge(u)
}

// LatticeGasGauge transforms the parameters to the lattice-gas gauge of
// reference state ref (often the gap, 0): J_ij(ref,b) = J_ij(a,ref) = 0 and
// h_i(ref) = 0.
func (m *Model) LatticeGasGauge(ref int) {
	if ref < 0 || ref >= m.q {
		panic(fmt.Sprintf("potts: LatticeGasGauge reference state %d out of range [0, %d)", ref, m.q))
	}
	u := make([]float64, m.q)
	u[ref] = 1
	m.gauge(u)
}

func (m *Model) gauge(u []float64) {
	m.Symmetrize()
	l, q, lq := m.l, m.q, m.l*m.q
	c := m.Couplings()
	h := m.Fields()
	hNew := make([]float64, lq)
	copy(hNew, h)
	rowMean := make([]float64, q) // J_ij(a,·)
	colMean := make([]float64, q) // J_ij(·,b)
	for i := range l {
		for j := range l {
			if i == j {
				continue
			}
			all := 0.0
			for a := range q {
				rowMean[a], colMean[a] = 0, 0
			}
			for a := range q {
				row := c[(i*q+a)*lq+j*q : (i*q+a)*lq+j*q+q]
				for b, v := range row {
					rowMean[a] += u[b] * v
					colMean[b] += u[a] * v
				}
			}
			for a := range q {
				all += u[a] * rowMean[a]
			}
			for a := range q {
				hNew[i*q+a] += rowMean[a] - all
			}
			// Each ordered pair rewrites its own block; the transpose block
			// gets the same values from the (j, i) iteration.
			for a := range q {
				row := c[(i*q+a)*lq+j*q : (i*q+a)*lq+j*q+q]
				for b := range row {
					row[b] += -colMean[b] - rowMean[a] + all
				}
			}
		}
	}
	for i := range l {
		mean := 0.0
		for a := range q {
			mean += u[a] * hNew[i*q+a]
		}
		for a := range q {
			h[i*q+a] = hNew[i*q+a] - mean
		}
	}
}
