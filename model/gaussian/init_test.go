package gaussian

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestInitFromData: the initial model has the column means and variances
// of the data, no correlations, and a constant column gets the floor
// variance instead of an improper model.
func TestInitFromData(t *testing.T) {
	x := mat.NewDense(4, 3, []float64{
		1, 5, 2,
		3, 5, -2,
		5, 5, 2,
		7, 5, -2,
	})
	m := New(3)
	m.InitFromData(x, rand.New(rand.NewPCG(1, 1)))
	if err := m.Valid(); err != nil {
		t.Fatal(err)
	}
	mu, _ := m.Mean()
	cov, _ := m.Covariance()
	wantMu, wantVar := []float64{4, 5, 0}, []float64{5, MinInitVariance, 4}
	for i := range 3 {
		if math.Abs(mu[i]-wantMu[i]) > 1e-9 {
			t.Errorf("mean %d = %v, want %v", i, mu[i], wantMu[i])
		}
		for j := range 3 {
			want := 0.0
			if i == j {
				want = wantVar[i]
			}
			if math.Abs(cov.At(i, j)-want) > 1e-12*math.Max(1, want) {
				t.Errorf("covariance (%d,%d) = %v, want %v", i, j, cov.At(i, j), want)
			}
		}
	}
}
