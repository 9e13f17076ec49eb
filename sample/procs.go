package sample

import (
	"encoding/binary"
	"fmt"
)

// Procs are the processes of a job that share chains by blocks (package
// cluster's Comm is one; nil means one process). Every method is
// collective: all processes call it, in the same order.
type Procs interface {
	// Rank is this process's index in [0, Size).
	Rank() int
	// Size is the number of processes.
	Size() int
	// Gather returns every process's b, in rank order, on process 0, and
	// nil on the others.
	Gather(b []byte) ([][]byte, error)
	// Broadcast returns process 0's b on every process.
	Broadcast(b []byte) ([]byte, error)
}

// ShareBlocks returns the blocks [lo, hi) of nb that process k of n owns:
// consecutive ranges in rank order, their sizes differing by at most one.
func ShareBlocks(nb, k, n int) (lo, hi int) { return nb * k / n, nb * (k + 1) / n }

// Share returns this process's blocks of c (c itself with one process):
// advanced by any sampler, they draw what the same blocks of c would in one
// process, so that results gathered in rank order do not depend on the
// number of processes. what names the chains in the error returned when
// they make fewer blocks than there are processes.
func Share(c *Chains, p Procs, what string) (*Chains, error) {
	if p == nil || p.Size() == 1 {
		return c, nil
	}
	nb, n := c.NumBlocks(), p.Size()
	if nb < n {
		return nil, fmt.Errorf("%d %s make %d blocks of %d, fewer than the %d processes: use at least %d, or fewer processes",
			c.Len(), what, nb, BlockSize, n, n*BlockSize)
	}
	lo, hi := ShareBlocks(nb, p.Rank(), n)
	return c.Blocks(lo, hi), nil
}

// A SharedSampler is a Sampler that keeps state of its own for each chain
// or takes decisions over all chains (parallel tempering: replicas, an
// adapted ladder), and so must know how the chains are shared among the
// processes of a job. Whoever shares chains by Share tells it, before its
// first Step: the chains it is then given are this process's blocks of
// total chains.
type SharedSampler interface {
	Sampler
	ShareChains(p Procs, total int) error
}

// ShareSampler tells s, when it is a SharedSampler, that it advances this
// process's share (Share) of total chains; one process (p nil or of size
// 1) needs nothing.
func ShareSampler(s Sampler, p Procs, total int) error {
	if p == nil || p.Size() == 1 {
		return nil
	}
	if ss, ok := s.(SharedSampler); ok {
		return ss.ShareChains(p, total)
	}
	return nil
}

// GatherFloats returns every process's v concatenated in rank order on
// process 0, and nil on the others (v itself with one process).
func GatherFloats(p Procs, v []float64) ([]float64, error) {
	if p == nil || p.Size() == 1 {
		return v, nil
	}
	parts, err := p.Gather(appendFloats(nil, v))
	if err != nil || parts == nil {
		return nil, err
	}
	var out []float64
	for k, b := range parts {
		if len(b)%8 != 0 {
			return nil, fmt.Errorf("sample: process %d sent %d bytes, not float64 values", k, len(b))
		}
		for i := 0; i < len(b); i += 8 {
			out = append(out, float64frombits(binary.LittleEndian.Uint64(b[i:])))
		}
	}
	return out, nil
}

// AllgatherFloats is GatherFloats with the result on every process.
func AllgatherFloats(p Procs, v []float64) ([]float64, error) {
	if p == nil || p.Size() == 1 {
		return v, nil
	}
	all, err := GatherFloats(p, v)
	if err != nil {
		return nil, err
	}
	b, err := p.Broadcast(appendFloats(nil, all))
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(b)/8)
	for i := range out {
		out[i] = float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return out, nil
}
