//go:build mpi && cgo

package cluster

/*
#cgo pkg-config: ompi-c
#include <mpi.h>

static int b_init(int *provided) {
	int flag = 0;
	MPI_Initialized(&flag);
	if (flag) {
		MPI_Query_thread(provided);
		return MPI_SUCCESS;
	}
	return MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, provided);
}
static int b_serialized(void) { return MPI_THREAD_SERIALIZED; }
static int b_rank(int *r) { return MPI_Comm_rank(MPI_COMM_WORLD, r); }
static int b_size(int *s) { return MPI_Comm_size(MPI_COMM_WORLD, s); }
static int b_alltoallv(double *send, int *sc, int *sd, double *recv, int *rc, int *rd) {
	return MPI_Alltoallv(send, sc, sd, MPI_DOUBLE, recv, rc, rd, MPI_DOUBLE, MPI_COMM_WORLD);
}
static int b_allgatherv(double *send, int n, double *recv, int *rc, int *rd) {
	return MPI_Allgatherv(send, n, MPI_DOUBLE, recv, rc, rd, MPI_DOUBLE, MPI_COMM_WORLD);
}
static int b_gather_int(int v, int *all) {
	return MPI_Gather(&v, 1, MPI_INT, all, 1, MPI_INT, 0, MPI_COMM_WORLD);
}
static int b_gatherv(char *send, int n, char *recv, int *rc, int *rd) {
	return MPI_Gatherv(send, n, MPI_BYTE, recv, rc, rd, MPI_BYTE, 0, MPI_COMM_WORLD);
}
static int b_bcast_int(int *v) { return MPI_Bcast(v, 1, MPI_INT, 0, MPI_COMM_WORLD); }
static int b_bcast(char *buf, int n) { return MPI_Bcast(buf, n, MPI_BYTE, 0, MPI_COMM_WORLD); }
static int b_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }
static int b_abort(int code) { return MPI_Abort(MPI_COMM_WORLD, code); }
static int b_finalize(void) { return MPI_Finalize(); }
*/
import "C"

import (
	"fmt"
	"sync"
	"unsafe"
)

// Enabled reports whether the binary was built with MPI (-tags mpi).
const Enabled = true

// Comm is the world communicator of the MPI job. Its methods may be called
// from any goroutine; they are serialized.
type Comm struct {
	mu         sync.Mutex
	rank, size int
	done       bool
}

var (
	world    *Comm
	worldErr error
	once     sync.Once
)

// Init initializes MPI (once per process) and returns the world
// communicator. A process that mpirun did not start is a job of one.
func Init() (*Comm, error) {
	once.Do(func() {
		var provided, r, s C.int
		if rc := C.b_init(&provided); rc != C.MPI_SUCCESS {
			worldErr = fmt.Errorf("cluster: MPI_Init_thread failed (code %d)", int(rc))
			return
		}
		if provided < C.b_serialized() {
			worldErr = fmt.Errorf("cluster: the MPI library does not support calls from several threads (MPI_THREAD_SERIALIZED)")
			return
		}
		C.b_rank(&r)
		C.b_size(&s)
		world = &Comm{rank: int(r), size: int(s)}
	})
	return world, worldErr
}

// Rank is this process's index in [0, Size).
func (c *Comm) Rank() int { return c.rank }

// Size is the number of processes of the job.
func (c *Comm) Size() int { return c.size }

var zeroD C.double
var zeroB C.char

func dptr(s []float64) *C.double {
	if len(s) == 0 {
		return &zeroD
	}
	return (*C.double)(unsafe.Pointer(&s[0]))
}

func bptr(s []byte) *C.char {
	if len(s) == 0 {
		return &zeroB
	}
	return (*C.char)(unsafe.Pointer(&s[0]))
}

// counts returns counts as C ints with their displacements.
func counts(n []int) (cnt, disp []C.int, total int, err error) {
	cnt, disp = make([]C.int, len(n)), make([]C.int, len(n))
	for k, v := range n {
		if err := checkCount(total + v); err != nil {
			return nil, nil, 0, err
		}
		cnt[k], disp[k] = C.int(v), C.int(total)
		total += v
	}
	return cnt, disp, total, nil
}

func check(name string, rc C.int) error {
	if rc != C.MPI_SUCCESS {
		return fmt.Errorf("cluster: %s failed (MPI error %d)", name, int(rc))
	}
	return nil
}

// Alltoall sends sendCounts[k] consecutive values of send to process k and
// receives recvCounts[k] values from process k into consecutive parts of
// recv, in rank order (MPI_Alltoallv).
func (c *Comm) Alltoall(send []float64, sendCounts []int, recv []float64, recvCounts []int) error {
	if len(sendCounts) != c.size || len(recvCounts) != c.size {
		return fmt.Errorf("cluster: Alltoall with %d and %d counts for %d processes", len(sendCounts), len(recvCounts), c.size)
	}
	sc, sd, ns, err := counts(sendCounts)
	if err != nil {
		return err
	}
	rc, rd, nr, err := counts(recvCounts)
	if err != nil {
		return err
	}
	if ns > len(send) || nr > len(recv) {
		return fmt.Errorf("cluster: Alltoall of %d and %d values with buffers of %d and %d", ns, nr, len(send), len(recv))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return check("MPI_Alltoallv", C.b_alltoallv(dptr(send), &sc[0], &sd[0], dptr(recv), &rc[0], &rd[0]))
}

// Allgather concatenates every process's send (counts[k] values from
// process k) into recv on every process, in rank order (MPI_Allgatherv).
func (c *Comm) Allgather(send, recv []float64, cnts []int) error {
	if len(cnts) != c.size || cnts[c.rank] != len(send) {
		return fmt.Errorf("cluster: Allgather counts do not fit %d processes and %d values", c.size, len(send))
	}
	rc, rd, nr, err := counts(cnts)
	if err != nil {
		return err
	}
	if nr > len(recv) {
		return fmt.Errorf("cluster: Allgather of %d values into %d", nr, len(recv))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return check("MPI_Allgatherv", C.b_allgatherv(dptr(send), C.int(len(send)), dptr(recv), &rc[0], &rd[0]))
}

// Gather returns every process's b, in rank order, on process 0, and nil
// on the others.
func (c *Comm) Gather(b []byte) ([][]byte, error) {
	if err := checkCount(len(b)); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	lens := make([]C.int, c.size)
	if err := check("MPI_Gather", C.b_gather_int(C.int(len(b)), &lens[0])); err != nil {
		return nil, err
	}
	var n []int
	if c.rank == 0 {
		for _, v := range lens {
			n = append(n, int(v))
		}
	} else {
		n = make([]int, c.size)
	}
	rc, rd, total, err := counts(n)
	if err != nil {
		return nil, err
	}
	var all []byte
	if c.rank == 0 {
		all = make([]byte, total)
	}
	if err := check("MPI_Gatherv", C.b_gatherv(bptr(b), C.int(len(b)), bptr(all), &rc[0], &rd[0])); err != nil {
		return nil, err
	}
	if c.rank != 0 {
		return nil, nil
	}
	out := make([][]byte, c.size)
	for k := range out {
		out[k] = all[int(rd[k]) : int(rd[k])+n[k]]
	}
	return out, nil
}

// Broadcast returns process 0's b on every process.
func (c *Comm) Broadcast(b []byte) ([]byte, error) {
	if err := checkCount(len(b)); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n := C.int(len(b))
	if err := check("MPI_Bcast", C.b_bcast_int(&n)); err != nil {
		return nil, err
	}
	buf := b
	if c.rank != 0 {
		buf = make([]byte, int(n))
	}
	if err := check("MPI_Bcast", C.b_bcast(bptr(buf), n)); err != nil {
		return nil, err
	}
	return buf, nil
}

// Barrier returns when every process has called it.
func (c *Comm) Barrier() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return check("MPI_Barrier", C.b_barrier())
}

// Abort ends every process of the job with exit code code (MPI_Abort); it
// does not return.
func (c *Comm) Abort(code int) {
	C.b_abort(C.int(code))
}

// Finalize ends this process's part in the job (MPI_Finalize); every
// process calls it once, after its last collective.
func (c *Comm) Finalize() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return nil
	}
	c.done = true
	return check("MPI_Finalize", C.b_finalize())
}

// checkCount refuses messages that MPI's int counts cannot describe.
func checkCount(n int) error {
	if n < 0 || n > 1<<31-1 {
		return fmt.Errorf("cluster: a message of %d elements is larger than MPI's int counts allow", n)
	}
	return nil
}
