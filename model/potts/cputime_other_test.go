//go:build !unix

package potts

func cpuSeconds() float64 { return 0 }
