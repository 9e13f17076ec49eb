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

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/parallel"
	"boltzmann/model"
)

// BlockSize is the number of chains that share one random stream and are
// updated by one goroutine at a time.
const BlockSize = 16

// Chains is the state of n Markov chains ("fantasy particles").
type Chains struct {
	// X holds the visible configurations, one chain per row (n × Dim).
	X *mat.Dense
	// H holds the hidden configurations of a bipartite model (n × H), or is
	// nil for fully visible models.
	H *mat.Dense

	pcgs  []*rand.PCG
	rands []*rand.Rand
}

// NewChains returns n chains of dimension dim with all units zero and
// random streams derived from seed. Use Randomize or copy data into X to
// start the chains elsewhere.
func NewChains(n, dim int, seed uint64) *Chains {
	if n <= 0 || dim <= 0 {
		panic(fmt.Sprintf("sample: NewChains needs n > 0 and dim > 0, got %d, %d", n, dim))
	}
	c := &Chains{X: mat.NewDense(n, dim, nil)}
	c.seed(seed)
	return c
}

func (c *Chains) seed(seed uint64) {
	nb := parallel.Blocks(c.Len(), BlockSize)
	c.pcgs = make([]*rand.PCG, nb)
	c.rands = make([]*rand.Rand, nb)
	for b := range nb {
		c.pcgs[b] = rand.NewPCG(seed, 0x9e3779b97f4a7c15*uint64(b+1))
		c.rands[b] = rand.New(c.pcgs[b])
	}
}

// Len is the number of chains.
func (c *Chains) Len() int { r, _ := c.X.Dims(); return r }

// Dim is the number of visible units of each chain.
func (c *Chains) Dim() int { _, d := c.X.Dims(); return d }

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
// uniformly from states, and clears H.
func (c *Chains) Randomize(states []float64) {
	c.H = nil
	c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
		for r := lo; r < hi; r++ {
			row := c.X.RawRowView(r)
			for i := range row {
				row[i] = states[rng.IntN(len(states))]
			}
		}
	})
}

// SetVisible copies the rows of x (cycling through them if x has fewer
// rows than there are chains) into the chains' visible states and clears H.
func (c *Chains) SetVisible(x *mat.Dense) {
	xr, xc := x.Dims()
	if xc != c.Dim() || xr == 0 {
		panic(fmt.Sprintf("sample: SetVisible with %d×%d data for chains of dimension %d", xr, xc, c.Dim()))
	}
	for r := range c.Len() {
		copy(c.X.RawRowView(r), x.RawRowView(r%xr))
	}
	c.H = nil
}

// MarshalBinary encodes the chain states and random streams, so that a
// checkpoint resumes exactly.
func (c *Chains) MarshalBinary() ([]byte, error) {
	n, d := c.X.Dims()
	h := 0
	if c.H != nil {
		_, h = c.H.Dims()
	}
	buf := binary.LittleEndian.AppendUint64(nil, uint64(n))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(d))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(h))
	buf = appendFloats(buf, c.X.RawMatrix().Data)
	if c.H != nil {
		buf = appendFloats(buf, c.H.RawMatrix().Data)
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
	c.X = mat.NewDense(int(n), int(d), x)
	c.H = nil
	if h > 0 {
		hv, err := floats(int(n * h))
		if err != nil {
			return err
		}
		c.H = mat.NewDense(int(n), int(h), hv)
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
