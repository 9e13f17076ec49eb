//go:build !openblas || !cgo

package linalg

func sampleSigmoid32(in, bias []float32, u []uint32, dst []float32, rows, cols int) {
	sampleSigmoid32Go(in, bias, u, dst, rows, cols)
}

func sigmoidBias32(in, bias, out []float32, rows, cols int) {
	sigmoidBias32Go(in, bias, out, rows, cols)
}
