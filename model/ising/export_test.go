package ising

// SetSparseCouplings sets the fraction of nonzero couplings up to which
// GibbsSweeps uses neighbour lists and returns a function that restores
// the old value (tests only).
func SetSparseCouplings(f float64) (restore func()) {
	old := sparseCouplings
	sparseCouplings = f
	return func() { sparseCouplings = old }
}
