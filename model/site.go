package model

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// SiteDeltaFunc writes into out[k] the energy change F(x with x_i =
// States()[k]) - F(x) for one configuration x.
type SiteDeltaFunc func(x []float64, i int, out []float64)

// NewSiteDeltas returns a SiteDeltaFunc for m: the model's own SiteDeltas
// when it implements SiteEnergies, otherwise a generic one that evaluates
// the free energy of the len(States()) alternatives (correct for any
// discrete model, an RBM's visible marginal included, but slower). The
// generic function owns scratch space: use one per goroutine. It changes
// one unit: for a unit of a one-hot block that leaves the model's space, so
// code that moves configurations uses NewVarDeltas over Space().Vars().
func NewSiteDeltas(m Discrete) SiteDeltaFunc {
	if s, ok := m.(SiteEnergies); ok {
		return s.SiteDeltas
	}
	states := m.States()
	q, dim := len(states), m.Dim()
	alt := mat.NewDense(q+1, dim, nil)
	f := make([]float64, q+1)
	return func(x []float64, i int, out []float64) {
		for k := range q + 1 {
			row := alt.RawRowView(k)
			copy(row, x)
			if k < q {
				row[i] = states[k]
			}
		}
		m.FreeEnergy(alt, f)
		for k := range q {
			out[k] = f[k] - f[q]
		}
	}
}

// StateIndex returns the index k of v in states (states[k] == v), or -1 if
// v is not one of them.
func StateIndex(states []float64, v float64) int {
	for k, s := range states {
		if s == v {
			return k
		}
	}
	return -1
}

// VarDeltaFunc writes into out[k], for each value k of the variable v
// (length v.Values()), the energy change F(x with v set to value k) - F(x)
// in nats for one configuration x (length Dim).
type VarDeltaFunc func(x []float64, v Var, out []float64)

// NewVarDeltas returns a VarDeltaFunc for m: single-unit variables go
// through NewSiteDeltas (the model's own SiteDeltas when it has them), a
// one-hot block through the free energies of its Len one-hot settings and
// of x itself, evaluated in one batch. The function owns scratch space: use
// one per goroutine. It panics if m's space has real units or a unit whose
// values are not States().
func NewVarDeltas(m Discrete) VarDeltaFunc {
	vars, err := m.Space().Vars()
	if err != nil {
		panic(err.Error())
	}
	site := NewSiteDeltas(m)
	q, dim, maxLen := len(m.States()), m.Dim(), 0
	for _, v := range vars {
		if v.OneHot {
			maxLen = max(maxLen, v.Len)
		} else if len(v.States) != q {
			panic(fmt.Sprintf("model: unit %d of %T has %d values, States() %d", v.Start, m, len(v.States), q))
		}
	}
	var alt *mat.Dense
	var f []float64
	if maxLen > 0 {
		alt = mat.NewDense(maxLen+1, dim, nil)
		f = make([]float64, maxLen+1)
	}
	return func(x []float64, v Var, out []float64) {
		if !v.OneHot {
			site(x, v.Start, out)
			return
		}
		n := v.Len
		for k := range n + 1 {
			row := alt.RawRowView(k)
			copy(row, x)
			if k < n {
				v.Set(row, k)
			}
		}
		a := alt.Slice(0, n+1, 0, dim).(*mat.Dense)
		m.FreeEnergy(a, f[:n+1])
		for k := range n {
			out[k] = f[k] - f[n]
		}
	}
}
