//go:build openblas && cgo

package linalg

/*
#cgo LDFLAGS: -lopenblas
void openblas_set_num_threads(int);
*/
import "C"

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

const backend = "openblas"

func init() {
	setThreads(1)
	blas64.Use(netlib.Implementation{})
	blas32.Use(netlib.Implementation{})
}

func setThreads(n int) { C.openblas_set_num_threads(C.int(n)) }
