//go:build !openblas || !cgo

package linalg

func sampleSigmoid32(in, bias []float32, u []uint32, dst []float32, rows, cols int) {
	for r := range rows {
		x, ur, d := in[r*cols:(r+1)*cols], u[r*cols:(r+1)*cols], dst[r*cols:(r+1)*cols]
		for j, xj := range x {
			f := float32(ur[j]>>8) * 0x1p-24
			if f*(1+Exp32(-(xj+bias[j]))) < 1 {
				d[j] = 1
			} else {
				d[j] = 0
			}
		}
	}
}

func sigmoidBias32(in, bias, out []float32, rows, cols int) {
	for r := range rows {
		x, o := in[r*cols:(r+1)*cols], out[r*cols:(r+1)*cols]
		for j, xj := range x {
			o[j] = 1 / (1 + Exp32(-(xj + bias[j])))
		}
	}
}
