package dataset

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// CheckFinite returns an error naming the first NaN or ±Inf in x, by row
// and column (counting from 0), or nil if every value is finite.
func CheckFinite(x mat.Matrix) error {
	return eachRow(x, func(i int, row []float64) error {
		for j, v := range row {
			if v-v != 0 { // NaN or ±Inf: v-v is NaN
				return fmt.Errorf("dataset: row %d, column %d is %v (remove or impute non-finite values)", i, j, v)
			}
		}
		return nil
	})
}

// checkNoInf is CheckFinite that lets NaN (a missing value) through.
func checkNoInf(x mat.Matrix) error {
	return eachRow(x, func(i int, row []float64) error {
		for j, v := range row {
			if math.IsInf(v, 0) {
				return fmt.Errorf("dataset: row %d, column %d is %v (remove or impute infinite values)", i, j, v)
			}
		}
		return nil
	})
}

// eachRow calls f with each row of x in order, until f returns an error,
// and returns that error. The rows of a *mat.Dense are its own memory (60,000
// MNIST rows are read in a fraction of the time of element-wise At); those
// of other matrices are copies. f must not keep or change row.
func eachRow(x mat.Matrix, f func(i int, row []float64) error) error {
	r, c := x.Dims()
	d, dense := x.(*mat.Dense)
	var buf []float64
	if !dense {
		buf = make([]float64, c)
	}
	for i := range r {
		row := buf
		if dense {
			row = d.RawRowView(i)
		} else {
			mat.Row(buf, i, x)
		}
		if err := f(i, row); err != nil {
			return err
		}
	}
	return nil
}

// Encoding says which two values binary data take.
type Encoding string

const (
	// ZeroOne is data in {0, 1}, as RBMs with Bernoulli units use.
	ZeroOne Encoding = "01"
	// PlusMinus is data in {-1, +1}, as Ising spins.
	PlusMinus Encoding = "pm1"
)

// DetectBinary reports whether x is binary data and in which encoding:
// ZeroOne if every value is 0 or 1 (so data of only 1s is ZeroOne),
// PlusMinus if every value is -1 or +1 and at least one is -1. Otherwise it
// returns an error naming the first value, by row and column, that rules
// both out.
func DetectBinary(x mat.Matrix) (Encoding, error) {
	var zero, minus bool
	err := eachRow(x, func(i int, row []float64) error {
		for j, v := range row {
			switch v {
			case 1:
			case 0:
				if minus {
					return fmt.Errorf("dataset: row %d, column %d is 0 but earlier values are -1 (binary data must be all {0, 1} or all {-1, +1})", i, j)
				}
				zero = true
			case -1:
				if zero {
					return fmt.Errorf("dataset: row %d, column %d is -1 but earlier values are 0 (binary data must be all {0, 1} or all {-1, +1})", i, j)
				}
				minus = true
			default:
				return fmt.Errorf("dataset: row %d, column %d is %g, not binary (binarize the data, e.g. --binarize threshold)", i, j, v)
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if minus {
		return PlusMinus, nil
	}
	return ZeroOne, nil
}

// ToZeroOne returns a new matrix holding x (in encoding enc) in {0, 1}:
// s ↦ (s+1)/2 for PlusMinus, a copy for ZeroOne. x is not modified.
func ToZeroOne(x mat.Matrix, enc Encoding) *mat.Dense {
	return mapBinary(x, enc, func(s float64) float64 { return (s + 1) / 2 })
}

// FromZeroOne returns a new matrix holding x (in {0, 1}) in encoding enc:
// b ↦ 2b-1 for PlusMinus, a copy for ZeroOne. x is not modified.
func FromZeroOne(x mat.Matrix, enc Encoding) *mat.Dense {
	return mapBinary(x, enc, func(b float64) float64 { return 2*b - 1 })
}

func mapBinary(x mat.Matrix, enc Encoding, f func(float64) float64) *mat.Dense {
	out := mat.DenseCopyOf(x)
	switch enc {
	case ZeroOne:
	case PlusMinus:
		out.Apply(func(_, _ int, v float64) float64 { return f(v) }, out)
	default:
		panic(fmt.Sprintf("dataset: unknown encoding %q", enc))
	}
	return out
}
