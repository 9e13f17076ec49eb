package rbm_test

import (
	"math"
	"testing"

	"boltzmann/model"
	"boltzmann/model/rbm"
)

var _ model.PhaseDifference = (*rbm.RBM)(nil)

// TestPhaseDifferenceMatchesAddStats: the one-pass gradient equals the
// weighted mean of AddStats over the data rows minus the mean over the
// particles, to 1e-12 relative in float64 and 1e-5 relative in float32
// mode, for row counts that do not fill the 16-row blocks.
func TestPhaseDifferenceMatchesAddStats(t *testing.T) {
	r := testmodels64(t)
	pos, neg := randomBinary(37, 100, 11), randomBinary(53, 100, 12)
	w := make([]float64, 37)
	for i := range w {
		w[i] = 0.25 + float64(i%5)
	}
	for _, weights := range [][]float64{nil, w} {
		np := len(r.Params())
		sp, sn := make([]float64, np), make([]float64, np)
		r.AddStats(pos, weights, sp)
		r.AddStats(neg, nil, sn)
		cp := 37.0
		if weights != nil {
			cp = 0
			for _, x := range weights {
				cp += x
			}
		}
		want := make([]float64, np)
		scale := 0.0
		for j := range want {
			want[j] = sp[j]/cp - sn[j]/53
			scale = max(scale, math.Abs(want[j]))
		}
		for _, tc := range []struct {
			name string
			m    *rbm.RBM
			tol  float64
		}{{"float64", r, 1e-12}, {"float32", float32Copy(r), 1e-5}} {
			got := make([]float64, np)
			for j := range got {
				got[j] = math.NaN() // every component must be written
			}
			tc.m.PhaseDifference(pos, weights, neg, got)
			for j := range want {
				if d := math.Abs(got[j] - want[j]); !(d <= tc.tol*scale) {
					t.Fatalf("%s, weighted=%v: component %d is %v, want %v", tc.name, weights != nil, j, got[j], want[j])
				}
			}
		}
	}
}

func testmodels64(t *testing.T) *rbm.RBM {
	t.Helper()
	r := rbm.New(100, 37)
	p := r.Params()
	for j := range p {
		p[j] = 0.3 * math.Sin(float64(7*j+1))
	}
	return r
}
