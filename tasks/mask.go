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

// MedianFilter returns the 3×3 median filter of n binary images of h×w
// pixels (x is n × h·w with values in {0,1}): each pixel becomes the
// majority value of its 3×3 neighbourhood (the pixels inside the image;
// ties keep the pixel's value). It is the classical baseline for removing
// salt-and-pepper noise.
func MedianFilter(x *mat.Dense, h, w int) *mat.Dense {
	n, d := x.Dims()
	if h*w != d {
		panic(fmt.Sprintf("tasks: MedianFilter of %d-pixel rows as %d×%d images", d, h, w))
	}
	out := mat.NewDense(n, d, nil)
	for r := range n {
		in, o := x.RawRowView(r), out.RawRowView(r)
		for y := range h {
			for xx := range w {
				on, tot := 0, 0
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						yy, xc := y+dy, xx+dx
						if yy < 0 || yy >= h || xc < 0 || xc >= w {
							continue
						}
						tot++
						if in[yy*w+xc] == 1 {
							on++
						}
					}
				}
				switch {
				case 2*on > tot:
					o[y*w+xx] = 1
				case 2*on == tot:
					o[y*w+xx] = in[y*w+xx]
				}
			}
		}
	}
	return out
}
