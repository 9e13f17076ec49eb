package sample

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Blocks returns a copy of the chains of blocks [lo, hi) (chains
// lo·BlockSize up to min(hi·BlockSize, Len)) with copies of their random
// streams: advanced by any sampler, block b of the copy draws exactly what
// block lo+b of c would. A data-parallel run gives each process its blocks
// this way; JoinChains puts them back together.
func (c *Chains) Blocks(lo, hi int) *Chains {
	if lo < 0 || hi > c.NumBlocks() || lo >= hi {
		panic(fmt.Sprintf("sample: Blocks(%d, %d) of %d blocks", lo, hi, c.NumBlocks()))
	}
	r0, _ := c.Block(lo)
	_, r1 := c.Block(hi - 1)
	d := c.Dim()
	c.sync()
	out := &Chains{x: mat.DenseCopyOf(c.x.Slice(r0, r1, 0, d))}
	if c.h != nil {
		_, h := c.h.Dims()
		out.h = mat.DenseCopyOf(c.h.Slice(r0, r1, 0, h))
	}
	out.pcgs = make([]*rand.PCG, hi-lo)
	out.rands = make([]*rand.Rand, hi-lo)
	for b := range hi - lo {
		out.pcgs[b] = clonePCG(c.pcgs[lo+b])
		out.rands[b] = rand.New(out.pcgs[b])
	}
	return out
}

// JoinChains concatenates the chains of parts, in order, with copies of
// their random streams; every part but the last must hold whole blocks (a
// multiple of BlockSize chains). The parts must agree on the dimension and
// on whether they hold hidden states.
func JoinChains(parts ...*Chains) (*Chains, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("sample: JoinChains of no chains")
	}
	for _, p := range parts {
		p.sync()
	}
	d, hasH := parts[0].Dim(), parts[0].h != nil
	h, n := 0, 0
	if hasH {
		_, h = parts[0].h.Dims()
	}
	for i, p := range parts {
		if p.Dim() != d || (p.h != nil) != hasH {
			return nil, fmt.Errorf("sample: JoinChains: part %d has other dimensions than part 0", i)
		}
		if hasH {
			if _, ph := p.h.Dims(); ph != h {
				return nil, fmt.Errorf("sample: JoinChains: part %d has %d hidden units, part 0 %d", i, ph, h)
			}
		}
		if i < len(parts)-1 && p.Len()%BlockSize != 0 {
			return nil, fmt.Errorf("sample: JoinChains: part %d holds %d chains, not whole blocks of %d", i, p.Len(), BlockSize)
		}
		n += p.Len()
	}
	out := &Chains{x: mat.NewDense(n, d, nil)}
	if hasH {
		out.h = mat.NewDense(n, h, nil)
	}
	r := 0
	for _, p := range parts {
		m := p.Len()
		out.x.Slice(r, r+m, 0, d).(*mat.Dense).Copy(p.x)
		if hasH {
			out.h.Slice(r, r+m, 0, h).(*mat.Dense).Copy(p.h)
		}
		for _, g := range p.pcgs {
			q := clonePCG(g)
			out.pcgs = append(out.pcgs, q)
			out.rands = append(out.rands, rand.New(q))
		}
		r += m
	}
	return out, nil
}

// clonePCG returns an independent copy of p in the same state.
func clonePCG(p *rand.PCG) *rand.PCG {
	s, err := p.MarshalBinary()
	if err != nil {
		panic(err) // PCG.MarshalBinary does not fail
	}
	q := new(rand.PCG)
	if err := q.UnmarshalBinary(s); err != nil {
		panic(err)
	}
	return q
}
