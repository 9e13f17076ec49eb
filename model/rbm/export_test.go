package rbm

// SetTransposeMinWork sets the number of row-steps from which products
// with sparse hidden states are gathered from Wᵀ and returns a function
// that restores the old value (tests only).
func SetTransposeMinWork(n int) (restore func()) {
	old := transposeMinWork
	transposeMinWork = n
	return func() { transposeMinWork = old }
}
