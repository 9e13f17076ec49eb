package train

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gonum.org/v1/gonum/mat"

	"boltzmann/sample"
)

// Comm is the communication of a data-parallel run among the Size
// processes of a job (package cluster implements it on MPI). Every method
// is collective: all processes call it, in the same order, with lengths
// that agree.
type Comm interface {
	// Rank is this process's index in [0, Size).
	Rank() int
	// Size is the number of processes.
	Size() int
	// Alltoall sends sendCounts[k] consecutive values of send to process
	// k (in rank order) and receives recvCounts[k] values from process k
	// into consecutive parts of recv, in rank order.
	Alltoall(send []float64, sendCounts []int, recv []float64, recvCounts []int) error
	// Allgather concatenates every process's send (counts[k] values from
	// process k) into recv on every process, in rank order.
	Allgather(send, recv []float64, counts []int) error
	// Gather returns every process's b, in rank order, on process 0, and
	// nil on the others.
	Gather(b []byte) ([][]byte, error)
	// Broadcast returns process 0's b on every process.
	Broadcast(b []byte) ([]byte, error)
}

// BlockReducer is the Reducer of a data-parallel run whose results do not
// depend on the number of processes: with Settings.Reducer a
// *BlockReducer, the Trainer splits the work itself, and its parameters
// after every update are bit for bit the same on every process and for
// any number of processes, one included (Comm nil), with the same seed and
// settings:
//
//   - the chains (persistent, or CD's minibatch chains) are split in
//     blocks of sample.BlockSize chains, each with its own random stream;
//     of nb blocks, process k of N owns blocks [k·nb/N, (k+1)·nb/N) and
//     advances only those (Trainer.Chains holds them);
//   - the rows of the positive phase (the minibatch, or every row with
//     FullBatch) are split the same way in blocks of sample.BlockSize rows
//     (Cached statistics are computed on every process and not reduced);
//   - each block's partial phase is computed on its rows alone
//     (Phase.AddWith: the model's AddStats or Settings.NegativeStats), and
//     the totals are the sums of the partial phases in increasing block
//     order, starting from zero. Each process sums one range of the
//     parameters (the partials are exchanged by Comm.Alltoall) and the
//     ranges are put together by Comm.Allgather, so every process gets the
//     same bits; a process sends its own blocks' partials once (8 bytes
//     per parameter and block) and receives its range of every block's.
//
// With NegativeStats an ExactStats and a Cached positive phase (bmDCA's
// integer counts of a Potts model) or PositiveStats an ExactStats too
// (rbm.ExactStats: fixed-point sums), whose totals are exact in any order,
// each process instead sums all its chains (and rows) at once and sends
// one partial per phase (8 bytes per parameter); with bmDCA's counts the
// parameters are then bit for bit those of a run without a Reducer.
//
// When the Monitor measures updates, the negative phase is reduced before
// it, so that it can measure every process's chains (ReducedNegative).
//
// A Sampler with state of its own per chain must be a
// sample.SharedSampler (parallel tempering: each process holds the
// replicas of its blocks, the ladder adapts to every process's
// acceptances), and it is told its share of the chains; a
// GradientTransform must be a PhaseGradientTransform (centering: offsets
// from the reduced positive phase). An Objective does not run with a
// Reducer.
//
// The arithmetic differs from a run without a Reducer (whose one-pass and
// fused gradients round differently) only by rounding. MarshalBinary
// gathers every process's chains and streams, so that process 0's
// checkpoint is the one-process checkpoint, and UnmarshalBinary gives each
// process its blocks of a checkpoint made with any number of processes.
// A cancellation seen by any process stops every process at the same
// update (the stop travels with the next reduction).
type BlockReducer struct {
	// Comm is the job's communication; nil: one process.
	Comm Comm
	// Reductions, Time and Sent count this process's reductions so far,
	// the time they took (exchanges, waiting for the other processes and
	// the in-order sums; not the partial phases) and the float64 values it
	// sent.
	Reductions int
	Time       time.Duration
	Sent       int64
}

// comm returns the communication, a one-process one when Comm is nil.
func (r *BlockReducer) comm() Comm {
	if r.Comm == nil {
		return localComm{}
	}
	return r.Comm
}

// Reduce replaces pos and neg by their totals over the processes, summed
// in rank order. The Trainer does not call it (it reduces per block); it
// makes a BlockReducer a Reducer for other callers.
func (r *BlockReducer) Reduce(pos, neg *Phase) error {
	c := r.comm()
	n := c.Size()
	l := len(pos.Sum) + len(neg.Sum) + 2
	send := make([]float64, 0, l)
	send = append(append(append(append(send, pos.Sum...), pos.Count), neg.Sum...), neg.Count)
	recv := make([]float64, n*l)
	counts := make([]int, n)
	for k := range counts {
		counts[k] = l
	}
	if err := c.Allgather(send, recv, counts); err != nil {
		return err
	}
	pos.Reset()
	neg.Reset()
	for k := range n {
		v := recv[k*l : (k+1)*l]
		for j := range pos.Sum {
			pos.Sum[j] += v[j]
		}
		pos.Count += v[len(pos.Sum)]
		v = v[len(pos.Sum)+1:]
		for j := range neg.Sum {
			neg.Sum[j] += v[j]
		}
		neg.Count += v[len(neg.Sum)]
	}
	return nil
}

// localComm is the communication of one process.
type localComm struct{}

func (localComm) Rank() int { return 0 }
func (localComm) Size() int { return 1 }
func (localComm) Alltoall(send []float64, _ []int, recv []float64, _ []int) error {
	copy(recv, send)
	return nil
}
func (localComm) Allgather(send, recv []float64, _ []int) error { copy(recv, send); return nil }
func (localComm) Gather(b []byte) ([][]byte, error)             { return [][]byte{b}, nil }
func (localComm) Broadcast(b []byte) ([]byte, error)            { return b, nil }

// share returns the blocks [lo, hi) of nb that process k of n owns.
func share(nb, k, n int) (lo, hi int) { return nb * k / n, nb * (k + 1) / n }

// dist is the state of a data-parallel Trainer (Settings.Reducer a
// *BlockReducer).
type dist struct {
	red        *BlockReducer
	comm       Comm
	rank, size int
	chains     int // chains of the whole run
	rows       int // positive-phase rows of the whole run per update (0: Cached)
	// [cb0, cb1) and [rb0, rb1) are this process's blocks of chains and of
	// positive rows.
	cb0, cb1, rb0, rb1 int
	pos, neg           []*Phase // partial phases of this process's blocks
	posTotal           *Phase
	send, recv, all    []float64
	localStop, stop    bool
	// exact: one negative partial per process (ExactStats, Cached
	// positive phase). reduced: this update's phases are reduced.
	exact, reduced bool
	// lastPos is the positive phase of the last gradient, summed over the
	// processes (for a PhaseGradientTransform).
	lastPos *Phase
}

// ExactStats is a Stats whose sums are integers small enough to be exact
// in float64 (counts of states), so that their totals do not depend on the
// order in which partial sums are added. ExactSums only marks the type.
type ExactStats interface {
	Stats
	ExactSums()
}

// ReducedNegative returns the negative phase of the current update summed
// over every process of a data-parallel run, when the Trainer formed it
// before the update's Monitor (it does when the Monitor measures updates),
// and nil otherwise. A Monitor reads it to measure every process's chains.
func (t *Trainer) ReducedNegative() *Phase {
	if t.dist != nil && t.dist.reduced {
		return t.neg
	}
	return nil
}

// distribute makes the Trainer data-parallel when its Reducer is a
// *BlockReducer: it keeps this process's blocks of the chains and sizes
// the minibatch to its rows. It runs in New, after the chains are made.
func (t *Trainer) distribute() error {
	br, ok := t.settings.Reducer.(*BlockReducer)
	if !ok {
		return nil
	}
	c := br.comm()
	d := &dist{red: br, comm: c, rank: c.Rank(), size: c.Size(), chains: t.chains.Len()}
	if d.size < 1 || d.rank < 0 || d.rank >= d.size {
		return fmt.Errorf("train: process %d of %d", d.rank, d.size)
	}
	nb := t.chains.NumBlocks()
	if nb < d.size {
		return fmt.Errorf("train: %d chains make %d blocks of %d, fewer than the %d processes: use at least %d chains (or batch rows with CD), or fewer processes",
			d.chains, nb, sample.BlockSize, d.size, d.size*sample.BlockSize)
	}
	d.cb0, d.cb1 = share(nb, d.rank, d.size)
	t.chains = t.chains.Blocks(d.cb0, d.cb1)
	// A sampler with state of its own per chain (parallel tempering) is
	// told which chains this process holds.
	if err := sample.ShareSampler(t.settings.Sampler, c, d.chains); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	np := len(t.model.Params())
	s := &t.settings
	_, cached := s.Positive.(Cached)
	_, exactNeg := s.NegativeStats.(ExactStats)
	_, exactPos := s.PositiveStats.(ExactStats)
	d.exact = exactNeg && (cached || exactPos)
	for range d.cb1 - d.cb0 {
		d.neg = append(d.neg, NewPhase(np))
		if d.exact {
			break
		}
	}
	n, dim := t.data.Dims()
	switch s.Positive.(type) {
	case Minibatch:
		d.rows = s.BatchSize
	case FullBatch:
		d.rows = n
	}
	if d.rows > 0 {
		d.rb0, d.rb1 = share(blocks(d.rows), d.rank, d.size)
		r0, r1 := d.rowRange()
		for range d.rb1 - d.rb0 {
			d.pos = append(d.pos, NewPhase(np))
			if d.exact {
				break
			}
		}
		if d.exact && len(d.pos) == 0 {
			d.pos = append(d.pos, NewPhase(np)) // no rows: a zero partial
		}
		switch {
		case r0 == r1:
			t.batch, t.batchW = nil, nil
		case t.data.dense != nil && t.batch == t.data.dense: // FullBatch
			t.batch = t.data.dense.Slice(r0, r1, 0, dim).(*mat.Dense)
			if s.Weights != nil {
				t.batchW = s.Weights[r0:r1]
			}
		default:
			t.batch = mat.NewDense(r1-r0, dim, nil)
			if t.batchW != nil {
				t.batchW = make([]float64, r1-r0)
			}
		}
	}
	d.posTotal = NewPhase(np)
	t.dist = d
	return nil
}

// blocks is the number of blocks of sample.BlockSize in n rows.
func blocks(n int) int { return (n + sample.BlockSize - 1) / sample.BlockSize }

// rowRange is this process's range of the positive rows.
func (d *dist) rowRange() (lo, hi int) {
	return min(d.rb0*sample.BlockSize, d.rows), min(d.rb1*sample.BlockSize, d.rows)
}

// ownRows returns the part of the minibatch rows idx that this process
// holds.
func (t *Trainer) ownRows(idx []int) []int {
	if t.dist == nil {
		return idx
	}
	lo, hi := t.dist.rowRange()
	return idx[lo:hi]
}

// ctxErr is ctx.Err() for one process; in a data-parallel run it notes a
// local cancellation for the next reduction and reports the stop that the
// last reduction agreed on.
func (t *Trainer) ctxErr(ctx context.Context) error {
	if t.dist == nil {
		return ctx.Err()
	}
	t.dist.localStop = ctx.Err() != nil
	if t.dist.stop {
		if err := ctx.Err(); err != nil {
			return err
		}
		return context.Canceled
	}
	return nil
}

// distGradient is gradient for a data-parallel run: the partial phases of
// this process's blocks, their totals in block order (unless distReduce
// formed them before the Monitor), the gradient.
func (t *Trainer) distGradient() error {
	if !t.dist.reduced {
		if err := t.distReduce(); err != nil {
			return err
		}
	}
	t.dist.reduced = false
	pos := t.pos
	if !t.cached {
		pos = t.dist.posTotal
	}
	t.dist.lastPos = pos
	Gradient(pos, t.neg, t.grad)
	return nil
}

// distReduce forms this update's partial phases and their totals over the
// processes (into t.neg and, unless cached, the dist's posTotal).
func (t *Trainer) distReduce() error {
	d, s, m := t.dist, &t.settings, t.model
	if !t.cached {
		for i, p := range d.pos {
			p.Reset()
			if d.exact {
				if t.batch != nil {
					p.AddWith(s.PositiveStats, t.batch, t.batchW)
				}
				continue
			}
			lo, hi := i*sample.BlockSize, min((i+1)*sample.BlockSize, t.batch.RawMatrix().Rows)
			var w []float64
			if t.batchW != nil {
				w = t.batchW[lo:hi]
			}
			p.AddWith(s.PositiveStats, t.batch.Slice(lo, hi, 0, m.Dim()).(*mat.Dense), w)
		}
	}
	for i, p := range d.neg {
		p.Reset()
		if d.exact {
			p.AddWith(s.NegativeStats, t.chains.VisibleView(), nil)
			continue
		}
		lo, hi := t.chains.Block(i)
		p.AddWith(s.NegativeStats, t.chains.VisibleView().Slice(lo, hi, 0, m.Dim()).(*mat.Dense), nil)
	}
	pos := t.pos
	if !t.cached {
		pos = d.posTotal
	}
	if err := d.reduce(!t.cached, pos, t.neg); err != nil {
		return fmt.Errorf("train: reducing the phases: %w", err)
	}
	d.reduced = true
	return nil
}

// reduce sums the partial phases of every process's blocks in block order
// into pos (when withPos) and neg, and agrees on the stop flags. Entry np
// of a block's vector is its count.
func (d *dist) reduce(withPos bool, pos, neg *Phase) error {
	start := time.Now()
	defer func() { d.red.Reductions++; d.red.Time += time.Since(start) }()
	np := len(neg.Sum)
	l, n := np+1, d.size
	width := func(k int) int { return l*(k+1)/n - l*k/n }
	// Blocks of process k, per phase.
	posOf := func(k int) int {
		if !withPos || d.rows == 0 {
			return 0
		}
		if d.exact {
			return 1
		}
		lo, hi := share(blocks(d.rows), k, n)
		return hi - lo
	}
	negOf := func(k int) int {
		if d.exact {
			return 1 // one partial of all its chains
		}
		lo, hi := share(blocks(d.chains), k, n)
		return hi - lo
	}
	var mine []*Phase
	if withPos {
		mine = append(mine, d.pos...)
	}
	mine = append(mine, d.neg...)
	sendCounts, recvCounts := make([]int, n), make([]int, n)
	ns, nr := 0, 0
	for k := range n {
		sendCounts[k] = len(mine) * width(k)
		recvCounts[k] = (posOf(k) + negOf(k)) * width(d.rank)
		ns += sendCounts[k]
		nr += recvCounts[k]
	}
	d.send, d.recv = grow(d.send, ns), grow(d.recv, nr)
	off := 0
	for k := range n {
		e0, e1 := l*k/n, l*(k+1)/n
		for _, p := range mine {
			off += copyEntries(d.send[off:], p, e0, e1)
		}
	}
	// The totals gathered: this process's range of pos (when reduced),
	// of neg, and its stop flag.
	np0 := 0
	if withPos {
		np0 = 1
	}
	d.red.Sent += int64(ns + (np0+1)*width(d.rank) + 1)
	if err := d.comm.Alltoall(d.send, sendCounts, d.recv, recvCounts); err != nil {
		return err
	}
	w := width(d.rank)
	gathered := make([]int, n)
	for k := range n {
		gathered[k] = (np0+1)*width(k) + 1
	}
	mineOut := grow(nil, (np0+1)*w+1)
	clear(mineOut)
	accP, accN := mineOut[:np0*w], mineOut[np0*w:(np0+1)*w]
	off = 0
	for k := range n {
		for range posOf(k) {
			addTo(accP, d.recv[off:off+w])
			off += w
		}
		for range negOf(k) {
			addTo(accN, d.recv[off:off+w])
			off += w
		}
	}
	if d.localStop {
		mineOut[(np0+1)*w] = 1
	}
	d.all = grow(d.all, (np0+1)*l+n)
	if err := d.comm.Allgather(mineOut, d.all, gathered); err != nil {
		return err
	}
	off = 0
	d.stop = false
	for k := range n {
		e0, e1 := l*k/n, l*(k+1)/n
		wk := e1 - e0
		if withPos {
			setEntries(pos, e0, e1, d.all[off:off+wk])
		}
		setEntries(neg, e0, e1, d.all[off+np0*wk:off+(np0+1)*wk])
		if d.all[off+(np0+1)*wk] != 0 {
			d.stop = true
		}
		off += (np0+1)*wk + 1
	}
	return nil
}

// copyEntries copies entries [e0, e1) of p (Sum, then Count at len(Sum))
// into dst and returns their number.
func copyEntries(dst []float64, p *Phase, e0, e1 int) int {
	np := len(p.Sum)
	k := copy(dst, p.Sum[min(e0, np):min(e1, np)])
	if e1 > np {
		dst[k] = p.Count
		k++
	}
	return k
}

// setEntries sets entries [e0, e1) of p from v.
func setEntries(p *Phase, e0, e1 int, v []float64) {
	np := len(p.Sum)
	k := copy(p.Sum[min(e0, np):min(e1, np)], v)
	if e1 > np {
		p.Count = v[k]
	}
}

func addTo(dst, v []float64) {
	for j, x := range v {
		dst[j] += x
	}
}

func grow(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
}

// chainState encodes the chains for MarshalBinary: in a data-parallel run
// every process's chains are gathered on process 0 (nil elsewhere).
func (t *Trainer) chainState() ([]byte, error) {
	if t.dist == nil {
		return t.chains.MarshalBinary()
	}
	mine, err := t.chains.MarshalBinary()
	if err != nil {
		return nil, err
	}
	parts, err := t.dist.comm.Gather(mine)
	if err != nil || t.dist.rank != 0 {
		return nil, err
	}
	cs := make([]*sample.Chains, len(parts))
	for k, b := range parts {
		cs[k] = new(sample.Chains)
		if err := cs[k].UnmarshalBinary(b); err != nil {
			return nil, fmt.Errorf("chains of process %d: %w", k, err)
		}
	}
	all, err := sample.JoinChains(cs...)
	if err != nil {
		return nil, err
	}
	return all.MarshalBinary()
}

// setChainState restores the chains for UnmarshalBinary: in a
// data-parallel run this process's blocks of them.
func (t *Trainer) setChainState(b []byte) error {
	if t.dist == nil {
		return t.chains.UnmarshalBinary(b)
	}
	all := new(sample.Chains)
	if err := all.UnmarshalBinary(b); err != nil {
		return err
	}
	if all.Len() != t.dist.chains || all.Dim() != t.chains.Dim() {
		return fmt.Errorf("train: checkpoint holds %d chains of dimension %d, the run %d of dimension %d",
			all.Len(), all.Dim(), t.dist.chains, t.chains.Dim())
	}
	t.chains = all.Blocks(t.dist.cb0, t.dist.cb1)
	return nil
}

// ErrNotRoot is returned by MarshalBinary on the processes other than 0 of a
// data-parallel run, after they took their part in gathering the state.
var ErrNotRoot = errors.New("train: only process 0 of a data-parallel run holds the complete state")
