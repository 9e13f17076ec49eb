//go:build !openblas || !cgo

package linalg

const backend = "gonum"

func setThreads(int) {}
