package potts

import (
	"fmt"
	"hash/maphash"
	"math"
	"math/rand/v2"
	"unsafe"

	"boltzmann/internal/parallel"
	"boltzmann/model"
	"boltzmann/sample"
)

// Gibbs is the heat-bath sampler for Potts models: a sweep visits the sites
// i = 0, …, L-1 in order and redraws x_i from its conditional distribution
//
//	p(x_i = a | x_rest) ∝ exp(h_i(a) + Σ_{j≠i} J_ij(a, x_j)).
//
// Step(m, c, n) performs n sweeps of every chain. It is built for
// throughput with thousands of persistent chains (bmDCA, 10,000 chains):
//
//   - Sites are the outer loop and chains the inner one. Chains are taken in
//     groups of 8 blocks of sample.BlockSize (128 chains) per goroutine;
//     for site i the local fields of all chains of the group are summed with
//     the loop over j outside the loop over chains, so that the q rows of
//     J_ij in use stay in the L1 cache.
//   - The couplings are quantized to 32-bit fixed point (resolution about
//     1e-8 of the coupling range: the range of site i divided by
//     ⌊(2³²-1)/L⌋, so that L terms cannot overflow), two states per 64-bit
//     integer addition; the local fields are float32 (errors of a few 1e-6
//     nats), the exponentials a polynomial with relative error below 1e-6.
//   - Chains are stored as uint8 codes during a Step; nothing is allocated
//     inside the sweeps.
//
// Each block of chains draws from its own random stream in a fixed order
// (sweep, site, chain), so the result depends on the seed only, not on the
// number of cores or on how the sweeps are split between Steps.
//
// The zero value is ready to use. A Gibbs holds scratch buffers and must
// not be used by two goroutines at once.
type Gibbs struct {
	jw    []uint64  // quantized couplings, see prepare
	delta []float32 // quantization step of site i, nats
	h     []float32 // fields, [i·q + a]
	codes []uint8   // chain states during a Step, n × L
	w     int       // words per (j, b) row of jw
	beta  float32   // inverse temperature of the Step (1 but for a tempered model)

	// The table is kept between Steps while the parameters it was built
	// from are unchanged (sampling a trained model one sweep at a time):
	// prepared says it is built, sum is the hash of those parameters.
	prepared bool
	seed     maphash.Seed
	sum      uint64
}

var _ sample.TemperingRunner = (*Gibbs)(nil)

// RunsTempering reports that Step samples a tempered view of a Potts model
// (a model.Transformed that only tempers) from the model's own table.
func (*Gibbs) RunsTempering() bool { return true }

// groupBlocks is the number of random-stream blocks of chains one goroutine
// sweeps together (8 × 16 = 128 chains).
const groupBlocks = 8

// Step performs n Gibbs sweeps of every chain of c under m, which must be a
// *Model or a tempered view of one (a model.Transformed that only tempers:
// the conditionals are p_β(x_i = a | x_rest) ∝ exp(β(h_i(a) + Σ_j
// J_ij(a, x_j))), from the model's own table). The visible states
// c.Visible() hold codes as float64 values.
func (g *Gibbs) Step(m model.Model, c *sample.Chains, n int) {
	g.beta = 1
	if tm, ok := m.(model.Transformed); ok && tm.Transform().OnlyTempers() {
		m, g.beta = tm.Base(), float32(tm.Transform().InvTemp())
	}
	pm, ok := m.(*Model)
	if !ok {
		panic(fmt.Sprintf("potts: Gibbs needs a *potts.Model or a tempered view of one, got %T", m))
	}
	if c.Dim() != pm.l {
		panic(fmt.Sprintf("potts: Gibbs on chains of dimension %d for a model with L = %d", c.Dim(), pm.l))
	}
	if n <= 0 {
		return
	}
	g.prepare(pm)
	l := pm.l
	nc := c.Len()
	if cap(g.codes) < nc*l {
		g.codes = make([]uint8, nc*l)
	}
	g.codes = g.codes[:nc*l]
	nb := c.NumBlocks()
	parallel.For(parallel.Blocks(nb, groupBlocks), func(grp int) {
		b0, b1 := parallel.Range(grp, groupBlocks, nb)
		lo, _ := c.Block(b0)
		_, hi := c.Block(b1 - 1)
		for r := lo; r < hi; r++ {
			row := g.codes[r*l : (r+1)*l]
			for i, v := range c.Visible().RawRowView(r) {
				row[i] = uint8(pm.code(v, i))
			}
		}
		codes := g.codes[lo*l : hi*l]
		acc := make([]uint64, (hi-lo)*g.w)
		var buf [256]float32
		for range n {
			for i := range l {
				g.siteSums(i, pm.q, codes, acc)
				for b := b0; b < b1; b++ {
					rng := c.Rand(b)
					blo, bhi := c.Block(b)
					for r := blo - lo; r < bhi-lo; r++ {
						g.draw(codes[r*l:(r+1)*l], i, pm.q, acc[r*g.w:(r+1)*g.w], rng, &buf)
					}
				}
			}
		}
		for r := lo; r < hi; r++ {
			row := c.Visible().RawRowView(r)
			for i, k := range g.codes[r*l : (r+1)*l] {
				row[i] = float64(k)
			}
		}
	})
}

// Sweep performs n Gibbs sweeps of the chains c under m with a temporary
// Gibbs sampler; reuse a Gibbs value to avoid reallocating its buffers.
func Sweep(m *Model, c *sample.Chains, n int) {
	var g Gibbs
	g.Step(m, c, n)
}

// prepare copies the model's parameters into the layout of the sampler.
//
// The couplings of site i are quantized to 32-bit fixed point,
// u = round((J_ij(a,b) - lo_i) / δ_i), with lo_i the smallest coupling of
// site i (or 0) and δ_i chosen so that a sum of L terms cannot overflow 32
// bits: δ_i = (hi_i - lo_i) / ⌊(2³²-1)/L⌋, about 1e-8 of the coupling range
// for L = 53, finer than float32. Two states share a 64-bit word (a in the
// low half when even, the high half when odd), so that one integer addition
// adds the couplings of two states without carries between them:
//
//	jw[((i·L + j)·q + b)·w + a/2] holds J_ij(a, b) and J_ij(a+1, b),
//
// with w = ⌈q/2⌉ words. The diagonal
// blocks hold the quantized 0, the same for every a, which cancels in the
// conditional distribution.
//
// The table is rebuilt only when the parameters changed since the last
// Step, judged by a 64-bit hash of their bytes: hashing reads the
// parameters once, at about a twentieth of the cost of building the table
// (BenchmarkGibbsFewChains), and a collision between two different
// parameter vectors has probability about 2⁻⁶⁴.
func (g *Gibbs) prepare(m *Model) {
	l, q, lq := m.l, m.q, m.l*m.q
	w := (q + 1) / 2
	if !g.prepared {
		g.seed = maphash.MakeSeed()
	}
	sum := maphash.Bytes(g.seed, unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(m.params))), 8*len(m.params)))
	if g.prepared && g.w == w && len(g.jw) == l*lq*w && len(g.h) == lq && sum == g.sum {
		return
	}
	g.prepared, g.sum = true, sum
	g.w = w
	if len(g.jw) != l*lq*w {
		g.jw = make([]uint64, l*lq*w)
		g.delta = make([]float32, l)
		g.h = make([]float32, lq)
	}
	for k, v := range m.Fields() {
		g.h[k] = float32(v)
	}
	levels := float64((1<<32 - 1) / uint64(l))
	parallel.For(l, func(i int) {
		lo, hi := 0.0, 0.0
		for j := range l {
			for a := range q {
				for b := range q {
					if j != i {
						v := m.pair(i*q+a, j*q+b)
						lo, hi = min(lo, v), max(hi, v)
					}
				}
			}
		}
		delta := 1.0
		if hi > lo {
			delta = (hi - lo) / levels
		}
		g.delta[i] = float32(delta)
		blk := g.jw[i*lq*w : (i+1)*lq*w]
		clear(blk)
		for j := range l {
			for b := range q {
				row := blk[(j*q+b)*w : (j*q+b+1)*w]
				for a := range q {
					v := 0.0
					if j != i {
						v = m.pair(i*q+a, j*q+b)
					}
					u := uint64(math.Round((v - lo) / delta))
					u = min(u, uint64(levels))
					row[a/2] |= u << (32 * (a % 2))
				}
			}
		}
	})
}

// siteSums writes into acc[r·w : (r+1)·w] the quantized local-field sums
// Σ_j jw[i][j][x_j] of site i for each chain r of codes (rows of L codes).
// The loop over j is outside the loop over chains, so that the rows of
// (i, j), q·w words, stay in the L1 cache while every chain reads them.
func (g *Gibbs) siteSums(i, q int, codes []uint8, acc []uint64) {
	w := g.w
	l := len(g.delta)
	n := len(acc) / w
	clear(acc)
	blk := g.jw[i*l*q*w : (i+1)*l*q*w]
	for j := range l {
		rows := blk[j*q*w : (j+1)*q*w]
		if w == 11 { // q = 20 or 21, proteins: unrolled, no bounds checks
			for r := range n {
				off := int(codes[r*l+j]) * 11
				s := (*[11]uint64)(rows[off : off+11])
				d := (*[11]uint64)(acc[r*11 : r*11+11])
				d[0] += s[0]
				d[1] += s[1]
				d[2] += s[2]
				d[3] += s[3]
				d[4] += s[4]
				d[5] += s[5]
				d[6] += s[6]
				d[7] += s[7]
				d[8] += s[8]
				d[9] += s[9]
				d[10] += s[10]
			}
			continue
		}
		for r := range n {
			off := int(codes[r*l+j]) * w
			src := rows[off : off+w]
			dst := acc[r*w : r*w+w]
			dst = dst[:len(src)]
			for k, v := range src {
				dst[k] += v
			}
		}
	}
}

// draw redraws site i of the chain x from its conditional distribution,
// given the chain's quantized local-field sums.
func (g *Gibbs) draw(x []uint8, i, q int, sums []uint64, rng *rand.Rand, buf *[256]float32) {
	hf := buf[:q:q]
	g.fields(i, sums, hf)
	mx := hf[0]
	for _, v := range hf[1:] {
		if v > mx {
			mx = v
		}
	}
	var tot float32
	for a, v := range hf {
		tot += exp32(g.beta * (v - mx)) // β = 1: exactly v - mx
		hf[a] = tot
	}
	u := float32(rng.Uint64()>>40) * (1.0 / (1 << 24)) * tot
	k := 0
	for k < q-1 && hf[k] <= u {
		k++
	}
	x[i] = uint8(k)
}

// fields writes into hf (length q) the local fields of site i,
// h_i(a) + Σ_{j≠i} J_ij(a, x_j), up to a constant, from the quantized sums.
func (g *Gibbs) fields(i int, sums []uint64, hf []float32) {
	q := len(hf)
	h := g.h[i*q : (i+1)*q : (i+1)*q]
	delta := g.delta[i]
	ref := int64(uint32(sums[0]))
	for a := range hf {
		s := int64(uint32(sums[a/2] >> (32 * (a % 2))))
		hf[a] = h[a] + float32(s-ref)*delta
	}
}

// exp32 returns e^x for x <= 0 with relative error below 1e-6 (0 below
// -87): e^x = 2^k 2^f with k = round(x log2 e) and |f| <= 1/2, 2^f by its
// degree-6 Taylor polynomial.
func exp32(x float32) float32 {
	if x < -87 {
		return 0
	}
	t := x * math.Log2E
	k := int32(t - 0.5) // rounds t <= 0 to the nearest integer
	f := (t - float32(k)) * math.Ln2
	p := 1 + f*(1+f*(1.0/2+f*(1.0/6+f*(1.0/24+f*(1.0/120+f*(1.0/720))))))
	return p * math.Float32frombits(uint32(k+127)<<23)
}

// Sampler returns the fast Gibbs sampler, which the trainer and the command
// line use for Potts models (sample.Provider).
func (m *Model) Sampler() sample.Sampler { return &Gibbs{} }
