package sample

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"boltzmann/model"
)

// DefaultMALATarget is the acceptance rate MALA step-size adaptation aims
// for by default: 0.574, optimal for MALA in high dimension (Roberts &
// Rosenthal 1998).
const DefaultMALATarget = 0.574

// MALA is the Metropolis-adjusted Langevin algorithm for models over
// continuous variables that implement model.EnergyGradient. A transition
// proposes, for every chain independently,
//
//	x' = x - ε ∇F(x) + √(2ε) ξ,   ξ ~ N(0, I),
//
// and accepts it with probability min(1, exp(F(x) - F(x') + log q(x|x') -
// log q(x'|x))), where q(y|x) ∝ exp(-|y - x + ε∇F(x)|²/(4ε)) is the proposal
// density (Roberts & Tweedie 1996). The Metropolis correction makes p_θ
// exactly invariant for any ε > 0; ε trades step length against
// acceptance. A proposal whose energy is NaN or +Inf is rejected.
//
// # Step-size adaptation
//
// If Adapt > 0, the first Adapt transitions made by this value (counted over
// all calls to Step) adapt ε after each transition towards the acceptance
// rate Target: log ε += (a - Target)/(k+1)^0.6, where a is the acceptance
// rate over all chains in transition k (a Robbins–Monro rule). Adaptation
// changes the kernel as it goes and so breaks detailed balance: use it
// during burn-in only and collect samples once it has stopped (Stats
// reports how many adapting transitions remain). The adapted ε is written
// to StepSize. Because a depends on all chains, the adapted ε is the same
// for every GOMAXPROCS.
//
// A MALA value keeps statistics and buffers between calls: use one value
// per set of chains, from one goroutine at a time.
type MALA struct {
	// StepSize is ε, in units of x². Zero means 0.1.
	StepSize float64
	// Adapt is the number of initial transitions during which StepSize is
	// adapted. Zero means no adaptation.
	Adapt int
	// Target is the acceptance rate aimed for while adapting. Zero means
	// DefaultMALATarget.
	Target float64

	adapted int
	stats   MALAStats
	blocks  []malaBlock
}

// MALAStats describes the transitions of the last call to MALA.Step.
type MALAStats struct {
	Proposed int     // number of proposals (chains × transitions)
	Accepted int     // number of accepted proposals
	StepSize float64 // ε at the end of the call
	// AdaptLeft is the number of adapting transitions left for later calls.
	AdaptLeft int
}

// AcceptRate returns Accepted/Proposed, or NaN if nothing was proposed.
func (s MALAStats) AcceptRate() float64 {
	if s.Proposed == 0 {
		return math.NaN()
	}
	return float64(s.Accepted) / float64(s.Proposed)
}

var _ Sampler = (*MALA)(nil)

// Stats returns the acceptance statistics of the last call to Step.
func (s *MALA) Stats() MALAStats { return s.stats }

// malaBlock holds one block's buffers: the proposal, the gradients at the
// current and proposed states, their free energies, and the number of
// accepted proposals in the current transition.
type malaBlock struct {
	xp, g, gp *mat.Dense
	f, fp     []float64
	accepted  int
}

// Step advances every chain in c by n MALA transitions under m. It panics
// if m does not implement model.EnergyGradient or if StepSize is negative
// or not finite.
func (s *MALA) Step(m model.Model, c *Chains, n int) {
	eg, ok := m.(model.EnergyGradient)
	if !ok {
		panic(fmt.Sprintf("sample: MALA needs a model.EnergyGradient, got %T", m))
	}
	if m.Dim() != c.Dim() {
		panic(fmt.Sprintf("sample: MALA with chains of dimension %d for a model of dimension %d", c.Dim(), m.Dim()))
	}
	if s.StepSize == 0 {
		s.StepSize = 0.1
	}
	if !(s.StepSize > 0) || math.IsInf(s.StepSize, 1) {
		panic(fmt.Sprintf("sample: MALA.StepSize must be positive and finite, got %v", s.StepSize))
	}
	target := s.Target
	if target == 0 {
		target = DefaultMALATarget
	}
	c.SetHidden(nil)
	s.prepare(eg, c)
	s.stats = MALAStats{}
	d := c.Dim()

	run := func(steps int) {
		eps := s.StepSize
		c.ForBlocks(func(lo, hi int, rng *rand.Rand) {
			blk := &s.blocks[lo/BlockSize]
			blk.accepted = 0
			x := c.Visible().Slice(lo, hi, 0, d).(*mat.Dense)
			for range steps {
				blk.transition(eg, x, eps, rng)
			}
		})
		for b := range s.blocks {
			s.stats.Accepted += s.blocks[b].accepted
		}
		s.stats.Proposed += steps * c.Len()
	}

	left := n
	for left > 0 && s.adapted < s.Adapt {
		before := s.stats.Accepted
		run(1)
		rate := float64(s.stats.Accepted-before) / float64(c.Len())
		s.StepSize *= math.Exp((rate - target) / math.Pow(float64(s.adapted+1), 0.6))
		s.adapted++
		left--
	}
	if left > 0 {
		run(left)
	}
	s.stats.StepSize = s.StepSize
	s.stats.AdaptLeft = max(s.Adapt-s.adapted, 0)
}

// prepare sizes the block buffers and evaluates F and ∇F at the current
// chain states (which the caller may have changed since the last Step).
func (s *MALA) prepare(m model.EnergyGradient, c *Chains) {
	d := c.Dim()
	if len(s.blocks) != c.NumBlocks() {
		s.blocks = make([]malaBlock, c.NumBlocks())
	}
	c.ForBlocks(func(lo, hi int, _ *rand.Rand) {
		blk := &s.blocks[lo/BlockSize]
		rows := hi - lo
		if blk.xp == nil || blk.xp.RawMatrix().Rows != rows || blk.xp.RawMatrix().Cols != d {
			*blk = malaBlock{
				xp: mat.NewDense(rows, d, nil),
				g:  mat.NewDense(rows, d, nil),
				gp: mat.NewDense(rows, d, nil),
				f:  make([]float64, rows),
				fp: make([]float64, rows),
			}
		}
		x := c.Visible().Slice(lo, hi, 0, d).(*mat.Dense)
		m.GradX(x, blk.g)
		m.FreeEnergy(x, blk.f)
	})
}

// transition makes one MALA transition of the chains x (the block's rows),
// whose gradients and free energies are in blk.g and blk.f on entry and on
// return.
func (blk *malaBlock) transition(m model.EnergyGradient, x *mat.Dense, eps float64, rng *rand.Rand) {
	rows, _ := x.Dims()
	noise := math.Sqrt(2 * eps)
	for r := range rows {
		xr, gr, pr := x.RawRowView(r), blk.g.RawRowView(r), blk.xp.RawRowView(r)
		for i := range xr {
			pr[i] = xr[i] - eps*gr[i] + noise*rng.NormFloat64()
		}
	}
	m.GradX(blk.xp, blk.gp)
	m.FreeEnergy(blk.xp, blk.fp)
	for r := range rows {
		xr, gr := x.RawRowView(r), blk.g.RawRowView(r)
		pr, gpr := blk.xp.RawRowView(r), blk.gp.RawRowView(r)
		// log q(x'|x) and log q(x|x'), without the common normalization.
		fwd, rev := 0.0, 0.0
		for i := range xr {
			a := pr[i] - xr[i] + eps*gr[i]
			b := xr[i] - pr[i] + eps*gpr[i]
			fwd += a * a
			rev += b * b
		}
		logAccept := blk.f[r] - blk.fp[r] + (fwd-rev)/(4*eps)
		// NaN compares false: a proposal with undefined energy is rejected.
		if math.Log(rng.Float64()) < logAccept {
			copy(xr, pr)
			copy(gr, gpr)
			blk.f[r] = blk.fp[r]
			blk.accepted++
		}
	}
}
