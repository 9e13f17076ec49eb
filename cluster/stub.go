//go:build !mpi || !cgo

package cluster

// Enabled reports whether the binary was built with MPI (-tags mpi).
const Enabled = false

// Comm is the world communicator; without MPI, the one process.
type Comm struct{}

// Init returns the world communicator: without MPI, rank 0 of 1.
func Init() (*Comm, error) { return &Comm{}, nil }

// Rank is this process's index, 0.
func (*Comm) Rank() int { return 0 }

// Size is the number of processes, 1.
func (*Comm) Size() int { return 1 }

// Alltoall copies send to recv.
func (*Comm) Alltoall(send []float64, _ []int, recv []float64, _ []int) error {
	copy(recv, send)
	return nil
}

// Allgather copies send to recv.
func (*Comm) Allgather(send, recv []float64, _ []int) error { copy(recv, send); return nil }

// Gather returns b alone.
func (*Comm) Gather(b []byte) ([][]byte, error) { return [][]byte{b}, nil }

// Broadcast returns b.
func (*Comm) Broadcast(b []byte) ([]byte, error) { return b, nil }

// Barrier returns at once.
func (*Comm) Barrier() error { return nil }

// Abort does nothing without MPI: the caller exits with its own code.
func (*Comm) Abort(int) {}

// Finalize does nothing.
func (*Comm) Finalize() error { return nil }
