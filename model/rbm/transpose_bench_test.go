package rbm

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkTransposeWeights times the transposed float32 copy of the
// 784×500 weights that gathered h·Wᵀ products need after every parameter
// change (the cost transposePays weighs).
func BenchmarkTransposeWeights(b *testing.B) {
	r := New(784, 500)
	r.InitRandom(rand.New(rand.NewPCG(1, 1)), 0.01)
	r.SetFloat32(true)
	r.params32()
	for b.Loop() {
		r.f32.staleT.Store(true)
		r.weightsT32()
	}
}
