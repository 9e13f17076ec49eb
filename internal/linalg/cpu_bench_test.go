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

func TestCPUCost(t *testing.T) {
	if testing.Short() || !testing.Verbose() {
		t.Skip("timing report; run with -v")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
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
		c0 := threadCPU()
		reps := 2000
		for range reps {
			tc.fn()
		}
		t.Logf("%s (%s): %.2f ns CPU per unit", tc.name, Backend(), float64(threadCPU()-c0)/float64(reps*n))
	}
}
