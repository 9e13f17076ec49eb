package linalg

import (
	"math/rand/v2"
	"runtime"
	"syscall"
	"testing"
	"time"
)

func threadCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkKernelCPU reports the CPU time per unit of the elementwise
// sampling kernels (Uniforms, SampleSigmoid32, SigmoidBias32) on a locked
// OS thread, so that other load on a shared machine does not distort it:
//
//	go test -run xxx -bench KernelCPU ./internal/linalg/
func BenchmarkKernelCPU(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 4096
	in := make([]float32, n)
	for i := range in {
		in[i] = float32(rng.NormFloat64())
	}
	bias, dst, u := make([]float32, n), make([]float32, n), make([]uint32, n)
	for _, tc := range []struct {
		name string
		fn   func()
	}{
		{"Uniforms", func() { Uniforms(rng, u) }},
		{"SampleSigmoid32", func() { SampleSigmoid32(in, bias, u, dst, 4, n/4) }},
		{"SigmoidBias32", func() { SigmoidBias32(in, bias, dst, 4, n/4) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			c0 := threadCPU()
			for b.Loop() {
				tc.fn()
			}
			b.ReportMetric(float64(threadCPU()-c0)/float64(b.N*n), "cpu-ns/unit")
		})
	}
}
