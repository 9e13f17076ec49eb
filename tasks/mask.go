package tasks

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// BottomHalf returns the mask (n·h·w entries, row-major, true = missing)
// that hides the bottom ⌈h/2⌉ pixel rows of n images of h×w pixels.
func BottomHalf(n, h, w int) []bool {
	if n < 0 || h < 1 || w < 1 {
		panic(fmt.Sprintf("tasks: BottomHalf(%d, %d, %d)", n, h, w))
	}
	m := make([]bool, n*h*w)
	for r := range n {
		for y := h / 2; y < h; y++ {
			for x := range w {
				m[r*h*w+y*w+x] = true
			}
		}
	}
	return m
}

// RandomMask returns a mask of n·d entries, each missing independently
// with probability p.
func RandomMask(n, d int, p float64, rng *rand.Rand) []bool {
	if !(p >= 0 && p <= 1) {
		panic(fmt.Sprintf("tasks: RandomMask with probability %g", p))
	}
	m := make([]bool, n*d)
	for i := range m {
		m[i] = rng.Float64() < p
	}
	return m
}

// NaNMask returns the mask of the NaN entries of x (row-major), or nil when
// x has none.
func NaNMask(x *mat.Dense) []bool {
	n, d := x.Dims()
	var m []bool
	for r := range n {
		for i, v := range x.RawRowView(r) {
			if math.IsNaN(v) {
				if m == nil {
					m = make([]bool, n*d)
				}
				m[r*d+i] = true
			}
		}
	}
	return m
}

// Flip returns a copy of x (n × d, values in {0,1}) with each entry
// flipped independently with probability rate.
func Flip(x *mat.Dense, rate float64, rng *rand.Rand) *mat.Dense {
	out := mat.DenseCopyOf(x)
	n, _ := out.Dims()
	for r := range n {
		row := out.RawRowView(r)
		for i, v := range row {
			if rng.Float64() < rate {
				row[i] = 1 - v
			}
		}
	}
	return out
}
