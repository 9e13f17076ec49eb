// Package testprocs is an in-process stand-in for an MPI job in tests: n
// goroutines, one per rank, exchange through shared slots between two
// barriers per collective. Its Comm has the collectives of train.Comm and
// sample.Procs.
package testprocs

import "sync"

// Group is the job of n ranks.
type Group struct {
	n       int
	mu      sync.Mutex
	cond    *sync.Cond
	arrived int
	gen     int
	slots   []any
}

// New returns a job of n ranks.
func New(n int) *Group {
	g := &Group{n: n, slots: make([]any, n)}
	g.cond = sync.NewCond(&g.mu)
	return g
}

// Run calls fn for every rank of a job of n ranks, each in its own
// goroutine, and returns when all have returned.
func Run(n int, fn func(c Comm)) {
	g := New(n)
	var wg sync.WaitGroup
	for k := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(g.Comm(k))
		}()
	}
	wg.Wait()
}

func (g *Group) barrier() {
	g.mu.Lock()
	defer g.mu.Unlock()
	gen := g.gen
	if g.arrived++; g.arrived == g.n {
		g.arrived, g.gen = 0, g.gen+1
		g.cond.Broadcast()
		return
	}
	for gen == g.gen {
		g.cond.Wait()
	}
}

// exchange deposits v and calls read with every rank's value.
func (g *Group) exchange(rank int, v any, read func(all []any)) {
	g.slots[rank] = v
	g.barrier()
	read(g.slots)
	g.barrier()
}

// Comm is rank's view of the job.
type Comm struct {
	g    *Group
	rank int
}

// Comm returns the communicator of rank.
func (g *Group) Comm(rank int) Comm { return Comm{g, rank} }

// Rank is the rank.
func (c Comm) Rank() int { return c.rank }

// Size is the number of ranks.
func (c Comm) Size() int { return c.g.n }

type sendPart struct {
	send   []float64
	counts []int
}

// Alltoall is MPI_Alltoallv of float64.
func (c Comm) Alltoall(send []float64, sendCounts []int, recv []float64, recvCounts []int) error {
	c.g.exchange(c.rank, sendPart{send, sendCounts}, func(all []any) {
		off := 0
		for k, a := range all {
			p := a.(sendPart)
			at := 0
			for j := range c.rank {
				at += p.counts[j]
			}
			if p.counts[c.rank] != recvCounts[k] {
				panic("testprocs: alltoall counts disagree")
			}
			off += copy(recv[off:], p.send[at:at+p.counts[c.rank]])
		}
	})
	return nil
}

// Allgather is MPI_Allgatherv of float64.
func (c Comm) Allgather(send, recv []float64, counts []int) error {
	c.g.exchange(c.rank, send, func(all []any) {
		off := 0
		for k, a := range all {
			if len(a.([]float64)) != counts[k] {
				panic("testprocs: allgather counts disagree")
			}
			off += copy(recv[off:], a.([]float64))
		}
	})
	return nil
}

// Gather returns every rank's b on rank 0, nil elsewhere.
func (c Comm) Gather(b []byte) ([][]byte, error) {
	var out [][]byte
	c.g.exchange(c.rank, b, func(all []any) {
		if c.rank == 0 {
			for _, a := range all {
				out = append(out, append([]byte(nil), a.([]byte)...))
			}
		}
	})
	return out, nil
}

// Broadcast returns rank 0's b on every rank.
func (c Comm) Broadcast(b []byte) ([]byte, error) {
	var out []byte
	c.g.exchange(c.rank, b, func(all []any) { out = append([]byte(nil), all[0].([]byte)...) })
	return out, nil
}
