package linalg

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestExp32: relative error below 2e-7 over the whole clamped range.
func TestExp32(t *testing.T) {
	worst := 0.0
	for x := -87.0; x <= 88; x += 0.001 {
		got, want := float64(Exp32(float32(x))), math.Exp(float64(float32(x)))
		worst = max(worst, math.Abs(got-want)/want)
	}
	if worst > 2e-7 {
		t.Fatalf("Exp32 relative error %.3g", worst)
	}
	if Exp32(1000) != Exp32(88) || Exp32(-1000) <= 0 {
		t.Fatal("Exp32 does not clamp")
	}
}

// TestSampleSigmoid32: the frequency of ones matches σ(x) within 4.5
// standard errors (false-failure rate about 1e-5 per value).
func TestSampleSigmoid32(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 200000
	xs := []float32{-6, -1, 0, 0.3, 2.5}
	in := make([]float32, n)
	bias := make([]float32, 1000)
	dst := make([]float32, n)
	u := make([]uint32, n)
	for _, x := range xs {
		for i := range in {
			in[i] = x
		}
		Uniforms(rng, u)
		SampleSigmoid32(in, bias, u, dst, n/1000, 1000)
		s := 0.0
		for _, v := range dst {
			s += float64(v)
		}
		p := 1 / (1 + math.Exp(-float64(x)))
		if z := (s/n - p) / math.Sqrt(p*(1-p)/n); math.Abs(z) > 4.5 {
			t.Errorf("x=%v: frequency %v, want %v (z=%.1f)", x, s/n, p, z)
		}
	}
}

func TestBackend(t *testing.T) {
	if b := Backend(); b != "openblas" && b != "gonum" {
		t.Fatalf("backend %q", b)
	}
}

// TestSigmoidBias32 checks the (possibly vectorized) kernel against
// float64 within 1e-6 absolute.
func TestSigmoidBias32(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	in, bias, out := make([]float32, 3*77), make([]float32, 77), make([]float32, 3*77)
	for i := range in {
		in[i] = float32(20 * rng.NormFloat64())
	}
	for i := range bias {
		bias[i] = float32(rng.NormFloat64())
	}
	SigmoidBias32(in, bias, out, 3, 77)
	for i, x := range in {
		want := 1 / (1 + math.Exp(-float64(x+bias[i%77])))
		if d := math.Abs(float64(out[i]) - want); d > 1e-6 {
			t.Fatalf("σ(%v) = %v, want %v", x+bias[i%77], out[i], want)
		}
	}
}
