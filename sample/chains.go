// Package sample draws configurations from energy-based models by Markov
// chain Monte Carlo and by exact enumeration.
//
// A sampler is a transition kernel: it advances explicit chain state
// (Chains) with explicit random streams, and takes the model as an argument,
// so that one kernel serves every model that offers the interface it needs.
// Many chains are advanced together; they are split into blocks of BlockSize
// chains, each block with its own random stream, and blocks run in parallel.
// The result depends on the seed only, never on the number of cores.
package sample

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/parallel"
	"boltzmann/model"
)

// BlockSize is the number of chains that share one random stream and are
// updated by one goroutine at a time.
const BlockSize = 16

// Chains is the state of n Markov chains ("fantasy particles"): the
// visible configurations, one chain per row (n × Dim), the hidden
// configurations of a bipartite model (n × H, or none), and the random
// streams.
//
// A kernel that keeps chains resident between calls
// (model.ResidentGibbsKernel: an RBM's float32 kernels) advances a copy of
// the states in its own memory (model.ChainState), and the float64
// matrices are brought up to date only when they are read: Visible and
// Hidden (and VisibleView, HiddenView, MarshalBinary, Blocks, JoinChains) copy
// the resident states back first if the chains moved since, so a stale
// float64 view cannot be read through them. A matrix they return is
// current until the next Step of a sampler on c: call them again after
// stepping instead of keeping the matrix. The accessors may be called
// from the goroutines of ForBlocks; stepping and SetHidden may not run
// concurrently with anything else on c.
type Chains struct {
	x *mat.Dense // the visible configurations (n × Dim)
	h *mat.Dense // the hidden configurations (n × H), or nil

	// res is the resident copy of the states, or nil. resValid: res holds
	// the current states; hostStale: x and h do not (then resValid). mu
	// guards the three against accessors called from parallel blocks.
	mu        sync.Mutex
	res       model.ChainState
	resValid  bool
	hostStale bool

	pcgs  []*rand.PCG
	rands []*rand.Rand
}

// NewChains returns n chains of dimension dim with all units zero and
// random streams derived from seed. Use Randomize or copy data into
// Visible to start the chains elsewhere.
func NewChains(n, dim int, seed uint64) *Chains {
	if n <= 0 || dim <= 0 {
		panic(fmt.Sprintf("sample: NewChains needs n > 0 and dim > 0, got %d, %d", n, dim))
	}
	c := &Chains{x: mat.NewDense(n, dim, nil)}
	c.seed(seed, 0)
	return c
}

// NewChainsAt returns the n chains of blocks block0, block0+1, … of
// NewChains(N, dim, seed), for any N that has them: all units zero, and
// the random streams of those blocks. A process of a job that shares
// chains by blocks (Share) makes its own part of chains this way.
func NewChainsAt(n, dim int, seed uint64, block0 int) *Chains {
	if n <= 0 || dim <= 0 || block0 < 0 {
		panic(fmt.Sprintf("sample: NewChainsAt needs n > 0, dim > 0 and block0 >= 0, got %d, %d, %d", n, dim, block0))
	}
	c := &Chains{x: mat.NewDense(n, dim, nil)}
	c.seed(seed, block0)
	return c
}

// Visible returns the visible configurations (n × Dim), current, for
// reading and writing: a resident copy is dropped, and the next resident
// step starts from this matrix.
func (c *Chains) Visible() *mat.Dense {
	c.hostOwns()
	return c.x
}

// Hidden returns the hidden configurations (n × H), or nil if the chains
// have none, like Visible for reading and writing.
func (c *Chains) Hidden() *mat.Dense {
	c.hostOwns()
	return c.h
}

// VisibleView returns the visible configurations (n × Dim), current, for
// reading only: a resident copy stays valid, so that the next resident
// step need not copy the states again (the trainer's per-update monitors,
// checkpoints). Write through Visible instead: a write through the view
// is lost at the next resident step.
func (c *Chains) VisibleView() *mat.Dense {
	c.sync()
	return c.x
}

// HiddenView is VisibleView of the hidden configurations (nil if none).
func (c *Chains) HiddenView() *mat.Dense {
	c.sync()
	return c.h
}

// SetHidden replaces the hidden configurations (n × H; nil: none).
func (c *Chains) SetHidden(h *mat.Dense) {
	c.hostOwns()
	if h != nil {
		if r, _ := h.Dims(); r != c.Len() {
			panic(fmt.Sprintf("sample: SetHidden with %d rows for %d chains", r, c.Len()))
		}
	}
	c.h = h
}

// sync brings the float64 states up to date with the resident ones.
func (c *Chains) sync() {
	c.mu.Lock()
	if c.hostStale {
		c.res.Download(c.x, c.h)
		c.hostStale = false
	}
	c.mu.Unlock()
}

// hostOwns syncs and drops the resident copy: the float64 states may be
// written.
func (c *Chains) hostOwns() {
	c.mu.Lock()
	if c.hostStale {
		c.res.Download(c.x, c.h)
		c.hostStale = false
	}
	c.resValid = false
	c.mu.Unlock()
}

// Resident returns the chains' states resident in the memory of k's
// kernels (uploading them if the float64 states are newer, or were made
// for other kernels), or nil if k does not keep chains resident now. The
// float64 states stay as they are; a caller that advances the returned
// state must call Moved. BlockGibbs does both itself; the trainer's
// fused update reads the particles of the negative phase this way.
func (c *Chains) Resident(k model.ResidentGibbsKernel) model.ChainState {
	if !k.ChainsResident() {
		return nil
	}
	if c.resValid && k.KeepsChains(c.res) {
		return c.res
	}
	c.sync()
	if c.h == nil {
		c.h = mat.NewDense(c.Len(), k.HiddenDim(), nil)
	}
	c.res = k.UploadChains(c.res, c.x, c.h)
	c.resValid = true
	return c.res
}

// Moved records that the resident state that Resident returned was
// advanced: the float64 states are stale until the next read.
func (c *Chains) Moved() {
	if !c.resValid {
		panic("sample: Moved without a resident state (call Resident first)")
	}
	c.hostStale = true
}

// seed gives block b the stream of block block0+b of seed.
func (c *Chains) seed(seed uint64, block0 int) {
	nb := parallel.Blocks(c.Len(), BlockSize)
	c.pcgs = make([]*rand.PCG, nb)
	c.rands = make([]*rand.Rand, nb)
	for b := range nb {
		c.pcgs[b] = rand.NewPCG(seed, 0x9e3779b97f4a7c15*uint64(block0+b+1))
		c.rands[b] = rand.New(c.pcgs[b])
	}
}

// Len is the number of chains.
func (c *Chains) Len() int { r, _ := c.x.Dims(); return r }

// Dim is the number of visible units of each chain.
func (c *Chains) Dim() int { _, d := c.x.Dims(); return d }

// NumBlocks is the number of blocks of chains (and of random streams).
func (c *Chains) NumBlocks() int { return len(c.pcgs) }

// Block returns the chain index range [lo, hi) of block b.
func (c *Chains) Block(b int) (lo, hi int) { return parallel.Range(b, BlockSize, c.Len()) }

// Rand returns the random stream of block b. Only the goroutine working on
// block b may use it.
func (c *Chains) Rand(b int) *rand.Rand { return c.rands[b] }

// ForBlocks calls fn for every block of chains, in parallel, with the
// block's chain range and random stream.
func (c *Chains) ForBlocks(fn func(lo, hi int, rng *rand.Rand)) {
	parallel.For(c.NumBlocks(), func(b int) {
		lo, hi := c.Block(b)
		fn(lo, hi, c.rands[b])
	})
}

// Randomize sets every visible unit of every chain to a value drawn
// uniformly from states, and clears the hidden states.
func (c *Chains) Randomize(states []float64) {
	c.hostOwns()
	c.h = nil
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		for r := lo; r < hi; r++ {
			row := c.x.RawRowView(r)
			for i := range row {
				row[i] = states[rng.IntN(len(states))]
			}
		}
	})
}

// SetVisible copies the rows of x (cycling through them if x has fewer
// rows than there are chains) into the chains' visible states and clears
// the hidden states.
func (c *Chains) SetVisible(x *mat.Dense) {
	xr, xc := x.Dims()
	if xc != c.Dim() || xr == 0 {
		panic(fmt.Sprintf("sample: SetVisible with %d×%d data for chains of dimension %d", xr, xc, c.Dim()))
	}
	c.hostOwns()
	for r := range c.Len() {
		copy(c.x.RawRowView(r), x.RawRowView(r%xr))
	}
	c.h = nil
}

// MarshalBinary encodes the chain states and random streams, so that a
// checkpoint resumes exactly.
func (c *Chains) MarshalBinary() ([]byte, error) {
	c.sync()
	n, d := c.x.Dims()
	h := 0
	if c.h != nil {
		_, h = c.h.Dims()
	}
	buf := binary.LittleEndian.AppendUint64(nil, uint64(n))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(d))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(h))
	buf = appendFloats(buf, c.x.RawMatrix().Data)
	if c.h != nil {
		buf = appendFloats(buf, c.h.RawMatrix().Data)
	}
	for _, p := range c.pcgs {
		s, err := p.MarshalBinary()
		if err != nil {
			return nil, err
		}
		buf = binary.LittleEndian.AppendUint64(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	return buf, nil
}

// UnmarshalBinary restores chains encoded by MarshalBinary.
func (c *Chains) UnmarshalBinary(data []byte) error {
	errShort := errors.New("sample: chain state is truncated")
	u64 := func() (uint64, error) {
		if len(data) < 8 {
			return 0, errShort
		}
		v := binary.LittleEndian.Uint64(data)
		data = data[8:]
		return v, nil
	}
	floats := func(n int) ([]float64, error) {
		if len(data) < 8*n {
			return nil, errShort
		}
		out := make([]float64, n)
		for i := range out {
			out[i] = float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
		}
		data = data[8*n:]
		return out, nil
	}
	n, err := u64()
	if err != nil {
		return err
	}
	d, err := u64()
	if err != nil {
		return err
	}
	h, err := u64()
	if err != nil {
		return err
	}
	if n == 0 || d == 0 || n > 1<<32 || d > 1<<32 || h > 1<<32 {
		return errors.New("sample: chain state has invalid dimensions")
	}
	x, err := floats(int(n * d))
	if err != nil {
		return err
	}
	c.x = mat.NewDense(int(n), int(d), x)
	c.h = nil
	c.res, c.resValid, c.hostStale = nil, false, false
	if h > 0 {
		hv, err := floats(int(n * h))
		if err != nil {
			return err
		}
		c.h = mat.NewDense(int(n), int(h), hv)
	}
	nb := parallel.Blocks(int(n), BlockSize)
	c.pcgs = make([]*rand.PCG, nb)
	c.rands = make([]*rand.Rand, nb)
	for b := range nb {
		l, err := u64()
		if err != nil {
			return err
		}
		if uint64(len(data)) < l {
			return errShort
		}
		p := new(rand.PCG)
		if err := p.UnmarshalBinary(data[:l]); err != nil {
			return fmt.Errorf("sample: chain random state: %w", err)
		}
		data = data[l:]
		c.pcgs[b] = p
		c.rands[b] = rand.New(p)
	}
	if len(data) != 0 {
		return errors.New("sample: chain state has trailing bytes")
	}
	return nil
}

// Sampler is a Markov transition kernel that leaves p_θ invariant.
type Sampler interface {
	// Step advances every chain in c by n transitions under model m.
	Step(m model.Model, c *Chains, n int)
}
