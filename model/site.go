package model

import "gonum.org/v1/gonum/mat"

// SiteDeltaFunc writes into out[k] the energy change F(x with x_i =
// States()[k]) - F(x) for one configuration x.
type SiteDeltaFunc func(x []float64, i int, out []float64)

// NewSiteDeltas returns a SiteDeltaFunc for m: the model's own SiteDeltas
// when it implements SiteEnergies, otherwise a generic one that evaluates
// the free energy of the len(States()) alternatives (correct for any
// discrete model, an RBM's visible marginal included, but slower). The
// generic function owns scratch space: use one per goroutine.
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
