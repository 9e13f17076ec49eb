package sample

import (
	"encoding/binary"
	"math"
)

func appendFloats(buf []byte, xs []float64) []byte {
	for _, x := range xs {
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(x))
	}
	return buf
}

func float64frombits(b uint64) float64 { return math.Float64frombits(b) }
