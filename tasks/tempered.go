package tasks

import (
	"fmt"

	"boltzmann/model"
)

// Tempered returns a new model whose joint energy is β·E: a copy of m with
// every parameter multiplied by beta. For an RBM this gives the conditionals
// P(h_j=1|v) = σ(β(b_j + (vᵀW)_j)) and P(v_i=1|h) = σ(β(a_i + (Wh)_i)) and
// the visible distribution p_β(v) ∝ Σ_h exp(-β E(v, h)); for an Ising or
// Potts model it is p_β(s) ∝ exp(-β E(s)). The copy is exact for every model
// whose energy is linear in its parameters (rbm, rbm-labeled, ising, potts,
// and gaussian in its natural parameters). m must be a model.Specifier, so
// that it can be rebuilt from its Spec.
func Tempered(m model.Model, beta float64) (model.Model, error) {
	s, ok := m.(model.Specifier)
	if !ok {
		return nil, fmt.Errorf("tasks: cannot temper %T: it does not describe itself with a Spec", m)
	}
	t, err := model.New(s.Spec())
	if err != nil {
		return nil, fmt.Errorf("tasks: cannot temper %T: %w", m, err)
	}
	SetTemper(t, m, beta)
	return t, nil
}

// SetTemper sets the parameters of dst to beta times those of src; dst and
// src must be models of the same kind and size (dst usually comes from
// Tempered). Annealing reuses one tempered copy this way.
func SetTemper(dst, src model.Model, beta float64) {
	p, q := dst.Params(), src.Params()
	if len(p) != len(q) {
		panic(fmt.Sprintf("tasks: SetTemper with %d and %d parameters", len(p), len(q)))
	}
	for i, v := range q {
		p[i] = beta * v
	}
}
