package bmdca

import "gonum.org/v1/gonum/mat"

// ModelCorrelations returns the connected correlations C_ij(a,b) of the
// chains x (n × L codes, as float64) in the order of t.C, for the
// data-versus-model scatter: Pearson(t.C, ModelCorrelations(x)) is the
// Monitor's Record.Pearson for the same chains.
func (t *Target) ModelCorrelations(x *mat.Dense) []float64 {
	var c Counts
	c.Count(chainCodes(x, nil), t.L, t.Q)
	out := make([]float64, len(t.C))
	c.Connected(out)
	return out
}
