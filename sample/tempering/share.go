package tempering

import (
	"encoding/binary"
	"fmt"

	"boltzmann/sample"
)

// share is how the PT chains of a Sampler are shared among the processes
// of a job (ShareChains); nil in one process.
type share struct {
	procs  sample.Procs
	total  int // PT chains of the whole job
	b0, b1 int // this process's blocks [b0, b1) of them
}

var _ sample.SharedSampler = (*Sampler)(nil)

// ShareChains makes p one process's part of parallel tempering over total
// chains shared among the processes procs by blocks (sample.Share): the
// cold chains given to Step are this process's blocks of them. The
// replicas at β < 1 are then the same blocks of the one-process sampler's
// (the seed of their streams comes from process 0), the ladder adapts to
// the swap acceptance of all chains, summed in block order over the
// processes (a collective at every transition), and the diagnostics count
// every chain, so that every process holds the same ladder and
// diagnostics and the chains follow the one-process run bit for bit.
// MarshalBinary is then collective: process 0 gets the state of the
// one-process sampler, the others nil; UnmarshalBinary takes this
// process's blocks of such a state, saved with any number of processes.
// Call it before the first Step; a communication error in Step panics.
func (p *Sampler) ShareChains(procs sample.Procs, total int) error {
	if p.hot != nil {
		return fmt.Errorf("tempering: ShareChains after the first Step")
	}
	if procs == nil || procs.Size() == 1 {
		p.share = nil
		return nil
	}
	nb := (total + sample.BlockSize - 1) / sample.BlockSize
	if total < 1 || nb < procs.Size() {
		return fmt.Errorf("tempering: %d chains make %d blocks of %d, fewer than the %d processes", total, nb, sample.BlockSize, procs.Size())
	}
	b0, b1 := sample.ShareBlocks(nb, procs.Rank(), procs.Size())
	p.share = &share{procs: procs, total: total, b0: b0, b1: b1}
	return nil
}

// chains returns the number of PT chains whose acceptances the
// diagnostics and the ladder count: all of the job's.
func (p *Sampler) chains() int {
	if p.share != nil {
		return p.share.total
	}
	return p.hot[0].Len()
}

// local returns the number of this process's chains.
func (s *share) local() int {
	return min(s.b1*sample.BlockSize, s.total) - s.b0*sample.BlockSize
}

// first returns the global index of this process's first chain.
func (s *share) first() int { return s.b0 * sample.BlockSize }

// startSeed returns the seed of the replicas' streams: a draw from the
// first stream of the cold chains, made by the process that holds it.
func (p *Sampler) startSeed(first func() uint64) uint64 {
	if p.share == nil {
		return first()
	}
	b := make([]byte, 8)
	if p.share.procs.Rank() == 0 {
		binary.LittleEndian.PutUint64(b, first())
	}
	out, err := p.share.procs.Broadcast(b)
	if err != nil || len(out) != 8 {
		panic(fmt.Sprintf("tempering: sharing the replicas' seed: %v", err))
	}
	return binary.LittleEndian.Uint64(out)
}

// sumBlocks returns the sums over every block of the job, in block order,
// of each block's acceptances (accB[b], length R-1) and round trips: in
// one process its own blocks', otherwise every process's, exchanged.
func (p *Sampler) sumBlocks(accB [][]float64, tripsB []int) (acc []float64, trips int) {
	R := len(p.betas)
	acc = make([]float64, R-1)
	if p.share == nil {
		for b := range accB {
			for i, v := range accB[b] {
				acc[i] += v
			}
			trips += tripsB[b]
		}
		return acc, trips
	}
	flat := make([]float64, 0, len(accB)*R)
	for b := range accB {
		flat = append(append(flat, accB[b]...), float64(tripsB[b]))
	}
	all, err := sample.AllgatherFloats(p.share.procs, flat)
	if err != nil || len(all)%R != 0 {
		panic(fmt.Sprintf("tempering: exchanging the swap acceptances: %v", err))
	}
	for off := 0; off < len(all); off += R {
		for i := range R - 1 {
			acc[i] += all[off+i]
		}
		trips += int(all[off+R-1])
	}
	return acc, trips
}

// gatherState returns, on process 0, the state s of this process with the
// replicas and walker records of every process put together as the
// one-process sampler's, and nil on the others.
func (p *Sampler) gatherState(s *state) (*state, error) {
	sh := p.share
	R := len(p.betas)
	for r, b := range s.Hot {
		parts, err := sh.procs.Gather(b)
		if err != nil {
			return nil, err
		}
		if parts == nil {
			continue
		}
		cs := make([]*sample.Chains, len(parts))
		for k, b := range parts {
			cs[k] = new(sample.Chains)
			if err := cs[k].UnmarshalBinary(b); err != nil {
				return nil, fmt.Errorf("tempering: level %d of process %d: %w", r+1, k, err)
			}
		}
		all, err := sample.JoinChains(cs...)
		if err != nil {
			return nil, err
		}
		if s.Hot[r], err = all.MarshalBinary(); err != nil {
			return nil, err
		}
	}
	if s.Hot == nil {
		if sh.procs.Rank() != 0 {
			return nil, nil
		}
		return s, nil
	}
	mine := make([]byte, 0, 2*len(s.Walker))
	for _, v := range s.Walker {
		mine = append(mine, byte(v))
	}
	for _, v := range s.Trip {
		mine = append(mine, byte(v))
	}
	parts, err := sh.procs.Gather(mine)
	if err != nil || parts == nil {
		return nil, err
	}
	N := sh.total
	s.Walker, s.Trip = make([]int8, R*N), make([]int8, R*N)
	first := 0
	for k, b := range parts {
		n := len(b) / (2 * R)
		if len(b) != 2*R*n || first+n > N {
			return nil, fmt.Errorf("tempering: process %d sent walker records of %d bytes", k, len(b))
		}
		for r := range R {
			for i := range n {
				s.Walker[r*N+first+i] = int8(b[r*n+i])
				s.Trip[r*N+first+i] = int8(b[R*n+r*n+i])
			}
		}
		first += n
	}
	if first != N {
		return nil, fmt.Errorf("tempering: walker records of %d chains gathered for %d", first, N)
	}
	return s, nil
}

// takeShare replaces the replicas and walker records of a one-process
// state by this process's part of them.
func (p *Sampler) takeShare(hot []*sample.Chains, walker, trip []int8) ([]*sample.Chains, []int8, []int8, error) {
	sh := p.share
	if hot == nil {
		return nil, walker, trip, nil
	}
	N, R := hot[0].Len(), len(p.betas)
	if N != sh.total {
		return nil, nil, nil, fmt.Errorf("%w: replicas of %d chains saved, the job has %d", ErrState, N, sh.total)
	}
	mine := make([]*sample.Chains, len(hot))
	for r, h := range hot {
		mine[r] = h.Blocks(sh.b0, sh.b1)
	}
	n, first := sh.local(), sh.first()
	w, t := make([]int8, R*n), make([]int8, R*n)
	for r := range R {
		copy(w[r*n:(r+1)*n], walker[r*N+first:r*N+first+n])
		copy(t[r*n:(r+1)*n], trip[r*N+first:r*N+first+n])
	}
	return mine, w, t, nil
}
