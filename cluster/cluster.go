// Package cluster is the MPI transport of data-parallel runs: the world
// communicator of a job started by mpirun, with the few collectives that
// training needs (train.Comm: Alltoall and Allgather of float64, Gather and
// Broadcast of bytes), a barrier, and Abort.
//
// It binds Open MPI's C library through cgo when built with the tag mpi
// (go build -tags mpi; Debian and Ubuntu: apt-get install libopenmpi-dev
// openmpi-bin). Without the tag it is a one-process stand-in with the same
// API, so that the default build needs no MPI: Init then gives rank 0 of
// 1, and Launched lets a command refuse to run as several uncoordinated
// copies when mpirun started it anyway.
//
// Errors of the MPI library are fatal (MPI_ERRORS_ARE_FATAL, Open MPI's
// default): a process that dies, or a broken connection, ends the whole
// job through mpirun instead of leaving the others waiting.
package cluster

import (
	"os"
	"strconv"
)

// Launched returns the number of processes that a launcher (mpirun of
// Open MPI, or a PMI launcher) announced in the environment, and whether
// one did: a process that no launcher started gives 1, false.
func Launched() (int, bool) {
	for _, v := range []string{"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"} {
		if n, err := strconv.Atoi(os.Getenv(v)); err == nil && n > 0 {
			return n, true
		}
	}
	return 1, false
}
